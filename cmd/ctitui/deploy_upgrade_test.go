//go:build linux

package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

func TestParseUpgradeFlags(t *testing.T) {
	parse := func(args ...string) (string, string, bool, error) {
		var f deployFlags
		cmd := newDeployCmd(&connFlags{})
		cmd.RunE = func(cmd *cobra.Command, _ []string) error { return nil }
		if err := cmd.ParseFlags(args); err != nil {
			return "", "", false, err
		}
		f.upgrade, _ = cmd.Flags().GetString("upgrade")
		f.upgradeMode, _ = cmd.Flags().GetString("upgrade-mode")
		f.requiredUpgrade, _ = cmd.Flags().GetBool("required-upgrade")
		u, err := parseUpgradeFlags(cmd, &f)
		if err != nil || u == nil {
			return "", "", false, err
		}
		return u.GPO, u.Package, u.InPlace, nil
	}
	for _, c := range []struct {
		args            []string
		gpo, pkg, usage string
		inPlace         bool
	}{
		{args: []string{"--upgrade", "MIKO CTI - Установка/MIKO CTI 4.9.226"}, gpo: "MIKO CTI - Установка", pkg: "MIKO CTI 4.9.226"},
		{args: []string{"--upgrade", "Office/SPb/{0A-1}", "--upgrade-mode", "in-place"}, gpo: "Office/SPb", pkg: "{0A-1}", inPlace: true},
		{args: []string{"--upgrade", "MIKO CTI 4.9.226"}, pkg: "MIKO CTI 4.9.226"},
		{args: []string{"--upgrade", "GPO/"}, usage: "GPO/PACKAGE"},
		{args: []string{"--upgrade", "GPO/x", "--upgrade-mode", "over"}, usage: "uninstall or in-place"},
		{args: []string{"--upgrade-mode", "in-place"}, usage: "goes with --upgrade"},
		{args: []string{"--required-upgrade=false"}, usage: "goes with --upgrade"},
		{args: nil},
	} {
		gpo, pkg, inPlace, err := parse(c.args...)
		if c.usage != "" {
			if err == nil || !strings.Contains(err.Error(), c.usage) {
				t.Errorf("%q: error %v, want %q", c.args, err, c.usage)
			}
			continue
		}
		if err != nil || gpo != c.gpo || pkg != c.pkg || inPlace != c.inPlace {
			t.Errorf("%q: %q %q %v %v", c.args, gpo, pkg, inPlace, err)
		}
	}
}

// deploy --upgrade through the binary: 4.9.241 into a new GPO filtered to
// two groups, upgrading the 4.9.226 package of another GPO.
func TestDeployUpgradeThroughTheBinary(t *testing.T) {
	d := testdomain.Require(t, dom)
	bin := buildBinary(t)
	env := d.CtituiEnv()
	ou := testdomain.OUDN("Archive")
	share := `\\` + d.IP + `\` + testdomain.DistribShare + `\`
	const oldGPO, newGPO = "cli upgrade old", "cli upgrade new"
	out, errOut, code := runCtitui(t, bin, env, "deploy", "--msi", testmsi.Build(t, "MIKO CTI 4.9.226"), "--share", share+"cli-up-226",
		"--ou", ou, "--gpo", oldGPO, "--yes")
	if code != 0 {
		t.Fatalf("deploy 4.9.226: exit %d\n%s\n%s", code, out, errOut)
	}
	args := []string{"deploy", "--msi", testmsi.Build(t, "MIKO CTI 4.9.241"), "--share", share + "cli-up-241", "--ou", ou, "--gpo", newGPO,
		"--group", "MikoCTI_Computers", "--group", "MikoCTI_Sales_PCs", "--upgrade", oldGPO + "/MIKO CTI 4.9.226", "--yes", "--json"}
	if _, errOut, code := runCtitui(t, bin, env, append(args[:len(args)-2], "--upgrade-mode", "sideways", "--yes")...); code != 2 || !strings.Contains(errOut, "uninstall or in-place") {
		t.Fatalf("bad --upgrade-mode: exit %d, %s", code, errOut)
	}
	out, errOut, code = runCtitui(t, bin, env, args...)
	if code != 0 {
		t.Fatalf("deploy --upgrade: exit %d\n%s\n%s", code, out, errOut)
	}
	var res struct {
		Deployment struct {
			Upgrade struct {
				GPOName, Package, Mode string
				Required               bool
			} `json:"upgrade"`
		} `json:"deployment"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("JSON: %v\n%s", err, out)
	}
	if u := res.Deployment.Upgrade; u.GPOName != oldGPO || u.Package != "MIKO CTI 4.9.226" || u.Mode != "uninstall" || !u.Required {
		t.Fatalf("upgrade summary %+v\n%s", u, out)
	}
	out, _, code = runCtitui(t, bin, env, "pkg", "show", newGPO, "MIKO CTI 4.9.241")
	if code != 0 || !strings.Contains(out, "upgrades (uninstall first) {") || !strings.Contains(out, "ForceUpgrade") {
		t.Fatalf("pkg show: exit %d\n%s", code, out)
	}
	out, _, _ = runCtitui(t, bin, env, "gpo", "show", newGPO)
	if !strings.Contains(out, "MikoCTI_Computers") || !strings.Contains(out, "MikoCTI_Sales_PCs") {
		t.Fatalf("gpo show: not filtered to both groups\n%s", out)
	}
}
