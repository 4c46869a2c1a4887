package gpo

import (
	"fmt"

	"github.com/ctitui/ctitui/domain/secdesc"
)

// sidPreWin2kAccess is "Pre-Windows 2000 Compatible Access" (S-1-5-32-554),
// whose directory ACEs have no meaning on files.
const sidPreWin2kAccess = "S-1-5-32-554"

// FolderSD derives the security descriptor of a GPO's SYSVOL folder from
// the GPO object's descriptor, the way the Group Policy tools keep the two
// halves of a GPO in step ([MS-GPOL] 2.3: the GPO file system part is
// protected like its container). It produces what Samba's dsacl2fsacl
// produces and what `samba-tool gpo aclcheck` compares against:
//
//   - owner, group and control flags (so a protected DACL stays protected)
//     are copied;
//   - every allow ACE, plain or object, except for Pre-Windows 2000
//     Compatible Access, is kept with object-inherit and container-inherit
//     added (CREATOR OWNER also inherit-only), so files and folders inside
//     get it;
//   - its rights are mapped with secdesc.FileRightsFromDS; generic bits are
//     dropped first, as dsacl2fsacl does, because the directory stores
//     GPO ACEs with specific rights;
//   - deny ACEs are dropped (a GPO's DACL has none unless someone denies
//     Apply Group Policy, which matters in the directory only).
func FolderSD(ds *secdesc.SecurityDescriptor) (*secdesc.SecurityDescriptor, error) {
	if ds == nil || ds.DACL == nil {
		return nil, fmt.Errorf("GPO security descriptor has no DACL to mirror onto SYSVOL")
	}
	out := secdesc.New()
	out.Owner, out.Group = ds.Owner, ds.Group
	out.Control = ds.Control&^(secdesc.SACLPresent|secdesc.SACLAutoInherited|secdesc.SACLAutoInheritReq|secdesc.SACLProtected|secdesc.SACLDefaulted) | secdesc.SelfRelative
	pre2k := secdesc.MustSID(sidPreWin2kAccess)
	creator := secdesc.MustSID(secdesc.SIDCreatorOwner)
	const generic = secdesc.GenericRead | secdesc.GenericWrite | secdesc.GenericExecute | secdesc.GenericAll
	acl := secdesc.NewACL()
	for _, a := range ds.DACL.ACEs {
		if (a.Type != secdesc.AccessAllowed && a.Type != secdesc.AccessAllowedObject) || a.SID == pre2k {
			continue
		}
		a.Flags |= secdesc.ObjectInherit | secdesc.ContainerInherit
		if a.SID == creator {
			a.Flags |= secdesc.InheritOnly
		}
		a.Mask = secdesc.FileRightsFromDS(a.Mask &^ generic)
		acl.ACEs = append(acl.ACEs, a)
	}
	acl.FixRevision()
	out.SetDACL(acl)
	return out, nil
}
