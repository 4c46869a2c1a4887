package smb

import (
	"context"
	"fmt"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain/secdesc"
)

// Directory is the part of an LDAP connection DomainSID needs;
// *domain.Conn has it.
type Directory interface {
	SearchAll(ctx context.Context, base string, scope int, filter string, attrs []string) ([]*ldap.Entry, error)
}

// DomainSID reads the domain's SID (objectSid of the domain head,
// [MS-ADTS] 6.1.1.1), needed to name Domain Admins (RID 512) and Domain
// Computers (RID 515) in folder permissions.
// base is the domain's DN (the rootDSE's defaultNamingContext).
func DomainSID(ctx context.Context, dir Directory, base string) (secdesc.SID, error) {
	entries, err := dir.SearchAll(ctx, base, ldap.ScopeBaseObject, "(objectClass=*)", []string{"objectSid"})
	if err != nil {
		return secdesc.SID{}, fmt.Errorf("read the domain SID: %w", err)
	}
	if len(entries) != 1 {
		return secdesc.SID{}, fmt.Errorf("read the domain SID: %s returned %d entries, want 1", base, len(entries))
	}
	raw := entries[0].GetRawAttributeValue("objectSid")
	sid, _, err := secdesc.DecodeSID(raw)
	if err != nil {
		return secdesc.SID{}, fmt.Errorf("read the domain SID of %s: %w", base, err)
	}
	if !sid.IsDomain() {
		return secdesc.SID{}, fmt.Errorf("read the domain SID of %s: %s is not a domain SID", base, sid)
	}
	return sid, nil
}
