package msi

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a ProductVersion. The SDK ("ProductVersion Property") defines it
// as major.minor.build with at most 255.255.65535; a fourth field may be
// present but Windows Installer ignores it when comparing versions.
type Version struct {
	Major, Minor, Build, Revision int
	Fields                        int // how many fields the string had
}

// Limits of the fields Windows Installer compares.
const (
	maxMajor = 255
	maxMinor = 255
	maxBuild = 65535
)

// ParseVersion parses a dotted version of one to four numeric fields. It
// does not apply the major/minor/build limits; CheckLimits does.
func ParseVersion(s string) (Version, error) {
	parts := strings.Split(s, ".")
	if s == "" || len(parts) > 4 {
		return Version{}, fmt.Errorf("version %q is not major.minor.build", s)
	}
	var f [4]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || p == "" || p[0] == '+' {
			return Version{}, fmt.Errorf("version %q: field %d (%q) is not a number", s, i+1, p)
		}
		f[i] = n
	}
	return Version{Major: f[0], Minor: f[1], Build: f[2], Revision: f[3], Fields: len(parts)}, nil
}

// CheckLimits reports a field outside what Windows Installer supports.
func (v Version) CheckLimits() error {
	switch {
	case v.Major > maxMajor:
		return fmt.Errorf("major version %d is above %d", v.Major, maxMajor)
	case v.Minor > maxMinor:
		return fmt.Errorf("minor version %d is above %d", v.Minor, maxMinor)
	case v.Build > maxBuild:
		return fmt.Errorf("build number %d is above %d", v.Build, maxBuild)
	}
	return nil
}

// Compare compares the three fields Windows Installer uses: -1, 0 or +1.
func (v Version) Compare(w Version) int {
	for _, d := range [][2]int{{v.Major, w.Major}, {v.Minor, w.Minor}, {v.Build, w.Build}} {
		switch {
		case d[0] < d[1]:
			return -1
		case d[0] > d[1]:
			return 1
		}
	}
	return 0
}

func (v Version) String() string {
	s := fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Build)
	if v.Fields == 4 {
		s += fmt.Sprintf(".%d", v.Revision)
	}
	return s
}

// isGUID reports the registry form of a GUID that Windows Installer requires
// for ProductCode, UpgradeCode and the package code: braces, hyphens after
// 8, 4, 4 and 4 digits, upper-case hex (SDK, "ProductCode Property",
// "Package Codes").
func isGUID(s string) bool {
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
			if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// checkGUID explains why s is not a valid installer GUID, or returns nil.
func checkGUID(s string) error {
	if isGUID(s) {
		return nil
	}
	if isGUID(strings.ToUpper(s)) {
		return fmt.Errorf("%q has lower-case letters; Windows Installer requires upper case", s)
	}
	return fmt.Errorf("%q is not a GUID in the form {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}", s)
}
