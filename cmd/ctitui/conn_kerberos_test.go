//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
)

// TestDomainInfoWithKerberos: --kerberos works from a password file and,
// with no password at all, from a kinit ticket cache (CTITUI_KERBEROS and
// KRB5CCNAME); flags go after the command's arguments as well.
func TestDomainInfoWithKerberos(t *testing.T) {
	d := testdomain.Require(t, dom)
	bin := buildBinary(t)

	out, errOut, code := runCtitui(t, bin, d.CtituiEnv(), "domain", "info", "--json", "--kerberos")
	if code != 0 || !strings.Contains(out, testdomain.DCFQDN) {
		t.Fatalf("domain info --kerberos with a password file: exit %d\n%s\n%s", code, out, errOut)
	}

	ccache := filepath.Join(t.TempDir(), "krb5cc")
	kinit := exec.Command("kinit", testdomain.AdminUser+"@"+testdomain.Realm)
	kinit.Env = append(d.ToolEnv(), "KRB5CCNAME=FILE:"+ccache)
	kinit.Stdin = strings.NewReader(d.Password() + "\n")
	if b, err := kinit.CombinedOutput(); err != nil {
		t.Fatalf("kinit: %v\n%s", err, b)
	}
	env := []string{"CTITUI_DOMAIN=" + testdomain.DNSDomain, "CTITUI_DC=" + d.IP, "CTITUI_KERBEROS=1",
		"KRB5_CONFIG=" + d.KRB5Config, "KRB5CCNAME=FILE:" + ccache}
	out, errOut, code = runCtitui(t, bin, env, "domain", "info", "--json")
	if code != 0 || !strings.Contains(out, testdomain.DCFQDN) {
		t.Fatalf("domain info with CTITUI_KERBEROS and a kinit cache: exit %d\n%s\n%s", code, out, errOut)
	}

	// A wrong password says so, and does not print it.
	wrong := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(wrong, []byte("Not-the-password-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = runCtitui(t, bin, append(d.CtituiEnv(), "CTITUI_PASSWORD_FILE="+wrong), "domain", "info", "--kerberos")
	if code == 0 || !strings.Contains(errOut, "wrong password") || strings.Contains(errOut, "Not-the-password-1") {
		t.Fatalf("wrong password: exit %d, %q", code, errOut)
	}
}
