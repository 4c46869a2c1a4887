package gpo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/gpo/plan"
)

// Finishing a cut-off change from its journal (resume). Each step kind a
// resumable plan contains records, besides what its undo needs, what a
// later process needs to make it (plan.Step.Redo, the forward record: the
// inputs of its builder, never secrets). A Redoer, registered by the
// package that builds the step, rebuilds the step from that record with
// the same builder, and says how to check before anything is sent that
// the step can still run (pending), or that what it made is still in
// place as recorded (made).

// Redone is a step rebuilt from its forward record.
type Redone struct {
	// Step is the step as its builder makes it (Do, Undo, Record, Redo);
	// its Effect is the journal's.
	Step plan.Step
	// Check looks, sending no change, at whether the step can still run
	// (st Pending), whether what it made is in place as recorded (Made),
	// or either (Started: the server may or may not have made it). It
	// returns why not; nil for a step with nothing to check.
	Check func(ctx context.Context, st plan.StepState) error
}

// RedoStep is one journal step for a Redoer: its state, and its undo and
// forward records.
type RedoStep struct {
	State      plan.StepState
	Undo, Redo *plan.Record
}

// Redoer rebuilds a step from its forward record.
type Redoer func(ctx context.Context, s *Session, js RedoStep, args json.RawMessage) (Redone, error)

var (
	redoMu  sync.RWMutex
	redoers = map[string]Redoer{}
)

// RegisterRedo makes steps of kind resumable. Packages call it from init.
func RegisterRedo(kind string, r Redoer) {
	redoMu.Lock()
	defer redoMu.Unlock()
	redoers[kind] = r
}

// RedoRecord rebuilds the step js's forward record describes.
func (s *Session) RedoRecord(ctx context.Context, js RedoStep) (Redone, error) {
	if js.Redo == nil {
		return Redone{}, errors.New("the journal holds no record to make it again (a step ctitui cannot resume)")
	}
	redoMu.RLock()
	r, ok := redoers[js.Redo.Kind]
	redoMu.RUnlock()
	if !ok {
		return Redone{}, fmt.Errorf("the journal names a step kind %q this ctitui cannot make again", js.Redo.Kind)
	}
	return r(ctx, s, js, js.Redo.Args)
}

// ResumeRefused is a journal that cannot be finished: what was found.
// Undoing it (RecoverPlan) is the way out.
type ResumeRefused struct {
	Title   string
	Reasons []string
}

func (e *ResumeRefused) Error() string {
	return fmt.Sprintf("the cut-off change %q cannot be finished: %s; undo it instead", e.Title, strings.Join(e.Reasons, "; "))
}

// ResumePlan finishes what a journal says a cut-off plan began: one step
// per journal step, in the journal's order, so the plan keeps the order
// by effect its first run had (plan.CheckOrder). Steps made are kept (not
// sent again; their undo is the journal's, for a rollback of the whole
// change); a step sent without an answer is undone as the journal
// records it, then made again; pending steps are made. Before anything,
// every step is checked (Redone.Check): the objects earlier steps made
// are present and as recorded, what the remaining steps change is as it
// was when they were planned (an attribute's old value, a GPO's version,
// the local MSI's SHA-256). A journal that fails a check, holds a step
// without a forward record, or was partly undone already is refused with
// a *ResumeRefused naming every reason.
//
// Apply the plan with plan.ResumeJournal on the reopened journal: a
// resume cut off in turn leaves the journal for the next recovery.
func (s *Session) ResumePlan(ctx context.Context, f plan.JournalFile) (*plan.Plan, error) {
	p := s.newPlan(fmt.Sprintf("finish the cut-off change %q", f.Title))
	refused := &ResumeRefused{Title: f.Title}
	type rebuilt struct {
		i  int
		js plan.JournalStep
		r  Redone
	}
	var steps []rebuilt
	for i, js := range f.Steps {
		why := func(format string, args ...any) {
			refused.Reasons = append(refused.Reasons, fmt.Sprintf("step %d (%s): %s", i+1, js.What, fmt.Sprintf(format, args...)))
		}
		switch js.State {
		case plan.Undone:
			why("a recovery undid it already")
			continue
		case plan.Made, plan.Started, plan.Pending:
		default:
			why("unknown state %q", js.State)
			continue
		}
		if js.State == plan.Made && js.Redo == nil {
			// Made and nothing recorded to check it by: kept as it is.
			steps = append(steps, rebuilt{i: i, js: js})
			continue
		}
		if js.Irreversible && js.State != plan.Made {
			why("it cannot be undone, and finishing a change never makes such a step")
			continue
		}
		r, err := s.RedoRecord(ctx, RedoStep{State: js.State, Undo: js.Undo, Redo: js.Redo})
		if err != nil {
			why("%v", err)
			continue
		}
		if r.Check != nil {
			var m *Mismatch
			if err := r.Check(ctx, js.State); errors.As(err, &m) {
				why("%v", err)
				continue
			} else if err != nil {
				return nil, fmt.Errorf("check step %d (%s) of %q: %w", i+1, js.What, f.Title, err)
			}
		}
		steps = append(steps, rebuilt{i: i, js: js, r: r})
	}
	if len(refused.Reasons) > 0 {
		return nil, refused
	}
	for _, b := range steps {
		js := b.js
		var old func(context.Context) error
		if js.Undo != nil && js.State != plan.Pending {
			u, err := s.UndoRecord(js.Undo)
			if err != nil {
				return nil, &ResumeRefused{Title: f.Title, Reasons: []string{fmt.Sprintf("step %d (%s): %v", b.i+1, js.What, err)}}
			}
			old = u
		}
		switch js.State {
		case plan.Made:
			undo := js.Undo
			p.Add(plan.Step{
				Op: "keep", Target: js.What, Details: []string{"made by the cut-off run and found in place: not sent again"},
				Inverse: "undo it as the cut-off run would have", Effect: js.Effect, Irreversible: js.Irreversible,
				Do:     func(context.Context) error { return nil },
				Undo:   old,
				Record: func() *plan.Record { return undo },
				Redo:   js.Redo,
			})
		case plan.Started:
			p.Add(retryStep(b.r.Step, js, old))
		default:
			st := b.r.Step
			st.Effect, st.Irreversible = js.Effect, js.Irreversible
			p.Add(st)
		}
	}
	return p, nil
}

// retryStep is a step the cut-off run sent without an answer: its undo
// (as the journal records it, which tolerates a change never made) and
// then the step again. Until that undo is done the journal keeps its
// record, so a resume cut off before it still undoes the first attempt.
func retryStep(st plan.Step, js plan.JournalStep, old func(context.Context) error) plan.Step {
	var mu sync.Mutex
	undone := old == nil
	do, undo, rec := st.Do, st.Undo, st.Record
	st.Effect, st.Irreversible = js.Effect, js.Irreversible
	st.Details = append([]string{"sent by the cut-off run without an answer: undone in case it was made, then made again"}, st.Details...)
	st.Do = func(ctx context.Context) error {
		mu.Lock()
		u := undone
		mu.Unlock()
		if !u {
			if err := old(ctx); err != nil {
				return fmt.Errorf("undo what the cut-off run may have made of it: %w", err)
			}
			mu.Lock()
			undone = true
			mu.Unlock()
			plan.Touch(ctx)
		}
		return do(ctx)
	}
	st.Record = func() *plan.Record {
		mu.Lock()
		u := undone
		mu.Unlock()
		if !u {
			return js.Undo
		}
		if rec == nil {
			return nil
		}
		return rec()
	}
	st.Undo = func(ctx context.Context) error {
		var errs []error
		if undo != nil {
			errs = append(errs, undo(ctx))
		}
		mu.Lock()
		u := undone
		mu.Unlock()
		if !u {
			errs = append(errs, old(ctx))
		}
		return errors.Join(errs...)
	}
	return st
}

// Checks shared by the redoers. A difference from the journal is a
// *Mismatch (a reason to refuse); any other error (a dropped connection)
// is one to report as it is.

// Mismatch is a step whose object or input is not as the journal
// records it.
type Mismatch struct{ msg string }

func (m *Mismatch) Error() string { return m.msg }

// Mismatchf is a Mismatch, for the redoers of other packages.
func Mismatchf(format string, args ...any) error {
	return &Mismatch{fmt.Sprintf(format, args...)}
}

// CheckObject checks that dn exists (want true) or does not.
func (s *Session) CheckObject(ctx context.Context, dn string, want bool) error {
	c, err := s.Dir(ctx)
	if err != nil {
		return err
	}
	_, err = c.Read(ctx, dn, []string{"objectClass"})
	switch {
	case domain.IsNoSuchObject(err):
		if want {
			return Mismatchf("%s is gone", dn)
		}
		return nil
	case err != nil:
		return err
	case !want:
		return Mismatchf("%s exists already (made by someone else since?)", dn)
	}
	return nil
}

// CheckValues checks that dn's attr holds one of the value sets in want
// (compared without order; an empty set is the attribute absent); what
// names the sets for the message.
func (s *Session) CheckValues(ctx context.Context, dn, attr string, want [][]string, what string) error {
	c, err := s.Dir(ctx)
	if err != nil {
		return err
	}
	e, err := c.Read(ctx, dn, []string{attr})
	if domain.IsNoSuchObject(err) {
		return Mismatchf("%s is gone", dn)
	}
	if err != nil {
		return err
	}
	cur := slices.Clone(e.GetAttributeValues(attr))
	slices.Sort(cur)
	for _, w := range want {
		w = slices.Clone(w)
		slices.Sort(w)
		if slices.Equal(cur, w) {
			return nil
		}
	}
	return Mismatchf("%s of %s is %s now, not %s: changed since the cut-off run", attr, dn, showVals(cur), what)
}

func showVals(v []string) string {
	if len(v) == 0 {
		return "(none)"
	}
	return strings.Join(v, " | ")
}

// CheckSysvol checks that rel exists on SYSVOL (want true) or does not.
func (s *Session) CheckSysvol(ctx context.Context, rel string, want bool) error {
	sh, err := s.SysVol(ctx)
	if err != nil {
		return err
	}
	_, err = sh.Stat(ctx, rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if want {
			return Mismatchf("%s is gone", s.sysvolUNC(rel))
		}
		return nil
	case err != nil:
		return err
	case !want:
		return Mismatchf("%s exists already (made by someone else since?)", s.sysvolUNC(rel))
	}
	return nil
}

// CheckDACL checks that dn's DACL is one of want.
func (s *Session) CheckDACL(ctx context.Context, dn string, want ...*secdesc.SecurityDescriptor) error {
	c, err := s.Dir(ctx)
	if err != nil {
		return err
	}
	cur, _, err := c.ReadSecurityDescriptor(ctx, dn, secdesc.DACLSecurityInformation)
	if domain.IsNoSuchObject(err) {
		return Mismatchf("%s is gone", dn)
	}
	if err != nil {
		return err
	}
	for _, w := range want {
		if w == nil {
			continue
		}
		if d := secdesc.DiffACL(cur.DACL, w.DACL); len(d.Added) == 0 && len(d.Removed) == 0 {
			return nil
		}
	}
	return Mismatchf("the permissions of %s changed since the cut-off run", dn)
}

// CheckVersion checks that the GPO at dn has one of the versions in want
// (the GPO version as the journal knows it): a GPO edited since (by
// another admin or tool) is not finished over.
func (s *Session) CheckVersion(ctx context.Context, dn string, want ...Version) error {
	c, err := s.Dir(ctx)
	if err != nil {
		return err
	}
	e, err := c.Read(ctx, dn, []string{"versionNumber"})
	if domain.IsNoSuchObject(err) {
		return Mismatchf("%s is gone", dn)
	}
	if err != nil {
		return err
	}
	cur := parseVersion(e.GetAttributeValue("versionNumber"))
	if slices.Contains(want, cur) {
		return nil
	}
	return Mismatchf("the version of %s is %d now, %d when the cut-off run planned it: the GPO changed since", dn, uint32(cur), uint32(want[0]))
}

// Forward records of this package's steps.
type (
	addRedo struct {
		DN    string
		Attrs []recAttr
	}
	writeRedo struct {
		Rel       string
		Data, Old []byte
	}
	aclRedo struct {
		GUID string
		Old  map[string]SD
	}
	versionRedo struct {
		DN      string
		Half    Half
		Version uint32
	}
)

// recAttr is an attribute in a record. Values that are not UTF-8 (a
// package's binary productCode, [MS-GPSI] 2.2.2.4.1) go as bytes (base64
// in JSON): a JSON string would replace their invalid bytes.
type recAttr struct {
	Type  string
	Vals  []string `json:",omitempty"`
	Bytes [][]byte `json:",omitempty"`
}

func recAttrs(attrs []ldap.Attribute) []recAttr {
	out := make([]recAttr, 0, len(attrs))
	for _, a := range attrs {
		r := recAttr{Type: a.Type}
		binary := false
		for _, v := range a.Vals {
			binary = binary || !utf8.ValidString(v)
		}
		for _, v := range a.Vals {
			if binary {
				r.Bytes = append(r.Bytes, []byte(v))
			} else {
				r.Vals = append(r.Vals, v)
			}
		}
		out = append(out, r)
	}
	return out
}

func ldapAttrs(rs []recAttr) []ldap.Attribute {
	out := make([]ldap.Attribute, 0, len(rs))
	for _, r := range rs {
		a := ldap.Attribute{Type: r.Type, Vals: r.Vals}
		for _, b := range r.Bytes {
			a.Vals = append(a.Vals, string(b))
		}
		out = append(out, a)
	}
	return out
}

// AddRedo is the forward record of AddObjectStep, for a package whose
// step adds an object its own way.
func AddRedo(dn string, attrs []ldap.Attribute) json.RawMessage {
	return plan.NewRecord("", addRedo{dn, recAttrs(attrs)}).Args
}

// AddRedoArgs reads an AddRedo record back.
func AddRedoArgs(a json.RawMessage) (string, []ldap.Attribute, error) {
	var r addRedo
	if err := json.Unmarshal(a, &r); err != nil {
		return "", nil, err
	}
	return r.DN, ldapAttrs(r.Attrs), nil
}

// either is a check by state: made, pending, and for a started step
// either of them.
func either(st plan.StepState, made, pending func() error) error {
	switch st {
	case plan.Made:
		return made()
	case plan.Pending:
		return pending()
	}
	if made() == nil {
		return nil
	}
	return pending()
}

func init() {
	RegisterRedo("ldap-add", func(ctx context.Context, s *Session, js RedoStep, a json.RawMessage) (Redone, error) {
		dn, attrs, err := AddRedoArgs(a)
		if err != nil {
			return Redone{}, err
		}
		return Redone{Step: s.AddObjectStep(dn, attrs, nil), Check: func(ctx context.Context, st plan.StepState) error {
			if st == plan.Started {
				return nil
			}
			return s.CheckObject(ctx, dn, st == plan.Made)
		}}, nil
	})
	RegisterRedo("ldap-modify", func(ctx context.Context, s *Session, js RedoStep, a json.RawMessage) (Redone, error) {
		var r modifyRec
		if err := json.Unmarshal(a, &r); err != nil {
			return Redone{}, err
		}
		return Redone{Step: s.modifyAttrs(r.DN, r.Changes...), Check: func(ctx context.Context, st plan.StepState) error {
			for _, ch := range r.Changes {
				set := func(v string) []string {
					if v == "" {
						return nil
					}
					return []string{v}
				}
				show := func(v string) string {
					if ch.Show != "" {
						return "as recorded"
					}
					return showVals(set(v))
				}
				var want [][]string
				var what string
				switch st {
				case plan.Made:
					want, what = [][]string{set(ch.New)}, show(ch.New)+" (as the cut-off run left it)"
				case plan.Pending:
					want, what = [][]string{set(ch.Old)}, show(ch.Old)+" (as the cut-off run found it)"
				default:
					want, what = [][]string{set(ch.Old), set(ch.New)}, show(ch.Old)+" or "+show(ch.New)
				}
				if err := s.CheckValues(ctx, r.DN, ch.Attr, want, what); err != nil {
					return err
				}
			}
			return nil
		}}, nil
	})
	RegisterRedo("smb-mkdir", func(ctx context.Context, s *Session, js RedoStep, a json.RawMessage) (Redone, error) {
		var r relRec
		if err := json.Unmarshal(a, &r); err != nil {
			return Redone{}, err
		}
		return Redone{Step: s.mkdir(r.Rel), Check: func(ctx context.Context, st plan.StepState) error {
			if st == plan.Started {
				return nil
			}
			return s.CheckSysvol(ctx, r.Rel, st == plan.Made)
		}}, nil
	})
	RegisterRedo("smb-write", func(ctx context.Context, s *Session, js RedoStep, a json.RawMessage) (Redone, error) {
		var r writeRedo
		if err := json.Unmarshal(a, &r); err != nil {
			return Redone{}, err
		}
		return Redone{Step: s.writeFile(r.Rel, r.Data, r.Old), Check: func(ctx context.Context, st plan.StepState) error {
			if st != plan.Made {
				return nil
			}
			return s.CheckSysvol(ctx, r.Rel, true)
		}}, nil
	})
	RegisterRedo("smb-acl", func(ctx context.Context, s *Session, js RedoStep, a json.RawMessage) (Redone, error) {
		var r aclRedo
		if err := json.Unmarshal(a, &r); err != nil {
			return Redone{}, err
		}
		var old map[string]*secdesc.SecurityDescriptor
		if r.Old != nil {
			old = map[string]*secdesc.SecurityDescriptor{}
			for rel, b := range r.Old {
				sd, err := b.Decode()
				if err != nil {
					return Redone{}, err
				}
				old[rel] = sd
			}
		}
		return Redone{Step: s.mirrorACL(r.GUID, nil, old), Check: func(ctx context.Context, st plan.StepState) error {
			if st != plan.Made {
				return nil
			}
			return s.CheckSysvol(ctx, s.gpoRel(r.GUID), true)
		}}, nil
	})
	RegisterRedo("ldap-dacl", func(ctx context.Context, s *Session, js RedoStep, a json.RawMessage) (Redone, error) {
		var r daclRec
		if err := json.Unmarshal(a, &r); err != nil {
			return Redone{}, err
		}
		o, err := r.Old.Decode()
		if err != nil {
			return Redone{}, err
		}
		n, err := r.New.Decode()
		if err != nil {
			return Redone{}, err
		}
		if o == nil || n == nil {
			return Redone{}, fmt.Errorf("the journal lacks the DACLs of %s", r.DN)
		}
		return Redone{Step: s.writeDACLStep(r.DN, o, n), Check: func(ctx context.Context, st plan.StepState) error {
			return either(st, func() error { return s.CheckDACL(ctx, r.DN, n) }, func() error { return s.CheckDACL(ctx, r.DN, o) })
		}}, nil
	})
	RegisterRedo("gpo-version", func(ctx context.Context, s *Session, js RedoStep, a json.RawMessage) (Redone, error) {
		var r versionRedo
		if err := json.Unmarshal(a, &r); err != nil {
			return Redone{}, err
		}
		g := GPO{DN: r.DN, Version: Version(r.Version)}
		var result Version
		return Redone{Step: s.bumpStep(g, r.Half, &result), Check: func(ctx context.Context, st plan.StepState) error {
			want := []Version{Version(r.Version)}
			if st != plan.Pending {
				// Made or sent: the value this bump wrote, as its
				// undo record has it.
				var u bumpState
				if js.Undo != nil && json.Unmarshal(js.Undo.Args, &u) == nil && u.Sent {
					want = append(want, parseVersion(u.To))
				}
				if st == plan.Made {
					want = want[1:]
					if len(want) == 0 {
						return Mismatchf("the journal does not say which version the bump of %s wrote", r.DN)
					}
				}
			}
			return s.CheckVersion(ctx, r.DN, want...)
		}}, nil
	})
	RegisterRedo("gpt-sync", func(ctx context.Context, s *Session, js RedoStep, a json.RawMessage) (Redone, error) {
		var r gptState
		if err := json.Unmarshal(a, &r); err != nil {
			return Redone{}, err
		}
		var result Version
		return Redone{Step: s.syncGPTStep(r.GUID, &result), Check: func(ctx context.Context, st plan.StepState) error {
			if st != plan.Made {
				return nil
			}
			return s.CheckSysvol(ctx, r.Rel, true)
		}}, nil
	})
}

// parseVersion reads a versionNumber value (a signed 32-bit integer in
// the directory).
func parseVersion(v string) Version {
	var n int64
	fmt.Sscan(v, &n)
	return Version(uint32(n))
}
