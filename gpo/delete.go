package gpo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/gpo/plan"
)

// deletingSuffix marks a GPO folder set aside while its GPO is deleted.
const deletingSuffix = ".deleting"

// DeletePlan plans the removal of a GPO: every link to it in the domain,
// its SYSVOL folder, and its directory object with everything under it
// (CN=User, CN=Machine, any class store and packages).
//
// Deletion cannot be undone, so the plan orders the steps to keep what
// can fail reversible: unlink (undo: link again), move the folder aside
// (undo: move it back), then delete the object in one request (the tree
// delete control; the only irreversible step before the folder goes), and
// finally remove the folder that was set aside.
func (s *Session) DeletePlan(ctx context.Context, ref string) (*plan.Plan, GPO, error) {
	g, err := s.Find(ctx, ref)
	if err != nil {
		return nil, GPO{}, err
	}
	p := s.newPlan(fmt.Sprintf("delete GPO %q %s", g.Name, g.GUID))
	unlinks, err := s.unlinkEverywhere(ctx, g.GUID)
	if err != nil {
		return nil, GPO{}, err
	}
	p.Add(unlinks...)
	rel, aside := s.gpoRel(g.GUID), s.gpoRel(g.GUID)+deletingSuffix
	sh, err := s.SysVol(ctx)
	if err != nil {
		return nil, GPO{}, err
	}
	_, statErr := sh.Stat(ctx, rel)
	hasFolder := statErr == nil
	if statErr != nil && !errors.Is(statErr, fs.ErrNotExist) {
		return nil, GPO{}, statErr
	}
	if hasFolder {
		p.Add(s.renameStep(rel, aside))
	} else {
		p.Note("the GPO has no SYSVOL folder %s; only the directory object is deleted", s.sysvolUNC(rel))
	}
	p.Add(s.deleteTreeStep(g.DN))
	if hasFolder {
		p.Add(s.removeTreeStep(aside))
	}
	return p, g, nil
}

func (s *Session) renameStep(from, to string) plan.Step {
	return plan.Step{
		Op: "smb rename", Target: s.sysvolUNC(from), Details: []string{"to " + s.sysvolUNC(to)},
		Inverse: "move it back", Effect: plan.Narrows, Record: rec("smb-rename", renameRec{from, to}),
		Do: func(ctx context.Context) error {
			sh, err := s.SysVol(ctx)
			if err != nil {
				return err
			}
			if _, err := sh.Stat(ctx, to); err == nil {
				return fmt.Errorf("%s exists (left by an earlier, interrupted delete?); remove it first", sh.Path(to))
			}
			return sh.Rename(ctx, from, to)
		},
		Undo: func(ctx context.Context) error {
			sh, err := s.SysVol(ctx)
			if err != nil {
				return err
			}
			if _, err := sh.Stat(ctx, to); errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return sh.Rename(ctx, to, from)
		},
	}
}

// deleteTreeStep deletes an object and its subtree. When the request
// fails because the connection dropped, the server may still have done it:
// the step reconnects and looks, and counts an object that is gone as
// deleted, so that a rollback never restores links to a GPO that no longer
// exists.
func (s *Session) deleteTreeStep(dn string) plan.Step {
	return plan.Step{
		Op: "ldap delete-tree", Target: dn, Irreversible: true, Effect: plan.Narrows,
		Details: []string{"the object and everything under it (tree delete control)"},
		Do: func(ctx context.Context) error {
			c, err := s.Dir(ctx)
			if err != nil {
				return err
			}
			err = c.DeleteTree(ctx, dn)
			if err == nil || domain.IsNoSuchObject(err) {
				return nil
			}
			// Let a delete that reached the server land before looking.
			if rerr := s.recoverAfterFailure(ctx); rerr != nil {
				return err
			}
			c, cerr := s.Dir(ctx)
			if cerr != nil {
				return err
			}
			if _, rerr := c.Read(ctx, dn, []string{"1.1"}); domain.IsNoSuchObject(rerr) {
				return nil
			}
			return err
		},
	}
}

func (s *Session) removeTreeStep(rel string) plan.Step {
	return plan.Step{
		Op: "smb remove-tree", Target: s.sysvolUNC(rel), Effect: plan.Prepares,
		Do: func(ctx context.Context) error {
			sh, err := s.SysVol(ctx)
			if err != nil {
				return err
			}
			err = removeTree(ctx, sh, rel)
			if err == nil {
				return nil
			}
			// Nothing before this step can be undone any more, so a
			// dropped connection gets one fresh try here.
			if rerr := s.recoverAfterFailure(ctx); rerr == nil {
				if sh, rerr = s.SysVol(ctx); rerr == nil {
					if err = removeTree(ctx, sh, rel); err == nil {
						return nil
					}
				}
			}
			return fmt.Errorf("%w (the GPO is gone from the directory; delete the folder by hand)", err)
		},
	}
}
