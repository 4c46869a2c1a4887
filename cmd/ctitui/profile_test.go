//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
)

func TestProfiles(t *testing.T) {
	d := testdomain.Require(t, dom)
	bin := buildBinary(t)
	cfgHome := []string{"XDG_CONFIG_HOME=" + t.TempDir()}
	env := func(extra ...string) []string { return append(append([]string{}, cfgHome...), extra...) }

	out, errOut, code := runCtitui(t, bin, env(), "profile", "save", "lab",
		"--domain", testdomain.DNSDomain, "--dc", d.IP, "--user", testdomain.AdminUPN, "--ca-file", d.CAFile)
	if code != 0 || !strings.Contains(out, "no password is stored") {
		t.Fatalf("profile save: exit %d %s%s", code, out, errOut)
	}
	// The file holds no secret (there is no field for one), only settings.
	saved, err := os.ReadFile(filepath.Join(strings.TrimPrefix(cfgHome[0], "XDG_CONFIG_HOME="), "ctitui", "profiles.json"))
	if err != nil || !strings.Contains(string(saved), d.IP) || strings.Contains(string(saved), d.Password()) {
		t.Fatalf("profiles.json: %v\n%s", err, saved)
	}

	pw := "CTITUI_PASSWORD_FILE=" + d.PasswordFile
	out, errOut, code = runCtitui(t, bin, env(pw), "domain", "info", "--profile", "lab")
	if code != 0 || !strings.Contains(out, testdomain.DCFQDN) {
		t.Fatalf("domain info --profile lab: exit %d %s%s", code, out, errOut)
	}
	_, errOut, code = runCtitui(t, bin, env(pw), "domain", "info", "--profile", "nope")
	if code != 1 || !strings.Contains(errOut, `no saved profile "nope"`) {
		t.Fatalf("unknown profile: exit %d %q", code, errOut)
	}
	// Without a name, the profile called "default" is used.
	if _, errOut, code = runCtitui(t, bin, env(), "profile", "save", "default", "--profile", "lab"); code != 0 {
		t.Fatalf("save default from lab: %s", errOut)
	}
	out, errOut, code = runCtitui(t, bin, env(pw), "domain", "info")
	if code != 0 || !strings.Contains(out, testdomain.DCFQDN) {
		t.Fatalf("domain info with the default profile: exit %d %s%s", code, out, errOut)
	}
	// A flag overrides the profile: a DC where nothing listens fails.
	_, errOut, code = runCtitui(t, bin, env(pw), "domain", "info", "--dc", "127.0.0.3")
	if code != 1 || !strings.Contains(errOut, "127.0.0.3") {
		t.Fatalf("--dc over the profile: exit %d %q", code, errOut)
	}
	out, _, code = runCtitui(t, bin, env(), "profile", "list")
	if code != 0 || !strings.Contains(out, "lab") || !strings.Contains(out, "default") {
		t.Fatalf("profile list:\n%s", out)
	}
	if _, errOut, code = runCtitui(t, bin, env(), "profile", "delete", "lab"); code != 0 {
		t.Fatalf("profile delete: %s", errOut)
	}
}
