//go:build linux

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/internal/testmsi"
)

func TestMSTCreateAndInspectCLI(t *testing.T) {
	bin := buildBinary(t)
	old := testmsi.Build(t, "MIKO CTI 4.9.226")
	updated := testmsi.Build(t, "MIKO CTI 4.9.241")
	mst := filepath.Join(t.TempDir(), "miko.mst")

	out, errOut, code := runCtitui(t, bin, nil, "mst", "create", old, "-o", mst,
		"--set", "SERVERADDRESS=pbx.example.local", "--set", "ARPHELPLINK=https://support.example.local", "--remove", "ARPPRODUCTICON")
	if code != 0 {
		t.Fatalf("mst create: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"add    SERVERADDRESS=pbx.example.local", "change ARPHELPLINK=https://support.example.local", "remove ARPPRODUCTICON"} {
		if !strings.Contains(out, want) {
			t.Errorf("mst create output lacks %q:\n%s", want, out)
		}
	}
	// msiinfo, not ours, reads the file we wrote
	si, err := exec.Command(testmsi.RequireTool(t, "msiinfo"), "suminfo", mst).Output()
	if err != nil || !strings.Contains(string(si), testmsi.Miko226ProductCode+"4.9.226;") {
		t.Errorf("msiinfo suminfo: %v\n%s", err, si)
	}

	out, errOut, code = runCtitui(t, bin, nil, "mst", "inspect", mst, "--msi", old, "--json")
	if code != 0 {
		t.Fatalf("mst inspect --msi base: exit %d: %s", code, errOut)
	}
	var rep struct {
		BaseProductCode string
		BaseVersion     string
		UpgradeCode     string
		ValidationNames []string
		PropertyChanges []struct{ Op, Name, Value string }
		Applies         *bool
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("inspect --json: %v\n%s", err, out)
	}
	if rep.BaseProductCode != testmsi.Miko226ProductCode || rep.BaseVersion != "4.9.226" || rep.UpgradeCode != testmsi.MikoUpgradeCode ||
		rep.Applies == nil || !*rep.Applies || len(rep.PropertyChanges) != 3 || !strings.Contains(strings.Join(rep.ValidationNames, ","), "product") {
		t.Errorf("inspect --json: %+v", rep)
	}

	// the 4.9.226 transform does not apply to 4.9.241: exit 1, with why
	out, errOut, code = runCtitui(t, bin, nil, "mst", "inspect", mst, "--msi", updated)
	if code != 1 || !strings.Contains(out, "Does not apply") || !strings.Contains(errOut, "ProductCode is "+testmsi.Miko241ProductCode) {
		t.Errorf("inspect against 4.9.241: exit %d\n%s%s", code, out, errOut)
	}

	// refusals name the reason
	_, errOut, code = runCtitui(t, bin, nil, "mst", "create", old, "-o", mst+"2", "--set", "ServerAddress=x")
	if code != 1 || !strings.Contains(errOut, "not a public property") {
		t.Errorf("mixed-case name: exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(mst + "2"); err == nil {
		t.Errorf("a refused transform was written")
	}
	_, errOut, code = runCtitui(t, bin, nil, "mst", "create", old, "-o", mst+"2", "--set", "NOEQUALS")
	if code != 2 || !strings.Contains(errOut, "NAME=VALUE") {
		t.Errorf("--set without '=': exit %d, %q", code, errOut)
	}
	_, errOut, code = runCtitui(t, bin, nil, "mst", "inspect", old)
	if code != 1 || !strings.Contains(errOut, "not a Windows Installer transform") {
		t.Errorf("inspect of an MSI: exit %d, %q", code, errOut)
	}
}
