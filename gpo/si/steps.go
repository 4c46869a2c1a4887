package si

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/domain/smb"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/plan"
)

// The step builders reach the connections through the gpo.Session when
// they run, so that a rollback after a reconnect uses fresh ones.

// replaceStep replaces attributes of one object in one modify (RFC 4511
// 4.6: applied atomically); undo replaces them with the values read
// before (an empty old value list deletes the attribute). Its objects are
// packages and class stores, which clients read ([MS-GPSI] 3.2.5.1), so
// the step Widens: it makes the change theirs.
func replaceStep(s *gpo.Session, dn string, next, old map[string][]string, show map[string]string) plan.Step {
	keys := make([]string, 0, len(next))
	for k := range next {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var details []string
	for _, k := range keys {
		if v, ok := show[k]; ok {
			details = append(details, k+": "+v)
			continue
		}
		details = append(details, fmt.Sprintf("%s: %s -> %s", k, showVals(old[k]), showVals(next[k])))
	}
	req := func(vals map[string][]string) *ldap.ModifyRequest {
		r := ldap.NewModifyRequest(dn, nil)
		for _, k := range keys {
			r.Replace(k, vals[k])
		}
		return r
	}
	return plan.Step{
		Op: "ldap modify", Target: dn, Details: details, Inverse: "put back " + strings.Join(keys, ", "), Effect: plan.Widens,
		Record: rec("ldap-replace", replaceRec{dn, next, old}),
		Redo:   plan.NewRecord("ldap-replace", replaceRec{dn, next, old}),
		Do: func(ctx context.Context) error {
			c, err := s.Dir(ctx)
			if err != nil {
				return err
			}
			return c.Modify(ctx, req(next))
		},
		Undo: func(ctx context.Context) error {
			c, err := s.Dir(ctx)
			if err != nil {
				return err
			}
			if err := c.Modify(ctx, req(old)); err != nil && !domain.IsNoSuchObject(err) {
				return err
			}
			return nil
		},
	}
}

func showVals(v []string) string {
	if len(v) == 0 {
		return "(none)"
	}
	return strings.Join(v, " | ")
}

// deleteStep deletes an object with what is under it. It cannot be
// undone (a new object would get a new objectGUID, which other packages'
// canUpgradeScript refer to), so plans put it last.
func deleteStep(s *gpo.Session, dn string) plan.Step {
	return plan.Step{
		Op: "ldap delete", Target: dn, Irreversible: true, Effect: plan.Narrows,
		Do: func(ctx context.Context) error {
			c, err := s.Dir(ctx)
			if err != nil {
				return err
			}
			if err := c.DeleteTree(ctx, dn); err != nil && !domain.IsNoSuchObject(err) {
				return err
			}
			return nil
		},
	}
}

// writeDACLStep writes an object's DACL; undo writes the old one back.
func writeDACLStep(s *gpo.Session, dn string, oldSD, newSD *secdesc.SecurityDescriptor, domainSID secdesc.SID, what string) plan.Step {
	st := plan.Step{
		Op: "ldap modify", Target: dn, Details: []string{what, "nTSecurityDescriptor DACL: " + newSD.SDDL(domainSID)},
		Inverse: "write the previous DACL back", Effect: plan.Narrows,
		Record: rec("si-dacl", daclRec{dn, gpo.EncodeSD(oldSD), gpo.EncodeSD(newSD)}),
		Do: func(ctx context.Context) error {
			c, err := s.Dir(ctx)
			if err != nil {
				return err
			}
			return c.WriteSecurityDescriptor(ctx, dn, newSD, secdesc.DACLSecurityInformation)
		},
	}
	if oldSD != nil {
		st.Undo = func(ctx context.Context) error {
			c, err := s.Dir(ctx)
			if err != nil {
				return err
			}
			if err := c.WriteSecurityDescriptor(ctx, dn, oldSD, secdesc.DACLSecurityInformation); err != nil && !domain.IsNoSuchObject(err) {
				return err
			}
			return nil
		}
	}
	return st
}

// ensureDirStep creates a folder on SYSVOL that is not there yet, with the
// permissions it inherits from its parent set explicitly (a folder made
// over SMB may get the server's defaults instead). Undo removes it when
// empty.
func ensureDirStep(s *gpo.Session, rel string) plan.Step {
	return plan.Step{
		Op: "smb mkdir", Target: s.SysvolUNC(rel), Details: []string{"permissions inherited from the GPO folder"},
		Inverse: "remove the folder", Effect: plan.Prepares, Record: rec("si-mkdir", relRec{rel}),
		Redo: plan.NewRecord("si-mkdir", relRec{rel}),
		Do: func(ctx context.Context) error {
			sh, err := s.SysVol(ctx)
			if err != nil {
				return err
			}
			if err := sh.MkdirAll(ctx, rel); err != nil {
				return err
			}
			return inheritFromParent(ctx, sh, rel, true)
		},
		Undo: func(ctx context.Context) error {
			sh, err := s.SysVol(ctx)
			if err != nil {
				return err
			}
			list, err := sh.ReadDir(ctx, rel)
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			if err != nil {
				return err
			}
			if len(list) > 0 {
				return nil // someone else's scripts are in it now
			}
			if err := sh.Remove(ctx, rel); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			return nil
		},
	}
}

// parentRel is the folder holding rel.
func parentRel(rel string) string {
	i := strings.LastIndex(rel, `\`)
	if i < 0 {
		return ""
	}
	return rel[:i]
}

// inheritFromParent sets rel's DACL to what it inherits from its folder
// ([MS-DTYP] 2.5.3.4.2), marked auto-inherited, as Windows does for a new
// file or folder.
func inheritFromParent(ctx context.Context, sh *smb.Share, rel string, dir bool) error {
	parent, err := sh.Security(ctx, parentRel(rel))
	if err != nil {
		return err
	}
	sd := secdesc.New()
	sd.SetDACL(gpo.InheritedACL(parent.DACL, dir))
	sd.Control |= secdesc.DACLAutoInheritReq | secdesc.DACLAutoInherited
	return sh.SetSecurity(ctx, rel, sd, smb.DACLPart)
}

// writeScriptStep writes an advertise script, gives it the permissions of
// its folder (a script without an ACL computers can read made a real
// client fail with error 3, as the ice2k project reported) and checks that
// Domain Computers can read it. Undo writes old back, or removes the file
// when there was none (old == nil).
func writeScriptStep(s *gpo.Session, rel string, data, old []byte) plan.Step {
	inverse := "remove the script"
	if old != nil {
		inverse = "write the previous script back"
	}
	return plan.Step{
		Effect: plan.Prepares, // clients reach a script only through its package
		Record: rec("si-script", scriptRec{rel, old}),
		Redo:   plan.NewRecord("si-script", scriptRedo{rel, data, old}),
		Op:     "smb write", Target: s.SysvolUNC(rel),
		Details: []string{fmt.Sprintf("advertise script, %d bytes ([MS-GPSI] 2.2.4)", len(data)),
			"permissions inherited from the GPO folder; Domain Computers must be able to read it"},
		Inverse: inverse,
		Do: func(ctx context.Context) error {
			sh, err := s.SysVol(ctx)
			if err != nil {
				return err
			}
			if err := sh.WriteFile(ctx, rel, data); err != nil {
				return err
			}
			if err := inheritFromParent(ctx, sh, rel, false); err != nil {
				return err
			}
			return checkComputersRead(ctx, sh, rel, s.DomainSID())
		},
		Undo: func(ctx context.Context) error {
			sh, err := s.SysVol(ctx)
			if err != nil {
				return err
			}
			if old != nil {
				return sh.WriteFile(ctx, rel, old)
			}
			if err := sh.Remove(ctx, rel); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			return nil
		},
	}
}

// checkComputersRead fails when a computer account (a member of Domain
// Computers, over the network) cannot read rel.
func checkComputersRead(ctx context.Context, sh *smb.Share, rel string, sid secdesc.SID) error {
	dec, err := sh.ComputersCanRead(ctx, rel, sid)
	if err != nil {
		return err
	}
	if !dec.Granted {
		return &UnreadableError{Path: sh.Path(rel), Why: dec.Explain(secdesc.Names(sid, nil), secdesc.FileMapping())}
	}
	return nil
}

// renameStep renames a file on SYSVOL; undo renames it back.
func renameStep(s *gpo.Session, from, to string) plan.Step {
	move := func(ctx context.Context, a, b string) error {
		sh, err := s.SysVol(ctx)
		if err != nil {
			return err
		}
		if _, err := sh.Stat(ctx, a); errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return sh.Rename(ctx, a, b)
	}
	return plan.Step{
		Op: "smb rename", Target: s.SysvolUNC(from), Details: []string{"to " + to}, Inverse: "rename it back",
		// Only pkg delete renames: the script goes out of reach.
		Effect: plan.Narrows,
		Record: rec("si-rename", renameRec{from, to}),
		Do:     func(ctx context.Context) error { return move(ctx, from, to) },
		Undo:   func(ctx context.Context) error { return move(ctx, to, from) },
	}
}

// removeFileStep removes a file; it cannot be undone and goes last.
func removeFileStep(s *gpo.Session, rel string) plan.Step {
	return plan.Step{
		Op: "smb remove", Target: s.SysvolUNC(rel), Irreversible: true, Effect: plan.Prepares,
		Do: func(ctx context.Context) error {
			sh, err := s.SysVol(ctx)
			if err != nil {
				return err
			}
			if err := sh.Remove(ctx, rel); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			return nil
		},
	}
}
