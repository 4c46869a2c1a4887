//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/internal/testdomain"
)

var dom *testdomain.Domain

func TestMain(m *testing.M) { os.Exit(testdomain.Run(m, &dom)) }

// buildBinary compiles ctitui once per test run, so tests drive the real
// binary the way an admin or a script would.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ctitui")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runCtitui runs the binary with a clean environment plus env.
func runCtitui(t *testing.T, bin string, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.CommandContext(context.Background(), bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return o.String(), e.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run ctitui: %v", err)
	}
	return o.String(), e.String(), 0
}

func TestVersionAndHelp(t *testing.T) {
	bin := buildBinary(t)
	out, _, code := runCtitui(t, bin, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "ctitui ") {
		t.Fatalf("version: exit %d, %q", code, out)
	}
	// --version prints the same line: version, commit, Go, platform.
	flagOut, _, code := runCtitui(t, bin, nil, "--version")
	if code != 0 || flagOut != out {
		t.Fatalf("--version: exit %d, %q; version printed %q", code, flagOut, out)
	}
	for _, want := range []string{runtime.Version(), runtime.GOOS + "/" + runtime.GOARCH, "commit "} {
		if !strings.Contains(out, want) {
			t.Errorf("version line %q lacks %q", out, want)
		}
	}
	out, _, code = runCtitui(t, bin, nil, "--help")
	if code != 0 || !strings.Contains(out, "Usage:") || !strings.Contains(out, "--ca-file") {
		t.Fatalf("--help: exit %d\n%s", code, out)
	}
	_, errOut, code := runCtitui(t, bin, nil, "domain", "info", "--no-such-flag")
	if code != 2 || !strings.Contains(errOut, "unknown flag") {
		t.Fatalf("bad flag: exit %d, %q", code, errOut)
	}
}

func TestDomainInfoAgainstTestDomain(t *testing.T) {
	d := testdomain.Require(t, dom)
	bin := buildBinary(t)
	seed := testdomain.DefaultSeed()

	// Settings from the environment, JSON out.
	out, errOut, code := runCtitui(t, bin, d.CtituiEnv(), "domain", "info", "--json")
	if code != 0 {
		t.Fatalf("domain info: exit %d: %s", code, errOut)
	}
	var s struct {
		DomainDN  string `json:"domainDN"`
		DC        string `json:"dc"`
		Computers int    `json:"computers"`
		OUs       int    `json:"ous"`
		GPOs      int    `json:"gpos"`
		WMI       int    `json:"wmiFilters"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("domain info --json: %v\n%s", err, out)
	}
	// Other tests of this package add GPOs and filters to the same domain,
	// so the expected numbers are counted now, by the fixture's own LDAP
	// connection (not ctitui's).
	want := liveCounts(t, d)
	if s.DomainDN != testdomain.BaseDN || s.DC != testdomain.DCFQDN || s.OUs != want["ous"] ||
		s.Computers != want["computers"] || s.GPOs != want["gpos"] || s.WMI != want["wmi"] {
		t.Fatalf("summary %+v, want %s %s %v", s, testdomain.BaseDN, testdomain.DCFQDN, want)
	}
	if want["computers"] < len(seed.Computers)+1 || want["gpos"] < 3 {
		t.Fatalf("the seeded directory is incomplete: %v", want)
	}

	// The same with flags after the positional command and StartTLS.
	flags := []string{"--dc", d.IP, "--user", testdomain.AdminUPN, "--password-file", d.PasswordFile, "--ca-file", d.CAFile}
	out, errOut, code = runCtitui(t, bin, nil, append([]string{"domain", "info", "--starttls"}, flags...)...)
	if code != 0 || !strings.Contains(out, "Computers") {
		t.Fatalf("domain info --starttls: exit %d: %s%s", code, out, errOut)
	}
	if strings.Contains(out+errOut, d.Password()) {
		t.Fatal("the password appeared in ctitui's output")
	}
}

func TestDomainInfoErrorsSayWhatToDo(t *testing.T) {
	d := testdomain.Require(t, dom)
	bin := buildBinary(t)
	wrong := filepath.Join(t.TempDir(), "wrong")
	if err := os.WriteFile(wrong, []byte("not-the-password"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"wrong password", []string{"--password-file", wrong, "--ca-file", d.CAFile}, "wrong password"},
		{"untrusted certificate", []string{"--password-file", d.PasswordFile}, "--ca-file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"domain", "info", "--dc", d.IP, "--user", testdomain.AdminUPN}, c.args...)
			_, errOut, code := runCtitui(t, bin, nil, args...)
			if code != 1 || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d, stderr %q; want exit 1 and %q", code, errOut, c.want)
			}
			if strings.Contains(errOut, "not-the-password") || strings.Contains(errOut, d.Password()) {
				t.Fatal("a password appeared in the error")
			}
		})
	}
}

// liveCounts counts objects the way an independent client would.
func liveCounts(t *testing.T, d *testdomain.Domain) map[string]int {
	t.Helper()
	conn, err := d.DialLDAP(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	count := func(base, filter string) int {
		res, err := conn.SearchWithPaging(ldap.NewSearchRequest(base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
			0, 0, false, filter, []string{"1.1"}, nil), 500)
		if err != nil {
			t.Fatalf("count %s: %v", filter, err)
		}
		return len(res.Entries)
	}
	return map[string]int{
		"ous":       count(testdomain.BaseDN, "(objectClass=organizationalUnit)"),
		"computers": count(testdomain.BaseDN, "(objectCategory=computer)"),
		"gpos":      count("CN=Policies,CN=System,"+testdomain.BaseDN, "(objectClass=groupPolicyContainer)"),
		"wmi":       count("CN=SOM,CN=WMIPolicy,CN=System,"+testdomain.BaseDN, "(objectClass=msWMI-Som)"),
	}
}
