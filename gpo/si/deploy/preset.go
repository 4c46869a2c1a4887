package deploy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ctitui/ctitui/domain/smb"
	"github.com/ctitui/ctitui/gpo/msi"
	"github.com/ctitui/ctitui/gpo/si"
)

// Preset properties. Group Policy cannot pass PROPERTY=value to msiexec:
// a transform listed after the MSI in msiFileList ([MS-GPSI] 2.2.2.4.1) is
// how a public property is preset for every computer. The deploy makes
// that transform with gpo/msi, uploads it next to the MSI with the same
// folder permissions, and lists it as 1: after 0: the MSI. The advertise
// script is not changed by it: the client applies the transforms
// msiFileList names. Not confirmed here, and what would settle it:
// whether GPMC's script for a package with transforms names them (it is
// made with the Windows Installer's advertising, which takes a transform
// list, and a transform that changes only Property changes nothing that
// is advertised); none of the Windows-made scripts of
// /work/shared/fidelity has a transform. Deploying an MSI with a
// transform in GPMC and comparing its .aas with ours settles it.
//
// The transform's name holds a hash of its bytes, and its times are the
// MSI's, so the same MSI and settings make the same file (a second deploy
// finds it unchanged) and other settings make another file: a transform a
// deployed package names is never overwritten under it.

// TransformChoice is what a deploy that upgrades a package does with the
// transforms of the package it upgrades.
type TransformChoice string

const (
	// TransformsUnasked: the request does not say. An upgrade of a package
	// with transforms is then refused with a TransformChoiceError.
	TransformsUnasked TransformChoice = ""
	// KeepTransforms lists the old package's transforms again, the same
	// files; refused when one of them would not apply to the new MSI.
	KeepTransforms TransformChoice = "keep"
	// RemakeTransforms makes their Property changes again for the new MSI,
	// in one new transform (with the request's own presets after them).
	RemakeTransforms TransformChoice = "remake"
	// DropTransforms: the new package has none of them.
	DropTransforms TransformChoice = "drop"
)

// TransformChoiceError is returned when the package to upgrade has
// transforms and the request does not say whether the new package keeps
// them, has them made again for the new MSI, or drops them.
type TransformChoiceError struct {
	Package    string
	Transforms []si.TransformSettings
}

func (e *TransformChoiceError) Error() string {
	var parts []string
	for _, t := range e.Transforms {
		what := strings.Join(append(append([]string{}, t.Set...), prefixed("remove ", t.Remove)...), ", ")
		if t.Error != "" {
			what = "unreadable: " + t.Error
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", t.Path, what))
	}
	return fmt.Sprintf("package %q to upgrade has transforms %s: say whether the new package keeps them (the same files), has them made again for the new MSI, or drops them",
		e.Package, strings.Join(parts, "; "))
}

func prefixed(p string, ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		out = append(out, p+s)
	}
	return out
}

// TransformSummary is one transform the new package lists.
type TransformSummary struct {
	Path string `json:"path"`
	// Made is set for the transform this deploy makes; Upload is then
	// "new" or "unchanged".
	Made   bool     `json:"made"`
	Upload string   `json:"upload,omitempty"`
	Set    []string `json:"set,omitempty"`
	Remove []string `json:"remove,omitempty"`
	// Kept names the package whose transform this is, when kept.
	Kept string `json:"keptFrom,omitempty"`
}

// presetTransform makes the transform of base that sets set and removes
// remove. It returns nil bytes when base already holds every value.
func presetTransform(base *msi.Package, set []msi.Property, remove []string) ([]byte, error) {
	tc, err := msi.PropertyChanges(base, set, remove)
	if err != nil {
		return nil, err
	}
	if len(tc.Rows) == 0 {
		return nil, nil
	}
	sum := base.Summary()
	created := sum.LastSaved
	if created.IsZero() {
		created = sum.Created
	}
	if created.IsZero() {
		// no time in the MSI: a fixed one keeps the bytes the same
		created = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	var buf bytes.Buffer
	if err := msi.CreateTransform(&buf, base, []msi.TableChange{tc}, msi.TransformOptions{Validation: msi.DefaultValidation, Created: created}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// transformTarget names the transform next to the MSI: the MSI's name, a
// hash of the transform's bytes, .mst.
func transformTarget(msiTarget smb.Path, data []byte) (smb.Path, error) {
	h := sha256.Sum256(data)
	stem := strings.TrimSuffix(msiTarget.Base(), filepath.Ext(msiTarget.Base()))
	return msiTarget.Dir().Join(stem + ".preset-" + hex.EncodeToString(h[:4]) + ".mst")
}

// planTransforms decides the new package's transforms: the old package's
// (kept, made again, or dropped, as asked), then the request's presets.
// It returns the UNC paths in the order they apply, the transform to make
// (nil when none), and what the summary shows.
func planTransforms(ctx context.Context, st *si.Store, req Request, newPkg *msi.Package, msiTarget smb.Path, old *si.Package) (paths []string, made []byte, madeAt smb.Path, out []TransformSummary, err error) {
	var set []msi.Property
	var remove []string
	if old != nil && len(old.Transforms) > 0 {
		settings := st.TransformSettings(ctx, *old)
		switch req.UpgradeTransforms {
		case TransformsUnasked:
			return nil, nil, smb.Path{}, nil, &TransformChoiceError{Package: old.Name, Transforms: settings}
		case DropTransforms:
		case KeepTransforms:
			for _, t := range old.Transforms {
				info, err := st.ReadTransform(ctx, t, nil)
				if err != nil {
					return nil, nil, smb.Path{}, nil, fmt.Errorf("keep the transforms of %q: %w", old.Name, err)
				}
				why, err := info.Check(newPkg)
				if err != nil {
					return nil, nil, smb.Path{}, nil, fmt.Errorf("keep the transforms of %q: %w", old.Name, err)
				}
				if len(why) > 0 {
					return nil, nil, smb.Path{}, nil, fmt.Errorf("transform %s of %q would not apply to the new MSI: %s; have it made again for the new MSI instead",
						t, old.Name, strings.Join(why, "; "))
				}
				names, values, ops := info.PropertyEdits()
				ts := TransformSummary{Path: t, Kept: old.Name}
				for _, n := range names {
					if ops[n] == msi.RowDelete {
						ts.Remove = append(ts.Remove, n)
					} else {
						ts.Set = append(ts.Set, n+"="+values[n])
					}
				}
				paths = append(paths, t)
				out = append(out, ts)
			}
		case RemakeTransforms:
			newProps, err := newPkg.PropertyMap()
			if err != nil {
				return nil, nil, smb.Path{}, nil, err
			}
			for _, ts := range settings {
				if ts.Error != "" {
					return nil, nil, smb.Path{}, nil, fmt.Errorf("make the transforms of %q again: %s", old.Name, ts.Error)
				}
				if len(ts.Other) > 0 {
					return nil, nil, smb.Path{}, nil, fmt.Errorf("make the transforms of %q again: %s also changes %s, which only the Property table's changes can be made again from",
						old.Name, ts.Path, strings.Join(ts.Other, ", "))
				}
				for _, kv := range ts.Set {
					n, v, _ := strings.Cut(kv, "=")
					set = setProperty(set, n, v)
					remove = slices.DeleteFunc(remove, func(r string) bool { return r == n })
				}
				for _, n := range ts.Remove {
					set = slices.DeleteFunc(set, func(p msi.Property) bool { return p.Name == n })
					if _, ok := newProps[n]; ok && !slices.Contains(remove, n) {
						remove = append(remove, n)
					}
				}
			}
		default:
			return nil, nil, smb.Path{}, nil, fmt.Errorf("unknown choice %q for the transforms of the upgraded package (keep, remake or drop)", req.UpgradeTransforms)
		}
	}
	seen := map[string]bool{}
	for _, p := range req.Preset {
		if seen[p.Name] {
			return nil, nil, smb.Path{}, nil, fmt.Errorf("property %s is given twice", p.Name)
		}
		seen[p.Name] = true
		set = setProperty(set, p.Name, p.Value)
		remove = slices.DeleteFunc(remove, func(r string) bool { return r == p.Name })
	}
	if len(set) == 0 && len(remove) == 0 {
		return paths, nil, smb.Path{}, out, nil
	}
	data, err := presetTransform(newPkg, set, remove)
	if err != nil {
		return nil, nil, smb.Path{}, nil, fmt.Errorf("preset properties: %w", err)
	}
	if data == nil {
		return paths, nil, smb.Path{}, out, nil
	}
	at, err := transformTarget(msiTarget, data)
	if err != nil {
		return nil, nil, smb.Path{}, nil, err
	}
	ts := TransformSummary{Path: at.String(), Made: true, Remove: remove}
	for _, p := range set {
		ts.Set = append(ts.Set, p.Name+"="+p.Value)
	}
	return append(paths, at.String()), data, at, append(out, ts), nil
}

// setProperty sets name in set, keeping the first position it had.
func setProperty(set []msi.Property, name, value string) []msi.Property {
	for i := range set {
		if set[i].Name == name {
			set[i].Value = value
			return set
		}
	}
	return append(set, msi.Property{Name: name, Value: value})
}
