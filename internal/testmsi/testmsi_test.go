package testmsi

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestBuildAll builds every fixture and checks with msiinfo that each is an
// MSI carrying the product it is meant to carry.
func TestBuildAll(t *testing.T) {
	want := map[string]string{
		"minimal":                 "Minimal",
		"multi-feature":           "Multi Feature",
		"MIKO CTI 4.9.226":        "MIKO CTI",
		"MIKO CTI 4.9.241":        "MIKO CTI",
		"MIKO CTI 4.9.226 cp1251": "MIKO CTI",
		"long-property":           "Long Property",
		"many-rows":               "Many Rows",
		"ts-findings":             "TS Findings",
		"per-user":                "Per User",
		"broken-identity":         "Broken Identity",
	}
	noProps := "no-property-table"
	if len(want)+1 != len(Names()) {
		t.Fatalf("fixtures %v, test knows %d", Names(), len(want))
	}
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := Build(t, name)
			out, err := exec.Command(RequireTool(t, "msiinfo"), "export", path, "Property").Output()
			if name == noProps {
				if err == nil {
					t.Errorf("%s still has a Property table:\n%.300s", name, out)
				}
				return
			}
			if err != nil {
				t.Fatalf("msiinfo export %s: %v", path, err)
			}
			if !strings.Contains(strings.ReplaceAll(string(out), "\r\n", "\n"), "ProductName\t"+want[name]+"\n") {
				t.Errorf("%s: ProductName is not %q:\n%.500s", name, want[name], out)
			}
		})
	}
}

// TestBuildIsCached checks that a second Build returns the same file without
// rebuilding it.
func TestBuildIsCached(t *testing.T) {
	first := Build(t, "minimal")
	st1, err := os.Stat(first)
	if err != nil {
		t.Fatal(err)
	}
	second := Build(t, "minimal")
	st2, err := os.Stat(second)
	if err != nil {
		t.Fatal(err)
	}
	if first != second || !st1.ModTime().Equal(st2.ModTime()) {
		t.Errorf("rebuilt: %s (%v) then %s (%v)", first, st1.ModTime(), second, st2.ModTime())
	}
}

// TestMikoPair checks the properties the upgrade scenario depends on.
func TestMikoPair(t *testing.T) {
	props := func(name string) string {
		out, err := exec.Command(RequireTool(t, "msiinfo"), "export", Build(t, name), "Property").Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	old, cur := props("MIKO CTI 4.9.226"), props("MIKO CTI 4.9.241")
	for _, want := range []string{"UpgradeCode\t" + MikoUpgradeCode, "Manufacturer\tMIKO", "ALLUSERS\t1"} {
		if !strings.Contains(old, want) || !strings.Contains(cur, want) {
			t.Errorf("both packages should have %q", want)
		}
	}
	if !strings.Contains(old, "ProductCode\t"+Miko226ProductCode) || !strings.Contains(cur, "ProductCode\t"+Miko241ProductCode) {
		t.Error("ProductCodes are not the expected ones")
	}
}

func TestBuildFileMatchesBuild(t *testing.T) {
	RequireTool(t, "wixl")
	RequireTool(t, "msibuild")
	viaTest := Build(t, "MIKO CTI 4.9.226")
	viaFile, err := BuildFile("MIKO CTI 4.9.226")
	if err != nil {
		t.Fatal(err)
	}
	if viaFile != viaTest {
		t.Fatalf("BuildFile gave %s, Build gave %s: both should return the cached package", viaFile, viaTest)
	}
	if _, err := BuildFile("no such fixture"); err == nil || !strings.Contains(err.Error(), "MIKO CTI 4.9.241") {
		t.Fatalf("unknown fixture: %v, want the list of fixtures", err)
	}
}
