package secdesc

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// ParseSDDL parses an SDDL security descriptor string ([MS-DTYP] 2.5.1).
// Domain-relative aliases (DA, DC, DU, ...) resolve against domain. The
// parts may come in any order; whitespace is ignored. ACLs get the revision
// Windows gives them (see NewACL). The non-standard forms SDDL renders for
// ACEs without an SDDL representation are accepted too. Positions in errors
// count the characters of s without its white space.
func ParseSDDL(s string, domain SID) (*SecurityDescriptor, error) {
	p := &sddlParser{in: stripSpace(s), domain: domain}
	sd := New()
	seen := map[byte]bool{}
	for !p.done() {
		if p.pos+2 > len(p.in) || p.in[p.pos+1] != ':' {
			return nil, p.errorf("want O:, G:, D: or S:")
		}
		part := p.in[p.pos]
		if seen[part] {
			return nil, p.errorf("%c: given twice", part)
		}
		seen[part] = true
		p.pos += 2
		switch part {
		case 'O', 'G':
			sid, err := p.sid()
			if err != nil {
				return nil, err
			}
			if part == 'O' {
				sd.Owner = &sid
			} else {
				sd.Group = &sid
			}
		case 'D':
			acl, flags, err := p.acl(DACLProtected, DACLAutoInheritReq, DACLAutoInherited)
			if err != nil {
				return nil, err
			}
			sd.DACL = acl
			sd.Control |= DACLPresent | flags
		case 'S':
			acl, flags, err := p.acl(SACLProtected, SACLAutoInheritReq, SACLAutoInherited)
			if err != nil {
				return nil, err
			}
			sd.SACL = acl
			sd.Control |= SACLPresent | flags
		default:
			p.pos -= 2
			return nil, p.errorf("unknown part %q, want O:, G:, D: or S:", part)
		}
	}
	return sd, nil
}

// ParseACESDDL parses one parenthesised SDDL ACE string.
func ParseACESDDL(s string, domain SID) (ACE, error) {
	p := &sddlParser{in: stripSpace(s), domain: domain}
	a, err := p.ace()
	if err != nil {
		return ACE{}, err
	}
	if !p.done() {
		return ACE{}, p.errorf("unexpected text after the ACE")
	}
	return a, nil
}

// stripSpace removes all white space, which SDDL allows between tokens.
func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// sddlParser reads an SDDL string left to right.
type sddlParser struct {
	in     string
	pos    int
	domain SID
}

func (p *sddlParser) done() bool { return p.pos >= len(p.in) }

// errorf reports an error at the current position.
func (p *sddlParser) errorf(format string, args ...any) error {
	return fmt.Errorf("secdesc: SDDL at position %d: %s: %w", p.pos, fmt.Sprintf(format, args...), ErrMalformed)
}

// sid reads a SID string or alias for O: or G:.
func (p *sddlParser) sid() (SID, error) {
	start := p.pos
	if strings.HasPrefix(p.in[p.pos:], "S-") {
		p.pos += 2
		p.scanSIDTail()
	} else {
		p.pos = min(p.pos+2, len(p.in))
	}
	return p.trustee(p.in[start:p.pos], start)
}

// scanSIDTail moves past the digits and dashes of a SID string; a segment
// written "0x" takes hexadecimal digits. Parts letters such as D in "D:"
// therefore end the SID.
func (p *sddlParser) scanSIDTail() {
	for !p.done() {
		c := p.in[p.pos]
		switch {
		case c >= '0' && c <= '9' || c == '-':
			p.pos++
		case (c == 'x' || c == 'X') && p.in[p.pos-1] == '0' && p.in[p.pos-2] == '-':
			p.pos++
			// A 48-bit authority has at most 12 hexadecimal digits.
			for n := 0; n < 12 && !p.done() && strings.IndexByte("0123456789abcdefABCDEF", p.in[p.pos]) >= 0; n++ {
				p.pos++
			}
		default:
			return
		}
	}
}

// trustee resolves a SID string or alias found at position at.
func (p *sddlParser) trustee(tok string, at int) (SID, error) {
	if strings.HasPrefix(tok, "S-") {
		sid, err := ParseSID(tok)
		if err != nil {
			return SID{}, fmt.Errorf("secdesc: SDDL at position %d: %w", at, err)
		}
		return sid, nil
	}
	sid, ok := AliasSID(tok, p.domain)
	if !ok {
		if _, known := AliasSID(tok, MustSID("S-1-5-21-0-0-0")); known {
			return SID{}, fmt.Errorf("secdesc: SDDL at position %d: alias %q is relative to a domain and no domain SID was given: %w", at, tok, ErrMalformed)
		}
		return SID{}, fmt.Errorf("secdesc: SDDL at position %d: unknown SID alias %q: %w", at, tok, ErrMalformed)
	}
	return sid, nil
}

// acl reads acl-flags then either NO_ACCESS_CONTROL or ACEs.
func (p *sddlParser) acl(protected, autoInheritReq, autoInherited Control) (*ACL, Control, error) {
	var flags Control
	for !p.done() && p.in[p.pos] != '(' {
		rest := p.in[p.pos:]
		switch {
		case strings.HasPrefix(rest, sddlNoAccessControl):
			p.pos += len(sddlNoAccessControl)
			return nil, flags, nil
		case strings.HasPrefix(rest, "AR"):
			flags |= autoInheritReq
			p.pos += 2
		case strings.HasPrefix(rest, "AI"):
			flags |= autoInherited
			p.pos += 2
		case strings.HasPrefix(rest, "P"):
			flags |= protected
			p.pos++
		default:
			if len(rest) >= 2 && rest[1] == ':' {
				return NewACL(), flags, nil
			}
			return nil, 0, p.errorf("unknown ACL flag in %q", rest[:min(len(rest), 8)])
		}
	}
	var aces []ACE
	for !p.done() && p.in[p.pos] == '(' {
		a, err := p.ace()
		if err != nil {
			return nil, 0, err
		}
		aces = append(aces, a)
	}
	return NewACL(aces...), flags, nil
}

// ace reads one "(type;flags;rights;guid;guid;sid[;data])" ACE.
func (p *sddlParser) ace() (ACE, error) {
	if p.done() || p.in[p.pos] != '(' {
		return ACE{}, p.errorf("want ( to start an ACE")
	}
	end := strings.IndexByte(p.in[p.pos:], ')')
	if end < 0 {
		return ACE{}, p.errorf("ACE has no closing )")
	}
	start := p.pos + 1
	fields := strings.Split(p.in[start:p.pos+end], ";")
	p.pos += end + 1
	at := func(i int) int {
		n := start
		for _, f := range fields[:i] {
			n += len(f) + 1
		}
		return n
	}
	fail := func(i int, format string, args ...any) error {
		return fmt.Errorf("secdesc: SDDL at position %d: ACE field %d: %s: %w", at(i), i+1, fmt.Sprintf(format, args...), ErrMalformed)
	}
	if len(fields) == 3 && strings.HasPrefix(fields[0], "0x") {
		return opaqueACE(fields, fail)
	}
	if len(fields) != 6 && len(fields) != 7 {
		return ACE{}, fail(0, "ACE has %d fields, want 6 (type;flags;rights;object;inherited object;trustee)", len(fields))
	}
	var a ACE
	typ, ok := tokenBits(fields[0], aceTypeTokens())
	if !ok {
		return ACE{}, fail(0, "unknown ACE type %q", fields[0])
	}
	a.Type = typ
	flags, err := parseACEFlags(fields[1])
	if err != nil {
		return ACE{}, fail(1, "%v", err)
	}
	a.Flags = flags
	if a.Mask, err = parseRights(fields[2], a.Type == SystemMandatoryLabel); err != nil {
		return ACE{}, fail(2, "%v", err)
	}
	for i, dst := range []**GUID{&a.ObjectType, &a.InheritedObjectType} {
		if fields[3+i] == "" {
			continue
		}
		if !a.Type.IsObject() {
			return ACE{}, fail(3+i, "%s ACE cannot carry an object GUID", fields[0])
		}
		g, err := ParseGUID(fields[3+i])
		if err != nil {
			return ACE{}, fail(3+i, "%v", err)
		}
		*dst = &g
	}
	if a.SID, err = p.trustee(fields[5], at(5)); err != nil {
		return ACE{}, err
	}
	if len(fields) == 7 {
		if !a.Type.IsCallback() && a.Type != SystemResourceAttribute {
			return ACE{}, fail(6, "only callback and resource attribute ACEs carry application data")
		}
		data, ok := strings.CutPrefix(fields[6], "#")
		if !ok {
			return ACE{}, fail(6, "conditional expressions are not supported; application data must be #hex")
		}
		if a.ExtraData, err = hex.DecodeString(data); err != nil {
			return ACE{}, fail(6, "application data: %v", err)
		}
	}
	return a, nil
}

// opaqueACE reads the "(0xNN;flags;#hex)" form of an ACE whose type has no
// SDDL string; the body is decoded as the binary ACE would be.
func opaqueACE(fields []string, fail func(int, string, ...any) error) (ACE, error) {
	typ, err := strconv.ParseUint(fields[0][2:], 16, 8)
	if err != nil {
		return ACE{}, fail(0, "ACE type %q", fields[0])
	}
	if tok, ok := aceTypeSDDL(ACEType(typ)); ok {
		return ACE{}, fail(0, "type %s has an SDDL form; write it as %s", ACEType(typ), tok)
	}
	flags, err := parseACEFlags(fields[1])
	if err != nil {
		return ACE{}, fail(1, "%v", err)
	}
	data, ok := strings.CutPrefix(fields[2], "#")
	if !ok {
		return ACE{}, fail(2, "body must be #hex")
	}
	body, err := hex.DecodeString(data)
	if err != nil {
		return ACE{}, fail(2, "body: %v", err)
	}
	if len(body) > 0xFFFF-aceHeaderLen {
		return ACE{}, fail(2, "body of %d bytes does not fit AceSize", len(body))
	}
	raw := append([]byte{byte(typ), byte(flags), 0, 0}, body...)
	binary.LittleEndian.PutUint16(raw[2:], uint16(len(raw)))
	a, _, err := decodeACE(raw)
	if err != nil {
		return ACE{}, fail(2, "%v", err)
	}
	return a, nil
}

// tokenBits finds the bits of an exact token.
func tokenBits[T ~uint8 | ~uint32](tok string, tokens []sddlToken[T]) (T, bool) {
	for _, t := range tokens {
		if t.token == tok {
			return t.bits, true
		}
	}
	return 0, false
}

// parseACEFlags reads concatenated two-letter ACE flags, or 0x hex.
func parseACEFlags(s string) (ACEFlags, error) {
	var f ACEFlags
	for len(s) > 0 {
		if strings.HasPrefix(s, "0x") {
			v, err := strconv.ParseUint(s[2:], 16, 8)
			if err != nil {
				return 0, fmt.Errorf("ACE flags %q", s)
			}
			return f | ACEFlags(v), nil
		}
		if len(s) < 2 {
			return 0, fmt.Errorf("unknown ACE flag %q", s)
		}
		bit, ok := tokenBits(s[:2], aceFlagTokens())
		if !ok {
			return 0, fmt.Errorf("unknown ACE flag %q", s[:2])
		}
		f |= bit
		s = s[2:]
	}
	return f, nil
}

// parseRights reads rights: 0x hex, decimal, or concatenated two-letter
// right strings. Mandatory label ACEs use NR, NW and NX.
func parseRights(s string, label bool) (AccessMask, error) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		v, err := strconv.ParseUint(s[2:], 16, 32)
		if err != nil {
			return 0, fmt.Errorf("rights %q: not a 32-bit hexadecimal number", s)
		}
		return AccessMask(v), nil
	}
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		v, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return 0, fmt.Errorf("rights %q: not a 32-bit number", s)
		}
		return AccessMask(v), nil
	}
	var tokens []sddlToken[AccessMask]
	if label {
		tokens = labelRightTokens()
	} else {
		tokens = append(append(rightTokens(), fileRightTokens()...), registryRightTokens()...)
	}
	var m AccessMask
	for len(s) > 0 {
		if len(s) < 2 {
			return 0, fmt.Errorf("unknown right %q", s)
		}
		bits, ok := tokenBits(s[:2], tokens)
		if !ok {
			return 0, fmt.Errorf("unknown right %q", s[:2])
		}
		m |= bits
		s = s[2:]
	}
	return m, nil
}
