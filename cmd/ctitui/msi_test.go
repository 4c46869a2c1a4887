//go:build linux

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/internal/testmsi"
)

func TestMSIInspectAndCompareCLI(t *testing.T) {
	bin := buildBinary(t)
	old := testmsi.Build(t, "MIKO CTI 4.9.226")
	updated := testmsi.Build(t, "MIKO CTI 4.9.241")

	out, errOut, code := runCtitui(t, bin, nil, "msi", "inspect", updated, "--json")
	if code != 0 {
		t.Fatalf("msi inspect: exit %d: %s", code, errOut)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("msi inspect --json: %v\n%s", err, out)
	}
	for _, field := range []string{"ProductCode", "ProductVersion", "ProductName", "Manufacturer", "UpgradeCode",
		"PackageCode", "ProductLanguage", "Platform", "Properties", "Features", "Findings"} {
		if _, ok := got[field]; !ok {
			t.Errorf("inspect --json lacks %s", field)
		}
	}
	if got["ProductCode"] != testmsi.Miko241ProductCode || got["ProductVersion"] != "4.9.241" || got["Platform"] != "x64" {
		t.Errorf("identity: %v %v %v", got["ProductCode"], got["ProductVersion"], got["Platform"])
	}
	if props, ok := got["Properties"].(map[string]any); !ok || props["UpgradeCode"] != testmsi.MikoUpgradeCode {
		t.Errorf("Properties: %v", got["Properties"])
	}

	out, errOut, code = runCtitui(t, bin, nil, "msi", "compare", old, updated)
	if code != 0 || !strings.Contains(out, "upgrades 4.9.226") {
		t.Fatalf("msi compare: exit %d\n%s%s", code, out, errOut)
	}

	notMSI := filepath.Join(t.TempDir(), "readme.msi")
	if err := os.WriteFile(notMSI, []byte("this is not an installer"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = runCtitui(t, bin, nil, "msi", "inspect", notMSI, "--json")
	if code != 1 || !strings.Contains(errOut, "not an OLE compound file") {
		t.Fatalf("non-MSI: exit %d, %q", code, errOut)
	}
	_, errOut, code = runCtitui(t, bin, nil, "msi", "compare", old)
	if code != 2 {
		t.Fatalf("compare with one file: exit %d, %q; want usage error 2", code, errOut)
	}
}
