//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"os"
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
