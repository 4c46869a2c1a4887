package gpo

import (
	"fmt"
	"slices"
	"strings"
)

// Extension is one group of gPCMachineExtensionNames or
// gPCUserExtensionNames: a client-side extension and the tool extensions
// that edited settings for it ([MS-GPOL] 2.2.4, 1.8).
type Extension struct {
	CSE   string   `json:"cse"`
	Tools []string `json:"tools,omitempty"`
}

// Well-known extensions ctitui writes ([MS-GPSI] 1.9).
const (
	CSESoftwareInstallation          = "{C6DC5466-785A-11D2-84D0-00C04FB169F7}"
	ToolSoftwareInstallationComputer = "{942A8E4F-A261-11D1-A760-00C04FB9603F}"
	ToolSoftwareInstallationUser     = "{BACF5C8A-A3C7-11D1-A760-00C04FB9603F}"
)

// ParseExtensionNames splits "[{CSE}{tool}...][...]" into groups. An empty
// value (or a lone space, which some tools leave) is no extensions.
func ParseExtensionNames(value string) ([]Extension, error) {
	value = strings.TrimSpace(value)
	var out []Extension
	for value != "" {
		if value[0] != '[' {
			return nil, fmt.Errorf("extension names %q: expected '[' at %q", value, value)
		}
		end := strings.IndexByte(value, ']')
		if end < 0 {
			return nil, fmt.Errorf("extension names: unterminated group %q", value)
		}
		group := value[1:end]
		value = strings.TrimSpace(value[end+1:])
		var guids []string
		for group != "" {
			if len(group) < 38 || group[0] != '{' || group[37] != '}' || normalizeGUID(group[:38]) == "" {
				return nil, fmt.Errorf("extension names: %q is not a list of {GUID}s", group)
			}
			guids = append(guids, normalizeGUID(group[:38]))
			group = group[38:]
		}
		if len(guids) == 0 {
			return nil, fmt.Errorf("extension names: empty group []")
		}
		out = append(out, Extension{CSE: guids[0], Tools: guids[1:]})
	}
	return out, nil
}

// FormatExtensionNames writes groups in the order [MS-GPOL] 2.2.4
// requires: groups in ascending order of CSE GUID, tool GUIDs in
// ascending order inside a group, no duplicates. GUIDs compare as
// upper-case strings, the order GPMC leaves them in.
func FormatExtensionNames(exts []Extension) string {
	merged := map[string][]string{}
	for _, e := range exts {
		cse := normalizeGUID(e.CSE)
		for _, t := range e.Tools {
			if t := normalizeGUID(t); t != "" && !slices.Contains(merged[cse], t) {
				merged[cse] = append(merged[cse], t)
			}
		}
		if _, ok := merged[cse]; !ok {
			merged[cse] = nil
		}
	}
	cses := make([]string, 0, len(merged))
	for c := range merged {
		cses = append(cses, c)
	}
	slices.Sort(cses)
	var b strings.Builder
	for _, c := range cses {
		tools := merged[c]
		slices.Sort(tools)
		b.WriteString("[" + c + strings.Join(tools, "") + "]")
	}
	return b.String()
}

// AddExtension returns value with the CSE/tool pair added in its place
// ([MS-GPOL] 3.3.5.2 GPO Extension Update).
func AddExtension(value, cse, tool string) (string, error) {
	exts, err := ParseExtensionNames(value)
	if err != nil {
		return "", err
	}
	if normalizeGUID(cse) == "" || (tool != "" && normalizeGUID(tool) == "") {
		return "", fmt.Errorf("extension %s %s: not {GUID}s", cse, tool)
	}
	e := Extension{CSE: cse}
	if tool != "" {
		e.Tools = []string{tool}
	}
	return FormatExtensionNames(append(exts, e)), nil
}
