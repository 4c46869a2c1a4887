package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/gpo/si"
)

// helpKeys is the help bar, the view's last line.
func helpKeys(d *driver) string {
	v := d.root().View()
	return v[strings.LastIndex(v, "\n")+1:]
}

// openHome picks a Home action by its position.
func openHome(d *driver, action int) {
	d.keys("home")
	for i := 0; i < action; i++ {
		d.keys("down")
	}
	d.keys("enter")
}

func TestOUTreeLoadsLazilyAndTogglesBlockInheritance(t *testing.T) {
	f := newFakes(false)
	d := connected(t, English, f)
	openHome(d, actOUs)
	d.wantView("[-] cti.test", "[+] Workstations", "[1 GPO]", "No GPOs linked here.")
	d.notView("Office SPb")
	d.keys("down")
	d.wantView("Linked GPOs: 1. Office Settings (legacy)")
	d.keys("down", "right")
	d.wantView("[-] Workstations", "Office SPb (4 PCs) [block inheritance]")
	d.keys("down", "down", "b")
	if len(f.gpos.calls) != 1 || f.gpos.calls[0] != "block OU=Office SPb,OU=Workstations,"+fakeRoot+" false" {
		t.Fatalf("calls = %v", f.gpos.calls)
	}
	d.wantView("Review the change", "ldap modify gPLink")
	// Only y confirms.
	d.keys("a", "n")
	if f.gpos.plan.ran != 0 {
		t.Fatal("applied without y")
	}
	d.keys("a", "y")
	if f.gpos.plan.ran != 1 {
		t.Fatal("y did not apply")
	}
	d.wantView("Done: 1 step(s) applied.", "[ok] ldap modify gPLink")
	d.keys("esc")
	d.wantView("OU tree")
	d.keys("left", "left")
	d.notView("Office SPb")
}

func TestOUTreeFilter(t *testing.T) {
	d := connected(t, English, newFakes(false))
	openHome(d, actOUs)
	d.keys("/", "a", "r", "c")
	d.wantView("Filter: /arc_", "Archive")
	d.notView("Workstations")
	d.keys("q")
	if d.quit {
		t.Fatal("q quit while typing a filter")
	}
	d.keys("esc")
	d.wantView("Workstations")
}

func TestGPOLinkUnlinkEnforce(t *testing.T) {
	f := newFakes(false)
	d := connected(t, English, f)
	openHome(d, actGPOs)
	d.wantView("Office Settings (legacy)", "1 link(s)", "Windows 10/11 workstations")
	d.keys("enter")
	d.wantView("Security filtering: Authenticated Users", "OU=Компания")
	d.keys("e")
	d.wantView("Review the change")
	d.keys("esc", "u")
	d.keys("esc", "l")
	d.wantView("OU tree")
	d.keys("down", "enter")
	want := []string{
		"enforce {11111111-2222-3333-4444-555555555555} OU=Компания," + fakeRoot + " true",
		"unlink {11111111-2222-3333-4444-555555555555} OU=Компания," + fakeRoot,
		"link {11111111-2222-3333-4444-555555555555} OU=Компания," + fakeRoot,
	}
	if strings.Join(f.gpos.calls, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calls:\n%s\nwant:\n%s", strings.Join(f.gpos.calls, "\n"), strings.Join(want, "\n"))
	}
	d.wantView("Review the change")
}

func msiDir(t *testing.T) string {
	dir := t.TempDir()
	for _, n := range []string{"MIKO CTI 4.9.226.msi", "readme.txt"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "old"), 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

// wizardAt opens the wizard with the file picker in dir.
func wizardAt(t *testing.T, d *driver, dir string) {
	d.root().env.startDir = dir
	openHome(d, actDeploy)
	d.wantView("[1 Distribution]", "MIKO CTI 4.9.226.msi", "old/")
	d.notView("readme.txt")
}

func TestWizardDeploysWithTheGuidesDefaults(t *testing.T) {
	f := newFakes(true)
	d := connected(t, English, f)
	wizardAt(t, d, msiDir(t))
	d.keys("down", "down", "enter") // the .msi, after .. and old/
	d.wantView(`\\dc1.cti.test\Distrib\MikoCTI`)
	d.keys("enter")
	d.wantView("Folder ACL set", "Uploaded")
	d.keys("enter")
	d.wantView("[2 MSI check]", "MIKO CTI 4.9.226 (MIKO), x64", `msiexec /i "MIKO CTI 4.9.226.msi" /qn /l*v`)
	d.keys("enter")
	d.wantView("[3 GPO]", DefaultGPOName)
	d.keys("enter")
	d.wantView("[4 OU]", "Workstations")
	d.keys("down", "down", "enter")
	d.wantView("[5 Package]", "Computer Configuration (recommended)", "Assigned")
	d.keys("enter")
	d.wantView("[6 Filtering]", "MikoCTI_Computers (3 PCs)", "SALES-PC01, SALES-PC02, SALES-PC03")
	d.keys("down")
	d.wantView("Warning: MikoCTI_Pilot has no computers")
	d.keys("up", "space", "w", "enter")
	// The summary in the guide's words, then (scrolled to) the exact plan.
	d.wantView("[7 Review]", "GPO: "+DefaultGPOName+" (new), linked to", "Who gets it: MikoCTI_Computers",
		"WMI filter: Windows 10/11", "Domain Computers   Read", "SYSTEM             Full Control", "Nothing is changed")
	d.notView("SDDL: ")
	d.keys("s")
	d.wantView("SDDL: ")
	d.keys("pgdown", "pgdown")
	d.wantView("ldap add package")
	d.keys("a", "y")
	d.wantView("[8 Apply]", "Done: 4 step(s) applied.")
	d.keys("pgdown")
	d.wantView("gpupdate /force", "gpresult /r /scope computer", "{AAAAAAAA-0000-0000-0000-000000000001}")
	if len(f.dep.got) != 1 {
		t.Fatalf("PlanDeploy called %d times", len(f.dep.got))
	}
	r := f.dep.got[0]
	if r.PackagePath != `\\dc1.cti.test\Distrib\MikoCTI\MIKO CTI 4.9.226.msi` || r.GPOName != DefaultGPOName || r.ExistingGPO ||
		r.OU != "OU=Workstations,"+fakeRoot || r.UserConfig || r.Published || !r.UninstallOutOfScope ||
		!slices.Equal(r.Groups, []string{"MikoCTI_Computers"}) || r.Upgrade != nil || !r.RequiredUpgrade || r.LocalMSI == "" || r.Folder != `\\dc1.cti.test\Distrib\MikoCTI` || r.WMIPreset != "win10" {
		t.Fatalf("request = %+v", r)
	}
	d.keys("enter")
	d.wantView("Deploy an MSI (guided)")
}

// Step 5 upgrades a deployed package picked from the list (in place,
// optional); step 6 takes two groups and warns about the one without
// computers; Review names the upgrade; the request carries all of it.
func TestWizardUpgradeAndSeveralGroups(t *testing.T) {
	f := newFakes(true)
	d := connected(t, English, f)
	wizardAt(t, d, msiDir(t))
	d.keys("down", "down", "enter", "enter")
	d.wantView("Uploaded")
	d.keys("enter", "enter", "enter", "down", "down", "enter")
	d.wantView("[5 Package]", "Upgrade an existing package", "none (a new package only)", "(choose a package to upgrade first)")
	for range poUpgrade {
		d.keys("down")
	}
	if got := helpKeys(d); !strings.Contains(got, "choose package") || strings.Contains(got, "toggle") {
		t.Fatalf("help on the upgrade row: %q", got)
	}
	d.keys("down")
	if got := helpKeys(d); strings.Contains(got, "toggle") {
		t.Fatalf("help on the mode row without a package offers toggle: %q", got)
	}
	d.keys("up", "space")
	d.wantView("The package the new one upgrades", "none (a new package only)", "MIKO CTI - Установка")
	d.keys("esc")
	d.wantView("[5 Package]", "none (a new package only)")
	d.keys("space", "down", "enter")
	d.wantView("[5 Package]", "MIKO CTI 4.9.226 in MIKO CTI - Установка", "uninstall first, then install", "[x] on")
	d.keys("down", "space", "down", "space")
	d.wantView("in place, over the existing package", "[ ] off")
	d.keys("enter")
	d.wantView("[6 Filtering]", "MikoCTI_Computers (3 PCs)")
	d.keys("space", "down", "space")
	d.wantView("Applies to: MikoCTI_Computers, MikoCTI_Pilot", "Warning: MikoCTI_Pilot has no computers")
	d.keys("up")
	d.wantView("Warning: no computers in MikoCTI_Pilot")
	d.keys("enter")
	d.wantView("[7 Review]", "Upgrades MIKO CTI 4.9.226 in MIKO CTI - Установка: in place", "optional upgrade.")
	d.keys("pgdown", "pgdown")
	d.wantView("ldap add package")
	r := f.dep.got[len(f.dep.got)-1]
	if r.Upgrade == nil || r.Upgrade.ID != "{PKG-1}" || !r.UpgradeInPlace || r.RequiredUpgrade ||
		!slices.Equal(r.Groups, []string{"MikoCTI_Computers", "MikoCTI_Pilot"}) {
		t.Fatalf("request = %+v", r)
	}
	// Back in step 5 the picker's first row removes the upgrade.
	d.keys("esc", "esc", "up", "up", "space")
	d.wantView("> MIKO CTI")
	d.keys("up", "enter")
	d.wantView("none (a new package only)", "(choose a package to upgrade first)")
}

// Step 6's new group: the OU's computers come pre-selected, the guide's
// name clashes with the existing group and says so, a new name and one
// computer less reach the deploy request next to an existing group, and
// the restart trap is on the screen.
func TestWizardNewGroup(t *testing.T) {
	f := newFakes(true)
	d := connected(t, English, f)
	wizardAt(t, d, msiDir(t))
	d.keys("down", "down", "enter", "enter")
	d.wantView("Uploaded")
	d.keys("enter", "enter", "enter", "down", "down", "enter", "enter")
	d.wantView("[6 Filtering]", "n new group")
	d.keys("space", "n")
	d.wantView("New filtering group", "Name: MikoCTI_Computers", "MikoCTI_Computers already exists",
		"[ ] BUH-PC01", "[x] MSK-PC01", "[x] MSK-PC03", "[ ] SALES-PC02", "Computers in the new group: 3",
		"only after a restart", "gpupdate /force alone is not enough")
	d.keys("e")
	for range len("Computers") {
		d.keys("backspace")
	}
	d.keys("Pilot2", "enter")
	d.wantView("Name: MikoCTI_Pilot2")
	d.notView("already exists")
	d.keys("down", "space")
	d.wantView("[ ] MSK-PC01", "Computers in the new group: 2", "Applies to: MikoCTI_Computers, MikoCTI_Pilot2")
	d.keys("enter")
	d.wantView("[7 Review]")
	r := f.dep.got[len(f.dep.got)-1]
	if r.NewGroup == nil || r.NewGroup.Name != "MikoCTI_Pilot2" || strings.Join(r.NewGroup.Computers, ",") != "MSK-PC02,MSK-PC03" ||
		strings.Join(r.Groups, ",") != "MikoCTI_Computers" {
		t.Fatalf("request: new group %+v, groups %v", r.NewGroup, r.Groups)
	}
	// Back in step 6, n returns to the existing groups: no new group.
	d.keys("esc", "n")
	d.wantView("Security filtering (space")
	d.keys("enter")
	if r := f.dep.got[len(f.dep.got)-1]; r.NewGroup != nil {
		t.Fatalf("new group after leaving it: %+v", r.NewGroup)
	}
}

func TestWizardRejectsLocalShare(t *testing.T) {
	d := connected(t, English, newFakes(true))
	wizardAt(t, d, msiDir(t))
	d.keys("down", "down", "enter")
	for range 40 {
		d.keys("backspace")
	}
	d.keys("C:/Distrib", "enter")
	d.wantView("must be a UNC path")
}

func TestWizardWithoutDeployerSaysSo(t *testing.T) {
	f := newFakes(false)
	d := connected(t, English, f)
	wizardAt(t, d, msiDir(t))
	d.keys("down", "down", "enter", "enter", "enter", "enter", "enter", "enter", "enter", "enter")
	d.wantView("[7 Review]", "Not available", "gpo/si")
	d.notView("apply")
}

func TestManageRemoveAsksModeAndConfirmation(t *testing.T) {
	f := newFakes(true)
	d := connected(t, English, f)
	openHome(d, actManage)
	d.wantView("MIKO CTI", "4.9.226", "Assigned")
	d.keys("x", "z")
	if len(f.pkgs.calls) != 0 {
		t.Fatalf("a key other than i/k removed: %v", f.pkgs.calls)
	}
	d.keys("x", "i", "a")
	d.wantView("Remove MIKO CTI", "(y/N)")
	d.keys("Y")
	if f.pkgs.calls[0] != "remove {PKG-1} keep=false" || f.pkgs.plan.ran != 1 {
		t.Fatalf("calls %v ran %d", f.pkgs.calls, f.pkgs.plan.ran)
	}
	d.keys("esc", "x", "k", "a", "n")
	if f.pkgs.calls[1] != "remove {PKG-1} keep=true" || f.pkgs.plan.ran != 1 {
		t.Fatalf("calls %v ran %d", f.pkgs.calls, f.pkgs.plan.ran)
	}
	d.keys("esc", "r")
	if f.pkgs.calls[2] != "redeploy {PKG-1}" {
		t.Fatalf("calls %v", f.pkgs.calls)
	}
}

func TestManageMarksOldLayoutScripts(t *testing.T) {
	for _, tt := range []struct {
		lang                 Lang
		mark, legend, detail string
	}{
		{English, "active*", "* advertise script", "advertise script in the old layout: redeploy to rewrite it"},
		{Russian, "активен*", "* сценарий объявления", "в старом формате: повторно разверните"},
	} {
		t.Run(string(tt.lang), func(t *testing.T) {
			f := newFakes(true)
			f.pkgs.oldScript = true
			d := connected(t, tt.lang, f)
			openHome(d, actManage)
			d.wantView("MIKO CTI", tt.mark, tt.legend)
			d.keys("enter")
			d.wantView(tt.detail)
		})
	}
	d := connected(t, English, newFakes(true))
	openHome(d, actManage)
	d.wantView("MIKO CTI")
	d.notView("active*", "old layout")
}

// A machineArchitecture in the form earlier ctitui versions wrote (2304
// for x64) gets the same marker, its own legend and detail line.
func TestManageMarksOldMachineArchitecture(t *testing.T) {
	for _, tt := range []struct {
		lang                 Lang
		mark, legend, detail string
	}{
		{English, "active*", "* machineArchitecture in the old form", "which Windows clients skip"},
		{Russian, "активен*", "* machineArchitecture в старом формате", "клиенты Windows пропускают"},
	} {
		t.Run(string(tt.lang), func(t *testing.T) {
			f := newFakes(true)
			f.pkgs.oldArch = true
			d := connected(t, tt.lang, f)
			openHome(d, actManage)
			d.wantView("MIKO CTI", tt.mark, tt.legend)
			d.notView("advertise script in the old layout")
			d.keys("enter")
			d.wantView(tt.detail)
		})
	}
}

func TestManageAndDoctorWithoutEngines(t *testing.T) {
	d := connected(t, English, newFakes(false))
	openHome(d, actManage)
	d.wantView("Not available", "Software Installation engine")
	d.keys("esc")
	openHome(d, actDoctor)
	d.wantView("Not available", "doctor engine")
}

func TestDoctorReport(t *testing.T) {
	d := connected(t, English, newFakes(true))
	openHome(d, actDoctor)
	d.keys("SALES", "enter")
	d.wantView("SALES-PC02")
	d.keys("down", "enter")
	d.wantView("Report for SALES-PC02", "in MikoCTI_Computers")
}

func TestApplyFailureShowsRollback(t *testing.T) {
	f := newFakes(true)
	f.pkgs.plan = &fakePlan{title: "Remove", steps: []string{"step one", "step two"}, fail: 2}
	d := connected(t, English, f)
	openHome(d, actManage)
	d.keys("r", "a", "y")
	d.wantView("rolled back", "Failed at: step two: LDAP 50", "[undone] step one")
}

func TestManageUpgradeAsksForTheNewMSI(t *testing.T) {
	f := newFakes(true)
	d := connected(t, English, f)
	openHome(d, actManage)
	d.keys("u")
	d.wantView("Upgrade to the MSI at this UNC path", `\\dc1\Distrib\MikoCTI\`)
	d.keys("q")
	if d.quit {
		t.Fatal("q quit while typing the path")
	}
	d.keys("backspace", "MIKO CTI 4.9.241.msi", "enter")
	if len(f.pkgs.calls) != 1 || f.pkgs.calls[0] != `upgrade {PKG-1} \\dc1\Distrib\MikoCTI\MIKO CTI 4.9.241.msi` {
		t.Fatalf("calls = %q", f.pkgs.calls)
	}
	d.wantView("Review the change")
}

func TestEscClearsAFilterBeforeLeaving(t *testing.T) {
	d := connected(t, English, newFakes(true))
	openHome(d, actOUs)
	d.keys("/", "w", "o", "r", "k", "enter", "right")
	d.wantView("Filter: /work")
	d.keys("esc")
	d.wantView("OU tree", "Office SPb")
	d.keys("esc")
	d.wantView("Deploy an MSI (guided)")

	wizardAt(t, d, msiDir(t))
	d.keys("down", "down", "enter", "enter", "enter", "enter", "enter")
	d.wantView("[4 OU]")
	d.keys("/", "a", "r", "c", "enter")
	d.wantView("Filter: /arc")
	d.keys("enter")
	d.wantView("[5 Package]")
	d.keys("esc")
	d.wantView("[4 OU]", "Filter: /arc")
	d.keys("esc")
	d.notView("Filter:")
	d.keys("esc")
	d.wantView("[3 GPO]")
}

func TestReloadRereadsTheTree(t *testing.T) {
	f := newFakes(false)
	d := connected(t, English, f)
	openHome(d, actOUs)
	d.notView("Branch Office")
	f.dir.children[fakeRoot] = append(f.dir.children[fakeRoot], OUNode{DN: "OU=Branch Office," + fakeRoot, Name: "Branch Office"})
	d.keys("ctrl+r")
	d.wantView("Branch Office")
}

func TestHelpBarWhileTypingAFilter(t *testing.T) {
	d := connected(t, English, newFakes(true))
	wizardAt(t, d, msiDir(t))
	d.keys("/")
	d.wantView("enter keep filter", "esc clear filter", "ctrl+c quit")
	d.notView("open/choose", "q quit")
}

func TestBlockingFindingStopsTheWizard(t *testing.T) {
	f := newFakes(true)
	f.dist.findings = []Finding{{Severity: "error", Code: "per-user", Message: "ALLUSERS is not 1", Advice: "rebuild the package per-machine"}}
	d := connected(t, English, f)
	wizardAt(t, d, msiDir(t))
	d.keys("down", "down", "enter", "enter", "enter")
	d.wantView("[2 MSI check]", "ERROR per-user: ALLUSERS is not 1", "-> rebuild the package per-machine", "1 blocking findings")
	d.notView("enter next step")
	d.keys("enter")
	d.wantView("[2 MSI check]")
}

func TestGPOFilteringAndWMIPickers(t *testing.T) {
	f := newFakes(false)
	d := connected(t, English, f)
	openHome(d, actGPOs)
	d.keys("enter", "f")
	d.wantView("Apply only to this group", "MikoCTI_Pilot")
	d.keys("down", "enter")
	d.wantView("Review the change")
	d.keys("esc", "w")
	d.wantView("(none: detach the WMI filter)", "Windows 10/11: SELECT")
	d.keys("down", "enter")
	d.keys("esc", "w", "enter")
	want := []string{
		"filter {11111111-2222-3333-4444-555555555555} MikoCTI_Pilot",
		"wmi {11111111-2222-3333-4444-555555555555} win10",
		"wmi {11111111-2222-3333-4444-555555555555} ",
	}
	if strings.Join(f.gpos.calls, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calls:\n%s", strings.Join(f.gpos.calls, "\n"))
	}
}

func TestHelpBarHidesPickWhenNothingMatches(t *testing.T) {
	d := connected(t, English, newFakes(true))
	wizardAt(t, d, msiDir(t))
	d.keys("/", "z", "z", "enter")
	d.wantView("Filter: /zz  (0 of 3)", "/ filter", "esc clear filter")
	d.notView("esc back")
	d.notView("open/choose")
}

func TestShareFolderBrowser(t *testing.T) {
	f := newFakes(true)
	d := connected(t, English, f)
	wizardAt(t, d, msiDir(t))
	d.keys("down", "down", "enter")
	d.wantView("tab folders on the share")
	d.keys("tab")
	d.wantView(`Folders in \\dc1.cti.test\Distrib\MikoCTI`, "Office")
	d.keys("down", "enter")
	d.wantView(`Share folder: \\dc1.cti.test\Distrib\MikoCTI\Office`)
	if f.dist.uploads[0] != `list \\dc1.cti.test\Distrib\MikoCTI` {
		t.Fatalf("calls %v", f.dist.uploads)
	}
}

func TestOUFilterFindsUnopenedOUs(t *testing.T) {
	d := connected(t, English, newFakes(false))
	openHome(d, actOUs)
	d.notView("Office SPb")
	d.keys("/", "s", "p", "b", "enter")
	d.wantView("Office SPb", "OU=Office SPb,OU=Workstations,DC=cti,DC=test", "Block inheritance: yes")
	d.keys("esc")
	d.notView("Office SPb")
	d.wantView("[+] Workstations")
	d.keys("down", "down", "right")
	d.wantView("Office SPb")
}

func TestParentDN(t *testing.T) {
	for dn, want := range map[string]string{
		`OU=Lab\, R&D \+ QA,DC=cti,DC=test`: "DC=cti,DC=test",
		"OU=A,OU=B,DC=x":                    "OU=B,DC=x",
		"DC=x":                              "",
	} {
		if got := parentDN(dn); got != want {
			t.Errorf("parentDN(%q) = %q, want %q", dn, got, want)
		}
	}
}

func TestPackageOptionsFollowTheScope(t *testing.T) {
	f := newFakes(true)
	d := connected(t, English, f)
	wizardAt(t, d, msiDir(t))
	d.keys("down", "down", "enter", "enter", "enter", "enter", "enter", "down", "enter")
	d.wantView("[5 Package]", "Assigned (Published: User Configuration only)")
	d.keys("down")
	d.notView("space toggle")
	d.keys("space")
	d.wantView("Assigned (Published: User Configuration only)")
	d.notView("Published >")
	d.keys("up", "space", "down", "space", "down", "space")
	d.wantView("User Configuration", "< Published >", "[x] on")
	d.keys("up", "up", "space")
	d.wantView("Computer Configuration (recommended)", "Assigned (Published: User Configuration only)")
	d.notView("Published >")
}

// TestPublishedToggleFollowsTheEngineRule: the package step's toggles keep
// the request within si.Options.Validate, the one Published/User
// Configuration rule the command line and deploy also call.
func TestPublishedToggleFollowsTheEngineRule(t *testing.T) {
	if err := deploymentValid(DeployRequest{Published: true}); !errors.Is(err, si.ErrPublishedToComputers) {
		t.Fatalf("Published in Computer Configuration: %v, want si.ErrPublishedToComputers", err)
	}
	var r DeployRequest
	p := &pkgStep{}
	step := func(row int, want DeployRequest) {
		t.Helper()
		p.row = row
		p.toggle(&r)
		if r.UserConfig != want.UserConfig || r.Published != want.Published || r.InstallAtLogon != want.InstallAtLogon {
			t.Fatalf("after toggling row %d: user %v published %v logon %v, want %v %v %v",
				row, r.UserConfig, r.Published, r.InstallAtLogon, want.UserConfig, want.Published, want.InstallAtLogon)
		}
		if err := deploymentValid(r); err != nil {
			t.Fatalf("after toggling row %d the request breaks the engine's rule: %v", row, err)
		}
	}
	step(poType, DeployRequest{})                                                         // Computer: stays Assigned
	step(poScope, DeployRequest{UserConfig: true})                                        // to User Configuration
	step(poType, DeployRequest{UserConfig: true, Published: true})                        // Published
	step(poLogon, DeployRequest{UserConfig: true, Published: true, InstallAtLogon: true}) // install at logon
	step(poScope, DeployRequest{})                                                        // back to Computer: Assigned, no logon
	step(poType, DeployRequest{})
}

// TestOUTreeOpensAnExpandableNodeThatIsEmpty: under a large container the
// adapter marks every child as one that can be opened; one that turns out
// to have no OUs under it then shows as a leaf.
func TestOUTreeOpensAnExpandableNodeThatIsEmpty(t *testing.T) {
	d := connected(t, English, newFakes(false))
	openHome(d, actOUs)
	d.wantView("[+] Компания")
	d.keys("down", "right")
	d.wantView("[ ] Компания")
	d.notView("[+] Компания", "[-] Компания")
}

// fakeReplication is every DC's copy of a GPO, as the adapter renders it.
type fakeReplication struct{ asked *[]string }

func (r fakeReplication) GPOStatus(_ context.Context, guid string) ([]string, error) {
	*r.asked = append(*r.asked, guid)
	return []string{"dc1.cti.test (PDC)  yes  in sync", "dc2.cti.test  yes  behind"}, nil
}

// The GPO's details read every DC's copy through a command (the driver
// runs it as bubbletea would, off Update) and show it under its title;
// after a change it is read again.
func TestGPODetailShowsEachDC(t *testing.T) {
	f := newFakes(false)
	var asked []string
	f.sess.Replication = fakeReplication{asked: &asked}
	d := connected(t, English, f)
	openHome(d, actGPOs)
	d.keys("enter")
	d.wantView("Domain controllers (compared with the PDC emulator)", "dc1.cti.test (PDC)  yes  in sync", "dc2.cti.test  yes  behind")
	if len(asked) != 1 || asked[0] != "{11111111-2222-3333-4444-555555555555}" {
		t.Fatalf("GPOStatus calls: %v", asked)
	}
}
