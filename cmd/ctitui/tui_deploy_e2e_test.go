//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// ldbValues reads one attribute of the objects a search finds, with
// ldbsearch on the DC's database: a tool that is not ours.
func ldbValues(t *testing.T, d *testdomain.Domain, base, scope, filter, attr string) []string {
	t.Helper()
	cmd := exec.Command("ldbsearch", "-H", filepath.Join(d.Dir, "private", "sam.ldb"), "-b", base, "-s", scope, filter, attr)
	cmd.Env = d.ToolEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ldbsearch %s: %v\n%s", filter, err, out)
	}
	var vals []string
	// Unfold LDIF continuation lines before reading values.
	text := strings.ReplaceAll(string(out), "\n ", "")
	for _, l := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(l, attr+": "); ok {
			vals = append(vals, v)
		}
	}
	return vals
}

func toolOutput(t *testing.T, d *testdomain.Domain, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = d.ToolEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// TestConsoleGuidedDeployAndRemove completes the guided deploy with
// keystrokes only, checks the result with ldbsearch, smbclient and
// smbcacls, then removes the package from the Manage screen.
func TestConsoleGuidedDeployAndRemove(t *testing.T) {
	d := testdomain.Require(t, dom)
	bin := buildBinary(t)
	msiDir := t.TempDir()
	sample, err := os.ReadFile(testmsi.Build(t, "MIKO CTI 4.9.226"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(msiDir, "MIKO CTI 4.9.226.msi"), sample, 0o600); err != nil {
		t.Fatal(err)
	}
	const gpoName = "MIKO CTI - console"
	folder := `\\` + d.IP + `\` + testdomain.DistribShare + `\MikoCTI-tui`
	ou := testdomain.OUDN("Workstations", "Office Moscow")
	env := append(d.CtituiEnv(), "HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir(), "LANG=en_US.UTF-8",
		"TERM=xterm-256color", "CTITUI_DEMO_MSI_DIR="+msiDir)
	c := startConsole(t, bin, env)
	c.waitFor("Deploy an MSI (guided)")

	// 1 Distribution: the MSI, the folder, the upload.
	c.keys("Enter")
	c.waitFor("MIKO CTI 4.9.226.msi")
	c.keys("Down", "Enter", "C-u")
	c.typeText(folder)
	c.keys("Enter")
	c.waitFor("Folder ACL set: Domain Computers can read the package.")
	// 2 MSI check.
	c.keys("Enter")
	c.waitFor("[2 MSI check]", "Per-machine package")
	// 3 GPO: a new one with our name.
	c.keys("Enter")
	c.waitFor("[3 GPO]", "New GPO")
	c.keys("C-u")
	c.typeText(gpoName)
	c.keys("Enter")
	// 4 OU.
	c.waitFor("[4 OU]", "Workstations")
	c.keys("/")
	c.typeText("Workstations")
	c.keys("Enter", "l")
	c.keys("Escape")
	c.waitFor("Office Moscow")
	c.keys("/")
	c.typeText("Moscow")
	c.keys("Enter")
	c.waitFor("OU=Office Moscow,OU=Workstations")
	c.keys("Enter")
	// 5 Package: the guide's defaults.
	c.waitFor("[5 Package]", "Computer Configuration (recommended)")
	c.keys("Enter")
	// 6 Filtering: MikoCTI_Computers, the Windows 10/11 preset.
	c.waitFor("[6 Filtering]")
	c.keys("/")
	c.typeText("MikoCTI_Computers")
	c.keys("Enter", "Space", "w")
	c.waitFor("Applies to: MikoCTI_Computers", "WMI filter: Windows 10/11")
	c.keys("Enter")
	// 7 Review, 8 Apply.
	c.waitFor("[7 Review]", "Nothing is changed until you press a")
	c.keys("a")
	c.waitFor("(y/N)")
	c.keys("y")
	c.waitFor("[8 Apply]", "Applied.")

	// The directory, as ldbsearch reads it.
	guids := ldbValues(t, d, "CN=Policies,CN=System,"+testdomain.BaseDN, "one", "(displayName="+gpoName+")", "name")
	if len(guids) != 1 {
		t.Fatalf("GPO %q: ldbsearch found %v", gpoName, guids)
	}
	guid := guids[0]
	gpoDN := "CN=" + guid + ",CN=Policies,CN=System," + testdomain.BaseDN
	if links := ldbValues(t, d, ou, "base", "(objectClass=*)", "gPLink"); len(links) != 1 || !strings.Contains(strings.ToUpper(links[0]), strings.ToUpper(guid)) {
		t.Fatalf("gPLink of %s: %v", ou, links)
	}
	if w := ldbValues(t, d, gpoDN, "base", "(objectClass=*)", "gPCWQLFilter"); len(w) != 1 {
		t.Fatalf("gPCWQLFilter: %v", w)
	}
	pkgBase := "CN=Packages,CN=Class Store,CN=Machine," + gpoDN
	if names := ldbValues(t, d, pkgBase, "one", "(objectClass=packageRegistration)", "displayName"); len(names) != 1 || names[0] != "MIKO CTI 4.9.226" {
		t.Fatalf("package: %v", names)
	}
	sid := ldbValues(t, d, testdomain.GroupDN("MikoCTI_Computers"), "base", "(objectClass=*)", "objectSid")
	sd := ldbValues(t, d, gpoDN, "base", "(objectClass=*)", "nTSecurityDescriptor")
	if len(sid) != 1 || len(sd) != 1 || !strings.Contains(sd[0], sid[0]) {
		t.Fatalf("security filtering: group SID %v not in %v", sid, sd)
	}
	// SYSVOL and the share, as smbclient and smbcacls see them.
	ls := toolOutput(t, d, "smbclient", "-A", d.AuthFile, "//"+d.IP+"/sysvol", "-c",
		"ls "+testdomain.DNSDomain+"/Policies/"+guid+"/Machine/Applications/*")
	if !strings.Contains(ls, ".aas") {
		t.Fatalf("no advertise script in SYSVOL:\n%s", ls)
	}
	acl := toolOutput(t, d, "smbcacls", "-A", d.AuthFile, "//"+d.IP+"/"+testdomain.DistribShare, "MikoCTI-tui")
	if !strings.Contains(acl, "Domain Computers:ALLOWED") {
		t.Fatalf("folder ACL lacks Domain Computers:\n%s", acl)
	}

	c.keys("Enter")
	c.waitFor("Deploy an MSI (guided)")
	c.keys("q")
	if status := c.waitExit(); status != "0" {
		t.Fatalf("ctitui exited with status %q:\n%s", status, c.screen())
	}

	// A second run removes it from Manage, "Immediately uninstall".
	c = startConsole(t, bin, env)
	c.waitFor("Deploy an MSI (guided)")
	c.keys("Down", "Enter")
	c.waitFor("Deployed packages", "MIKO CTI - console")
	c.keys("/")
	c.typeText("- console")
	c.keys("Enter", "x")
	c.waitFor("i = immediately uninstall")
	c.keys("i")
	c.waitFor("Review the change")
	c.keys("a")
	c.waitFor("(y/N)")
	c.keys("y")
	c.waitFor("Applied.")
	if s := ldbValues(t, d, pkgBase, "one", "(objectClass=packageRegistration)", "msiScriptName"); len(s) != 1 || s[0] != "R" {
		t.Fatalf("msiScriptName after remove: %v", s)
	}
	// Back on the list, reloaded: the package is being removed.
	c.keys("Escape")
	c.waitFor("removing", "MIKO CTI - console")
	c.keys("Escape")
	c.waitFor("Deployed packages")
	c.keys("Escape")
	c.waitFor("Deploy an MSI (guided)")
	c.keys("q")
	if status := c.waitExit(); status != "0" {
		t.Fatalf("ctitui exited with status %q:\n%s", status, c.screen())
	}
}
