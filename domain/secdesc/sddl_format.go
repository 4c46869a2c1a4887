package secdesc

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// SDDL renders the descriptor in SDDL ([MS-DTYP] 2.5.1), using aliases for
// well-known principals and for principals of domain (pass a zero SID to
// render domain SIDs in full). What SDDL cannot express (ACE types without
// an SDDL string, the application data of callback and resource attribute
// ACEs) is rendered in a form this package's parser reads back but Windows
// does not:
// "(0xNN;flags;#hex)" for a whole ACE and ";#hex" after the SID for
// application data.
func (sd *SecurityDescriptor) SDDL(domain SID) string {
	var b strings.Builder
	if sd.Owner != nil {
		b.WriteString("O:")
		b.WriteString(sidSDDL(*sd.Owner, domain))
	}
	if sd.Group != nil {
		b.WriteString("G:")
		b.WriteString(sidSDDL(*sd.Group, domain))
	}
	if sd.DACL != nil || sd.Control&DACLPresent != 0 {
		b.WriteString("D:")
		b.WriteString(aclFlagsSDDL(sd.Control, DACLProtected, DACLAutoInheritReq, DACLAutoInherited))
		writeACLSDDL(&b, sd.DACL, domain)
	}
	if sd.SACL != nil || sd.Control&SACLPresent != 0 {
		b.WriteString("S:")
		b.WriteString(aclFlagsSDDL(sd.Control, SACLProtected, SACLAutoInheritReq, SACLAutoInherited))
		writeACLSDDL(&b, sd.SACL, domain)
	}
	return b.String()
}

// String renders the descriptor in SDDL without a domain.
func (sd *SecurityDescriptor) String() string { return sd.SDDL(SID{}) }

// aclFlagsSDDL renders the acl-flags of a DACL or SACL: P, AR, AI.
func aclFlagsSDDL(c, protected, autoInheritReq, autoInherited Control) string {
	var s string
	if c&protected != 0 {
		s += "P"
	}
	if c&autoInheritReq != 0 {
		s += "AR"
	}
	if c&autoInherited != 0 {
		s += "AI"
	}
	return s
}

// writeACLSDDL writes the ACEs of acl, or NO_ACCESS_CONTROL for a NULL
// ACL.
func writeACLSDDL(b *strings.Builder, acl *ACL, domain SID) {
	if acl == nil {
		b.WriteString(sddlNoAccessControl)
		return
	}
	for _, a := range acl.ACEs {
		b.WriteString(a.SDDL(domain))
	}
}

// SDDL renders one ACE as an SDDL ace string ([MS-DTYP] 2.5.1.1).
func (a ACE) SDDL(domain SID) string {
	typ, ok := aceTypeSDDL(a.Type)
	if !ok {
		return fmt.Sprintf("(0x%02X;%s;#%s)", uint8(a.Type), aceFlagsSDDL(a.Flags), hex.EncodeToString(a.body()))
	}
	var b strings.Builder
	b.WriteByte('(')
	b.WriteString(typ)
	b.WriteByte(';')
	b.WriteString(aceFlagsSDDL(a.Flags))
	b.WriteByte(';')
	if a.Type == SystemMandatoryLabel {
		b.WriteString(labelRightsSDDL(a.Mask))
	} else {
		b.WriteString(RightsSDDL(a.Mask))
	}
	b.WriteByte(';')
	if a.ObjectType != nil {
		b.WriteString(a.ObjectType.String())
	}
	b.WriteByte(';')
	if a.InheritedObjectType != nil {
		b.WriteString(a.InheritedObjectType.String())
	}
	b.WriteByte(';')
	b.WriteString(sidSDDL(a.SID, domain))
	if len(a.ExtraData) > 0 && (a.Type.IsCallback() || a.Type == SystemResourceAttribute) {
		b.WriteString(";#")
		b.WriteString(hex.EncodeToString(a.ExtraData))
	}
	b.WriteByte(')')
	return b.String()
}

// aceTypeSDDL returns the SDDL ace-type string of t.
func aceTypeSDDL(t ACEType) (string, bool) {
	for _, tok := range aceTypeTokens() {
		if tok.bits == t {
			return tok.token, true
		}
	}
	return "", false
}

// aceFlagsSDDL renders ACE flags; bits without an SDDL string follow as
// hexadecimal.
func aceFlagsSDDL(f ACEFlags) string {
	var s string
	for _, tok := range aceFlagTokens() {
		if f&tok.bits != 0 {
			s += tok.token
			f &^= tok.bits
		}
	}
	if f != 0 {
		s += fmt.Sprintf("0x%x", uint8(f))
	}
	return s
}

// RightsSDDL renders an access mask as SDDL rights: a composite string for
// an exact file-rights match (FA, FR, FW, FX), else the single-right
// strings when they cover every bit, else hexadecimal, as Windows does.
func RightsSDDL(m AccessMask) string {
	for _, tok := range fileRightTokens() {
		if m == tok.bits {
			return tok.token
		}
	}
	return tokensOrHex(m, rightTokens())
}

// labelRightsSDDL renders the policy mask of a mandatory label ACE.
func labelRightsSDDL(m AccessMask) string { return tokensOrHex(m, labelRightTokens()) }

// tokensOrHex renders m as the concatenation of tokens if they cover every
// bit, else as 0x-prefixed hexadecimal.
func tokensOrHex(m AccessMask, tokens []sddlToken[AccessMask]) string {
	var s string
	rest := m
	for _, tok := range tokens {
		if rest&tok.bits != 0 {
			s += tok.token
			rest &^= tok.bits
		}
	}
	if rest != 0 {
		return fmt.Sprintf("0x%x", uint32(m))
	}
	return s
}

// sidSDDL renders a SID as its alias when it has one in domain.
func sidSDDL(s SID, domain SID) string {
	if alias, ok := PrincipalAlias(s, domain); ok {
		return alias
	}
	return s.String()
}
