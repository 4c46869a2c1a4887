//go:build linux

package testdomain

import (
	"bufio"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// requirementsTSV is the list .ci/install-deps installs from: one row per
// command, file or Python module the fixture, the demo or the tests use.
//
//go:embed requirements.tsv
var requirementsTSV string

// requirement is one row of requirements.tsv.
type requirement struct {
	Package  string // Debian package that provides it
	Kind     string // "cmd", "file" or "py"
	Thing    string // command name, path ($SETUPDIR/$MODULESDIR expanded), module
	NeededBy string // "fixture", "tests", "demo", "ci" (comma-separated)
}

func parseRequirements(tsv string) ([]requirement, error) {
	var reqs []requirement
	sc := bufio.NewScanner(strings.NewReader(tsv))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 4 {
			return nil, fmt.Errorf("requirements.tsv line %d: want package, kind, thing, needed-by", n)
		}
		reqs = append(reqs, requirement{Package: f[0], Kind: f[1], Thing: f[2], NeededBy: f[3]})
	}
	return reqs, sc.Err()
}

// PrerequisiteError says, in one line, what this machine lacks to run a test
// domain and the command that installs it.
type PrerequisiteError struct {
	Missing  []string // what is missing, as the code needs it ("command samba-tool")
	Packages []string // Debian packages that provide the missing things
	NotRoot  bool     // the process is not root
	Other    []string // abilities a package cannot give (loopback address, mount namespace)
}

func (e *PrerequisiteError) Error() string {
	var parts []string
	if len(e.Missing) > 0 {
		parts = append(parts, fmt.Sprintf("missing %s: install with `apt-get install --no-install-recommends %s` (or run .ci/install-deps as root)",
			strings.Join(e.Missing, ", "), strings.Join(e.Packages, " ")))
	}
	if e.NotRoot {
		parts = append(parts, "not root: the test domain adds a loopback address, binds ports 88/389/445/636 and runs samba; run the tests as root")
	}
	parts = append(parts, e.Other...)
	return "test domain cannot start here: " + strings.Join(parts, "; ")
}

// CheckPrerequisites says what is missing to run a test domain here, before
// anything is provisioned: every "fixture" row of requirements.tsv (the
// samba-tool binary, the provision schema files, unshare, ...), root, and
// the two kernel abilities the fixture uses (a loopback address of its own
// and a private mount namespace).
func CheckPrerequisites() error {
	reqs, err := parseRequirements(requirementsTSV)
	if err != nil {
		return err
	}
	e := &PrerequisiteError{}
	setupDir, modulesDir := sambaDirs()
	for _, r := range reqs {
		if !slices.Contains(strings.Split(r.NeededBy, ","), "fixture") {
			continue
		}
		if what, ok := r.present(setupDir, modulesDir); !ok {
			e.Missing = append(e.Missing, what)
			if !slices.Contains(e.Packages, r.Package) {
				e.Packages = append(e.Packages, r.Package)
			}
		}
	}
	if os.Geteuid() != 0 {
		e.NotRoot = true
	} else if len(e.Missing) == 0 {
		e.Other = kernelAbilities()
	}
	if len(e.Missing) == 0 && !e.NotRoot && len(e.Other) == 0 {
		return nil
	}
	return e
}

// present checks one requirement; what names it for the error.
func (r requirement) present(setupDir, modulesDir string) (what string, ok bool) {
	switch r.Kind {
	case "cmd":
		_, err := exec.LookPath(r.Thing)
		return "command " + r.Thing, err == nil
	case "file":
		if modulesDir == "" && strings.Contains(r.Thing, "$MODULESDIR") {
			return "samba's " + filepath.Base(r.Thing), false
		}
		path := strings.NewReplacer("$SETUPDIR", setupDir, "$MODULESDIR", modulesDir).Replace(r.Thing)
		_, err := os.Stat(path)
		return "file " + path, err == nil
	case "py":
		// samba-tool runs on the system interpreter, whatever python3 is
		// first on PATH (pyenv, a venv).
		err := exec.Command("/usr/bin/python3", "-c", "import "+r.Thing).Run()
		return "Python module " + r.Thing + " (for /usr/bin/python3)", err == nil
	}
	return r.Kind + " " + r.Thing, false
}

// sambaDirs reads Samba's compiled-in setup and module directories from
// `samba -b`; Debian's setup directory when samba is not there to ask.
func sambaDirs() (setupDir, modulesDir string) {
	setupDir = "/usr/share/samba/setup"
	out, err := exec.Command("samba", "-b").Output()
	if err != nil {
		return setupDir, ""
	}
	for _, line := range strings.Split(string(out), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		switch {
		case !ok:
		case k == "SETUPDIR":
			setupDir = strings.TrimSpace(v)
		case k == "MODULESDIR":
			modulesDir = strings.TrimSpace(v)
		}
	}
	return setupDir, modulesDir
}

// probeAddress is outside claimLoopbackAddress's range, so a probe never
// takes an address a fixture could want.
const probeAddress = "127.0.0.99"

// kernelAbilities tries what the fixture will do to the kernel: add a
// loopback address (CAP_NET_ADMIN in this network namespace) and enter a
// private mount namespace (CAP_SYS_ADMIN; refused in some containers).
func kernelAbilities() []string {
	var lacks []string
	out, err := exec.Command("ip", "-4", "addr", "add", probeAddress+"/8", "dev", "lo").CombinedOutput()
	switch {
	case err == nil:
		_ = exec.Command("ip", "-4", "addr", "del", probeAddress+"/8", "dev", "lo").Run()
	case strings.Contains(string(out), "File exists") || strings.Contains(string(out), "already assigned"):
		// Another fixture is probing at this moment: the ability is there.
	default:
		lacks = append(lacks, fmt.Sprintf("cannot add a loopback address (ip addr add %s/8 dev lo: %s): run as root on a host or a container with CAP_NET_ADMIN",
			probeAddress, firstLine(out, err)))
	}
	if out, err := exec.Command("unshare", "--mount", "--propagation", "private", "true").CombinedOutput(); err != nil {
		lacks = append(lacks, fmt.Sprintf("cannot make a private mount namespace (unshare --mount: %s): run as root with CAP_SYS_ADMIN",
			firstLine(out, err)))
	}
	return lacks
}

func firstLine(out []byte, err error) string {
	s := strings.TrimSpace(string(out))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if s == "" {
		return err.Error()
	}
	return s
}
