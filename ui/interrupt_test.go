package ui

import (
	"context"
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
