package domain

import (
	"context"
	"fmt"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain/secdesc"
)

// sdFlagsControl asks the DC for (or writes only) the parts si selects of
// nTSecurityDescriptor ([MS-ADTS] 3.1.1.3.4.1.11). Without it a DC returns
// or replaces all four parts, and writing the owner or SACL needs rights an
// admin tool should not ask for.
func sdFlagsControl(si secdesc.SecurityInformation) ldap.Control {
	return ldap.NewControlString(secdesc.SDFlagsControlOID, true, string(secdesc.SDFlagsControlValue(si)))
}

// ReadSecurityDescriptor reads the parts si selects of an object's
// nTSecurityDescriptor, decoded, plus the raw bytes as the DC sent them.
func (c *Conn) ReadSecurityDescriptor(ctx context.Context, dn string, si secdesc.SecurityInformation) (*secdesc.SecurityDescriptor, []byte, error) {
	res, err := c.search(ctx, ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"nTSecurityDescriptor"}, []ldap.Control{sdFlagsControl(si)}))
	if err != nil {
		return nil, nil, fmt.Errorf("read security descriptor of %q: %w", dn, explainRights(err, "Read permissions (READ_CONTROL)"))
	}
	if len(res.Entries) != 1 {
		return nil, nil, fmt.Errorf("read security descriptor of %q: object not found", dn)
	}
	raw := res.Entries[0].GetRawAttributeValue("nTSecurityDescriptor")
	if len(raw) == 0 {
		return nil, nil, fmt.Errorf("read security descriptor of %q: the DC returned none (missing Read permissions right?)", dn)
	}
	sd, err := secdesc.Decode(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("security descriptor of %q: %w", dn, err)
	}
	return sd, raw, nil
}

// WriteSecurityDescriptor replaces only the parts si selects of an object's
// nTSecurityDescriptor (typically secdesc.DACLSecurityInformation).
func (c *Conn) WriteSecurityDescriptor(ctx context.Context, dn string, sd *secdesc.SecurityDescriptor, si secdesc.SecurityInformation) error {
	raw, err := sd.Only(si).Encode()
	if err != nil {
		return fmt.Errorf("encode security descriptor for %q: %w", dn, err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	req := ldap.NewModifyRequest(dn, []ldap.Control{sdFlagsControl(si)})
	req.Replace("nTSecurityDescriptor", []string{string(raw)})
	if err := c.ldap.Modify(req); err != nil {
		return fmt.Errorf("write security descriptor of %q: %w", dn, explainRights(err, "Modify permissions (WRITE_DAC)"))
	}
	return nil
}

// DomainSID is the SID of the domain (the objectSid of its root object);
// domain-relative principals such as Domain Computers (RID 515) hang off it.
func (c *Conn) DomainSID(ctx context.Context) (secdesc.SID, error) {
	res, err := c.search(ctx, ldap.NewSearchRequest(c.root.DefaultNamingContext, ldap.ScopeBaseObject,
		ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", []string{"objectSid"}, nil))
	if err != nil {
		return secdesc.SID{}, fmt.Errorf("read domain SID: %w", err)
	}
	if len(res.Entries) != 1 {
		return secdesc.SID{}, fmt.Errorf("read domain SID: domain object not found")
	}
	sid, _, err := secdesc.DecodeSID(res.Entries[0].GetRawAttributeValue("objectSid"))
	if err != nil {
		return secdesc.SID{}, fmt.Errorf("domain SID: %w", err)
	}
	return sid, nil
}

// explainRights names the missing right when the DC refuses an operation
// with insufficientAccessRights (LDAP 50).
func explainRights(err error, right string) error {
	if ldap.IsErrorWithCode(err, ldap.LDAPResultInsufficientAccessRights) {
		return fmt.Errorf("%w: your account lacks the %s right on this object; use a Domain Admin account or delegate the right", err, right)
	}
	return err
}
