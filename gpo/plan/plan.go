// Package plan runs a multi-step change to a domain as all or nothing.
//
// A Plan is an ordered list of Steps. Each step is one exact change (an LDAP
// add, modify or delete, an SMB mkdir, file write or ACL change) described
// for people and machines, with the function that makes it and the function
// that undoes it. Printing a plan touches nothing: that is the dry run. Apply
// runs the steps in order; on the first failure it undoes what was done, in
// reverse order, and returns a Report of what failed and what was rolled
// back.
//
// The failed step is undone too: when a connection drops after a request was
// sent, the server may have made the change even though the reply was lost.
// Undo functions must therefore tolerate "already undone" (an object that is
// not there, a value that was never written).
//
// # Order by effect
//
// Every step says what it does to clients (its Effect): it Prepares
// something no client acts on yet (a new object nothing links to, a file,
// a folder ACL that follows the directory), Narrows who or what a change
// reaches (security filtering, a WMI filter, a per-package ACL, removing a
// link), or Widens it: it makes a change take effect on clients (a link, a
// package in a linked GPO, extension names, the version bump that makes
// clients look again, security filtering that grants more). The rule every
// plan follows: no step that narrows comes after a step that widens. A
// process that dies between two steps (an SSH session that drops, kill -9)
// then leaves at worst a change that reaches fewer clients than asked,
// never one that reaches more: a new GPO is linked only after its package,
// security filtering and WMI filter are in place; a package is added to a
// linked GPO only after its script and with its per-package ACL; the
// version bump comes last. CheckOrder tests a plan against the rule and
// Apply refuses a plan that breaks it.
//
// # When the process dies
//
// A Journal follows Apply step by step (FileJournal keeps it in a file):
// each step's Record is what its undo needs, its Redo what making it
// again needs (the inputs of its builder; never secrets). A later process
// undoes the journal (gpo.Session.RecoverPlan, RecoveryJournal) or
// finishes it (gpo.Session.ResumePlan, ResumeJournal): the resume has one
// step per journal step in the journal's order, so it is in order by
// effect as the first run was, and it updates the same journal, so a
// resume that dies in turn is recovered like any change.
package plan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Effect is what a step does to clients of the directory (see the package
// doc, "Order by effect").
type Effect uint8

const (
	// Unclassified is a step whose builder did not say; CheckOrder
	// reports it.
	Unclassified Effect = iota
	// Prepares makes something no client acts on yet.
	Prepares
	// Narrows reduces who or what a change reaches.
	Narrows
	// Widens makes a change take effect on clients, or reach more of
	// them.
	Widens
)

func (e Effect) String() string {
	switch e {
	case Prepares:
		return "prepares"
	case Narrows:
		return "narrows"
	case Widens:
		return "widens"
	}
	return "unclassified"
}

// MarshalText is the word, for JSON.
func (e Effect) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText reads the word back (journals).
func (e *Effect) UnmarshalText(b []byte) error {
	for _, c := range []Effect{Unclassified, Prepares, Narrows, Widens} {
		if c.String() == string(b) {
			*e = c
			return nil
		}
	}
	return fmt.Errorf("unknown step effect %q", b)
}

// OrderError is a plan that breaks the rule of the package doc.
type OrderError struct {
	// Step is the offending step (1-based) and what it is.
	Step int
	What string
	// Widening is the earlier step that widens (1-based), 0 when the
	// offence is an unclassified step.
	Widening     int
	WideningWhat string
}

func (e *OrderError) Error() string {
	if e.Widening == 0 {
		return fmt.Sprintf("step %d (%s) does not say what it does to clients", e.Step, e.What)
	}
	return fmt.Sprintf("step %d (%s) narrows the change after step %d (%s) made it take effect", e.Step, e.What, e.Widening, e.WideningWhat)
}

// CheckOrder tests steps against the rule: no Narrows step after a
// Widens step, and (strict) no Unclassified step.
func CheckOrder(steps []Step, strict bool) error {
	widened := -1
	for i, s := range steps {
		switch s.Effect {
		case Unclassified:
			if strict {
				return &OrderError{Step: i + 1, What: s.String()}
			}
		case Widens:
			if widened < 0 {
				widened = i
			}
		case Narrows:
			if widened >= 0 {
				return &OrderError{Step: i + 1, What: s.String(), Widening: widened + 1, WideningWhat: steps[widened].String()}
			}
		}
	}
	return nil
}

// CheckOrder tests the plan against the rule of the package doc, with
// every step classified.
func (p *Plan) CheckOrder() error { return CheckOrder(p.Steps, true) }

// Step is one exact change and its inverse.
type Step struct {
	// Op names the kind of change: "ldap add", "ldap modify", "smb mkdir"...
	Op string `json:"op"`
	// Target is what is changed: a DN or a UNC path.
	Target string `json:"target"`
	// Details are the exact values, one per line ("gPLink: old -> new").
	Details []string `json:"details,omitempty"`
	// Inverse describes the undo for people; empty when there is none.
	Inverse string `json:"undo,omitempty"`

	// Do makes the change.
	Do func(context.Context) error `json:"-"`
	// Undo reverts it; nil when the step changes nothing that needs
	// reverting. It must succeed when the change never happened.
	Undo func(context.Context) error `json:"-"`
	// Irreversible marks a step that cannot be undone (a deletion). A
	// rollback stops before it: the steps made before it stay made, and
	// the report says so. Plans put such steps last, after everything
	// that can still fail for an ordinary reason.
	Irreversible bool `json:"irreversible,omitempty"`
	// Effect is what the step does to clients (package doc, "Order by
	// effect").
	Effect Effect `json:"effect,omitempty"`
	// Record is what the step's undo needs, for a journal that outlives
	// the process (see Journal). It is called before Do (with what the
	// plan knows) and after (with what Do learnt); nil for a step that
	// cannot be undone or needs no undo.
	Record func() *Record `json:"-"`
	// Redo is what a later process needs to make the step again (its
	// forward record, see Journal): the inputs of the step's builder,
	// never secrets. nil for a step that cannot be resumed from a
	// journal.
	Redo *Record `json:"-"`
}

// Record is what one step's undo needs, in a form a later process can
// read: a kind that the step's package knows how to undo, and its values
// (DNs, GUIDs, previous values, temporary file names; never secrets).
type Record struct {
	Kind string          `json:"kind"`
	Args json.RawMessage `json:"args,omitempty"`
}

// NewRecord marshals args into a Record. Args that cannot be marshalled
// are a programming error: the record says so rather than panicking.
func NewRecord(kind string, args any) *Record {
	b, err := json.Marshal(args)
	if err != nil {
		b, _ = json.Marshal(map[string]string{"error": err.Error()})
	}
	return &Record{Kind: kind, Args: b}
}

// StepState is where a step is, for a journal.
type StepState string

const (
	// Pending steps have not started.
	Pending StepState = "pending"
	// Started steps were sent and not acknowledged: the server may have
	// made them or not (undo them either way).
	Started StepState = "started"
	// Made steps are done.
	Made StepState = "made"
	// Undone steps were rolled back.
	Undone StepState = "undone"
)

// Journal is told about a plan's progress before and after each step, so
// that a process that dies mid-way (kill -9, a dropped session) leaves
// what a later one needs to undo or finish it. An error from it stops the
// plan like a failed step.
type Journal interface {
	// Begin is called before the first step, with every step pending.
	Begin(p *Plan) error
	// Mark records the state of step i, with its record as of now.
	Mark(i int, st StepState, rec *Record) error
	// End is called last: clean is true when the plan is complete or
	// rolled back without errors (nothing is left to recover).
	End(clean bool) error
}

type touchKey struct{}

// Touch records the running step's record again, for a step that makes
// several changes (a nested plan, an upload that learnt its temporary
// file): a process that dies after this still undoes them.
func Touch(ctx context.Context) {
	if f, ok := ctx.Value(touchKey{}).(func()); ok {
		f()
	}
}

func record(s Step) *Record {
	if s.Record == nil {
		return nil
	}
	return s.Record()
}

// String is the step on one line.
func (s Step) String() string { return s.Op + " " + s.Target }

// Plan is an ordered list of steps with a title and notes for the admin.
type Plan struct {
	Title string `json:"title"`
	Steps []Step `json:"steps"`
	// Notes are explanations and warnings to show with the plan.
	Notes []string `json:"notes,omitempty"`

	// BeforeUndo runs once before a rollback, e.g. to reconnect when the
	// failure was a dropped connection. Its error is reported, and the
	// rollback is still attempted.
	BeforeUndo func(context.Context) error `json:"-"`
	// UndoTimeout bounds each undo; zero means 30 seconds. Undo runs
	// even when the caller's context was cancelled: leaving half a change
	// behind is worse than finishing the cleanup.
	UndoTimeout time.Duration `json:"-"`
	// Journal, when set, follows Apply step by step.
	Journal Journal `json:"-"`
}

// New starts a plan.
func New(title string) *Plan { return &Plan{Title: title} }

// Add appends steps.
func (p *Plan) Add(steps ...Step) { p.Steps = append(p.Steps, steps...) }

// Note appends a note for the admin.
func (p *Plan) Note(format string, args ...any) {
	p.Notes = append(p.Notes, fmt.Sprintf(format, args...))
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool { return len(p.Steps) == 0 }

// WriteText prints the plan for people: numbered steps, their details and
// undo, then the notes.
func (p *Plan) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Plan: %s\n", p.Title)
	if len(p.Steps) == 0 {
		b.WriteString("  nothing to change\n")
	}
	for i, s := range p.Steps {
		fmt.Fprintf(&b, "  %d. %s %s\n", i+1, s.Op, s.Target)
		for _, d := range s.Details {
			fmt.Fprintf(&b, "       %s\n", d)
		}
		if s.Inverse != "" {
			fmt.Fprintf(&b, "       undo: %s\n", s.Inverse)
		}
	}
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "Note: %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Report says what Apply did.
type Report struct {
	Title string `json:"title"`
	// Applied are the steps that were made, in order (all of them when
	// Complete).
	Applied []string `json:"applied"`
	// Complete is true when every step was made.
	Complete bool `json:"complete"`
	// Failed is the step that failed and why, when not Complete.
	Failed      string `json:"failed,omitempty"`
	FailedError string `json:"failedError,omitempty"`
	// RolledBack are the steps undone after the failure, in the order
	// they were undone.
	RolledBack []string `json:"rolledBack,omitempty"`
	// RollbackErrors are undos that failed: these changes may still be
	// in place and need a look.
	RollbackErrors []string `json:"rollbackErrors,omitempty"`
}

// Error is returned by Apply when a step failed. It carries the Report.
type Error struct {
	Report Report
	// Err is the failing step's error.
	Err error
}

func (e *Error) Error() string {
	r := e.Report
	msg := fmt.Sprintf("%s: step %q failed: %v", r.Title, r.Failed, e.Err)
	switch {
	case len(r.RollbackErrors) > 0:
		msg += fmt.Sprintf("; rollback incomplete, check and fix by hand: %s", strings.Join(r.RollbackErrors, "; "))
	case len(r.Applied) > 0 || len(r.RolledBack) > 0:
		msg += fmt.Sprintf("; rolled back %d step(s), nothing of it is left", len(r.RolledBack))
	default:
		msg += "; nothing was changed"
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// MarshalJSON includes the error text.
func (e *Error) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Report
		Error string `json:"error"`
	}{e.Report, e.Err.Error()})
}

// Apply makes the steps in order. On the first failure it undoes the failed
// step and every step before it, newest first, and returns an *Error with
// the Report.
//
// A plan that narrows after it widens (CheckOrder, unclassified steps
// allowed) is refused before any step runs.
func (p *Plan) Apply(ctx context.Context) (Report, error) {
	r := Report{Title: p.Title, Applied: []string{}}
	if err := CheckOrder(p.Steps, false); err != nil {
		return r, fmt.Errorf("%s: refused, the plan is out of order: %w", p.Title, err)
	}
	j := p.Journal
	if j != nil && len(p.Steps) > 0 {
		if err := j.Begin(p); err != nil {
			return r, fmt.Errorf("%s: write the journal: %w", p.Title, err)
		}
	}
	mark := func(i int, st StepState) error {
		if j == nil {
			return nil
		}
		if err := j.Mark(i, st, record(p.Steps[i])); err != nil {
			return fmt.Errorf("write the journal: %w", err)
		}
		return nil
	}
	for i, s := range p.Steps {
		err := ctx.Err()
		if err != nil {
			// A signal's context says which (the cause).
			err = context.Cause(ctx)
		} else if err = mark(i, Started); err == nil {
			sctx := context.WithValue(ctx, touchKey{}, func() { mark(i, Started) })
			if err = s.Do(sctx); err == nil {
				err = mark(i, Made)
			}
		}
		if err != nil {
			r.Failed, r.FailedError = s.String(), err.Error()
			p.rollback(ctx, i, &r, mark)
			if j != nil {
				j.End(len(r.RollbackErrors) == 0)
			}
			return r, &Error{Report: r, Err: err}
		}
		r.Applied = append(r.Applied, s.String())
	}
	r.Complete = true
	if j != nil && len(p.Steps) > 0 {
		j.End(true)
	}
	return r, nil
}

// rollback undoes steps failed..0. An undo that fails gets one more try
// after BeforeUndo, which covers a connection that dropped during the
// rollback itself.
func (p *Plan) rollback(ctx context.Context, failed int, r *Report, mark func(int, StepState) error) {
	ctx = context.WithoutCancel(ctx)
	recover := func() {
		if p.BeforeUndo == nil {
			return
		}
		if err := p.BeforeUndo(ctx); err != nil {
			r.RollbackErrors = append(r.RollbackErrors, fmt.Sprintf("prepare rollback: %v", err))
		}
	}
	recover()
	for i := failed; i >= 0; i-- {
		s := p.Steps[i]
		if s.Irreversible && i < failed {
			r.RollbackErrors = append(r.RollbackErrors, fmt.Sprintf("%s cannot be undone; the steps before it stay made: %s",
				s, strings.Join(r.Applied[:i+1], "; ")))
			return
		}
		if s.Undo == nil {
			mark(i, Undone)
			continue
		}
		err := p.undo(ctx, s)
		if err != nil {
			recover()
			err = p.undo(ctx, s)
		}
		if err != nil {
			r.RollbackErrors = append(r.RollbackErrors, fmt.Sprintf("undo %s: %v", s, err))
			continue
		}
		mark(i, Undone)
		r.RolledBack = append(r.RolledBack, s.String())
	}
}

func (p *Plan) undo(ctx context.Context, s Step) error {
	timeout := p.UndoTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return s.Undo(ctx)
}

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
