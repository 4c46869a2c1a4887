package si

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/plan"
)

// Journal records of this package's steps (see gpo.RegisterUndo): each
// undoer rebuilds the step with its own builder and returns its Undo.
type (
	replaceRec struct {
		DN   string
		Next map[string][]string
		Old  map[string][]string
	}
	daclRec struct {
		DN       string
		Old, New gpo.SD
	}
	relRec    struct{ Rel string }
	scriptRec struct {
		Rel string
		Old []byte
	}
	renameRec     struct{ From, To string }
	upgradedByRec struct{ DN, Added string }
)

func rec(kind string, args any) func() *plan.Record {
	return func() *plan.Record { return plan.NewRecord(kind, args) }
}

func undoOf(st plan.Step) (func(context.Context) error, error) {
	if st.Undo == nil {
		return func(context.Context) error { return nil }, nil
	}
	return st.Undo, nil
}

func init() {
	gpo.RegisterUndo("ldap-replace", func(s *gpo.Session, a json.RawMessage) (func(context.Context) error, error) {
		var r replaceRec
		if err := json.Unmarshal(a, &r); err != nil {
			return nil, err
		}
		return undoOf(replaceStep(s, r.DN, r.Next, r.Old, nil))
	})
	gpo.RegisterUndo("si-dacl", func(s *gpo.Session, a json.RawMessage) (func(context.Context) error, error) {
		var r daclRec
		if err := json.Unmarshal(a, &r); err != nil {
			return nil, err
		}
		o, err := r.Old.Decode()
		if err != nil {
			return nil, err
		}
		n, err := r.New.Decode()
		if err != nil || n == nil {
			return nil, fmt.Errorf("the journal lacks the new DACL of %s: %v", r.DN, err)
		}
		return undoOf(writeDACLStep(s, r.DN, o, n, s.DomainSID(), ""))
	})
	gpo.RegisterUndo("si-mkdir", func(s *gpo.Session, a json.RawMessage) (func(context.Context) error, error) {
		var r relRec
		if err := json.Unmarshal(a, &r); err != nil {
			return nil, err
		}
		return undoOf(ensureDirStep(s, r.Rel))
	})
	gpo.RegisterUndo("si-script", func(s *gpo.Session, a json.RawMessage) (func(context.Context) error, error) {
		var r scriptRec
		if err := json.Unmarshal(a, &r); err != nil {
			return nil, err
		}
		return undoOf(writeScriptStep(s, r.Rel, nil, r.Old))
	})
	gpo.RegisterUndo("si-rename", func(s *gpo.Session, a json.RawMessage) (func(context.Context) error, error) {
		var r renameRec
		if err := json.Unmarshal(a, &r); err != nil {
			return nil, err
		}
		return undoOf(renameStep(s, r.From, r.To))
	})
	gpo.RegisterUndo("si-upgraded-by", func(s *gpo.Session, a json.RawMessage) (func(context.Context) error, error) {
		var r upgradedByRec
		if err := json.Unmarshal(a, &r); err != nil {
			return nil, err
		}
		return undoUpgradedBy(s, &r), nil
	})
}

// Forward records of this package's steps (see gpo.RegisterRedo).
type (
	scriptRedo struct {
		Rel       string
		Data, Old []byte
	}
	// packageRedo is a package object added with per-package filtering
	// (its DACL is computed when the step runs).
	packageRedo struct {
		Object json.RawMessage // gpo.AddRedo
		Group  string
	}
)

func init() {
	gpo.RegisterRedo("ldap-replace", func(ctx context.Context, s *gpo.Session, js gpo.RedoStep, a json.RawMessage) (gpo.Redone, error) {
		var r replaceRec
		if err := json.Unmarshal(a, &r); err != nil {
			return gpo.Redone{}, err
		}
		return gpo.Redone{Step: replaceStep(s, r.DN, r.Next, r.Old, nil), Check: func(ctx context.Context, st plan.StepState) error {
			for attr, next := range r.Next {
				var want [][]string
				what := ""
				switch st {
				case plan.Made:
					want, what = [][]string{next}, "as the cut-off run left it"
				case plan.Pending:
					want, what = [][]string{r.Old[attr]}, "as the cut-off run found it"
				default:
					want, what = [][]string{next, r.Old[attr]}, "as the cut-off run found or left it"
				}
				if err := s.CheckValues(ctx, r.DN, attr, want, what); err != nil {
					return err
				}
			}
			return nil
		}}, nil
	})
	gpo.RegisterRedo("si-mkdir", func(ctx context.Context, s *gpo.Session, js gpo.RedoStep, a json.RawMessage) (gpo.Redone, error) {
		var r relRec
		if err := json.Unmarshal(a, &r); err != nil {
			return gpo.Redone{}, err
		}
		return gpo.Redone{Step: ensureDirStep(s, r.Rel), Check: func(ctx context.Context, st plan.StepState) error {
			if st != plan.Made {
				return nil
			}
			return s.CheckSysvol(ctx, r.Rel, true)
		}}, nil
	})
	gpo.RegisterRedo("si-script", func(ctx context.Context, s *gpo.Session, js gpo.RedoStep, a json.RawMessage) (gpo.Redone, error) {
		var r scriptRedo
		if err := json.Unmarshal(a, &r); err != nil {
			return gpo.Redone{}, err
		}
		return gpo.Redone{Step: writeScriptStep(s, r.Rel, r.Data, r.Old), Check: func(ctx context.Context, st plan.StepState) error {
			if st != plan.Made {
				return nil
			}
			return s.CheckSysvol(ctx, r.Rel, true)
		}}, nil
	})
	gpo.RegisterRedo("si-package", func(ctx context.Context, s *gpo.Session, js gpo.RedoStep, a json.RawMessage) (gpo.Redone, error) {
		var r packageRedo
		if err := json.Unmarshal(a, &r); err != nil {
			return gpo.Redone{}, err
		}
		dn, attrs, err := gpo.AddRedoArgs(r.Object)
		if err != nil {
			return gpo.Redone{}, err
		}
		step, err := New(s).addPackageStep(ctx, dn, attrs, nil, r.Group)
		if err != nil {
			return gpo.Redone{}, err
		}
		return gpo.Redone{Step: step, Check: func(ctx context.Context, st plan.StepState) error {
			if st == plan.Started {
				return nil
			}
			return s.CheckObject(ctx, dn, st == plan.Made)
		}}, nil
	})
}
