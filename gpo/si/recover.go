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
