package smb

import (
	"context"
	"fmt"

	smb2 "github.com/cloudsoda/go-smb2"

	"github.com/ctitui/ctitui/domain/secdesc"
)

// SecurityParts selects parts of a security descriptor to read or write
// (SECURITY_INFORMATION, [MS-DTYP] 2.4.7).
type SecurityParts uint32

// Parts of a security descriptor.
const (
	OwnerPart SecurityParts = SecurityParts(smb2.OwnerSecurityInformation)
	GroupPart SecurityParts = SecurityParts(smb2.GroupSecurityInformation)
	DACLPart  SecurityParts = SecurityParts(smb2.DACLSecurityInformation)
)

// Security reads the owner, group and DACL of a file or folder (SMB2
// QUERY_INFO, InfoType SMB2_0_INFO_SECURITY, [MS-SMB2] 2.2.37). The SACL is
// not asked for: it needs a privilege admins often lack and is not used.
func (s *Share) Security(ctx context.Context, rel string) (*secdesc.SecurityDescriptor, error) {
	if err := checkRel(rel); err != nil {
		return nil, err
	}
	f, cancel := s.with(ctx)
	defer cancel()
	raw, err := f.SecurityInfoRaw(rel, smb2.OwnerSecurityInformation|smb2.GroupSecurityInformation|smb2.DACLSecurityInformation)
	if err != nil {
		return nil, fmt.Errorf("read security of %s: %w", s.Path(rel), explain(err))
	}
	sd, err := secdesc.Decode(raw)
	if err != nil {
		return nil, fmt.Errorf("read security of %s: the server sent a descriptor we cannot read: %w", s.Path(rel), err)
	}
	return sd, nil
}

// SetSecurity writes the selected parts of sd to a file or folder (SMB2
// SET_INFO, [MS-SMB2] 2.2.39). Setting the owner needs WRITE_OWNER and, for
// an owner other than oneself, the restore privilege on the server.
func (s *Share) SetSecurity(ctx context.Context, rel string, sd *secdesc.SecurityDescriptor, parts SecurityParts) error {
	if err := checkRel(rel); err != nil {
		return err
	}
	if parts == 0 {
		return fmt.Errorf("set security of %s: no part selected", s.Path(rel))
	}
	raw, err := sd.Encode()
	if err != nil {
		return fmt.Errorf("set security of %s: encode descriptor: %w", s.Path(rel), err)
	}
	f, cancel := s.with(ctx)
	defer cancel()
	if err := f.SetSecurityInfoRaw(rel, smb2.SecurityInformationRequestFlags(parts), encodedSD(raw)); err != nil {
		return fmt.Errorf("set security of %s: %w", s.Path(rel), explain(err))
	}
	return nil
}

// encodedSD hands an already encoded descriptor to go-smb2's SET_INFO.
type encodedSD []byte

func (e encodedSD) Encode(dest []byte) { copy(dest, e) }
func (e encodedSD) Size() int          { return len(e) }
