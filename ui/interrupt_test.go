package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// blockingPlan is a change in the middle of being applied: it stops, and
// rolls back, only when its context is cancelled.
type blockingPlan struct {
	started    chan struct{}
	rolledBack bool
}

func (p *blockingPlan) Title() string   { return "deploy" }
func (p *blockingPlan) Steps() int      { return 2 }
func (p *blockingPlan) Lines() []string { return []string{"deploy"} }
func (p *blockingPlan) Apply(ctx context.Context, done func(int, string)) (Outcome, error) {
	done(1, "ldap add GPO")
	close(p.started)
	<-ctx.Done()
	p.rolledBack = true
	return Outcome{Applied: []string{"ldap add GPO"}, Failed: "smb mkdir", RolledBack: []string{"ldap add GPO"}}, context.Cause(ctx)
}

// A stop signal (InterruptMsg) while a change is applied: the console
// quits without asking (nobody may be there), the change rolls back, and
// WaitApplies holds the process until it has.
func TestSignalMidApplyRollsBackAndQuits(t *testing.T) {
	d := connected(t, English, newFakes(false))
	m := d.root()
	p := &blockingPlan{started: make(chan struct{})}
	startApply(m.env.applies, p)
	<-p.started
	_, cmd := m.Update(InterruptMsg{Reason: "hangup"})
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("the console did not quit on a signal")
	}
	err := m.WaitApplies()
	if !p.rolledBack || err == nil || !strings.Contains(err.Error(), "deploy") {
		t.Fatalf("rolled back %v, outcome %v", p.rolledBack, err)
	}
}

// A confirmed quit mid-apply rolls the change back too.
func TestConfirmedQuitMidApplyRollsBack(t *testing.T) {
	d := connected(t, English, newFakes(false))
	d.send(pushMsg{&busyScreen{homeScreen: *newHome(d.root().env)}})
	p := &blockingPlan{started: make(chan struct{})}
	startApply(d.root().env.applies, p)
	<-p.started
	d.keys("ctrl+c")
	if d.quit || p.rolledBack {
		t.Fatal("quit or rolled back without asking")
	}
	d.keys("y")
	if !d.quit {
		t.Fatal("y did not quit")
	}
	if err := d.root().WaitApplies(); err == nil || !p.rolledBack {
		t.Fatalf("not rolled back: %v", err)
	}
}

// fakeRecovery has one cut-off change until its plan ran.
type fakeRecovery struct{ plan, resume *fakePlan }

func (r *fakeRecovery) Pending(context.Context) ([]string, error) {
	r.plan.mu.Lock()
	ran := r.plan.ran
	r.plan.mu.Unlock()
	if r.resume != nil {
		r.resume.mu.Lock()
		ran += r.resume.ran
		r.resume.mu.Unlock()
	}
	if ran > 0 {
		return nil, nil
	}
	return []string{`"deploy MIKO CTI 4.9.226", 2026-12-04 17:40, 5 of 14 steps made`}, nil
}

func (r *fakeRecovery) Plan(context.Context) (Plan, error) { return r.plan, nil }

func (r *fakeRecovery) Resume(context.Context) (Plan, error) {
	if r.resume == nil {
		return nil, errors.New(`the cut-off change "deploy MIKO CTI 4.9.226" cannot be finished: the local MSI changed; undo it instead`)
	}
	return r.resume, nil
}

// Home says when an earlier change was cut off and offers its undo as a
// plan, applied after a yes like any other; then the notice goes.
func TestHomeOffersToUndoACutOffChange(t *testing.T) {
	f := newFakes(false)
	rec := &fakeRecovery{plan: &fakePlan{title: `undo the cut-off change "deploy MIKO CTI 4.9.226"`, steps: []string{"undo ldap modify gPLink", "undo ldap add GPO"}}}
	f.sess.Recovery = rec
	d := connected(t, English, f)
	d.wantView("an earlier change was cut off", "5 of 14 steps made", "undo it")
	d.keys("u")
	d.wantView("undo the cut-off change", "undo ldap add GPO")
	d.keys("a", "y")
	if rec.plan.ran != 1 {
		t.Fatalf("the recovery plan ran %d times", rec.plan.ran)
	}
	d.keys("esc")
	if strings.Contains(d.view(), "cut off") {
		t.Fatalf("the notice stayed after the undo:\n%s", d.view())
	}
}

// Home offers to finish a cut-off change beside its undo (f): the
// resume plan is applied after a yes like any other, and the notice goes.
// A change that cannot be finished says why, and the undo stays offered.
func TestHomeOffersToFinishACutOffChange(t *testing.T) {
	f := newFakes(false)
	rec := &fakeRecovery{plan: &fakePlan{title: "undo"},
		resume: &fakePlan{title: `finish the cut-off change "deploy MIKO CTI 4.9.226"`, steps: []string{"keep ldap add GPO", "plan Software Installation package", "ldap modify gPLink"}}}
	f.sess.Recovery = rec
	d := connected(t, English, f)
	d.wantView("an earlier change was cut off", "finish it", "undo it")
	d.keys("f")
	d.wantView("finish the cut-off change", "keep ldap add GPO", "ldap modify gPLink")
	d.keys("a", "y")
	if rec.resume.ran != 1 || rec.plan.ran != 0 {
		t.Fatalf("the resume plan ran %d times, the undo %d", rec.resume.ran, rec.plan.ran)
	}
	d.keys("esc")
	if strings.Contains(d.view(), "cut off") {
		t.Fatalf("the notice stayed after finishing:\n%s", d.view())
	}

	f = newFakes(false)
	rec = &fakeRecovery{plan: &fakePlan{title: "undo the cut-off change", steps: []string{"undo ldap add GPO"}}}
	f.sess.Recovery = rec
	d = connected(t, English, f)
	d.keys("f")
	d.wantView("cannot be finished", "undo it instead", "an earlier change was cut off")
	d.keys("u")
	d.wantView("undo the cut-off change", "undo ldap add GPO")
}

// notPDCDir is a session that writes on a DC other than the PDC emulator
// (a DC named on the Connect screen).
type notPDCDir struct{ *fakeDir }

func (d notPDCDir) Summary(ctx context.Context) (Summary, error) {
	s, err := d.fakeDir.Summary(ctx)
	s.PDCEmulator = "dc2.cti.test"
	return s, err
}

// Home says when changes go to a DC that is not the PDC emulator, as the
// commands' note does for --dc, in both languages; not otherwise.
func TestHomeNotesADCThatIsNotThePDCEmulator(t *testing.T) {
	f := newFakes(false)
	f.sess.Dir = notPDCDir{f.dir}
	d := connected(t, English, f)
	d.wantView("Warning: changes are written on this DC, not on the PDC", "emulator dc2.cti.test where GPMC writes")
	f = newFakes(false)
	f.sess.Dir = notPDCDir{f.dir}
	d = connected(t, Russian, f)
	d.wantView("dc2.cti.test")
	d = connected(t, English, newFakes(false))
	d.notView("PDC emulator")
}
