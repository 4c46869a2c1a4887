//go:build linux

package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// TestConsoleWizardNewGroup: in step 6 the wizard makes a new filtering
// group from the chosen OU's computers (pre-selected) and deploys with
// it; ldbsearch sees the group as ADUC makes it, its members, and the
// GPO filtered to it.
func TestConsoleWizardNewGroup(t *testing.T) {
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
	const gpoName, group = "MIKO CTI - new group", "MikoCTI_Lab"
	folder := `\\` + d.IP + `\` + testdomain.DistribShare + `\MikoCTI-newgroup`
	env := append(d.CtituiEnv(), "HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir(), "LANG=en_US.UTF-8",
		"TERM=xterm-256color", "CTITUI_DEMO_MSI_DIR="+msiDir)
	t.Cleanup(func() {
		runCtitui(t, bin, d.CtituiEnv(), "gpo", "delete", gpoName)
		d.SambaTool(context.Background(), "group", "delete", group)
	})
	c := startConsole(t, bin, env)
	c.waitFor("Deploy an MSI (guided)")

	c.keys("Enter")
	c.waitFor("MIKO CTI 4.9.226.msi")
	c.keys("Down", "Enter", "C-u")
	c.typeText(folder)
	c.keys("Enter")
	c.waitFor("Folder ACL set: Domain Computers can read the package.")
	c.keys("Enter")
	c.waitFor("[2 MSI check]")
	c.keys("Enter")
	c.waitFor("[3 GPO]", "New GPO")
	c.keys("C-u")
	c.typeText(gpoName)
	c.keys("Enter")
	// 4 OU: "Lab, R&D + QA" holds LAB-PC01 and LAB-PC02.
	c.waitFor("[4 OU]", "Workstations")
	c.keys("/")
	c.typeText("Lab")
	c.keys("Enter")
	c.waitFor("Lab, R&D + QA")
	c.keys("Enter")
	c.waitFor("[5 Package]")
	c.keys("Enter")
	// 6: a new group; the guide's name is taken in the test domain.
	c.waitFor("[6 Filtering]", "n new group")
	c.keys("n")
	c.waitFor("New filtering group", "MikoCTI_Computers already exists", "Computers in the new group: 2",
		"only after a restart")
	c.keys("e", "C-u")
	c.typeText(group)
	c.keys("Enter")
	c.waitFor("Name: "+group, "Applies to: "+group)
	c.keys("/")
	c.typeText("LAB-PC")
	c.keys("Enter")
	c.waitFor("[x] LAB-PC01", "[x] LAB-PC02")
	c.keys("Enter")
	c.waitFor("[7 Review]", "Nothing is changed until you press a")
	c.keys("a")
	c.waitFor("(y/N)")
	c.keys("y")
	c.waitFor("[8 Apply]", "Applied.")

	groupDN := "CN=" + group + ",CN=Users," + testdomain.BaseDN
	if gt := ldbValues(t, d, groupDN, "base", "(objectClass=group)", "groupType"); !slices.Equal(gt, []string{"-2147483646"}) {
		t.Fatalf("groupType of %s: %v", groupDN, gt)
	}
	if sam := ldbValues(t, d, groupDN, "base", "(objectClass=group)", "sAMAccountName"); !slices.Equal(sam, []string{group}) {
		t.Fatalf("sAMAccountName: %v", sam)
	}
	members := ldbValues(t, d, groupDN, "base", "(objectClass=group)", "member")
	slices.Sort(members)
	seed := testdomain.DefaultSeed()
	if want := []string{seed.ComputerDN("LAB-PC01"), seed.ComputerDN("LAB-PC02")}; len(members) != 2 ||
		!strings.EqualFold(members[0], want[0]) || !strings.EqualFold(members[1], want[1]) {
		t.Fatalf("members %v, want %v", members, want)
	}
	guids := ldbValues(t, d, "CN=Policies,CN=System,"+testdomain.BaseDN, "one", "(displayName="+gpoName+")", "name")
	if len(guids) != 1 {
		t.Fatalf("GPO %q: %v", gpoName, guids)
	}
	gpoDN := "CN=" + guids[0] + ",CN=Policies,CN=System," + testdomain.BaseDN
	sid := ldbValues(t, d, groupDN, "base", "(objectClass=*)", "objectSid")
	sd := ldbValues(t, d, gpoDN, "base", "(objectClass=*)", "nTSecurityDescriptor")
	// The new group has the Apply Group Policy right, Authenticated Users
	// no longer do (they keep Read, MS16-072).
	if len(sid) != 1 || len(sd) != 1 || !strings.Contains(sd[0], "CR;"+applyRight+";;"+sid[0]+")") ||
		strings.Contains(sd[0], "CR;"+applyRight+";;AU)") {
		t.Fatalf("security filtering: want Apply for %v and not for AU in %v", sid, sd)
	}
	c.keys("Enter")
	c.waitFor("Deploy an MSI (guided)")
	c.keys("q")
	if status := c.waitExit(); status != "0" {
		t.Fatalf("ctitui exited with status %q:\n%s", status, c.screen())
	}
}
