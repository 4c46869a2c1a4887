package plan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

// recorder builds steps that log what ran.
type recorder struct{ log []string }

func (r *recorder) step(name string, fail bool) Step {
	return Step{
		Op: "test", Target: name, Details: []string{"detail of " + name}, Inverse: "undo " + name,
		Do: func(context.Context) error {
			r.log = append(r.log, "do "+name)
			if fail {
				return errors.New(name + " broke")
			}
			return nil
		},
		Undo: func(context.Context) error {
			r.log = append(r.log, "undo "+name)
			return nil
		},
	}
}

func TestApplyAll(t *testing.T) {
	r := &recorder{}
	p := New("all")
	p.Add(r.step("a", false), r.step("b", false))
	rep, err := p.Apply(context.Background())
	if err != nil || !rep.Complete || !slices.Equal(rep.Applied, []string{"test a", "test b"}) {
		t.Fatalf("%+v %v", rep, err)
	}
	if !slices.Equal(r.log, []string{"do a", "do b"}) {
		t.Fatalf("log %v", r.log)
	}
}

// A failure undoes the failed step (its request may have reached the
// server) and then the earlier ones, newest first, after BeforeUndo.
func TestRollbackOrder(t *testing.T) {
	r := &recorder{}
	p := New("fails at c")
	p.BeforeUndo = func(context.Context) error { r.log = append(r.log, "reconnect"); return nil }
	p.Add(r.step("a", false), r.step("b", false), r.step("c", true), r.step("d", false))
	rep, err := p.Apply(context.Background())
	want := []string{"do a", "do b", "do c", "reconnect", "undo c", "undo b", "undo a"}
	if !slices.Equal(r.log, want) {
		t.Fatalf("log %v, want %v", r.log, want)
	}
	pe, ok := AsError(err)
	if !ok || rep.Complete || rep.Failed != "test c" || len(rep.RolledBack) != 3 || len(rep.RollbackErrors) != 0 {
		t.Fatalf("report %+v, err %v", rep, err)
	}
	if !strings.Contains(pe.Error(), "c broke") || !strings.Contains(pe.Error(), "nothing of it is left") {
		t.Fatalf("message %q", pe.Error())
	}
	b, err := json.Marshal(pe)
	if err != nil || !bytes.Contains(b, []byte(`"rolledBack":["test c","test b","test a"]`)) {
		t.Fatalf("json %s %v", b, err)
	}
}

// An undo that fails is retried once after BeforeUndo; one that fails
// again is reported, and the rollback goes on with the others.
func TestUndoRetryAndReport(t *testing.T) {
	var log []string
	tries := 0
	p := New("flaky undo")
	p.BeforeUndo = func(context.Context) error { log = append(log, "reconnect"); return nil }
	p.Add(
		Step{Op: "x", Target: "1", Do: func(context.Context) error { return nil },
			Undo: func(context.Context) error { log = append(log, "undo 1"); return errors.New("still down") }},
		Step{Op: "x", Target: "2", Do: func(context.Context) error { return nil },
			Undo: func(context.Context) error {
				tries++
				log = append(log, "undo 2")
				if tries == 1 {
					return errors.New("connection reset")
				}
				return nil
			}},
		Step{Op: "x", Target: "3", Do: func(context.Context) error { return errors.New("boom") }},
	)
	rep, err := p.Apply(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{"reconnect", "undo 2", "reconnect", "undo 2", "undo 1", "reconnect", "undo 1"}
	if !slices.Equal(log, want) {
		t.Fatalf("log %v, want %v", log, want)
	}
	if !slices.Equal(rep.RolledBack, []string{"x 2"}) || len(rep.RollbackErrors) != 1 || !strings.Contains(err.Error(), "check and fix by hand") {
		t.Fatalf("report %+v: %v", rep, err)
	}
}

// A rollback stops at an irreversible step that was made: what came
// before it stays, and the report says so.
func TestIrreversibleStopsRollback(t *testing.T) {
	r := &recorder{}
	p := New("delete")
	gone := r.step("delete", false)
	gone.Undo, gone.Irreversible = nil, true
	p.Add(r.step("unlink", false), gone, r.step("cleanup", true))
	rep, _ := p.Apply(context.Background())
	if slices.Contains(r.log, "undo unlink") {
		t.Fatalf("undid past an irreversible step: %v", r.log)
	}
	if len(rep.RollbackErrors) != 1 || !strings.Contains(rep.RollbackErrors[0], "cannot be undone") {
		t.Fatalf("report %+v", rep)
	}
}

func TestCancelledContextStillRollsBack(t *testing.T) {
	r := &recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	p := New("cancel")
	p.Add(r.step("a", false), Step{Op: "cancel", Target: "b",
		Do: func(context.Context) error { cancel(); return context.Canceled }})
	if _, err := p.Apply(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if !slices.Contains(r.log, "undo a") {
		t.Fatalf("no rollback after cancel: %v", r.log)
	}
}

func TestWriteTextIsTheDryRun(t *testing.T) {
	r := &recorder{}
	p := New("show")
	p.Add(r.step("a", false))
	p.Note("a note")
	var b bytes.Buffer
	if err := p.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := "Plan: show\n  1. test a\n       detail of a\n       undo: undo a\nNote: a note\n"
	if b.String() != want || len(r.log) != 0 {
		t.Fatalf("text %q (ran %v)", b.String(), r.log)
	}
	j, _ := json.Marshal(p)
	if !bytes.Contains(j, []byte(`"steps":[{"op":"test","target":"a","details":["detail of a"],"undo":"undo a"}]`)) {
		t.Fatalf("json %s", j)
	}
}

// The rule of the package doc: no step narrows after one widened, and
// CheckOrder names both; strict also refuses unclassified steps. Apply
// refuses a plan out of order before making anything.
func TestOrderByEffect(t *testing.T) {
	r := &recorder{}
	with := func(name string, e Effect) Step { s := r.step(name, false); s.Effect = e; return s }
	good := []Step{with("gpo", Prepares), with("filter", Narrows), with("package", Widens), with("note", Prepares), with("link", Widens)}
	if err := CheckOrder(good, true); err != nil {
		t.Fatalf("in order: %v", err)
	}
	bad := []Step{with("gpo", Prepares), with("link", Widens), with("filter", Narrows)}
	err := CheckOrder(bad, true)
	var oe *OrderError
	if !errors.As(err, &oe) || oe.Step != 3 || oe.Widening != 2 || !strings.Contains(err.Error(), "test filter") || !strings.Contains(err.Error(), "test link") {
		t.Fatalf("out of order: %v", err)
	}
	unclassified := []Step{with("gpo", Prepares), r.step("what", false)}
	if err := CheckOrder(unclassified, true); err == nil || !strings.Contains(err.Error(), "does not say") {
		t.Fatalf("strict, unclassified: %v", err)
	}
	if err := CheckOrder(unclassified, false); err != nil {
		t.Fatalf("lax, unclassified: %v", err)
	}
	p := New("bad")
	p.Add(bad...)
	if _, err := p.Apply(context.Background()); err == nil || len(r.log) != 0 {
		t.Fatalf("applied out of order: %v, ran %v", err, r.log)
	}
	j, _ := json.Marshal(good[1])
	if !bytes.Contains(j, []byte(`"effect":"narrows"`)) {
		t.Fatalf("json %s", j)
	}
	var back Step
	if err := json.Unmarshal(j, &back); err != nil || back.Effect != Narrows {
		t.Fatalf("json back %+v %v", back, err)
	}
}
