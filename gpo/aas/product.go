package aas

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Scope says whom a package is deployed to: the computer (Machine half of
// the GPO) or the user (User half).
type Scope int

// Deployment scopes.
const (
	ScopeComputer Scope = iota
	ScopeUser
)

// Feature is one row of the MSI's Feature table.
type Feature struct {
	Name   string // Feature column
	Parent string // Feature_Parent column, "" for a top-level feature
	// DisallowAdvertise is the msidbFeatureAttributesDisallowAdvertise bit
	// (8) of the Attributes column (SDK, "Feature Table").
	DisallowAdvertise bool
}

// Icon is one row of the MSI's Icon table: its name and the bytes of its
// Data stream.
type Icon struct {
	Name string
	Data []byte
}

// Product is what the advertise script needs to know about an MSI package
// and its deployment. The MSI fields come from the package's Property and
// Feature tables.
type Product struct {
	ProductCode    string    // ProductCode property, "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}"
	ProductName    string    // ProductName property
	PackageCode    string    // package code (summary information revision number)
	ProductVersion string    // ProductVersion property, "major.minor.build[.extra]"
	Language       int32     // ProductLanguage property (LCID)
	UpgradeCode    string    // UpgradeCode property; "" when the MSI has none
	Features       []Feature // Feature table rows, in table order
	Icons          []Icon    // Icon table rows, in table order
	ProductIcon    string    // ARPPRODUCTICON property; "" when the MSI has none
	Codepage       int32     // database code page (string pool header); 0 for neutral
	PackagePath    string    // path of the .msi as clients see it, "\\server\share\dir\file.msi"
	Scope          Scope     // computer or user deployment (no byte of the script depends on it, see build.go)
	Platform       int32     // Header Platform ([MS-GPSI] 2.2.4.2.1): PROCESSOR_ARCHITECTURE << 16
	Created        time.Time // when the script is written; local time goes in the header
}

// isBracedGUID reports whether s has the form {8-4-4-4-12 hex digits}.
func isBracedGUID(s string) bool {
	if len(s) != 38 || s[0] != '{' || s[37] != '}' {
		return false
	}
	for i := 1; i < 37; i++ {
		c := s[i]
		switch i {
		case 9, 14, 19, 24:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// normalizeGUID checks a braced GUID string and upper-cases it: [MS-GPSI]
// 2.2.4.2.2 "Letters used in this GUID MUST be uppercase".
func normalizeGUID(field, s string) (string, error) {
	if !isBracedGUID(s) {
		return "", fmt.Errorf("%s %q is not a braced GUID like {12345678-9ABC-DEF0-1234-56789ABCDEF0}", field, s)
	}
	return strings.ToUpper(s), nil
}

// EncodeVersion converts "A.B.C" (a fourth field is ignored, as Windows
// Installer ignores it) to ((A << 24) | (B << 16) | C), with A and B at
// most 255 and C at most 65535 ([MS-GPSI] 2.2.4.2.2 Version).
func EncodeVersion(v string) (int32, error) {
	parts := strings.Split(v, ".")
	if len(parts) < 2 || len(parts) > 4 {
		return 0, fmt.Errorf("product version %q is not major.minor[.build[.extra]]", v)
	}
	limits := []uint64{0xFF, 0xFF, 0xFFFF, 0xFFFF}
	var n [3]uint64
	for i, p := range parts {
		x, err := strconv.ParseUint(p, 10, 32)
		if err != nil || x > limits[i] {
			return 0, fmt.Errorf("product version %q: field %d (%q) must be a number from 0 to %d", v, i+1, p, limits[i])
		}
		if i < 3 {
			n[i] = x
		}
	}
	return int32(n[0]<<24 | n[1]<<16 | n[2]), nil
}

// DOSTimestamp packs t, in its own location, as ((DOSDate << 16) |
// DOSTime) ([MS-GPSI] 2.2.4.2.1). Years outside 1980..2107 do not fit.
func DOSTimestamp(t time.Time) (int32, error) {
	if t.Year() < 1980 || t.Year() > 2107 {
		return 0, fmt.Errorf("timestamp %s is outside the DOS date range 1980-2107", t.Format(time.RFC3339))
	}
	date := uint32(t.Day()) | uint32(t.Month())<<5 | uint32(t.Year()-1980)<<9
	clock := uint32(t.Second()/2) | uint32(t.Minute())<<5 | uint32(t.Hour())<<11
	return int32(date<<16 | clock), nil
}

// splitPackagePath splits the package path into the folder with its
// trailing backslash (LaunchPath, [MS-GPSI] 2.2.4.2.3) and the file name
// (PackageName, [MS-GPSI] 2.2.4.2.2). It takes a UNC path
// (\\server\share\dir\app.msi) or a drive path (C:\share\app.msi): the
// builder encodes what it is given, as GPMC did for the Windows-made script
// whose LaunchPath is "C:\share\" (../shared/fidelity); refusing local
// paths for deployment is the caller's business.
func splitPackagePath(p string) (dir, file string, err error) {
	unc := strings.HasPrefix(p, `\\`)
	drive := len(p) > 3 && p[1] == ':' && p[2] == '\\' &&
		('A' <= p[0] && p[0] <= 'Z' || 'a' <= p[0] && p[0] <= 'z')
	if !unc && !drive || strings.Contains(p, "/") {
		return "", "", fmt.Errorf("package path %q is neither a UNC path like \\\\server\\share\\app.msi nor a drive path like C:\\share\\app.msi", p)
	}
	i := strings.LastIndexByte(p, '\\')
	dir, file = p[:i+1], p[i+1:]
	if file == "" || unc && strings.Count(dir, `\`) < 4 {
		return "", "", fmt.Errorf("package path %q does not name a file inside a folder (\\\\server\\share\\app.msi)", p)
	}
	return dir, file, nil
}

// checkFeatures verifies that feature names are unique and non-empty and
// that every parent is a feature of the list.
func checkFeatures(fs []Feature) error {
	seen := make(map[string]bool, len(fs))
	for _, f := range fs {
		if f.Name == "" {
			return fmt.Errorf("feature with an empty name")
		}
		if seen[f.Name] {
			return fmt.Errorf("feature %q is listed twice", f.Name)
		}
		seen[f.Name] = true
	}
	for _, f := range fs {
		if f.Parent != "" && !seen[f.Parent] {
			return fmt.Errorf("feature %q has parent %q, which is not in the feature list", f.Name, f.Parent)
		}
		if f.Parent == f.Name {
			return fmt.Errorf("feature %q is its own parent", f.Name)
		}
	}
	return nil
}
