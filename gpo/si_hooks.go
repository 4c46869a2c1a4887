package gpo

import (
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
// changes settings of that half. Both undo themselves on rollback, a
// bump whose reply was lost included (see bumpStep).
func (s *Session) VersionBumpSteps(g GPO, h Half) []plan.Step {
	var result Version
	return []plan.Step{s.bumpStep(g, h, &result), s.syncGPTStep(g.GUID, &result)}
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
	st = s.modifyAttrs(g.DN, attrChange{Attr: attr, Old: cur, New: next})
	// Clients run a CSE for a GPO only when its extension names list it
	// ([MS-GPOL] 2.2.4).
	st.Effect = plan.Widens
	return st, true, nil
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
