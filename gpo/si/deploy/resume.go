package deploy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/ctitui/ctitui/domain/smb"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/plan"
	"github.com/ctitui/ctitui/gpo/si"
)

// Resuming a cut-off deploy (gpo.Session.ResumePlan): the upload and the
// parts that are built when their turn comes record their inputs, so a
// later process can make them.

// partRec is the input of a part built when its turn comes: the
// filtering, the WMI filter or the package of the deploy's GPO.
type partRec struct {
	Kind string // "filter", "wmi" or "package"
	GPO  string // {GUID}
	// GPODN is the GPO object (package parts).
	GPODN  string         `json:",omitempty"`
	Groups []string       `json:",omitempty"`
	WMI    *gpo.WMIChoice `json:",omitempty"`
	Add    *si.AddRequest `json:",omitempty"`
	// MSISHA256 is the local MSI's SHA-256 as the plan read it (the
	// package is made from that file).
	MSISHA256 string `json:",omitempty"`
	// GPOVersion is the GPO's versionNumber when the deploy was planned
	// (0 for a GPO the deploy makes).
	GPOVersion *uint32 `json:",omitempty"`
}

// nestedRedo is a nested part's forward record.
type nestedRedo struct {
	What string
	Part partRec
}

// buildPart is the sub-plan builder of a part.
func buildPart(st *si.Store, r partRec) func(context.Context) (*plan.Plan, error) {
	s := st.Session()
	return func(ctx context.Context) (*plan.Plan, error) {
		switch {
		case r.Kind == "filter":
			return s.FilterPlan(ctx, r.GPO, gpo.FilterChange{OnlyGroups: r.Groups})
		case r.Kind == "wmi" && r.WMI != nil:
			return s.SetWMIPlan(ctx, r.GPO, *r.WMI)
		case r.Kind == "package" && r.Add != nil:
			pl, _, err := st.AddPlan(ctx, *r.Add)
			return pl, err
		}
		return nil, fmt.Errorf("a deploy part of kind %q this ctitui does not know", r.Kind)
	}
}

// fileSHA256 is the hex SHA-256 of a local file.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// checkLocal checks that the local MSI is still the file the plan read.
func checkLocal(path, want string) error {
	if want == "" {
		return nil
	}
	got, err := fileSHA256(path)
	if errors.Is(err, fs.ErrNotExist) {
		return gpo.Mismatchf("the local MSI %s is gone", path)
	}
	if err != nil {
		return err
	}
	if got != want {
		return gpo.Mismatchf("the local MSI %s changed since the cut-off run (SHA-256 %s then, %s now)", path, want, got)
	}
	return nil
}

func init() {
	gpo.RegisterRedo("share-upload", func(ctx context.Context, s *gpo.Session, js gpo.RedoStep, a json.RawMessage) (gpo.Redone, error) {
		var r uploadRedo
		if err := json.Unmarshal(a, &r); err != nil {
			return gpo.Redone{}, err
		}
		st := si.New(s)
		what := r.Local
		if what == "" {
			what = r.What
		}
		details := []string{fmt.Sprintf("%s, %d bytes, SHA-256 %s (as the cut-off run planned it), to a temporary name first (%s)", what, r.Size, r.SHA256, r.State)}
		return gpo.Redone{Step: newUploadStep(st, r, details), Check: func(ctx context.Context, state plan.StepState) error {
			if state != plan.Made {
				if r.Local == "" {
					// Made by ctitui: the bytes are in the record.
					return nil
				}
				return checkLocal(r.Local, r.SHA256)
			}
			// Made: the file is on the share with the size uploaded.
			target, err := smb.ParsePath(r.Target)
			if err != nil {
				return err
			}
			c, sh, err := st.OpenShare(ctx, target)
			if err != nil {
				return err
			}
			defer c.Close()
			defer sh.Close()
			fi, err := sh.Stat(ctx, target.Rel())
			if errors.Is(err, fs.ErrNotExist) {
				return gpo.Mismatchf("%s is gone", target)
			}
			if err != nil {
				return err
			}
			if fi.Size() != r.Size {
				return gpo.Mismatchf("%s is %d bytes now, %d when uploaded: changed since the cut-off run", target, fi.Size(), r.Size)
			}
			return nil
		}}, nil
	})
	gpo.RegisterRedo("deploy-part", func(ctx context.Context, s *gpo.Session, js gpo.RedoStep, a json.RawMessage) (gpo.Redone, error) {
		var r nestedRedo
		if err := json.Unmarshal(a, &r); err != nil {
			return gpo.Redone{}, err
		}
		// The effect is the journal's (ResumePlan sets it).
		step := nested(si.New(s), r.What, plan.Unclassified, r.Part)
		var done nestedRec
		if js.Undo != nil {
			if err := json.Unmarshal(js.Undo.Args, &done); err != nil {
				return gpo.Redone{}, err
			}
		}
		return gpo.Redone{Step: step, Check: func(ctx context.Context, state plan.StepState) error {
			if state == plan.Made {
				// What the part made is still in place, step by step.
				for i, sub := range done.Subs {
					if i >= len(done.Redos) || done.Redos[i] == nil {
						continue
					}
					rd, err := s.RedoRecord(ctx, gpo.RedoStep{State: plan.Made, Undo: sub, Redo: done.Redos[i]})
					if err != nil {
						return err
					}
					if rd.Check != nil {
						if err := rd.Check(ctx, plan.Made); err != nil {
							return err
						}
					}
				}
				return nil
			}
			p := r.Part
			if p.Add != nil && p.Add.LocalMSI != "" {
				if err := checkLocal(p.Add.LocalMSI, p.MSISHA256); err != nil {
					return err
				}
			}
			if p.GPOVersion == nil || p.GPODN == "" {
				return nil
			}
			if s.CheckObject(ctx, p.GPODN, true) != nil {
				return nil // made by an earlier step of the resume
			}
			want := []gpo.Version{gpo.Version(*p.GPOVersion)}
			// Sent: its bump may have landed (its undo takes it back).
			for _, sub := range done.Subs {
				var b struct {
					To   string
					Sent bool
				}
				if sub != nil && sub.Kind == "gpo-version" && json.Unmarshal(sub.Args, &b) == nil && b.Sent {
					var n int64
					fmt.Sscan(b.To, &n)
					want = append(want, gpo.Version(uint32(n)))
				}
			}
			return s.CheckVersion(ctx, p.GPODN, want...)
		}}, nil
	})
}
