package gpo

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/gpo/plan"
)

// FilterChange is a change of a GPO's security filtering (the guide's
// "Фильтрация безопасности"). Groups are names (sAMAccountName or cn),
// "Authenticated Users", or SIDs.
type FilterChange struct {
	// Add gives these groups Read and Apply Group Policy.
	Add []string
	// Remove takes Read and Apply away from these (for Authenticated
	// Users only Apply, see MS16072Note).
	Remove []string
	// Only makes this group the only one the GPO applies to: Apply is
	// removed from everyone else, their Read stays.
	Only string
	// OnlyGroups, like Only, makes these groups (together with Only, when
	// set) the only ones the GPO applies to: an admin filtering to the
	// computers of two offices names both.
	OnlyGroups []string
}

// only is every group the change makes the only ones, without repeats.
func (ch FilterChange) only() []string {
	var out []string
	for _, n := range append([]string{ch.Only}, ch.OnlyGroups...) {
		n = strings.TrimSpace(n)
		if n != "" && !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, n) }) {
			out = append(out, n)
		}
	}
	return out
}

// MS16072Note explains why Authenticated Users keep Read.
const MS16072Note = "Authenticated Users keep Read on the GPO: since security update MS16-072 " +
	"(KB3163622, June 2016) Windows reads every GPO with the computer's own account, even for user settings; " +
	"a GPO the computer cannot read fails to apply for everyone (event 1058/1101). " +
	"Read alone does not make the GPO apply: that takes Apply Group Policy, which now only the chosen group has."

// Rights GPMC grants for security filtering: Read (RPLCLORC) and the
// Apply Group Policy extended right, both container-inherit as in the
// default GPO descriptor.
const filterRead = secdesc.DSGenericRead

func readACE(sid secdesc.SID) secdesc.ACE {
	return secdesc.AllowACE(sid, filterRead, secdesc.ContainerInherit)
}

func applyACE(sid secdesc.SID) secdesc.ACE {
	g := secdesc.MustGUID(secdesc.GUIDApplyGroupPolicy)
	return secdesc.AllowObjectACE(sid, secdesc.DSControlAccess, secdesc.ContainerInherit, &g, nil)
}

// isApplyOnly matches an explicit allow ACE that grants Apply Group Policy
// and nothing else: the ACE security filtering adds and removes.
func isApplyOnly(a secdesc.ACE) bool {
	return !a.IsInherited() && a.Type == secdesc.AccessAllowedObject && a.Mask == secdesc.DSControlAccess &&
		a.ObjectType != nil && *a.ObjectType == secdesc.MustGUID(secdesc.GUIDApplyGroupPolicy)
}

// isReadOrApply matches explicit allow ACEs that grant only Read and/or
// control access: what filtering may take away without touching who
// can edit the GPO.
func isReadOrApply(a secdesc.ACE) bool {
	return !a.IsInherited() && a.Type.IsAllow() && a.Mask&^(filterRead|secdesc.DSControlAccess) == 0
}

// resolvedGroup is a principal named in a filter change.
type resolvedGroup struct {
	Name string
	SID  secdesc.SID
	DN   string // empty for well-known principals
}

func (s *Session) resolveGroup(ctx context.Context, name string) (resolvedGroup, error) {
	name = strings.TrimSpace(name)
	if sid, err := secdesc.ParseSID(name); err == nil && strings.HasPrefix(strings.ToUpper(name), "S-") {
		return resolvedGroup{Name: name, SID: sid}, nil
	}
	if strings.EqualFold(name, "Authenticated Users") {
		return resolvedGroup{Name: "Authenticated Users", SID: secdesc.MustSID(secdesc.SIDAuthenticatedUsers)}, nil
	}
	c, err := s.Dir(ctx)
	if err != nil {
		return resolvedGroup{}, err
	}
	g, err := c.GroupByName(ctx, name)
	if err != nil {
		return resolvedGroup{}, err
	}
	sid, err := secdesc.ParseSID(g.SID)
	if err != nil {
		return resolvedGroup{}, fmt.Errorf("group %s: %w", name, err)
	}
	return resolvedGroup{Name: g.Name, SID: sid, DN: g.DN}, nil
}

// FilterPlan changes who a GPO applies to, in the directory (the GPO's
// DACL) and on SYSVOL (the folder's ACL and everything under it, mirrored
// from the new DACL) together.
func (s *Session) FilterPlan(ctx context.Context, ref string, ch FilterChange) (*plan.Plan, error) {
	g, err := s.Find(ctx, ref)
	if err != nil {
		return nil, err
	}
	c, err := s.Dir(ctx)
	if err != nil {
		return nil, err
	}
	oldSD, _, err := c.ReadSecurityDescriptor(ctx, g.DN, ownerGroupDACL)
	if err != nil {
		return nil, err
	}
	if oldSD.DACL == nil {
		return nil, fmt.Errorf("%s has no DACL (everyone has full control); fix its permissions in GPMC first", g.Name)
	}
	newSD := oldSD.Clone()
	acl := newSD.DACL
	au := secdesc.MustSID(secdesc.SIDAuthenticatedUsers)
	p := s.newPlan(fmt.Sprintf("change security filtering of %q %s", g.Name, g.GUID))
	auApplyRemoved := false
	var added []resolvedGroup

	if only := ch.only(); len(only) > 0 {
		keep := map[secdesc.SID]bool{}
		for _, name := range only {
			grp, err := s.resolveGroup(ctx, name)
			if err != nil {
				return nil, err
			}
			keep[grp.SID] = true
		}
		removed := acl.RemoveFunc(func(a secdesc.ACE) bool { return isApplyOnly(a) && !keep[a.SID] })
		for _, a := range removed {
			auApplyRemoved = auApplyRemoved || a.SID == au
		}
		ch.Add = append(ch.Add, only...)
	}
	for _, name := range ch.Remove {
		grp, err := s.resolveGroup(ctx, name)
		if err != nil {
			return nil, err
		}
		match := isReadOrApply
		if grp.SID == au {
			match = isApplyOnly
		}
		removed := acl.RemoveFunc(func(a secdesc.ACE) bool { return a.SID == grp.SID && match(a) })
		if len(removed) == 0 {
			p.Note("%s had no Read or Apply Group Policy entry of its own on the GPO", grp.Name)
		}
		auApplyRemoved = auApplyRemoved || (grp.SID == au && len(removed) > 0)
	}
	for _, name := range ch.Add {
		grp, err := s.resolveGroup(ctx, name)
		if err != nil {
			return nil, err
		}
		acl.Add(readACE(grp.SID))
		acl.Add(applyACE(grp.SID))
		added = append(added, grp)
	}
	acl.Canonicalize()
	acl.FixRevision()

	if auApplyRemoved {
		// Never leave the GPO unreadable for computers: add Read back if
		// the only Read of Authenticated Users went with the change.
		if !secdesc.Evaluate(newSD, secdesc.NewToken(au), secdesc.ReadRequest()).Granted {
			acl.Add(readACE(au))
		}
		p.Note("%s", MS16072Note)
	}
	if err := s.warnNoComputers(ctx, p, g, added); err != nil {
		return nil, err
	}
	if diff := secdesc.DiffACL(oldSD.DACL, acl); len(diff.Added) == 0 && len(diff.Removed) == 0 {
		p.Note("the GPO's filtering is already like that")
		return p, nil
	}

	oldFolder, err := s.folderACLs(ctx, g.GUID)
	if err != nil {
		return nil, err
	}
	p.Add(s.writeDACLStep(g.DN, oldSD, newSD), s.mirrorACL(g.GUID, mustFolderSD(newSD), oldFolder))
	return p, nil
}

func mustFolderSD(ds *secdesc.SecurityDescriptor) *secdesc.SecurityDescriptor {
	f, err := FolderSD(ds)
	if err != nil {
		return nil
	}
	return f
}

// warnNoComputers notes groups without computer members, direct or
// nested, while the GPO's computer settings are on: Computer Configuration
// applies to computer accounts, so such a group makes the GPO apply to
// nobody.
func (s *Session) warnNoComputers(ctx context.Context, p *plan.Plan, g GPO, groups []resolvedGroup) error {
	if !g.ComputerEnabled {
		return nil
	}
	c, err := s.Dir(ctx)
	if err != nil {
		return err
	}
	for _, grp := range groups {
		if grp.DN == "" {
			continue
		}
		comps, err := c.GroupComputers(ctx, grp.DN, true)
		if err != nil {
			return err
		}
		if len(comps) == 0 {
			p.Note("WARNING: group %s has no computers in it (directly or through nested groups), but this GPO's "+
				"Computer Configuration settings apply to computer accounts only: as it is, the GPO installs nothing "+
				"anywhere. Add the target computers to %s, or use User Configuration.", grp.Name, grp.Name)
		}
	}
	return nil
}

// writeDACLStep replaces the GPO's DACL, checking first that nobody changed
// it since the plan was made.
func (s *Session) writeDACLStep(dn string, oldSD, newSD *secdesc.SecurityDescriptor) plan.Step {
	diff := secdesc.DiffACL(oldSD.DACL, newSD.DACL)
	var details []string
	for _, a := range diff.Removed {
		details = append(details, "- "+a.ACE.SDDL(s.domainSID))
	}
	for _, a := range diff.Added {
		details = append(details, "+ "+a.ACE.SDDL(s.domainSID))
	}
	details = append(details, "new DACL: "+newSD.Only(secdesc.DACLSecurityInformation).SDDL(s.domainSID))
	write := func(ctx context.Context, from, to *secdesc.SecurityDescriptor, check bool) error {
		c, err := s.Dir(ctx)
		if err != nil {
			return err
		}
		cur, _, err := c.ReadSecurityDescriptor(ctx, dn, secdesc.DACLSecurityInformation)
		if err != nil {
			return err
		}
		if d := secdesc.DiffACL(cur.DACL, to.DACL); len(d.Added) == 0 && len(d.Removed) == 0 {
			return nil
		}
		if d := secdesc.DiffACL(cur.DACL, from.DACL); check && (len(d.Added) > 0 || len(d.Removed) > 0) {
			return fmt.Errorf("the permissions of %s changed while this ran (another admin?); run the command again", dn)
		}
		return c.WriteSecurityDescriptor(ctx, dn, to, secdesc.DACLSecurityInformation)
	}
	// Taking a grant away (or adding a deny) narrows who the GPO applies
	// to, even when --only grants the kept group at the same time; a
	// change that only grants widens.
	effect := plan.Widens
	for _, a := range diff.Removed {
		if a.ACE.Type == secdesc.AccessAllowed || a.ACE.Type == secdesc.AccessAllowedObject {
			effect = plan.Narrows
		}
	}
	for _, a := range diff.Added {
		if a.ACE.Type == secdesc.AccessDenied || a.ACE.Type == secdesc.AccessDeniedObject {
			effect = plan.Narrows
		}
	}
	return plan.Step{
		Op: "ldap set-dacl", Target: dn, Details: details, Inverse: "write the previous DACL back", Effect: effect,
		Record: rec("ldap-dacl", daclRec{dn, EncodeSD(oldSD), EncodeSD(newSD)}),
		Redo:   plan.NewRecord("ldap-dacl", daclRec{dn, EncodeSD(oldSD), EncodeSD(newSD)}),
		Do:     func(ctx context.Context) error { return write(ctx, oldSD, newSD, true) },
		Undo:   func(ctx context.Context) error { return write(ctx, newSD, oldSD, false) },
	}
}

// folderACLs reads the current security of the GPO folder and everything
// in it, for an undo.
func (s *Session) folderACLs(ctx context.Context, guid string) (map[string]*secdesc.SecurityDescriptor, error) {
	sh, err := s.SysVol(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]*secdesc.SecurityDescriptor{}
	var walk func(rel string, dir bool) error
	walk = func(rel string, dir bool) error {
		sd, err := sh.Security(ctx, rel)
		if err != nil {
			return err
		}
		out[rel] = sd
		if !dir {
			return nil
		}
		list, err := sh.ReadDir(ctx, rel)
		if err != nil {
			return err
		}
		for _, e := range list {
			if err := walk(rel+`\`+e.Name(), e.IsDir()); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(s.gpoRel(guid), true); err != nil {
		return nil, fmt.Errorf("read the permissions of the GPO's SYSVOL folder: %w", err)
	}
	return out, nil
}

// appliesTo lists the trustees with both Read and Apply.
func appliesTo(ts []Trustee) []string {
	out := []string{}
	for _, t := range ts {
		if t.Read && t.Apply && !t.Denied {
			out = append(out, t.Name)
		}
	}
	slices.Sort(out)
	return out
}

// AppliesTo is who the GPO applies to (Read and Apply Group Policy).
func (g GPO) AppliesTo() []string { return appliesTo(g.Filtering) }
