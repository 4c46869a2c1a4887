package secdesc

import (
	"reflect"
	"slices"
)

// AllowACE builds an ACCESS_ALLOWED ACE ([MS-DTYP] 2.4.4.2).
func AllowACE(trustee SID, mask AccessMask, flags ACEFlags) ACE {
	return ACE{Type: AccessAllowed, Flags: flags, Mask: mask, SID: trustee}
}

// DenyACE builds an ACCESS_DENIED ACE ([MS-DTYP] 2.4.4.4).
func DenyACE(trustee SID, mask AccessMask, flags ACEFlags) ACE {
	return ACE{Type: AccessDenied, Flags: flags, Mask: mask, SID: trustee}
}

// AllowObjectACE builds an ACCESS_ALLOWED_OBJECT ACE ([MS-DTYP] 2.4.4.3);
// objectType and inheritedObjectType may be nil.
func AllowObjectACE(trustee SID, mask AccessMask, flags ACEFlags, objectType, inheritedObjectType *GUID) ACE {
	return ACE{Type: AccessAllowedObject, Flags: flags, Mask: mask, SID: trustee,
		ObjectType: objectType, InheritedObjectType: inheritedObjectType}
}

// DenyObjectACE builds an ACCESS_DENIED_OBJECT ACE ([MS-DTYP] 2.4.4.5).
func DenyObjectACE(trustee SID, mask AccessMask, flags ACEFlags, objectType, inheritedObjectType *GUID) ACE {
	return ACE{Type: AccessDeniedObject, Flags: flags, Mask: mask, SID: trustee,
		ObjectType: objectType, InheritedObjectType: inheritedObjectType}
}

// canonicalGroup is the rank of an ACE in canonical order: explicit denies,
// then other explicit ACEs, then inherited ACEs in the order they were
// inherited (the order Windows and GPMC keep, see "Order of ACEs in a
// DACL" in the Windows security documentation).
func canonicalGroup(a ACE) int {
	switch {
	case a.IsInherited():
		return 2
	case a.Type.IsDeny():
		return 0
	default:
		return 1
	}
}

// IsCanonical reports whether the ACEs are in canonical order.
func (acl *ACL) IsCanonical() bool {
	return slices.IsSortedFunc(acl.ACEs, func(x, y ACE) int { return canonicalGroup(x) - canonicalGroup(y) })
}

// Canonicalize puts the ACEs in canonical order, keeping the relative
// order within each group, as GPMC does before it writes a DACL.
func (acl *ACL) Canonicalize() {
	slices.SortStableFunc(acl.ACEs, func(x, y ACE) int { return canonicalGroup(x) - canonicalGroup(y) })
}

// Add inserts a at the end of its canonical group (an explicit deny after
// the other explicit denies, an explicit allow before the inherited ACEs)
// unless an identical ACE is already there; it reports whether it added. The
// revision is raised to ACL_REVISION_DS for an object ACE.
func (acl *ACL) Add(a ACE) bool {
	if slices.ContainsFunc(acl.ACEs, func(x ACE) bool { return sameACE(x, a) }) {
		return false
	}
	g := canonicalGroup(a)
	at := len(acl.ACEs)
	for i, x := range acl.ACEs {
		if canonicalGroup(x) > g {
			at = i
			break
		}
	}
	acl.ACEs = slices.Insert(acl.ACEs, at, a)
	if a.Type.IsObject() && acl.Revision < ACLRevisionDS {
		acl.Revision = ACLRevisionDS
	}
	return true
}

// RemoveFunc deletes the ACEs for which match is true and returns them.
func (acl *ACL) RemoveFunc(match func(ACE) bool) []ACE {
	var removed []ACE
	kept := acl.ACEs[:0]
	for _, a := range acl.ACEs {
		if match(a) {
			removed = append(removed, a)
		} else {
			kept = append(kept, a)
		}
	}
	clear(acl.ACEs[len(kept):])
	acl.ACEs = kept
	return removed
}

// RemoveTrustee deletes the explicit ACEs naming trustee and returns them.
// Inherited ACEs stay: they come back from the parent anyway and are
// changed there.
func (acl *ACL) RemoveTrustee(trustee SID) []ACE {
	return acl.RemoveFunc(func(a ACE) bool { return !a.IsInherited() && a.SID == trustee })
}

// Find returns the indexes of the ACEs for which match is true.
func (acl *ACL) Find(match func(ACE) bool) []int {
	var idx []int
	for i, a := range acl.ACEs {
		if match(a) {
			idx = append(idx, i)
		}
	}
	return idx
}

// sameACE compares two ACEs field by field, treating nil and empty byte
// slices alike.
func sameACE(x, y ACE) bool {
	x.ExtraData, y.ExtraData = copyNonEmpty(x.ExtraData), copyNonEmpty(y.ExtraData)
	x.Body, y.Body = copyNonEmpty(x.Body), copyNonEmpty(y.Body)
	x.ObjectFlags, y.ObjectFlags = x.objectFlagsOnWire(), y.objectFlagsOnWire()
	return reflect.DeepEqual(x, y)
}
