package secdesc

import (
	"fmt"
	"strings"
)

// Namer names principals for people: it returns a name and true for SIDs
// it knows (typically from a directory lookup), false otherwise.
type Namer func(SID) (string, bool)

// Names turns SIDs into names: first from lookup (may be nil), then from the
// well-known and domain-relative table for domain, else the SID string.
func Names(domain SID, lookup Namer) func(SID) string {
	return func(s SID) string {
		if lookup != nil {
			if n, ok := lookup(s); ok {
				return n
			}
		}
		if n, ok := PrincipalName(s, domain); ok {
			return n
		}
		return s.String()
	}
}

// Describe renders an ACE for people, e.g. "Deny Apply Group Policy to
// Blocked Computers" or "Allow Read & Execute to Domain Computers (this
// folder, subfolders and files)". name turns SIDs into names (see Names);
// mapping selects file or directory wording for composite rights.
func (a ACE) Describe(name func(SID) string, mapping GenericMapping) string {
	var verb string
	switch {
	case a.Type.IsAllow():
		verb = "Allow"
	case a.Type.IsDeny():
		verb = "Deny"
	case a.Type == SystemAudit || a.Type == SystemAuditObject || a.Type == SystemAuditCallback || a.Type == SystemAuditCallbackObject:
		verb = "Audit"
	default:
		return fmt.Sprintf("%s ACE", a.Type)
	}
	s := verb + " " + describeRights(a, mapping) + " to " + name(a.SID)
	if scope := describeScope(a); scope != "" {
		s += " (" + scope + ")"
	}
	return s
}

// describeRights names the rights of an ACE: an extended right or
// validated write by name, known composites by their Explorer/ADUC names,
// else SDDL right strings (always for rights on a property or class).
func describeRights(a ACE, mapping GenericMapping) string {
	if a.ObjectType == nil {
		return describeMask(a.Mask, mapping)
	}
	objName, kind, ok := GUIDName(*a.ObjectType, a.Mask)
	if !ok {
		objName = "{" + a.ObjectType.String() + "}"
	}
	if (kind == KindExtendedRight && a.Mask == DSControlAccess) || (kind == KindValidatedWrite && a.Mask == DSSelf) {
		return objName
	}
	return RightsSDDL(a.Mask) + " on " + objName
}

// describeMask names composite rights people know, else lists SDDL rights.
func describeMask(m AccessMask, mapping GenericMapping) string {
	file := mapping == FileMapping()
	switch {
	case m == GenericAll, file && m == FileAllAccess, !file && m == DSGenericAll:
		return "Full Control"
	case file && m == FileModify:
		return "Modify"
	case file && m == FileReadAndExecute:
		return "Read & Execute"
	case file && m == FileGenericRead, !file && m == DSGenericRead, m == GenericRead:
		return "Read"
	case file && m == FileGenericWrite, !file && m == DSGenericWrite, m == GenericWrite:
		return "Write"
	case m == DSControlAccess:
		return "All Extended Rights"
	}
	return RightsSDDL(m)
}

// describeScope says where an inheritable ACE applies and whether it was
// inherited.
func describeScope(a ACE) string {
	var parts []string
	inherit := a.Flags & (ObjectInherit | ContainerInherit)
	switch {
	case a.IsInheritOnly() && inherit != 0:
		parts = append(parts, "children only")
	case inherit != 0:
		parts = append(parts, "this object and children")
	}
	if a.InheritedObjectType != nil {
		n, _, ok := GUIDName(*a.InheritedObjectType, DSCreateChild)
		if !ok {
			n = "{" + a.InheritedObjectType.String() + "}"
		}
		parts = append(parts, n+" objects")
	}
	if a.IsInherited() {
		parts = append(parts, "inherited")
	}
	return strings.Join(parts, ", ")
}

// Explain renders a decision for people, e.g. "denied by ACE #3 (Deny
// Apply Group Policy to MikoCTI_Blocked)". ACE numbers count from 1, as
// GUIs do.
func (d Decision) Explain(name func(SID) string, mapping GenericMapping) string {
	if d.NullDACL {
		return "granted: the object has no DACL, which grants everyone everything"
	}
	if d.Desired == 0 {
		return "granted: no access was asked for"
	}
	describe := func(m Match) string {
		return fmt.Sprintf("ACE #%d (%s)", m.Index+1, m.ACE.Describe(name, mapping))
	}
	var by []string
	if d.OwnerImplicit != 0 {
		by = append(by, "ownership ("+RightsSDDL(d.OwnerImplicit)+")")
	}
	for _, m := range d.Allowed {
		by = append(by, describe(m))
	}
	switch {
	case d.Denied != nil:
		s := "denied by " + describe(*d.Denied)
		if len(by) > 0 {
			s += "; granted before it: " + strings.Join(by, ", ")
		}
		return s
	case d.Granted:
		return "granted by " + strings.Join(by, ", ")
	case len(by) > 0:
		return fmt.Sprintf("not granted: nothing allows %s; granted only by %s", RightsSDDL(d.Missing), strings.Join(by, ", "))
	default:
		return fmt.Sprintf("not granted: no ACE allows %s to this token", RightsSDDL(d.Missing))
	}
}

// DescribeACL renders each ACE of acl for people, numbered from 1 as GUIs
// number them: "#3 Deny Apply Group Policy to MikoCTI_Blocked". A nil ACL
// (a NULL DACL) is one line saying everyone has full access.
func DescribeACL(acl *ACL, name func(SID) string, mapping GenericMapping) []string {
	if acl == nil {
		return []string{"no DACL: everyone has full access"}
	}
	lines := make([]string, 0, len(acl.ACEs))
	for i, a := range acl.ACEs {
		lines = append(lines, fmt.Sprintf("#%d %s", i+1, a.Describe(name, mapping)))
	}
	return lines
}
