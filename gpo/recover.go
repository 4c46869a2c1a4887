package gpo

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/gpo/plan"
)

// Undo from a journal. Each step kind that a plan.Record can name has an
// undoer here, registered by the package that builds the step (gpo, gpo/si,
// the deploy). An undoer rebuilds the step from the record with the same
// builder and returns that step's own Undo: a process that recovers a
// journal undoes a change exactly as the process that made it would have.

// Undoer turns a record's args into the undo of its step.
type Undoer func(s *Session, args json.RawMessage) (func(context.Context) error, error)

var (
	undoMu  sync.RWMutex
	undoers = map[string]Undoer{}
)

// RegisterUndo makes records of kind undoable. Packages call it from init.
func RegisterUndo(kind string, u Undoer) {
	undoMu.Lock()
	defer undoMu.Unlock()
	undoers[kind] = u
}

// UndoRecord is the undo of the step a record describes.
func (s *Session) UndoRecord(r *plan.Record) (func(context.Context) error, error) {
	if r == nil {
		return nil, fmt.Errorf("the journal holds no record of what to undo")
	}
	undoMu.RLock()
	u, ok := undoers[r.Kind]
	undoMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("the journal names a step kind %q this ctitui does not know", r.Kind)
	}
	return u(s, r.Args)
}

// SD is a security descriptor in a record: its self-relative binary form
// ([MS-DTYP] 2.4.6), base64 in JSON.
type SD []byte

// EncodeSD is sd for a record (nil stays nil).
func EncodeSD(sd *secdesc.SecurityDescriptor) SD {
	if sd == nil {
		return nil
	}
	b, err := sd.Encode()
	if err != nil {
		return nil
	}
	return b
}

// Decode is the descriptor back (nil for none).
func (b SD) Decode() (*secdesc.SecurityDescriptor, error) {
	if len(b) == 0 {
		return nil, nil
	}
	return secdesc.Decode(b)
}

func undoOf(st plan.Step) (func(context.Context) error, error) {
	if st.Undo == nil {
		return func(context.Context) error { return nil }, nil
	}
	return st.Undo, nil
}

// Record arguments of this package's steps.
type (
	addRec    struct{ DN string }
	modifyRec struct {
		DN      string
		Changes []attrChange
	}
	relRec   struct{ Rel string }
	writeRec struct {
		Rel string
		// Old is the previous content; nil when there was no file.
		Old []byte
	}
	aclRec struct {
		GUID string
		Old  map[string]SD
	}
	daclRec struct {
		DN       string
		Old, New SD
	}
	renameRec struct{ From, To string }
)

func init() {
	RegisterUndo("ldap-add", func(s *Session, a json.RawMessage) (func(context.Context) error, error) {
		var r addRec
		if err := json.Unmarshal(a, &r); err != nil {
			return nil, err
		}
		return undoOf(s.AddObjectStep(r.DN, nil, nil))
	})
	RegisterUndo("ldap-modify", func(s *Session, a json.RawMessage) (func(context.Context) error, error) {
		var r modifyRec
		if err := json.Unmarshal(a, &r); err != nil {
			return nil, err
		}
		return undoOf(s.modifyAttrs(r.DN, r.Changes...))
	})
	RegisterUndo("smb-mkdir", func(s *Session, a json.RawMessage) (func(context.Context) error, error) {
		var r relRec
		if err := json.Unmarshal(a, &r); err != nil {
			return nil, err
		}
		return undoOf(s.mkdir(r.Rel))
	})
	RegisterUndo("smb-write", func(s *Session, a json.RawMessage) (func(context.Context) error, error) {
		var r writeRec
		if err := json.Unmarshal(a, &r); err != nil {
			return nil, err
		}
		return undoOf(s.writeFile(r.Rel, nil, r.Old))
	})
	RegisterUndo("smb-acl", func(s *Session, a json.RawMessage) (func(context.Context) error, error) {
		var r aclRec
		if err := json.Unmarshal(a, &r); err != nil {
			return nil, err
		}
		old := map[string]*secdesc.SecurityDescriptor{}
		for rel, b := range r.Old {
			sd, err := b.Decode()
			if err != nil {
				return nil, err
			}
			old[rel] = sd
		}
		if len(old) == 0 {
			old = nil
		}
		return undoOf(s.mirrorACL(r.GUID, nil, old))
	})
	RegisterUndo("ldap-dacl", func(s *Session, a json.RawMessage) (func(context.Context) error, error) {
		var r daclRec
		if err := json.Unmarshal(a, &r); err != nil {
			return nil, err
		}
		o, err := r.Old.Decode()
		if err != nil {
			return nil, err
		}
		n, err := r.New.Decode()
		if err != nil {
			return nil, err
		}
		if o == nil || n == nil {
			return nil, fmt.Errorf("the journal lacks the DACLs of %s", r.DN)
		}
		return undoOf(s.writeDACLStep(r.DN, o, n))
	})
	RegisterUndo("gpo-version", func(s *Session, a json.RawMessage) (func(context.Context) error, error) {
		var r bumpState
		if err := json.Unmarshal(a, &r); err != nil {
			return nil, err
		}
		return undoOf(s.bumpStepFrom(GPO{DN: r.DN}, Computer, new(Version), &r))
	})
	RegisterUndo("gpt-sync", func(s *Session, a json.RawMessage) (func(context.Context) error, error) {
		var r gptState
		if err := json.Unmarshal(a, &r); err != nil {
			return nil, err
		}
		return undoOf(s.syncGPTStepFrom(&r, new(Version)))
	})
	RegisterUndo("smb-rename", func(s *Session, a json.RawMessage) (func(context.Context) error, error) {
		var r renameRec
		if err := json.Unmarshal(a, &r); err != nil {
			return nil, err
		}
		return undoOf(s.renameStep(r.From, r.To))
	})
}

// rec is a Record func for fixed args.
func rec(kind string, args any) func() *plan.Record {
	return func() *plan.Record { return plan.NewRecord(kind, args) }
}
