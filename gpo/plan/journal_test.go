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

// The forward records: written with every step at Begin. A resume on the
// reopened journal (ResumeJournal): the steps made when it began stay
// made while the resume passes them (a resume that dies there must not
// make them look unsure), the others are marked as they go; a resume that
// dies leaves the journal with what it made; a finished one removes it; a
// resume that rolls back marks every step undone and removes it.
func TestResumeJournal(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "ctitui")
	step := func(name string) Step {
		return Step{Op: "op", Target: name, Effect: Prepares, Do: func(context.Context) error { return nil },
			Undo:   func(context.Context) error { return nil },
			Record: func() *Record { return NewRecord("test", name) },
			Redo:   NewRecord("test-redo", name)}
	}
	p := New("dies")
	p.Journal = &FileJournal{Dir: dir, Domain: "cti.test", Command: "test"}
	die := step("b")
	die.Do = func(context.Context) error { panic("killed") }
	p.Add(step("a"), die, step("c"))
	func() {
		defer func() { recover() }()
		p.Apply(context.Background())
	}()
	all, _ := LoadJournals(dir)
	if len(all) != 1 || all[0].Steps[2].Redo == nil || all[0].Steps[2].Redo.Kind != "test-redo" || all[0].Steps[0].State != Made {
		t.Fatalf("journal of the dead plan: %+v", all)
	}

	// A resume that dies in c: a kept made (even while the resume passes
	// it), b made, c started.
	resume := func(f JournalFile, dieIn int) (Report, error) {
		fj, err := Reopen(f)
		if err != nil {
			t.Fatal(err)
		}
		rp := New("resume")
		rp.Journal = ResumeJournal(fj)
		for i, n := range []string{"a", "b", "c"} {
			s := step(n)
			if i == dieIn {
				s.Do = func(context.Context) error { panic("killed") }
			}
			if i == 0 {
				s.Do = func(context.Context) error {
					js, _ := LoadJournals(dir)
					if len(js) != 1 || js[0].Steps[0].State != Made {
						return errors.New("the kept step looks unsure while the resume passes it")
					}
					return nil
				}
			}
			rp.Add(s)
		}
		return rp.Apply(context.Background())
	}
	func() {
		defer func() { recover() }()
		resume(all[0], 2)
	}()
	all, _ = LoadJournals(dir)
	if len(all) != 1 || all[0].Steps[0].State != Made || all[0].Steps[1].State != Made || all[0].Steps[2].State != Started {
		t.Fatalf("journal of the dead resume: %+v", all)
	}
	keep := all[0]
	if _, err := resume(all[0], -1); err != nil {
		t.Fatal(err)
	}
	if js, _ := LoadJournals(dir); len(js) != 0 {
		t.Fatalf("journal left after the resume finished: %+v", js)
	}

	// A resume whose step fails rolls the whole change back (the kept
	// step too): nothing is left to recover, the journal goes.
	if err := os.WriteFile(keep.Path, []byte(`{"version":1,"domain":"cti.test","steps":[{"what":"op a","state":"made","undo":{"kind":"test"}},{"what":"op b","state":"pending"},{"what":"op c","state":"pending"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	all, _ = LoadJournals(dir)
	fj, err := Reopen(all[0])
	if err != nil {
		t.Fatal(err)
	}
	undone := 0
	rp := New("resume")
	rp.Journal = ResumeJournal(fj)
	for _, n := range []string{"a", "b", "c"} {
		s := step(n)
		s.Undo = func(context.Context) error { undone++; return nil }
		if n == "c" {
			s.Do = func(context.Context) error { return errors.New("refused") }
		}
		rp.Add(s)
	}
	if _, err := rp.Apply(context.Background()); err == nil || undone != 3 {
		t.Fatalf("failed resume: %v, %d undone", err, undone)
	}
	if js, _ := LoadJournals(dir); len(js) != 0 {
		t.Fatalf("journal left after the resume rolled back: %+v", js)
	}
}
