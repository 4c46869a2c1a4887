package smb

import (
	"fmt"
	"strings"
	"unicode"
)

// whyUNC is the guide's reason for insisting on UNC paths: Group Policy
// Software Installation runs msiexec as SYSTEM on each client at startup, and
// the package source must be a network path that every computer can reach.
const whyUNC = "Group Policy installs run as SYSTEM on every client computer, which can only reach the package through a network path (\\\\server\\share\\folder)"

// Path is a validated UNC path: \\Server\Share followed by zero or more
// folder or file names.
type Path struct {
	Server string
	Share  string
	// Parts are the names below the share, outermost first.
	Parts []string
}

// PathError says why a string is not a usable UNC path.
type PathError struct {
	Input  string
	Reason string
}

func (e *PathError) Error() string {
	// Not %q: it would double every backslash of the path it quotes.
	return fmt.Sprintf("\"%s\" is not a usable UNC path: %s", e.Input, e.Reason)
}

// ParsePath checks that s is a UNC path \\server\share[\name...] and splits
// it. Drive letters, local paths and forward slashes are refused with the
// reason, because a client computer installing as SYSTEM cannot use them.
func ParsePath(s string) (Path, error) {
	fail := func(format string, args ...any) (Path, error) {
		return Path{}, &PathError{Input: s, Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case s == "":
		return fail("it is empty; write \\\\server\\share\\folder")
	case len(s) >= 2 && s[1] == ':' && isASCIILetter(s[0]):
		return fail("%s is a drive letter of this machine; %s", s[:2], whyUNC)
	case strings.HasPrefix(s, `\\?\`) || strings.HasPrefix(s, `\\.\`):
		return fail("Win32 device and long-path prefixes (\\\\?\\, \\\\.\\) are local to one machine; %s", whyUNC)
	case strings.Contains(s, "/"):
		return fail("it contains forward slashes; UNC paths use backslashes, e.g. %s", strings.ReplaceAll(s, "/", `\`))
	case !strings.HasPrefix(s, `\\`):
		return fail("it is a local path; %s", whyUNC)
	}
	fields := strings.Split(s[2:], `\`)
	if len(fields) > 0 && fields[len(fields)-1] == "" && len(fields) > 2 {
		// One trailing backslash after a folder is harmless: \\srv\share\dir\.
		fields = fields[:len(fields)-1]
	}
	if len(fields) < 2 || fields[0] == "" || fields[1] == "" {
		return fail("it needs a server and a share name: \\\\server\\share")
	}
	if err := checkServer(fields[0]); err != nil {
		return fail("%v", err)
	}
	if err := checkShare(fields[1]); err != nil {
		return fail("%v", err)
	}
	p := Path{Server: fields[0], Share: fields[1]}
	for _, name := range fields[2:] {
		if err := CheckName(name); err != nil {
			return fail("%v", err)
		}
		p.Parts = append(p.Parts, name)
	}
	return p, nil
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// checkServer accepts a NetBIOS name, a DNS name or an IPv4 address.
func checkServer(s string) error {
	if strings.ContainsAny(s, ` "*+,:;<=>?[]|`) || strings.ContainsFunc(s, unicode.IsControl) {
		return fmt.Errorf("server name %q has characters a host name cannot have", s)
	}
	return nil
}

// checkShare applies the share name rules of [MS-SRVS] 2.2.4.23 (shi1_netname
// cannot hold these characters).
func checkShare(s string) error {
	if strings.ContainsAny(s, `"/\[]:|<>+=;,*?`) || strings.ContainsFunc(s, unicode.IsControl) {
		return fmt.Errorf("share name %q has characters a share name cannot have", s)
	}
	return nil
}

// CheckName checks one file or folder name for what Windows servers refuse
// or silently change ([MS-FSCC] 2.1.5.2 filename rules): empty names, "." and
// "..", reserved characters, and trailing spaces or dots, which Windows strips
// so the file would land under another name than the one checked.
func CheckName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("it has an empty name (two backslashes in a row)")
	case name == "." || name == "..":
		return fmt.Errorf("%q is not allowed: give the folder path without relative steps", name)
	case strings.ContainsAny(name, `<>:"|?*\/`) || strings.ContainsFunc(name, unicode.IsControl):
		return fmt.Errorf("name %q has a character Windows does not allow in file names (< > : \" | ? * or a control character)", name)
	case strings.HasSuffix(name, " ") || strings.HasSuffix(name, "."):
		return fmt.Errorf("name %q ends with a space or a dot, which Windows strips; remove it", name)
	case len(name) > 255:
		return fmt.Errorf("name %q is longer than 255 characters", name)
	}
	return nil
}

// String renders the path as \\server\share\a\b.
func (p Path) String() string {
	return `\\` + p.Server + `\` + p.Share + p.prefixedRel()
}

func (p Path) prefixedRel() string {
	if len(p.Parts) == 0 {
		return ""
	}
	return `\` + p.Rel()
}

// Rel is the path inside the share ("a\b"), empty for the share root; this is
// the name SMB2 CREATE takes ([MS-SMB2] 2.2.13: relative to the share).
func (p Path) Rel() string { return strings.Join(p.Parts, `\`) }

// Join appends names, checking each.
func (p Path) Join(names ...string) (Path, error) {
	out := Path{Server: p.Server, Share: p.Share, Parts: append([]string(nil), p.Parts...)}
	for _, n := range names {
		if err := CheckName(n); err != nil {
			return Path{}, fmt.Errorf("join %s: %w", p, err)
		}
		out.Parts = append(out.Parts, n)
	}
	return out, nil
}

// Dir is the parent path; the share root is its own parent.
func (p Path) Dir() Path {
	if len(p.Parts) == 0 {
		return p
	}
	return Path{Server: p.Server, Share: p.Share, Parts: append([]string(nil), p.Parts[:len(p.Parts)-1]...)}
}

// Base is the last name, or the share name for the share root.
func (p Path) Base() string {
	if len(p.Parts) == 0 {
		return p.Share
	}
	return p.Parts[len(p.Parts)-1]
}

// IsShareRoot reports whether the path names the share itself.
func (p Path) IsShareRoot() bool { return len(p.Parts) == 0 }
