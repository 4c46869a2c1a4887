package doctor

import (
	"regexp"
	"strconv"
	"strings"
)

// What the directory can say about a WMI filter. A computer keeps its
// operatingSystem and operatingSystemVersion attributes current itself
// (netlogon writes them at startup), so simple queries on
// Win32_OperatingSystem's Version and ProductType can be answered from
// them, as "probably" (the object may lag an upgrade). Anything else is
// left to the client.

// OSFacts are what the computer object says of its Windows, in
// Win32_OperatingSystem's terms.
type OSFacts struct {
	// Name and RawVersion are operatingSystem and operatingSystemVersion.
	Name, RawVersion string
	// Version is Win32_OperatingSystem.Version ("10.0.19045"); Partial
	// when only major.minor is known (inferred from the name).
	Version string
	Partial bool
	// ProductType is 1 workstation, 2 domain controller, 3 server; 0 not
	// known.
	ProductType int
}

// rawVersion is operatingSystemVersion as Windows writes it: "10.0 (19045)".
var rawVersion = regexp.MustCompile(`^(\d+)\.(\d+)\s*\((\d+)\)`)

// versionByName maps release names to the kernel version they report
// (Win32_OperatingSystem.Version major.minor), for computer objects that
// carry only operatingSystem. Longest names first: "Windows 8.1" before
// "Windows 8".
var versionByName = []struct{ name, version string }{
	{"Windows 11", "10.0"}, {"Windows 10", "10.0"},
	{"Windows Server 2025", "10.0"}, {"Windows Server 2022", "10.0"}, {"Windows Server 2019", "10.0"}, {"Windows Server 2016", "10.0"},
	{"Windows Server 2012 R2", "6.3"}, {"Windows 8.1", "6.3"},
	{"Windows Server 2012", "6.2"}, {"Windows 8", "6.2"},
	{"Windows Server 2008 R2", "6.1"}, {"Windows 7", "6.1"},
}

// osFactsOf reads the facts from the computer object's attributes; dc is
// true for a domain controller.
func osFactsOf(name, raw string, dc bool) OSFacts {
	f := OSFacts{Name: name, RawVersion: raw}
	if m := rawVersion.FindStringSubmatch(raw); m != nil {
		f.Version = m[1] + "." + m[2] + "." + m[3]
	} else if name != "" {
		for _, v := range versionByName {
			if strings.Contains(name, v.name) {
				f.Version, f.Partial = v.version, true
				break
			}
		}
	}
	switch {
	case name == "":
	case dc:
		f.ProductType = 2
	case strings.Contains(name, "Server"):
		f.ProductType = 3
	case strings.Contains(name, "Windows"):
		f.ProductType = 1
	}
	return f
}

var (
	selectFrom = regexp.MustCompile(`(?is)^\s*select\s+.+?\s+from\s+(\w+)\s*(?:where\s+(.*?))?\s*;?\s*$`)
	condition  = regexp.MustCompile(`(?is)^\s*(\w+)\s*(not\s+like|like|<>|!=|>=|<=|=|<|>)\s*('[^']*'|"[^"]*"|-?\d+)\s*$`)
	boolSplit  = regexp.MustCompile(`(?i)\s+(and|or)\s+`)
)

// evalWQL answers one WQL query for the facts: Yes, No, or Unknown.
func evalWQL(q string, f OSFacts) Tri {
	m := selectFrom.FindStringSubmatch(q)
	if m == nil || !strings.EqualFold(m[1], "Win32_OperatingSystem") {
		return Unknown
	}
	where := m[2]
	if strings.TrimSpace(where) == "" {
		return Yes // every Windows has one Win32_OperatingSystem instance
	}
	if strings.ContainsAny(where, "()") {
		return Unknown
	}
	// Split on AND/OR outside quotes: the quoted values hold no spaces
	// around "and"/"or" in the queries we answer; refuse any that do.
	parts := boolSplit.Split(where, -1)
	ops := boolSplit.FindAllStringSubmatch(where, -1)
	for _, p := range parts {
		if strings.Count(p, "'")%2 != 0 || strings.Count(p, `"`)%2 != 0 {
			return Unknown
		}
	}
	// OR of ANDs, AND binding tighter.
	result, term := No, Yes
	for i, p := range parts {
		term = and(term, evalCond(p, f))
		if i == len(ops) || strings.EqualFold(ops[i][1], "or") {
			result = or(result, term)
			term = Yes
		}
	}
	return result
}

func and(a, b Tri) Tri {
	switch {
	case a == No || b == No:
		return No
	case a == Yes && b == Yes:
		return Yes
	}
	return Unknown
}

func or(a, b Tri) Tri {
	switch {
	case a == Yes || b == Yes:
		return Yes
	case a == No && b == No:
		return No
	}
	return Unknown
}

func evalCond(c string, f OSFacts) Tri {
	m := condition.FindStringSubmatch(c)
	if m == nil {
		return Unknown
	}
	prop, op, val := strings.ToLower(m[1]), strings.ToLower(strings.Join(strings.Fields(m[2]), " ")), m[3]
	quoted := strings.HasPrefix(val, "'") || strings.HasPrefix(val, `"`)
	if quoted {
		val = val[1 : len(val)-1]
	}
	switch prop {
	case "producttype":
		if f.ProductType == 0 {
			return Unknown
		}
		n, err := strconv.Atoi(val)
		if err != nil {
			return Unknown
		}
		return tri(compareInts(f.ProductType, n, op))
	case "version":
		if f.Version == "" {
			return Unknown
		}
		switch op {
		case "like", "not like":
			r := like(f.Version, val, f.Partial)
			if op == "not like" && r != Unknown {
				r = tri(r == No)
			}
			return r
		}
		if f.Partial {
			return Unknown
		}
		return tri(compareStrings(f.Version, val, op))
	}
	return Unknown
}

func tri(b bool) Tri {
	if b {
		return Yes
	}
	return No
}

func compareInts(a, b int, op string) bool {
	switch op {
	case "=":
		return a == b
	case "<>", "!=":
		return a != b
	case ">=":
		return a >= b
	case "<=":
		return a <= b
	case ">":
		return a > b
	case "<":
		return a < b
	}
	return false
}

// compareStrings compares as WQL compares strings: character by character
// (so "10.0.19045" > "10.0.17763", and "6.1" > "10.0").
func compareStrings(a, b, op string) bool {
	c := strings.Compare(strings.ToLower(a), strings.ToLower(b))
	return compareInts(c, 0, op)
}

// like matches WQL LIKE ('%' any run, '_' one character, case-insensitive).
// With a partial version (major.minor only) a pattern is decided only
// when its literal prefix ends inside the known part and a '%' follows.
func like(s, pattern string, partial bool) Tri {
	s, pattern = strings.ToLower(s), strings.ToLower(pattern)
	if partial {
		i := strings.IndexAny(pattern, "%_[")
		if i < 0 || pattern[i] != '%' {
			return Unknown
		}
		prefix := pattern[:i]
		n := min(len(prefix), len(s))
		if prefix[:n] != s[:n] {
			return No
		}
		if len(prefix) > len(s) {
			return Unknown
		}
		return Yes
	}
	if strings.Contains(pattern, "[") {
		return Unknown
	}
	return tri(likeMatch(s, pattern))
}

func likeMatch(s, p string) bool {
	if p == "" {
		return s == ""
	}
	switch p[0] {
	case '%':
		for i := 0; i <= len(s); i++ {
			if likeMatch(s[i:], p[1:]) {
				return true
			}
		}
		return false
	case '_':
		return s != "" && likeMatch(s[1:], p[1:])
	}
	return s != "" && s[0] == p[0] && likeMatch(s[1:], p[1:])
}
