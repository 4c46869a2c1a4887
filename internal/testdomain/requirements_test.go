//go:build linux

package testdomain

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The manifest is read by .ci/install-deps (bash) and by the fixture: a row
// either cannot read must fail here, not on a new machine.
func TestRequirementsManifest(t *testing.T) {
	reqs, err := parseRequirements(requirementsTSV)
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]bool{"fixture": true, "tests": true, "demo": true, "ci": true}
	kinds := map[string]bool{"cmd": true, "file": true, "py": true}
	fixtureRows := 0
	for _, r := range reqs {
		if !kinds[r.Kind] {
			t.Errorf("%s %s: unknown kind %q", r.Package, r.Thing, r.Kind)
		}
		for _, u := range strings.Split(r.NeededBy, ",") {
			if !users[u] {
				t.Errorf("%s %s: unknown user %q", r.Package, r.Thing, u)
			}
			if u == "fixture" {
				fixtureRows++
			}
		}
		if r.Kind == "file" && !strings.HasPrefix(r.Thing, "/") && !strings.HasPrefix(r.Thing, "$") {
			t.Errorf("%s: file %q is not absolute", r.Package, r.Thing)
		}
	}
	// What the bookworm split taught: the schema is checked as a file.
	var schema bool
	for _, r := range reqs {
		if r.Kind == "file" && r.Package == "samba-ad-provision" && strings.Contains(r.Thing, "ad-schema/") {
			schema = true
		}
	}
	if !schema || fixtureRows < 10 {
		t.Fatalf("manifest lost rows: schema file row %v, %d fixture rows", schema, fixtureRows)
	}
}

func TestMissingRequirementNamesThingAndInstallCommand(t *testing.T) {
	dir := t.TempDir()
	present := filepath.Join(dir, "present.ldf")
	if err := os.WriteFile(present, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		r        requirement
		want     string
		wantOK   bool
		setupDir string
	}{
		{requirement{"samba-ad-provision", "file", "$SETUPDIR/ad-schema/x.ldf", "fixture"}, "file " + dir + "/ad-schema/x.ldf", false, dir},
		{requirement{"samba-ad-provision", "file", "$SETUPDIR/present.ldf", "fixture"}, "file " + present, true, dir},
		{requirement{"nosuch", "cmd", "ctitui-no-such-command", "fixture"}, "command ctitui-no-such-command", false, dir},
		{requirement{"samba-dsdb-modules", "file", "$MODULESDIR/ldb/samba_dsdb.so", "fixture"}, "samba's samba_dsdb.so", false, dir},
	}
	for _, c := range cases {
		what, ok := c.r.present(c.setupDir, "")
		if what != c.want || ok != c.wantOK {
			t.Errorf("%+v: got (%q, %v), want (%q, %v)", c.r, what, ok, c.want, c.wantOK)
		}
	}
	e := &PrerequisiteError{Missing: []string{"file /x/ad-schema/x.ldf", "command unshare"}, Packages: []string{"samba-ad-provision", "util-linux"}}
	msg := e.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("not one line: %q", msg)
	}
	for _, want := range []string{"file /x/ad-schema/x.ldf", "command unshare", "apt-get install --no-install-recommends samba-ad-provision util-linux"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

// This machine runs the integration tests, so it must pass its own check.
func TestPrerequisitesHere(t *testing.T) {
	Require(t, dom)
	if err := CheckPrerequisites(); err != nil {
		t.Fatal(err)
	}
}
