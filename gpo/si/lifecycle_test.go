//go:build linux

package si

import (
	"errors"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/internal/testdomain"
)

func TestLifecycleRedeployUpgradeRemoveDelete(t *testing.T) {
	st, d := openStore(t)
	ctx := testCtx(t)
	g := newGPO(t, st, "SI lifecycle")
	unc226, local226 := publishMSI(t, d, st, "MIKO CTI 4.9.226", "Life")
	unc241, local241 := publishMSI(t, d, st, "MIKO CTI 4.9.241", "Life")

	p, old, err := st.AddPlan(ctx, AddRequest{GPO: g.GUID, Half: gpo.Computer, MSIPath: unc226, LocalMSI: local226, Options: DefaultOptions(false)})
	mustApply(t, p, err)
	before := one(t, ldb(t, d, old.DN, "base", "(objectClass=*)", "revision", "lastUpdateSequence", "msiScriptPath"), "old")

	// Redeploy: revision + 1, same script path, the GPO's computer half +1.
	p, _, err = st.RedeployPlan(ctx, g.GUID, "MIKO CTI 4.9.226")
	mustApply(t, p, err)
	after := one(t, ldb(t, d, old.DN, "base", "(objectClass=*)", "revision", "msiScriptPath"), "redeployed")
	if after["revision"][0] != "1" || after["msiscriptpath"][0] != before["msiscriptpath"][0] {
		t.Fatalf("redeploy: revision %v, script %v (before %v)", after["revision"], after["msiscriptpath"], before["msiscriptpath"])
	}
	gp := one(t, ldb(t, d, g.DN, "base", "(objectClass=*)", "versionNumber"), "GPO")
	if gp["versionnumber"][0] != "2" {
		t.Fatalf("versionNumber after add + redeploy = %v, want 2", gp["versionnumber"])
	}

	// Upgrading to the same MSI is refused with the guide's reason.
	if _, _, err := st.UpgradePlan(ctx, AddRequest{GPO: g.GUID, Half: gpo.Computer, MSIPath: unc226, LocalMSI: local226, Options: DefaultOptions(false)},
		UpgradeOf{Package: "MIKO CTI 4.9.226"}); err == nil || !strings.Contains(err.Error(), "ProductCode") {
		t.Fatalf("upgrade to the same ProductCode: %v", err)
	}

	// Upgrade 4.9.226 -> 4.9.241, uninstall first, required.
	p, added, err := st.UpgradePlan(ctx, AddRequest{GPO: g.GUID, Half: gpo.Computer, MSIPath: unc241, LocalMSI: local241, Options: DefaultOptions(false)},
		UpgradeOf{Package: "MIKO CTI 4.9.226"})
	mustApply(t, p, err)
	newObj := one(t, ldb(t, d, added.DN, "base", "(objectClass=*)", "canUpgradeScript", "packageFlags", "objectGUID"), "new")
	oldObj := one(t, ldb(t, d, old.DN, "base", "(objectClass=*)", "canUpgradeScript", "objectGUID"), "old")
	// ldbsearch prints objectGUID as text.
	oldID, newID := strings.ToLower(oldObj["objectguid"][0]), strings.ToLower(newObj["objectguid"][0])
	cs := "LDAP://CN=Class Store,CN=Machine," + g.DN
	if got := newObj["canupgradescript"]; len(got) != 1 || got[0] != cs+`\\`+oldID+":01" {
		t.Errorf("new package canUpgradeScript = %q, want %q", got, cs+`\\`+oldID+":01")
	}
	if got := oldObj["canupgradescript"]; len(got) != 1 || got[0] != cs+`\\`+newID+":05" {
		t.Errorf("old package canUpgradeScript = %q, want %q (uninstall + upgraded by)", got, cs+`\\`+newID+":05")
	}
	var flags int64
	if _, err := fmtSscan(newObj["packageflags"][0], &flags); err != nil {
		t.Fatal(err)
	}
	if f := Flags(uint32(flags)); f&FlagHasUpgrades == 0 || f&FlagForceUpgrade == 0 {
		t.Errorf("new package flags %s lack HasUpgrades/ForceUpgrade", f)
	}

	// List across the domain: both packages, decoded, reachable.
	list, err := st.List(ctx, "", true)
	if err != nil {
		t.Fatal(err)
	}
	var mine []Package
	for _, p := range list {
		if p.GPO == g.GUID {
			mine = append(mine, p)
		}
	}
	if len(mine) != 2 || mine[0].Name != "MIKO CTI 4.9.226" || mine[1].Name != "MIKO CTI 4.9.241" {
		t.Fatalf("list: %+v", mine)
	}
	for _, p := range mine {
		if p.MSIReachable == nil || !*p.MSIReachable || p.ScriptReachable == nil || !*p.ScriptReachable || p.GPOName != "SI lifecycle" {
			t.Errorf("list %s: msi %v script %v (%s)", p.Name, p.MSIReachable, p.ScriptReachable, p.ReachError)
		}
	}
	if len(mine[1].Upgrades) != 1 || mine[1].Upgrades[0].Type != UpgradeUninstall {
		t.Errorf("decoded upgrades of the new package: %+v", mine[1].Upgrades)
	}

	// Remove, both modes.
	p, _, err = st.RemovePlan(ctx, g.GUID, "MIKO CTI 4.9.226", RemoveOrphan)
	mustApply(t, p, err)
	o := one(t, ldb(t, d, old.DN, "base", "(objectClass=*)", "packageFlags", "msiScriptName"), "orphaned")
	if o["msiscriptname"][0] != "R" || o["packageflags"][0] != itoa32(0xA0080090) {
		t.Errorf("orphaned: %v", o)
	}
	p, _, err = st.RemovePlan(ctx, g.GUID, "MIKO CTI 4.9.226", RemoveUninstall)
	mustApply(t, p, err)
	o = one(t, ldb(t, d, old.DN, "base", "(objectClass=*)", "packageFlags", "msiScriptName"), "removed")
	// 0xA0080110, the value a Windows server writes for "Immediately uninstall".
	if o["msiscriptname"][0] != "R" || o["packageflags"][0] != itoa32(0xA0080110) {
		t.Errorf("removed: %v", o)
	}

	// Delete: the object and its script are gone.
	p, _, err = st.DeletePlan(ctx, g.GUID, "MIKO CTI 4.9.226")
	mustApply(t, p, err)
	if left := ldb(t, d, "CN=Packages,CN=Class Store,CN=Machine,"+g.DN, "one", "(objectClass=packageRegistration)", "displayName"); len(left) != 1 || left[0]["displayname"][0] != "MIKO CTI 4.9.241" {
		t.Fatalf("after delete: %v", left)
	}
}

func TestPublishedIsRefusedForComputersAndWrittenForUsers(t *testing.T) {
	st, d := openStore(t)
	ctx := testCtx(t)
	g := newGPO(t, st, "SI published")
	unc, local := publishMSI(t, d, st, "MIKO CTI 4.9.226", "Pub")
	o := DefaultOptions(false)
	o.Deployment = Published
	if _, _, err := st.AddPlan(ctx, AddRequest{GPO: g.GUID, Half: gpo.Computer, MSIPath: unc, LocalMSI: local, Options: o}); !errors.Is(err, ErrPublishedToComputers) {
		t.Fatalf("published for computers: %v", err)
	}
	o = DefaultOptions(true)
	o.Deployment, o.InstallAtLogon = Published, false
	p, added, err := st.AddPlan(ctx, AddRequest{GPO: g.GUID, Half: gpo.User, MSIPath: unc, LocalMSI: local, Options: o})
	mustApply(t, p, err)
	obj := one(t, ldb(t, d, added.DN, "base", "(objectClass=*)", "msiScriptName", "packageFlags", "msiScriptPath"), "published")
	if obj["msiscriptname"][0] != "P" || !strings.Contains(obj["msiscriptpath"][0], `\User\Applications\`) {
		t.Fatalf("user published: %v", obj)
	}
	gp := one(t, ldb(t, d, g.DN, "base", "(objectClass=*)", "gPCUserExtensionNames", "versionNumber"), "GPO")
	if !strings.Contains(gp["gpcuserextensionnames"][0], gpo.CSESoftwareInstallation+gpo.ToolSoftwareInstallationUser) || gp["versionnumber"][0] != "65536" {
		t.Fatalf("GPO after a user package: %v", gp)
	}
	recs, err := readScript(scriptOnDisk(t, d, added.ScriptPath))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		// Windows writes Assignment 1 under User\Applications too
		// (gpo/aas testdata/fidelity/README.md).
		if r.op == 4 && r.args[5].n != 1 {
			t.Errorf("user script Assignment = %d, want 1", r.args[5].n)
		}
	}
}

func TestPerPackageFilteringAndSourceRules(t *testing.T) {
	st, d := openStore(t)
	ctx := testCtx(t)
	g := newGPO(t, st, "SI filtering")
	unc, local := publishMSI(t, d, st, "MIKO CTI 4.9.226", "Filt")

	for _, bad := range []string{`C:\Distrib\x.msi`, `//srv/Distrib/x.msi`, `Distrib\x.msi`, `\\` + d.IP + `\` + testdomain.DistribShare + `\Filt\missing.msi`} {
		if _, _, err := st.AddPlan(ctx, AddRequest{GPO: g.GUID, Half: gpo.Computer, MSIPath: bad, Options: DefaultOptions(false)}); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}

	o := DefaultOptions(false)
	o.ReadGroup = "MikoCTI_Computers"
	p, added, err := st.AddPlan(ctx, AddRequest{GPO: g.GUID, Half: gpo.Computer, MSIPath: unc, LocalMSI: local, Options: o})
	mustApply(t, p, err)
	c, err := st.s.Dir(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sd, _, err := c.ReadSecurityDescriptor(ctx, added.DN, 4)
	if err != nil {
		t.Fatal(err)
	}
	sddl := sd.SDDL(st.s.DomainSID())
	grp, err := c.GroupByName(ctx, "MikoCTI_Computers")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sddl, "D:P") || !strings.Contains(sddl, grp.SID) || strings.Contains(sddl, ";;;AU)") {
		t.Fatalf("package DACL %s: want protected, %s may read, Authenticated Users may not", sddl, grp.SID)
	}
}
