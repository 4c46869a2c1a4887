//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctitui/ctitui/gpo/aas"
	"github.com/ctitui/ctitui/gpo/msi"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// TestAASBuildCLI: `aas build` writes, offline, what the one builder
// (aas.BuildFromMSI, the one pkg add uses) gives for the MSI at that path
// and time; `aas dump` names every record and reports the layout; the old
// padded layout is called out.
func TestAASBuildCLI(t *testing.T) {
	bin := buildBinary(t)
	pkgFile := testmsi.Build(t, "MIKO CTI 4.9.226")
	dir := t.TempDir()
	out := filepath.Join(dir, "out.aas")
	const path = `\\srv\Distrib\MikoCTI\MIKO CTI 4.9.226.msi`
	const at = "2026-12-04T15:04:06+03:00"

	stdout, stderr, code := runCtitui(t, bin, nil, "aas", "build", pkgFile, "--package-path", path, "--time", at, "-o", out)
	if code != 0 {
		t.Fatalf("aas build: exit %d: %s%s", code, stdout, stderr)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	p, err := msi.Open(pkgFile)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	when, _ := time.Parse(time.RFC3339, at)
	want, err := aas.BuildFromMSI(p, path, aas.ScopeComputer, when)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("aas build wrote %d bytes that differ from the builder's %d", len(got), len(want))
	}

	// A drive path is encoded as given (pkg add refuses it, the builder does not).
	local := filepath.Join(dir, "local.aas")
	if _, stderr, code := runCtitui(t, bin, nil, "aas", "build", pkgFile, "--package-path", `C:\share\MIKO.msi`, "--scope", "user", "-o", local); code != 0 {
		t.Fatalf("aas build with a drive path: exit %d: %s", code, stderr)
	}
	stdout, stderr, code = runCtitui(t, bin, nil, "aas", "dump", local, "--json")
	if code != 0 {
		t.Fatalf("aas dump: exit %d: %s", code, stderr)
	}
	var dump struct {
		OldLayout bool `json:"oldLayout"`
		Records   []struct {
			Name     string `json:"name"`
			Friendly string `json:"friendly"`
		} `json:"records"`
	}
	if err := json.Unmarshal([]byte(stdout), &dump); err != nil {
		t.Fatalf("aas dump --json: %v\n%s", err, stdout)
	}
	if dump.OldLayout {
		t.Error("a script aas build wrote is reported in the old layout")
	}
	launch := ""
	for _, r := range dump.Records {
		if strings.HasPrefix(r.Name, "Opcode") {
			t.Errorf("record not named: %s", r.Friendly)
		}
		if r.Name == "SourceListPublish" {
			launch = r.Friendly
		}
	}
	if !strings.HasSuffix(launch, `,C:\share\)`) {
		t.Errorf("SourceListPublish %q, want the LaunchPath C:\\share\\", launch)
	}

	// A script in the old layout: dump reads it and says what to do.
	recs, err := aas.ReadRecords(want)
	if err != nil {
		t.Fatal(err)
	}
	oldBytes, err := aas.EncodeOldLayout(recs)
	if err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(dir, "old.aas")
	if err := os.WriteFile(old, oldBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = runCtitui(t, bin, nil, "aas", "dump", old)
	if code != 0 || !strings.Contains(stderr, "advertise script in the old layout: redeploy to rewrite it") {
		t.Fatalf("aas dump of an old-layout script: exit %d, stderr %q", code, stderr)
	}

	for _, args := range [][]string{
		{"aas", "build", pkgFile, "-o", out},
		{"aas", "build", pkgFile, "--package-path", path},
		{"aas", "build", pkgFile, "--package-path", path, "-o", out, "--scope", "site"},
		{"aas", "build", pkgFile, "--package-path", path, "-o", out, "--time", "yesterday"},
	} {
		if _, stderr, code := runCtitui(t, bin, nil, args...); code != 2 {
			t.Errorf("%q: exit %d (%s), want the usage error 2", args, code, stderr)
		}
	}
}

// TestAASWindowsMadeScripts: `aas dump` names every record of both
// Windows-made scripts (gpo/aas testdata/fidelity) and reports the Windows
// layout, and `aas build`, given a stand-in MSI carrying what the original
// held (the README there), the original's path and its header time,
// writes the Windows-made file byte for byte, the drive-path one included.
func TestAASWindowsMadeScripts(t *testing.T) {
	bin := buildBinary(t)
	fidelity := filepath.Join("..", "..", "gpo", "aas", "testdata", "fidelity")
	scripts := []struct{ file, packagePath string }{
		{"mysql-installer-8ACF1166.aas", `C:\share\mysql-installer-web-community-8.0.13.0 -ohno.msi`},
		{"mysql-installer-009F869C.aas", `\\l0sslab-client\share\mysql-installer-web-community-8.0.13.0 -ohno.msi`},
	}
	wantNames := []string{"Header", "ProductInfo", "DialogInfo", "DialogInfo", "RollbackInfo",
		"ActionStart", "IconCreate", "ActionStart", "FeaturePublish", "ActionStart", "CleanupConfigData",
		"ProductPublish", "UpgradeCodePublish", "SourceListPublish", "SourceListRegisterLastUsed", "End"}
	standIn := mysqlStandIn(t, filepath.Join(fidelity, scripts[0].file), filepath.Join(fidelity, "mysql-installer.wxs"))
	for _, s := range scripts {
		t.Run(s.file, func(t *testing.T) {
			file := filepath.Join(fidelity, s.file)
			out, errOut, code := runCtitui(t, bin, nil, "aas", "dump", file)
			if code != 0 || errOut != "" || strings.Contains(out, "Opcode") {
				t.Fatalf("aas dump: exit %d, stderr %q\n%s", code, errOut, out)
			}
			out, errOut, code = runCtitui(t, bin, nil, "aas", "dump", "--json", file)
			if code != 0 {
				t.Fatalf("aas dump --json: exit %d %s", code, errOut)
			}
			var dump struct {
				OldLayout bool `json:"oldLayout"`
				Records   []struct {
					Name   string `json:"name"`
					Opcode int    `json:"opcode"`
				} `json:"records"`
			}
			if err := json.Unmarshal([]byte(out), &dump); err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, r := range dump.Records {
				names = append(names, r.Name)
			}
			if dump.OldLayout || strings.Join(names, " ") != strings.Join(wantNames, " ") {
				t.Fatalf("aas dump --json: old layout %v, records %q\nwant %q", dump.OldLayout, names, wantNames)
			}

			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			built := filepath.Join(t.TempDir(), "built.aas")
			at := headerTimeOf(t, want).Format(time.RFC3339)
			if out, errOut, code := runCtitui(t, bin, nil, "aas", "build", standIn, "--package-path", s.packagePath,
				"--time", at, "-o", built); code != 0 {
				t.Fatalf("aas build: exit %d %s%s", code, out, errOut)
			}
			got, err := os.ReadFile(built)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				d := 0
				for d < len(got) && d < len(want) && got[d] == want[d] {
					d++
				}
				t.Fatalf("aas build wrote %d bytes that differ from the Windows-made %d at offset %#x", len(got), len(want), d)
			}
		})
	}
}

// headerTimeOf is the time in a script's header ([MS-GPSI] 2.2.4.2.1:
// (DOSDate << 16) | DOSTime), as a time in UTC with the same fields.
func headerTimeOf(t *testing.T, script []byte) time.Time {
	t.Helper()
	recs, err := aas.ReadRecords(script)
	if err != nil || len(recs) == 0 || recs[0].Opcode != aas.OpHeader || len(recs[0].Args) < 3 {
		t.Fatalf("no header: %v", err)
	}
	v := uint32(recs[0].Args[2].Int)
	date, clock := v>>16, v&0xFFFF
	return time.Date(int(date>>9)+1980, time.Month(date>>5&0xF), int(date&0x1F),
		int(clock>>11), int(clock>>5&0x3F), int(clock&0x1F)*2, 0, time.UTC)
}

// mysqlStandIn builds with wixl and msibuild the stand-in for the MSI
// behind the Windows-made scripts (gpo/aas testdata/fidelity/README.md),
// with the icon bytes the script carries, and returns its path.
func mysqlStandIn(t *testing.T, script, wxs string) string {
	t.Helper()
	wixl := testmsi.RequireTool(t, "wixl")
	msibuild := testmsi.RequireTool(t, "msibuild")
	data, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := aas.ReadRecords(data)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src, err := os.ReadFile(wxs)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"mysql-installer.wxs": src, "payload.txt": []byte("stand-in payload\n")}
	for _, r := range recs {
		if r.Opcode == aas.OpIconCreate && len(r.Args) == 2 {
			files[r.Args[0].Str] = r.Args[1].Bytes
		}
	}
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range [][]string{
		{wixl, "-o", "standin.msi", "mysql-installer.wxs"},
		// wixl writes a random package code; the scripts carry this one.
		{msibuild, "standin.msi", "-s", "MySQL Installer - Community", "Oracle Corporation", "Intel;1033", "{60D8EB5B-1A20-49CF-A125-96A554175C9B}"},
	} {
		cmd := exec.Command(c[0], c[1:]...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(c, " "), err, out)
		}
	}
	return filepath.Join(dir, "standin.msi")
}
