//go:build linux

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/gpo/aas"
	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// The whole guide through the built binary: dry run changes nothing, the
// real run deploys, a second run changes nothing and says so, pkg list and
// pkg remove see the result.
func TestDeployThroughTheBinary(t *testing.T) {
	d := testdomain.Require(t, dom)
	bin := buildBinary(t)
	env := d.CtituiEnv()
	local := testmsi.Build(t, "MIKO CTI 4.9.226")
	share := `\\` + d.IP + `\` + testdomain.DistribShare + `\MikoCTI-cli`
	ou := testdomain.OUDN("Workstations", "Office Moscow")
	const name = "MIKO CTI - Установка телефонной панели (cli)"
	args := []string{"deploy", "--msi", local, "--share", share, "--ou", ou, "--gpo", name, "--group", "MikoCTI_Computers", "--wmi", "win10"}

	if _, errOut, code := runCtitui(t, bin, env, args...); code != 2 || !strings.Contains(errOut, "--yes") {
		t.Fatalf("without a terminal and --yes: exit %d, %s", code, errOut)
	}
	if _, errOut, code := runCtitui(t, bin, env, append(args, "--published", "--yes")...); code != 2 || !strings.Contains(errOut, "User Configuration only") {
		t.Fatalf("--published for computers: exit %d, %s", code, errOut)
	}

	out, errOut, code := runCtitui(t, bin, env, append(args, "--dry-run", "--json")...)
	if code != 0 {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, out, errOut)
	}
	var dry struct {
		DryRun bool `json:"dryRun"`
		Plan   struct {
			Steps []struct{ Op, Target string } `json:"steps"`
		} `json:"plan"`
		Deployment struct {
			MSIPath string `json:"msiPath"`
		} `json:"deployment"`
	}
	if err := json.Unmarshal([]byte(out), &dry); err != nil {
		t.Fatalf("dry run JSON: %v\n%s", err, out)
	}
	ops := ""
	for _, s := range dry.Plan.Steps {
		ops += s.Op + " " + s.Target + "\n"
	}
	for _, want := range []string{"smb upload " + share + `\`, "ldap add CN={", "ldap modify " + ou, "plan Software Installation package"} {
		if !strings.Contains(ops, want) {
			t.Errorf("dry-run plan lacks %q:\n%s", want, ops)
		}
	}
	if out, _, _ := runCtitui(t, bin, env, "gpo", "list", "--json"); strings.Contains(out, name) {
		t.Fatalf("dry run created the GPO")
	}

	out, errOut, code = runCtitui(t, bin, env, append(args, "--yes")...)
	if code != 0 {
		t.Fatalf("deploy: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"Plan: deploy", "Done:", "gpupdate /force", "gpresult /r /scope computer", "MsiInstaller", testmsi.Miko226ProductCode} {
		if !strings.Contains(out, want) {
			t.Errorf("deploy output lacks %q:\n%s", want, out)
		}
	}

	out, errOut, code = runCtitui(t, bin, env, append(args, "--yes")...)
	if code != 0 || !strings.Contains(out, "Nothing to change") {
		t.Fatalf("second deploy: exit %d, want nothing to change\n%s\n%s", code, out, errOut)
	}

	out, errOut, code = runCtitui(t, bin, env, "pkg", "list", name, "--json")
	if code != 0 {
		t.Fatalf("pkg list: exit %d\n%s", code, errOut)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 {
		t.Fatalf("pkg list JSON (%v): %s", err, out)
	}
	p := list[0]
	for _, k := range []string{"gpo", "name", "id", "scope", "deployment", "state", "revision", "productCode", "packageFlags", "msiPath", "scriptPath"} {
		if _, ok := p[k]; !ok {
			t.Errorf("pkg list --json lacks %q: %v", k, p)
		}
	}
	if p["name"] != "MIKO CTI 4.9.226" || p["scope"] != "computer" || p["deployment"] != "assigned" || p["state"] != "active" ||
		p["productCode"] != testmsi.Miko226ProductCode || p["msiReachable"] != true || p["scriptReachable"] != true {
		t.Errorf("pkg list: %v", p)
	}

	// An advertise script in the old padded layout an earlier ctitui
	// wrote: pkg list and pkg show say so, pkg redeploy rewrites it.
	scriptPath, _ := p["scriptPath"].(string)
	onDisk := sysvolFile(t, d, scriptPath)
	written, err := os.ReadFile(onDisk)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := aas.ReadRecords(written)
	if err != nil {
		t.Fatal(err)
	}
	old, err := aas.EncodeOldLayout(recs)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(onDisk, old, 0o644); err != nil {
		t.Fatal(err)
	}
	// And the machineArchitecture an earlier ctitui wrote for this x64
	// package (2304, not a value of [MS-GPSI] 2.2.2.4.1): reported too,
	// rewritten to 9 by the same redeploy.
	if p["machineArchitecture"] == nil || fmt.Sprint(p["machineArchitecture"]) != "[9]" {
		t.Errorf("pkg list: machineArchitecture %v, want [9]", p["machineArchitecture"])
	}
	setOldArch(t, d, p["dn"].(string))
	const oldArchText = "machineArchitecture in the old form (2304 for x64), which Windows clients skip: redeploy to rewrite it"
	const oldText = "advertise script in the old layout: redeploy to rewrite it"
	out, errOut, code = runCtitui(t, bin, env, "pkg", "list", name)
	if code != 0 || !strings.Contains(out, "OLD") || !strings.Contains(out, oldText) || !strings.Contains(out, oldArchText) {
		t.Errorf("pkg list with an old-layout script: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCtitui(t, bin, env, "pkg", "show", name, "MIKO CTI 4.9.226")
	if code != 0 || !strings.Contains(out, oldText) || !strings.Contains(out, oldArchText) || !strings.Contains(out, "x64") {
		t.Errorf("pkg show with an old-layout script: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCtitui(t, bin, append(env, "LANG=ru_RU.UTF-8"), "pkg", "show", name, "MIKO CTI 4.9.226")
	if code != 0 || !strings.Contains(out, "в старом формате") {
		t.Errorf("pkg show in Russian with an old-layout script: exit %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code := runCtitui(t, bin, env, "pkg", "redeploy", name, "MIKO CTI 4.9.226"); code != 0 {
		t.Fatalf("pkg redeploy: exit %d %s", code, errOut)
	}
	out, _, _ = runCtitui(t, bin, env, "pkg", "list", name, "--json")
	if strings.Contains(out, "scriptOldLayout") || !strings.Contains(out, `"scriptReachable": true`) ||
		strings.Contains(out, "machineArchitectureOldForm") || !strings.Contains(out, `"x64"`) {
		t.Errorf("pkg list after redeploy: %s", out)
	}
	if rewritten, err := os.ReadFile(onDisk); err != nil || aas.OldLayout(rewritten) {
		t.Errorf("the script after redeploy: old layout %v, %v", err == nil && aas.OldLayout(rewritten), err)
	}

	out, errOut, code = runCtitui(t, bin, env, "gpo", "show", name, "--json")
	if code != 0 || !strings.Contains(out, "MikoCTI_Computers") || !strings.Contains(out, "wmiFilter") {
		t.Errorf("gpo show after deploy: exit %d\n%s\n%s", code, out, errOut)
	}

	if _, errOut, code = runCtitui(t, bin, env, "pkg", "remove", name, "MIKO CTI 4.9.226", "--mode", "orphan"); code != 0 {
		t.Fatalf("pkg remove: exit %d %s", code, errOut)
	}
	out, _, _ = runCtitui(t, bin, env, "pkg", "show", name, "MIKO CTI 4.9.226", "--json")
	if !strings.Contains(out, `"state": "orphaned"`) || !strings.Contains(out, `"msiScriptName": "R"`) {
		t.Errorf("pkg show after remove: %s", out)
	}
}

// setOldArch writes machineArchitecture 2304 on a package, as earlier
// ctitui versions did for x64, over the test DC's own admin connection.
func setOldArch(t *testing.T, d *testdomain.Domain, dn string) {
	t.Helper()
	c, err := d.DialLDAP(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	mod := ldap.NewModifyRequest(dn, nil)
	mod.Replace("machineArchitecture", []string{"2304"})
	if err := c.Modify(mod); err != nil {
		t.Fatal(err)
	}
}

// sysvolFile is where an msiScriptPath lives on the test DC's disk.
func sysvolFile(t *testing.T, d *testdomain.Domain, msiScriptPath string) string {
	t.Helper()
	prefix := `\\` + testdomain.DNSDomain + `\SysVol\`
	if !strings.HasPrefix(strings.ToLower(msiScriptPath), strings.ToLower(prefix)) {
		t.Fatalf("msiScriptPath %q is not below %q", msiScriptPath, prefix)
	}
	return filepath.Join(d.Dir, "state", "sysvol", strings.ReplaceAll(msiScriptPath[len(prefix):], `\`, "/"))
}
