package secdesc

import "slices"

// Request is what an access check asks for.
type Request struct {
	// Desired is the access wanted. Generic bits are mapped with Mapping.
	Desired AccessMask
	// ObjectTypes names what the request is about when it is about part
	// of an object: the extended right, validated write, property or
	// property set, and, if object ACEs on it should count, the object's
	// class. An object ACE counts when its ObjectType is one of these;
	// an ACE without ObjectType always counts. This flattens the object
	// type list of [MS-DTYP] 2.5.3.2 to the one level the console needs.
	ObjectTypes []GUID
	// Self is the SID of the object being accessed when it is itself a
	// principal (a computer or user object); ACEs for PRINCIPAL_SELF
	// (S-1-5-10) then count when the token holds Self.
	Self *SID
	// Mapping gives the generic rights their meaning for the object.
	Mapping GenericMapping
}

// ReadRequest asks for GPMC's "Read" on an AD object: READ_CONTROL, list
// children, read properties, list object (LCRPLORC).
func ReadRequest() Request { return Request{Desired: DSGenericRead, Mapping: DSMapping()} }

// ApplyGroupPolicyRequest asks for the Apply Group Policy extended right
// ([MS-GPOL] 3.2.5.1.6).
func ApplyGroupPolicyRequest() Request {
	return Request{Desired: DSControlAccess, ObjectTypes: []GUID{MustGUID(GUIDApplyGroupPolicy)}, Mapping: DSMapping()}
}

// FileReadRequest asks for Explorer's "Read & execute" on a file or folder
// (FILE_GENERIC_READ | FILE_GENERIC_EXECUTE), what a computer needs to
// install an MSI from a share.
func FileReadRequest() Request { return Request{Desired: FileReadAndExecute, Mapping: FileMapping()} }

// Match is an ACE that took part in a decision.
type Match struct {
	// Index is the ACE's position in the DACL, from 0.
	Index int
	ACE   ACE
	// Bits are the requested rights this ACE granted (for an allow) or
	// denied (for a deny).
	Bits AccessMask
}

// Decision is the outcome of Evaluate with the reasons for it.
type Decision struct {
	// Granted is true when every desired right was granted.
	Granted bool
	// Desired is the request after generic mapping.
	Desired AccessMask
	// GrantedBits are the desired rights granted before the walk ended.
	GrantedBits AccessMask
	// Missing are the desired rights not granted.
	Missing AccessMask
	// Allowed lists the ACEs that granted rights, in DACL order.
	Allowed []Match
	// Denied is the ACE that denied a right still wanted, if any.
	Denied *Match
	// NullDACL is true when the descriptor has no DACL or a NULL DACL,
	// which grants everything.
	NullDACL bool
	// OwnerImplicit are the rights granted because the token holds the
	// owner SID (READ_CONTROL and WRITE_DAC unless an OWNER RIGHTS ACE
	// is present).
	OwnerImplicit AccessMask
}

// Evaluate runs the access check of [MS-DTYP] 2.5.3.2 on the DACL of sd,
// simplified to what deployment checks need: no privileges, no
// MAXIMUM_ALLOWED, no SACL. ACEs are walked in order; inherit-only ACEs are
// skipped; an allow grants the desired bits it covers that were not granted
// yet; a deny covering a bit not yet granted ends the walk, denied.
// Generic bits in ACE masks are mapped with req.Mapping, as Windows maps
// them when it creates a descriptor; stored descriptors keep them only in
// inherit-only ACEs, which are skipped anyway.
// Callback ACEs carry conditions this package does not evaluate: an allow
// callback grants nothing and a deny callback denies, as [MS-DTYP] 2.5.3.2
// does when a condition's result is unknown.
func Evaluate(sd *SecurityDescriptor, token Token, req Request) Decision {
	d := Decision{Desired: req.Mapping.Map(req.Desired)}
	if sd.DACL == nil || sd.Control&DACLPresent == 0 {
		// No DACL (the DACL-present bit is clear, whatever the offset
		// says) or a NULL DACL: everyone gets everything ([MS-DTYP]
		// 2.5.3.2, 2.4.6 DP).
		d.NullDACL = true
		d.GrantedBits, d.Granted = d.Desired, true
		return d
	}
	remaining := d.Desired
	if sd.Owner != nil && token.Contains(*sd.Owner) && !hasOwnerRightsACE(sd.DACL) {
		d.OwnerImplicit = remaining & (ReadControl | WriteDAC)
		remaining &^= d.OwnerImplicit
	}
	for i, a := range sd.DACL.ACEs {
		if remaining == 0 {
			break
		}
		if a.IsInheritOnly() || !a.Type.IsAllow() && !a.Type.IsDeny() {
			continue
		}
		if !aceApplies(a, sd, token, req) {
			continue
		}
		bits := remaining & req.Mapping.Map(a.Mask)
		if bits == 0 {
			continue
		}
		if a.Type.IsDeny() {
			d.Denied = &Match{Index: i, ACE: a, Bits: bits}
			break
		}
		if a.Type.IsCallback() {
			continue
		}
		d.Allowed = append(d.Allowed, Match{Index: i, ACE: a, Bits: bits})
		remaining &^= bits
	}
	d.Missing = remaining
	d.GrantedBits = d.Desired &^ remaining
	d.Granted = remaining == 0
	return d
}

// aceApplies reports whether an allow or deny ACE is about this token and
// this request.
func aceApplies(a ACE, sd *SecurityDescriptor, token Token, req Request) bool {
	if a.Type.IsObject() && a.ObjectType != nil && !slices.Contains(req.ObjectTypes, *a.ObjectType) {
		return false
	}
	return trusteeMatches(a.SID, sd, token, req)
}

// trusteeMatches resolves the ACE trustee against the token, including the
// placeholders PRINCIPAL_SELF and OWNER RIGHTS ([MS-DTYP] 2.5.3.2).
func trusteeMatches(trustee SID, sd *SecurityDescriptor, token Token, req Request) bool {
	switch trustee.String() {
	case "S-1-5-10": // PRINCIPAL_SELF
		return req.Self != nil && token.Contains(*req.Self)
	case SIDOwnerRights:
		return sd.Owner != nil && token.Contains(*sd.Owner)
	}
	return token.Contains(trustee)
}

// hasOwnerRightsACE reports whether an effective ACE names OWNER RIGHTS,
// which replaces the owner's implicit rights.
func hasOwnerRightsACE(acl *ACL) bool {
	for _, a := range acl.ACEs {
		if !a.IsInheritOnly() && a.SID.String() == SIDOwnerRights {
			return true
		}
	}
	return false
}
