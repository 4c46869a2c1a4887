package plan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// The journal: written before the first step (every step pending, with
// its record), after each step, owner-only; removed when the plan
// completes or rolls back cleanly; left with the steps' states when the
// process dies mid-way; a recovery marks what it undid and removes it
// when nothing undoable is left.
func TestFileJournal(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "ctitui")
	newJ := func() *FileJournal {
		return &FileJournal{Dir: dir, Domain: "CTI.test", User: "admin@cti.test", Command: "test"}
	}
	r := &recorder{}
	step := func(name string, fail bool) Step {
		s := r.step(name, fail)
		s.Effect = Prepares
		s.Record = func() *Record { return NewRecord("test", map[string]string{"name": name}) }
		return s
	}

	p := New("complete")
	p.Journal = newJ()
	seen := 0
	check := Step{Op: "look", Target: "journal", Effect: Prepares, Do: func(context.Context) error {
		js, err := LoadJournals(dir)
		if err != nil || len(js) != 1 || js[0].Steps[0].State != Made || js[0].Steps[1].State != Started || js[0].Domain != "cti.test" {
			return errors.New("journal not as expected mid-plan")
		}
		if runtime.GOOS != "windows" {
			fi, _ := os.Stat(js[0].Path)
			di, _ := os.Stat(dir)
			if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
				return errors.New("journal not owner-only")
			}
		}
		seen++
		return nil
	}}
	p.Add(step("a", false), check)
	if _, err := p.Apply(context.Background()); err != nil || seen != 1 {
		t.Fatalf("%v, seen %d", err, seen)
	}
	if js, _ := LoadJournals(dir); len(js) != 0 {
		t.Fatalf("journal left after success: %+v", js)
	}

	p = New("rolled back")
	p.Journal = newJ()
	p.Add(step("a", false), step("b", true))
	if _, err := p.Apply(context.Background()); err == nil {
		t.Fatal("no failure")
	}
	if js, _ := LoadJournals(dir); len(js) != 0 {
		t.Fatalf("journal left after a clean rollback: %+v", js)
	}

	// A process that dies in step c: a, b made, c started.
	p = New("dies")
	p.Journal = newJ()
	die := step("c", false)
	die.Do = func(context.Context) error { panic("killed") }
	p.Add(step("a", false), step("b", false), die, step("d", false))
	func() {
		defer func() { recover() }()
		p.Apply(context.Background())
	}()
	js, err := Unfinished(dir, "cti.test")
	if err != nil || len(js) != 0 {
		t.Fatalf("a journal of a live process counts as unfinished: %v %v", js, err)
	}
	all, _ := LoadJournals(dir)
	if len(all) != 1 {
		t.Fatalf("journals %+v", all)
	}
	f := all[0]
	if made, started := f.Progress(); made != 2 || started != 1 || f.Steps[3].State != Pending || f.Steps[2].Undo == nil || f.Steps[2].Undo.Kind != "test" {
		t.Fatalf("journal of the dead plan: %+v", f)
	}
	// Its recovery: undo c, b, a (index 2, 1, 0).
	fj, err := Reopen(f)
	if err != nil {
		t.Fatal(err)
	}
	rp := New("undo")
	rp.Journal = RecoveryJournal(fj, []int{2, 1, 0})
	for _, n := range []string{"c", "b", "a"} {
		rp.Add(Step{Op: "undo", Target: n, Effect: Prepares, Do: func(context.Context) error { return nil }})
	}
	if _, err := rp.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	if js, _ := LoadJournals(dir); len(js) != 0 {
		t.Fatalf("journal left after its recovery: %+v", js)
	}
}
