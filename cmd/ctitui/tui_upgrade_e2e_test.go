//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// TestConsoleWizardUpgradesAndFiltersToTwoGroups deploys 4.9.241 with
// keystrokes only, upgrading the 4.9.226 package another GPO deploys
// (picked in step 5) and filtered to two groups (step 6), then checks
// with ldbsearch that the new package upgrades the old one and that both
// groups are on the GPO's DACL.
func TestConsoleWizardUpgradesAndFiltersToTwoGroups(t *testing.T) {
	d := testdomain.Require(t, dom)
	bin := buildBinary(t)
	const oldGPO, newGPO = "MIKO CTI - console upgrade old", "MIKO CTI - console upgrade"
	share := `\\` + d.IP + `\` + testdomain.DistribShare + `\`
	ou := testdomain.OUDN("Archive")
	if out, errOut, code := runCtitui(t, bin, d.CtituiEnv(), "deploy", "--msi", testmsi.Build(t, "MIKO CTI 4.9.226"),
		"--share", share+"MikoCTI-tui-226", "--ou", ou, "--gpo", oldGPO, "--yes"); code != 0 {
		t.Fatalf("deploy 4.9.226: exit %d\n%s\n%s", code, out, errOut)
	}
	msiDir := t.TempDir()
	sample, err := os.ReadFile(testmsi.Build(t, "MIKO CTI 4.9.241"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(msiDir, "MIKO CTI 4.9.241.msi"), sample, 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(d.CtituiEnv(), "HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir(), "LANG=en_US.UTF-8",
		"TERM=xterm-256color", "CTITUI_DEMO_MSI_DIR="+msiDir)
	c := startConsole(t, bin, env)
	c.waitFor("Deploy an MSI (guided)")
	c.keys("Enter")
	c.waitFor("MIKO CTI 4.9.241.msi")
	c.keys("Down", "Enter", "C-u")
	c.typeText(share + "MikoCTI-tui-241")
	c.keys("Enter")
	c.waitFor("Folder ACL set: Domain Computers can read the package.")
	c.keys("Enter")
	c.waitFor("[2 MSI check]")
	c.keys("Enter")
	c.waitFor("[3 GPO]", "New GPO")
	c.keys("C-u")
	c.typeText(newGPO)
	c.keys("Enter")
	c.waitFor("[4 OU]")
	c.keys("/")
	c.typeText("Archive")
	c.keys("Enter")
	c.waitFor("OU=Archive,DC=")
	c.keys("Enter")
	// 5 Package: the upgrade row, the picker, the old package.
	c.waitFor("[5 Package]", "Upgrade an existing package", "none (a new package only)")
	c.keys("Down", "Down", "Down", "Down", "Down", "Space")
	// The rows appear once the packages are read.
	c.waitFor("The package the new one upgrades", "> none (a new package only)")
	c.keys("/")
	c.typeText("upgrade old")
	c.keys("Enter")
	c.waitFor("> MIKO CTI 4.9.226")
	c.keys("Enter")
	c.waitFor("< MIKO CTI 4.9.226 in MIKO CTI - console", "uninstall first, then install", "[x] on")
	c.keys("Enter")
	// 6 Filtering: two groups.
	c.waitFor("[6 Filtering]")
	c.keys("/")
	c.typeText("MikoCTI_Computers")
	c.keys("Enter", "Space", "Escape", "/")
	c.typeText("MikoCTI_Sales")
	c.keys("Enter", "Space")
	c.waitFor("Applies to: MikoCTI_Computers, MikoCTI_Sales_PCs")
	c.keys("Enter")
	c.waitFor("[7 Review]", "Upgrades MIKO CTI 4.9.226 in MIKO CTI - console", "Nothing is changed until you press a")
	c.keys("a")
	c.waitFor("(y/N)")
	c.keys("y")
	c.waitFor("[8 Apply]", "Applied.")

	policies := "CN=Policies,CN=System," + testdomain.BaseDN
	guid := func(name string) string {
		g := ldbValues(t, d, policies, "one", "(displayName="+name+")", "name")
		if len(g) != 1 {
			t.Fatalf("GPO %q: %v", name, g)
		}
		return g[0]
	}
	oldDN, newDN := "CN="+guid(oldGPO)+","+policies, "CN="+guid(newGPO)+","+policies
	oldID := ldbValues(t, d, "CN=Packages,CN=Class Store,CN=Machine,"+oldDN, "one", "(objectClass=packageRegistration)", "objectGUID")
	up := ldbValues(t, d, "CN=Packages,CN=Class Store,CN=Machine,"+newDN, "one", "(objectClass=packageRegistration)", "canUpgradeScript")
	if len(oldID) != 1 || len(up) != 1 || !strings.Contains(strings.ToLower(up[0]), strings.ToLower(strings.Trim(oldID[0], "{}"))) ||
		!strings.HasSuffix(up[0], ":01") {
		t.Fatalf("canUpgradeScript %v, old package %v", up, oldID)
	}
	sd := ldbValues(t, d, newDN, "base", "(objectClass=*)", "nTSecurityDescriptor")
	for _, g := range []string{"MikoCTI_Computers", "MikoCTI_Sales_PCs"} {
		sid := ldbValues(t, d, testdomain.GroupDN(g), "base", "(objectClass=*)", "objectSid")
		if len(sid) != 1 || len(sd) != 1 || !strings.Contains(sd[0], sid[0]) {
			t.Fatalf("security filtering: %s %v not in %v", g, sid, sd)
		}
	}
	c.keys("Enter")
	c.waitFor("Deploy an MSI (guided)")
	c.keys("q")
	if status := c.waitExit(); status != "0" {
		t.Fatalf("ctitui exited with status %q:\n%s", status, c.screen())
	}
}
