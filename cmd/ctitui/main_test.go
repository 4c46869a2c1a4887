//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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
	// Seeded OUs plus the built-in Domain Controllers OU; seeded computers
	// plus the DC; the legacy GPO plus the two default ones.
	want := struct{ ous, computers, gpos int }{len(seed.OUs) + 1, len(seed.Computers) + 1, 3}
	if s.DomainDN != testdomain.BaseDN || s.DC != testdomain.DCFQDN || s.OUs != want.ous ||
		s.Computers != want.computers || s.GPOs != want.gpos || s.WMI != 1 {
		t.Fatalf("summary %+v, want %s %s ous=%d computers=%d gpos=%d wmi=1",
			s, testdomain.BaseDN, testdomain.DCFQDN, want.ous, want.computers, want.gpos)
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
