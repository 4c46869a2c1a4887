//go:build linux

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/gpo/si"
	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// deploy --set through the binary: the plan shows the transform's upload
// and what it sets, the deploy lists it, pkg show reads it back from the
// share; wrong flags are usage errors that say why.
func TestDeploySetThroughTheBinary(t *testing.T) {
	d := testdomain.Require(t, dom)
	bin := buildBinary(t)
	env := d.CtituiEnv()
	local := testmsi.Build(t, "MIKO CTI 4.9.226")
	share := `\\` + d.IP + `\` + testdomain.DistribShare + `\MikoCTI-preset-cli`
	const name = "MIKO CTI preset (cli)"
	args := []string{"deploy", "--msi", local, "--share", share, "--ou", testdomain.OUDN("Archive"), "--gpo", name,
		"--set", "SERVERADDRESS=pbx.example.org", "--set", "AUTOUPDATE=0"}
	t.Cleanup(func() {
		if _, errOut, code := runCtitui(t, bin, env, "gpo", "delete", name); code != 0 {
			t.Errorf("gpo delete: exit %d %s", code, errOut)
		}
		os.RemoveAll(filepath.Join(d.DistribDir, "MikoCTI-preset-cli"))
	})

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--set", "NOVALUE"}, "want NAME=VALUE"},
		{[]string{"--upgrade-transforms", "keep"}, "--upgrade-transforms goes with --upgrade"},
		{[]string{"--upgrade", "x", "--upgrade-transforms", "maybe"}, "keep, remake or drop"},
	} {
		if _, errOut, code := runCtitui(t, bin, env, append(append(args, c.args...), "--dry-run")...); code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %s", c.args, code, errOut)
		}
	}
	if _, errOut, code := runCtitui(t, bin, env, append(args, "--set", "lowercase=1", "--dry-run")...); code == 0 || !strings.Contains(errOut, "not a public property") {
		t.Errorf("private property: exit %d, %s", code, errOut)
	}

	out, errOut, code := runCtitui(t, bin, env, append(args, "--dry-run", "--json")...)
	if code != 0 {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, out, errOut)
	}
	var dry struct {
		Plan struct {
			Steps []struct {
				Op, Target string
				Details    []string
			} `json:"steps"`
		} `json:"plan"`
		Deployment struct {
			Transforms []struct {
				Path string   `json:"path"`
				Set  []string `json:"set"`
			} `json:"transforms"`
		} `json:"deployment"`
	}
	if err := json.Unmarshal([]byte(out), &dry); err != nil {
		t.Fatalf("dry run JSON: %v\n%s", err, out)
	}
	if len(dry.Deployment.Transforms) != 1 || len(dry.Plan.Steps) < 2 {
		t.Fatalf("dry run: %s", out)
	}
	mst := dry.Deployment.Transforms[0].Path
	if s := dry.Plan.Steps[1]; s.Op != "smb upload" || s.Target != mst || !strings.HasPrefix(mst, share+`\`) ||
		!strings.Contains(strings.Join(s.Details, "\n"), "SERVERADDRESS=pbx.example.org, AUTOUPDATE=0") {
		t.Fatalf("the plan does not show the transform's upload: %+v", dry.Plan.Steps)
	}

	if out, errOut, code := runCtitui(t, bin, env, append(args, "--yes")...); code != 0 || !strings.Contains(out, mst) {
		t.Fatalf("deploy: exit %d\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = runCtitui(t, bin, env, "pkg", "show", name, "MIKO CTI 4.9.226")
	if code != 0 || !strings.Contains(out, "Transform 1") || !strings.Contains(out, mst) ||
		!strings.Contains(out, "sets SERVERADDRESS=pbx.example.org, AUTOUPDATE=0; for "+testmsi.Miko226ProductCode+" 4.9.226") {
		t.Fatalf("pkg show: exit %d\n%s\n%s", code, out, errOut)
	}
}

// The Manage screen's details name each transform with what it sets, as
// pkg show does.
func TestPackageDetailsSayWhatTransformsSet(t *testing.T) {
	x := si.Package{Transforms: []string{`\\srv\Distrib\a.mst`, `\\srv\Distrib\b.mst`}}
	d := strings.Join(packageDetails(x, []si.TransformSettings{
		{Path: `\\srv\Distrib\a.mst`, Set: []string{"SERVERADDRESS=pbx", "AUTOUPDATE=0"}, Remove: []string{"ARPHELPLINK"},
			For: testmsi.Miko226ProductCode + " 4.9.226", Validation: []string{"product"}},
		{Path: `\\srv\Distrib\b.mst`, Error: "file not found"},
	}), "\n")
	for _, want := range []string{
		`transform: \\srv\Distrib\a.mst — sets SERVERADDRESS=pbx, AUTOUPDATE=0; removes ARPHELPLINK; for ` + testmsi.Miko226ProductCode + ` 4.9.226 (checks product)`,
		`transform: \\srv\Distrib\b.mst — cannot read it: file not found`,
	} {
		if !strings.Contains(d, want) {
			t.Errorf("details lack %q:\n%s", want, d)
		}
	}
}
