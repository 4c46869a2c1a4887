package smb

import (
	"context"
	"errors"
	"fmt"

	"github.com/ctitui/ctitui/domain/secdesc"
)

// DistributionDACL is the guide's folder permission for an MSI distribution
// folder: SYSTEM and Domain Admins Full Control, Domain Computers Read &
// Execute, each inherited by subfolders and files (CI|OI). Domain Computers
// matter because Computer Configuration installs run as SYSTEM, which
// reaches the network as the computer account. The DACL is protected ("P"),
// so nothing inherited from above widens or narrows it: the folder has
// exactly these permissions.
func DistributionDACL(domainSID secdesc.SID) (*secdesc.SecurityDescriptor, error) {
	admins, err := domainSID.WithRID(secdesc.RIDDomainAdmins)
	if err != nil {
		return nil, fmt.Errorf("distribution folder permissions: domain SID %s: %w", domainSID, err)
	}
	computers, err := domainSID.WithRID(secdesc.RIDDomainComputers)
	if err != nil {
		return nil, fmt.Errorf("distribution folder permissions: domain SID %s: %w", domainSID, err)
	}
	inherit := secdesc.ObjectInherit | secdesc.ContainerInherit
	sd := secdesc.New()
	sd.SetDACL(secdesc.NewACL(
		secdesc.AllowACE(secdesc.MustSID(secdesc.SIDLocalSystem), secdesc.FileAllAccess, inherit),
		secdesc.AllowACE(admins, secdesc.FileAllAccess, inherit),
		secdesc.AllowACE(computers, secdesc.FileReadAndExecute, inherit),
	))
	// AutoInheritReq asks the server to treat the ACEs as the source of
	// inheritance for new children (SE_DACL_AUTO_INHERIT_REQ, [MS-DTYP]
	// 2.4.6), so files created later get them marked inherited.
	sd.Control |= secdesc.DACLProtected | secdesc.DACLAutoInheritReq | secdesc.DACLAutoInherited
	return sd, nil
}

// InheritedFileDACL is the DACL a file without explicit ACEs gets in a
// folder with DACL parent ([MS-DTYP] 2.5.3.4.2, ComputeACL): every ACE of the
// parent that files inherit (OI), marked inherited (ID) and without the
// inheritance flags, which mean nothing on a file.
func InheritedFileDACL(parent *secdesc.ACL) *secdesc.ACL {
	out := secdesc.NewACL()
	if parent != nil {
		for _, a := range parent.ACEs {
			if a.Flags&secdesc.ObjectInherit == 0 {
				continue
			}
			a.Flags = a.Flags&^(secdesc.ObjectInherit|secdesc.ContainerInherit|secdesc.NoPropagateInherit|secdesc.InheritOnly) | secdesc.Inherited
			out.ACEs = append(out.ACEs, a)
		}
	}
	out.FixRevision()
	return out
}

// ApplyDistributionACL sets DistributionDACL on the folder dirRel and
// resets the listed files in it to inherit exactly that, dropping their own
// explicit ACEs, like Explorer's "Replace all child object permission entries
// with inheritable permissions from this object". SMB servers do not
// propagate a changed DACL to existing files (Windows does that on the
// client), and a file created by the upload may carry explicit ACEs the
// server made up from its defaults (Samba maps the POSIX mode, which gives
// Everyone read).
func (s *Share) ApplyDistributionACL(ctx context.Context, dirRel string, domainSID secdesc.SID, files ...string) error {
	if dirRel == "" {
		return fmt.Errorf("set permissions on %s: refusing to change the share root; use a folder for the application", s.Path(""))
	}
	folder, err := DistributionDACL(domainSID)
	if err != nil {
		return err
	}
	if err := s.SetSecurity(ctx, dirRel, folder, DACLPart); err != nil {
		return err
	}
	for _, name := range files {
		rel := dirRel + `\` + name
		next := secdesc.New()
		next.SetDACL(InheritedFileDACL(folder.DACL))
		next.Control |= secdesc.DACLAutoInheritReq | secdesc.DACLAutoInherited
		if err := s.SetSecurity(ctx, rel, next, DACLPart); err != nil {
			return err
		}
	}
	return nil
}

// ErrShareRefusesComputers is returned by ComputersCanRead when the share's
// own permissions keep Domain Computers out, whatever the file allows.
var ErrShareRefusesComputers = errors.New("the share's permissions do not let Domain Computers connect")

// ComputersCanRead checks whether a member of Domain Computers, logged on
// over the network, gets Read & Execute on rel: what SYSTEM on a client
// needs to install the MSI. The share-level permissions come first (the
// server checks them at tree connect): when they keep computers out the
// answer is an error wrapping ErrShareRefusesComputers that names the share
// and the fix. The decision is then the file's own DACL's.
func (s *Share) ComputersCanRead(ctx context.Context, rel string, domainSID secdesc.SID) (secdesc.Decision, error) {
	computers, err := domainSID.WithRID(secdesc.RIDDomainComputers)
	if err != nil {
		return secdesc.Decision{}, fmt.Errorf("check read access: domain SID %s: %w", domainSID, err)
	}
	token := secdesc.NetworkLogonToken(computers)
	if err := s.shareAdmits(ctx, token, domainSID); err != nil {
		return secdesc.Decision{}, err
	}
	sd, err := s.Security(ctx, rel)
	if err != nil {
		return secdesc.Decision{}, err
	}
	return secdesc.Evaluate(sd, token, secdesc.FileReadRequest()), nil
}

// shareAdmits evaluates the share-level permissions for token. They are
// read once per mount. When they cannot be read — the account is not an
// administrator of the file server, or the server has no srvsvc — the
// check is left to the file's DACL rather than guessed; a cancelled or
// timed-out context is an error.
func (s *Share) shareAdmits(ctx context.Context, token secdesc.Token, domainSID secdesc.SID) error {
	s.levelMu.Lock()
	if !s.levelRead {
		sd, err := s.client.ShareSecurity(ctx, s.name)
		if err != nil && ctx.Err() != nil {
			s.levelMu.Unlock()
			return err
		}
		s.levelRead, s.level, s.levelKnown = true, sd, err == nil
	}
	sd, known := s.level, s.levelKnown
	s.levelMu.Unlock()
	if !known || sd == nil {
		return nil
	}
	if dec := secdesc.Evaluate(sd, token, secdesc.FileReadRequest()); !dec.Granted {
		return fmt.Errorf("%w: %s (%s); give Domain Computers (or Everyone) Read in the share permissions of %s",
			ErrShareRefusesComputers, s.Path(""), dec.Explain(secdesc.Names(domainSID, nil), secdesc.FileMapping()), s.Path(""))
	}
	return nil
}
