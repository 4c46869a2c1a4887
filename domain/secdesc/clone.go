package secdesc

import "slices"

// Clone returns a deep copy of the descriptor, keeping its decoded layout,
// so that a DACL can be edited while the original stays as read.
func (sd *SecurityDescriptor) Clone() *SecurityDescriptor {
	c := *sd
	if sd.Owner != nil {
		c.Owner = new(*sd.Owner)
	}
	if sd.Group != nil {
		c.Group = new(*sd.Group)
	}
	c.SACL = sd.SACL.Clone()
	c.DACL = sd.DACL.Clone()
	if sd.found != nil {
		f := *sd.found
		f.order = slices.Clone(f.order)
		f.gaps = slices.Clone(f.gaps)
		c.found = &f
	}
	return &c
}

// Clone returns a deep copy of the ACL; nil for nil.
func (acl *ACL) Clone() *ACL {
	if acl == nil {
		return nil
	}
	c := *acl
	c.Trailer = slices.Clone(acl.Trailer)
	c.ACEs = make([]ACE, len(acl.ACEs))
	for i, a := range acl.ACEs {
		c.ACEs[i] = a.clone()
	}
	return &c
}

// clone deep-copies the GUID pointers and byte slices of an ACE.
func (a ACE) clone() ACE {
	if a.ObjectType != nil {
		a.ObjectType = new(*a.ObjectType)
	}
	if a.InheritedObjectType != nil {
		a.InheritedObjectType = new(*a.InheritedObjectType)
	}
	a.ExtraData = slices.Clone(a.ExtraData)
	a.Body = slices.Clone(a.Body)
	return a
}

// ACLDiff lists how one ACL differs from another, ACE by ACE.
type ACLDiff struct {
	// Removed are ACEs of the old ACL missing from the new one, with
	// their index in the old ACL.
	Removed []Match
	// Added are ACEs of the new ACL missing from the old one, with their
	// index in the new ACL.
	Added []Match
}

// DiffACL compares two ACLs as multisets of ACEs (an order change alone is
// no difference); nil stands for no ACL. Match.Bits holds each ACE's mask.
func DiffACL(old, updated *ACL) ACLDiff {
	var d ACLDiff
	var oldACEs, newACEs []ACE
	if old != nil {
		oldACEs = old.ACEs
	}
	if updated != nil {
		newACEs = updated.ACEs
	}
	used := make([]bool, len(newACEs))
	for i, a := range oldACEs {
		j := -1
		for k, b := range newACEs {
			if !used[k] && sameACE(a, b) {
				j = k
				break
			}
		}
		if j < 0 {
			d.Removed = append(d.Removed, Match{Index: i, ACE: a, Bits: a.Mask})
			continue
		}
		used[j] = true
	}
	for j, b := range newACEs {
		if !used[j] {
			d.Added = append(d.Added, Match{Index: j, ACE: b, Bits: b.Mask})
		}
	}
	return d
}
