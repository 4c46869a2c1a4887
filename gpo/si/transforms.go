package si

import (
	"context"
	"fmt"
	"strings"

	"github.com/ctitui/ctitui/gpo/msi"
)

// maxTransformBytes caps a transform read from a share: ours are a few
// kilobytes, the Office Customization Tool's a few megabytes.
const maxTransformBytes = 64 << 20

// ReadTransform reads the transform (.mst) at a UNC path in place on its
// share, with gpo/msi. base, when not nil, is the package's MSI: it decodes
// changed tables other than Property.
func (st *Store) ReadTransform(ctx context.Context, unc string, base *msi.Package) (*msi.TransformInfo, error) {
	p, err := ParseSourcePath(unc, ".mst")
	if err != nil {
		return nil, err
	}
	c, sh, err := st.openShare(ctx, p)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	defer sh.Close()
	f, err := sh.OpenReaderAt(ctx, p.Rel())
	if err != nil {
		return nil, fmt.Errorf("open transform %s: %w", p, err)
	}
	defer f.Close()
	if f.Size() > maxTransformBytes {
		return nil, fmt.Errorf("transform %s is %d bytes, more than the %d a transform is read up to", p, f.Size(), maxTransformBytes)
	}
	info, err := msi.ReadTransform(newBlockCache(f, f.Size()), f.Size(), base)
	if err != nil {
		return nil, fmt.Errorf("read transform %s: %w", p, err)
	}
	return info, nil
}

// TransformSettings is what one of a package's transforms presets, read
// back from the file on the share.
type TransformSettings struct {
	Path string `json:"path"`
	// Set are the properties it adds or changes, as NAME=VALUE, in stored
	// order; Remove the properties it takes out.
	Set    []string `json:"set,omitempty"`
	Remove []string `json:"remove,omitempty"`
	// Other are the other tables it changes (not decoded here).
	Other []string `json:"otherTables,omitempty"`
	// For is the product it is made for (ProductCode and version) and
	// Validation the checks Windows Installer makes before applying it.
	For        string   `json:"for,omitempty"`
	Validation []string `json:"validation,omitempty"`
	// Error is why the file could not be read (missing, not a transform).
	Error string `json:"error,omitempty"`
}

// TransformSettings reads each of the package's transforms from its share
// and says what it sets. A transform that cannot be read is reported in
// its Error, not as an error: the package listing still stands.
func (st *Store) TransformSettings(ctx context.Context, p Package) []TransformSettings {
	var out []TransformSettings
	for _, t := range p.Transforms {
		ts := TransformSettings{Path: t}
		info, err := st.ReadTransform(ctx, t, nil)
		if err != nil {
			ts.Error = err.Error()
			out = append(out, ts)
			continue
		}
		names, values, ops := info.PropertyEdits()
		for _, n := range names {
			if ops[n] == msi.RowDelete {
				ts.Remove = append(ts.Remove, n)
			} else {
				ts.Set = append(ts.Set, n+"="+values[n])
			}
		}
		for _, tc := range info.Tables {
			if tc.Table != "Property" {
				ts.Other = append(ts.Other, tc.Table)
			}
		}
		ts.Other = append(ts.Other, info.Undecoded...)
		ts.For = strings.TrimSpace(info.BaseProductCode + " " + info.BaseVersion)
		ts.Validation = info.Validation.Names()
		out = append(out, ts)
	}
	return out
}
