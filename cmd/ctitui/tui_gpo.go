package main

import (
	"bytes"
	"context"
	"strings"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/plan"
	"github.com/ctitui/ctitui/ui"
)

// tuiGPOs adapts gpo.Session to the console's GPOs.
type tuiGPOs struct {
	s       *gpo.Session
	journal consoleJournal
}

func (g *tuiGPOs) List(ctx context.Context) ([]ui.GPO, error) {
	l, err := g.s.List(ctx, gpo.FullDetail())
	if err != nil {
		return nil, err
	}
	out := make([]ui.GPO, len(l))
	for i, x := range l {
		u := ui.GPO{GUID: x.GUID, Name: x.Name, UserEnabled: x.UserEnabled, ComputerEnabled: x.ComputerEnabled, WMIFilter: x.WMIFilterName,
			VersionMismatch: x.VersionMismatch()}
		for _, k := range x.Links {
			u.Links = append(u.Links, ui.Link{GPO: x.GUID, GPOName: x.Name, Container: k.Container,
				Enabled: k.Enabled, Enforced: k.Enforced, Order: k.Order})
		}
		for _, t := range x.Filtering {
			u.Filtering = append(u.Filtering, ui.Trustee{Name: firstNonEmpty(t.Name, t.SID), Read: t.Read, Apply: t.Apply, Denied: t.Denied})
		}
		out[i] = u
	}
	return out, nil
}

func (g *tuiGPOs) Link(ctx context.Context, guid, ou string) (ui.Plan, error) {
	return g.journal.wrap(g.s.LinkPlan(ctx, guid, ou, gpo.LinkOptions{}))
}

func (g *tuiGPOs) Unlink(ctx context.Context, guid, ou string) (ui.Plan, error) {
	return g.journal.wrap(g.s.UnlinkPlan(ctx, guid, ou))
}

func (g *tuiGPOs) SetEnforced(ctx context.Context, guid, ou string, on bool) (ui.Plan, error) {
	return g.journal.wrap(g.s.LinkPlan(ctx, guid, ou, gpo.LinkOptions{Enforced: &on}))
}

func (g *tuiGPOs) SetBlockInheritance(ctx context.Context, ou string, on bool) (ui.Plan, error) {
	return g.journal.wrap(g.s.BlockInheritancePlan(ctx, ou, on))
}

func (g *tuiGPOs) WMIPresets() []ui.WMIPreset {
	ps := gpo.Presets()
	out := make([]ui.WMIPreset, len(ps))
	for i, p := range ps {
		out[i] = ui.WMIPreset{Key: p.Key, Name: p.Name, Query: p.Query, Note: p.Note}
	}
	return out
}

// uiPlan adapts plan.Plan: the dry run is its text, and each step reports
// when it is made so the console can show progress. journal (may be nil)
// makes the journal it is applied with, unless the plan has one.
type uiPlan struct {
	p       *plan.Plan
	journal consoleJournal
}

// consoleJournal makes the journal of a change the console applies (nil:
// none); tuiConnector.Connect makes it for the session's domain.
type consoleJournal func() plan.Journal

// wrap adapts a plan the console is about to show, journaled by j.
func (j consoleJournal) wrap(p *plan.Plan, err error) (ui.Plan, error) {
	if err != nil {
		return nil, err
	}
	return uiPlan{p, j}, nil
}

// wrapPlan is wrap without a journal.
func wrapPlan(p *plan.Plan, err error) (ui.Plan, error) { return consoleJournal(nil).wrap(p, err) }

func (u uiPlan) Title() string { return u.p.Title }
func (u uiPlan) Steps() int    { return len(u.p.Steps) }

func (u uiPlan) Lines() []string {
	var b bytes.Buffer
	if err := u.p.WriteText(&b); err != nil {
		return []string{err.Error()}
	}
	return strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
}

func (u uiPlan) Apply(ctx context.Context, done func(int, string)) (ui.Outcome, error) {
	for i := range u.p.Steps {
		st := &u.p.Steps[i]
		do, n, what := st.Do, i+1, st.String()
		st.Do = func(ctx context.Context) error {
			if err := do(ctx); err != nil {
				return err
			}
			done(n, what)
			return nil
		}
	}
	if u.p.Journal == nil && u.journal != nil {
		u.p.Journal = u.journal()
	}
	r, err := u.p.Apply(ctx)
	if pe, ok := plan.AsError(err); ok {
		r = pe.Report
	}
	return ui.Outcome{Applied: r.Applied, Complete: r.Complete, Failed: r.Failed, FailedError: r.FailedError,
		RolledBack: r.RolledBack, RollbackErrors: r.RollbackErrors}, err
}

func (g *tuiGPOs) FilterOnly(ctx context.Context, guid, group string) (ui.Plan, error) {
	return g.journal.wrap(g.s.FilterPlan(ctx, guid, gpo.FilterChange{Only: group}))
}

func (g *tuiGPOs) SetWMI(ctx context.Context, guid, preset string) (ui.Plan, error) {
	if preset == "" {
		return g.journal.wrap(g.s.SetWMIPlan(ctx, guid, gpo.WMIChoice{None: true}))
	}
	return g.journal.wrap(g.s.SetWMIPlan(ctx, guid, gpo.WMIChoice{Preset: preset}))
}
