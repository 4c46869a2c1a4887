package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/gpo/plan"
)

// The console's plan adapter: the dry run is the plan's text, each made
// step is reported, and a failure comes back with what was undone.
func TestUIPlanReportsStepsAndRollback(t *testing.T) {
	var undone []string
	step := func(name string, fail bool) plan.Step {
		return plan.Step{Op: "ldap modify", Target: name,
			Do: func(context.Context) error {
				if fail {
					return errors.New("LDAP 50")
				}
				return nil
			},
			Undo: func(context.Context) error { undone = append(undone, name); return nil }}
	}
	p := plan.New("link a GPO")
	p.Add(step("OU=A", false), step("OU=B", false), step("OU=C", true))
	u, err := wrapPlan(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if u.Steps() != 3 || !strings.Contains(strings.Join(u.Lines(), "\n"), "OU=B") {
		t.Fatalf("dry run: %d steps\n%s", u.Steps(), strings.Join(u.Lines(), "\n"))
	}
	var seen []int
	out, err := u.Apply(context.Background(), func(n int, _ string) { seen = append(seen, n) })
	if err == nil || out.Complete {
		t.Fatalf("a failing step applied: %+v", out)
	}
	if len(seen) != 2 || seen[0] != 1 || seen[1] != 2 {
		t.Fatalf("progress for steps %v, want [1 2]", seen)
	}
	if !strings.Contains(out.Failed, "OU=C") || len(out.RolledBack) == 0 || len(undone) == 0 {
		t.Fatalf("outcome %+v, undone %v", out, undone)
	}
}

// recJournal records what a plan tells its journal.
type recJournal struct {
	begun, ended int
	marks        []plan.StepState
}

func (r *recJournal) Begin(*plan.Plan) error { r.begun++; return nil }
func (r *recJournal) Mark(_ int, st plan.StepState, _ *plan.Record) error {
	r.marks = append(r.marks, st)
	return nil
}
func (r *recJournal) End(bool) error { r.ended++; return nil }

// A change the console applies is journaled by its session's journal
// (made per change by the journal function Connect gives the adapters).
func TestConsolePlansAreJournaled(t *testing.T) {
	rj := &recJournal{}
	made := 0
	j := consoleJournal(func() plan.Journal { made++; return rj })
	p := plan.New("filter a GPO")
	p.Add(plan.Step{Op: "ldap set-dacl", Target: "CN={X}", Effect: plan.Narrows, Do: func(context.Context) error { return nil }})
	u, err := j.wrap(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.Apply(context.Background(), func(int, string) {}); err != nil {
		t.Fatal(err)
	}
	if made != 1 || rj.begun != 1 || rj.ended != 1 || len(rj.marks) != 2 || rj.marks[0] != plan.Started || rj.marks[1] != plan.Made {
		t.Fatalf("journal made %d times: %+v", made, rj)
	}
}
