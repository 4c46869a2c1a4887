package gpo

import (
	"context"
	"fmt"
	"strconv"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/gpo/plan"
)

// Hooks for the Software Installation packages (gpo/si): they write into
// the GPO's CN=Machine or CN=User half and must finish with the version
// bump and the extension names every settings change needs.

// NewPlan starts a plan whose rollback reconnects first, like every plan
// of this package.
func (s *Session) NewPlan(title string) *plan.Plan { return s.newPlan(title) }

// VersionBumpSteps are the two steps that bump one half of g's version in
// the directory and then in GPT.INI ([MS-GPOL] 3.3.4.5), for a plan that
// changes settings of that half. Both undo themselves on rollback.
func (s *Session) VersionBumpSteps(g GPO, h Half) []plan.Step {
	var result Version
	return []plan.Step{s.bumpUndoableStep(g, h, &result), s.syncGPTStep(g.GUID, &result)}
}

// bumpUndoableStep is bumpStep whose undo also covers a bump whose reply
// was lost: when the connection drops after the modify went out, the DC
// may have made it although Do returned an error, and the plan undoes the
// failed step too (gpo/plan). The undo takes the increment back only if
// the value is still the one this step wrote (the delete of that value
// fails with noSuchAttribute otherwise, and the undo leaves it alone).
func (s *Session) bumpUndoableStep(g GPO, h Half, result *Version) plan.Step {
	var from, to string
	st := plan.Step{
		Op: "ldap modify", Target: g.DN,
		Details: []string{fmt.Sprintf("versionNumber: %d -> %d (%s half +1; retried if another admin bumps first)",
			uint32(g.Version), uint32(g.Version.Bump(h)), h)},
		Inverse: "put the previous versionNumber back unless it changed since",
	}
	st.Do = func(ctx context.Context) error {
		c, err := s.Dir(ctx)
		if err != nil {
			return err
		}
		for attempt := 0; attempt < maxBumpAttempts; attempt++ {
			e, err := c.Read(ctx, g.DN, []string{"versionNumber"})
			if err != nil {
				return err
			}
			cur := e.GetAttributeValue("versionNumber")
			n, _ := strconv.ParseInt(cur, 10, 64)
			next := Version(uint32(n)).Bump(h)
			from, to = cur, strconv.FormatInt(int64(int32(next)), 10)
			req := ldap.NewModifyRequest(g.DN, nil)
			if cur != "" {
				req.Delete("versionNumber", []string{cur})
			}
			req.Add("versionNumber", []string{to})
			err = c.Modify(ctx, req)
			if err == nil {
				*result = next
				return nil
			}
			if !domain.IsConflict(err) && !ldap.IsErrorWithCode(err, ldap.LDAPResultAttributeOrValueExists) {
				return err
			}
		}
		from, to = "", ""
		return fmt.Errorf("version of %s changed %d times while bumping it; try again", g.GUID, maxBumpAttempts)
	}
	st.Undo = func(ctx context.Context) error {
		if to == "" {
			return nil
		}
		c, err := s.Dir(ctx)
		if err != nil {
			return err
		}
		req := ldap.NewModifyRequest(g.DN, nil)
		req.Delete("versionNumber", []string{to})
		if from != "" {
			req.Add("versionNumber", []string{from})
		}
		if err := c.Modify(ctx, req); err != nil && !domain.IsConflict(err) && !ldap.IsErrorWithCode(err, ldap.LDAPResultAttributeOrValueExists) {
			return err
		}
		return nil
	}
	return st
}

// ExtensionStep adds the cse/tool pair to the half's extension names
// (gPCMachineExtensionNames or gPCUserExtensionNames, [MS-GPOL] 2.2.4) as
// g was read. ok is false when the pair is already there and nothing is
// to change.
func (s *Session) ExtensionStep(g GPO, h Half, cse, tool string) (st plan.Step, ok bool, err error) {
	attr, cur := "gPCMachineExtensionNames", g.MachineExtensions
	if h == User {
		attr, cur = "gPCUserExtensionNames", g.UserExtensions
	}
	next, err := AddExtension(cur, cse, tool)
	if err != nil {
		return plan.Step{}, false, err
	}
	if next == cur {
		return plan.Step{}, false, nil
	}
	return s.modifyAttrs(g.DN, attrChange{Attr: attr, Old: cur, New: next}), true, nil
}

// SysvolRel is the GPO's folder relative to the SYSVOL share
// ("<dns domain>\Policies\{GUID}").
func (s *Session) SysvolRel(guid string) string { return s.gpoRel(guid) }

// SysvolUNC is rel on the DC this session talks to, for plans and messages.
func (s *Session) SysvolUNC(rel string) string { return s.sysvolUNC(rel) }

// Endpoints are the connection settings the session was opened with.
func (s *Session) Endpoints() Endpoints { return s.ep }

// InheritedACL is what a new file (dir false) or folder (dir true) under
// a folder with DACL parent inherits ([MS-DTYP] 2.5.3.4.2), the same
// computation the GPO folder's permission propagation uses.
func InheritedACL(parent *secdesc.ACL, dir bool) *secdesc.ACL { return inheritedACL(parent, dir) }
