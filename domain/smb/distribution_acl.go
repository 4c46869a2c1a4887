package smb

import (
	"context"
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
	sd.Control |= secdesc.DACLProtected | secdesc.DACLAutoInherited
	return sd, nil
}

// InheritedFileDACL is the DACL a file gets in a folder with DACL parent
// ([MS-DTYP] 2.5.3.4.2, CreateSecurityDescriptor / ComputeACL): the file's
// own explicit ACEs, then every ACE of the parent that is inherited by files
// (OI), marked inherited (ID) and without inheritance flags, which mean
// nothing on a file.
func InheritedFileDACL(parent, child *secdesc.ACL) *secdesc.ACL {
	out := secdesc.NewACL()
	if child != nil {
		out.Revision = child.Revision
		for _, a := range child.ACEs {
			if !a.IsInherited() {
				out.ACEs = append(out.ACEs, a)
			}
		}
	}
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
// re-applies inheritance to the listed files in it (SMB servers do not
// propagate a changed DACL to existing files; Windows Explorer does that
// on the client, and so do we).
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
		cur, err := s.Security(ctx, rel)
		if err != nil {
			return err
		}
		if cur.Control&secdesc.DACLProtected != 0 {
			return fmt.Errorf("set permissions on %s: the file does not inherit (protected DACL); enable inheritance on it or remove it", s.Path(rel))
		}
		next := secdesc.New()
		next.SetDACL(InheritedFileDACL(folder.DACL, cur.DACL))
		next.Control |= secdesc.DACLAutoInherited
		if err := s.SetSecurity(ctx, rel, next, DACLPart); err != nil {
			return err
		}
	}
	return nil
}

// ComputersCanRead checks with the file's own DACL whether a member of
// Domain Computers, logged on over the network, gets Read & Execute on rel:
// what SYSTEM on a client needs to install the MSI.
func (s *Share) ComputersCanRead(ctx context.Context, rel string, domainSID secdesc.SID) (secdesc.Decision, error) {
	computers, err := domainSID.WithRID(secdesc.RIDDomainComputers)
	if err != nil {
		return secdesc.Decision{}, fmt.Errorf("check read access: domain SID %s: %w", domainSID, err)
	}
	sd, err := s.Security(ctx, rel)
	if err != nil {
		return secdesc.Decision{}, err
	}
	return secdesc.Evaluate(sd, secdesc.NetworkLogonToken(computers), secdesc.FileReadRequest()), nil
}
