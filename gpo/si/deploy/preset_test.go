//go:build linux

package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/aas"
	"github.com/ctitui/ctitui/gpo/msi"
	"github.com/ctitui/ctitui/gpo/plan"
	"github.com/ctitui/ctitui/gpo/si"
	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// A deploy with preset properties makes the transform next to the MSI (with
// the folder's permissions, as smbcacls reads them), lists it as 1: after
// 0: the MSI (as ldbsearch reads msiFileList), shows it in the plan, leaves
// the advertise script as it is without it, and a second run changes
// nothing. An upgrade of that package must say what becomes of its
// transform: refused unasked, kept only when it applies to the new MSI,
// made again for the new MSI.
func TestDeployPresetsProperties(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s, err := gpo.Open(ctx, endpoints(d))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st := si.New(s)
	old, cur := testmsi.Build(t, "MIKO CTI 4.9.226"), testmsi.Build(t, "MIKO CTI 4.9.241")
	ou := testdomain.OUDN("Archive")
	unc := func(folder, file string) string {
		return fmt.Sprintf(`\\%s\%s\%s\%s`, d.IP, testdomain.DistribShare, folder, file)
	}
	const gpoName = "preset properties"
	t.Cleanup(func() {
		ctx := context.Background()
		s, err := gpo.Open(ctx, endpoints(d))
		if err != nil {
			t.Error(err)
			return
		}
		defer s.Close()
		if p, _, err := s.DeletePlan(ctx, gpoName); err == nil {
			if _, err := p.Apply(ctx); err != nil {
				t.Error(err)
			}
		}
		for _, f := range []string{"preset-226", "preset-241", "preset-241b"} {
			os.RemoveAll(filepath.Join(d.DistribDir, f))
		}
	})

	preset := []msi.Property{{Name: "SERVERADDRESS", Value: "pbx.example.org"}, {Name: "AUTOUPDATE", Value: "0"}}
	req := Request{LocalMSI: old, Folder: fmt.Sprintf(`\\%s\%s\preset-226`, d.IP, testdomain.DistribShare), OU: ou, GPOName: gpoName,
		Half: gpo.Computer, Options: si.DefaultOptions(false), Preset: preset}
	p, sum, err := Plan(ctx, st, req)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.CheckOrder(); err != nil {
		t.Fatal(err)
	}
	if len(sum.Transforms) != 1 || !sum.Transforms[0].Made || sum.Transforms[0].Upload != "new" ||
		!slices.Equal(sum.Transforms[0].Set, []string{"SERVERADDRESS=pbx.example.org", "AUTOUPDATE=0"}) {
		t.Fatalf("summary transforms: %+v", sum.Transforms)
	}
	mstUNC := sum.Transforms[0].Path
	if !strings.HasPrefix(mstUNC, unc("preset-226", "")) || !strings.HasSuffix(mstUNC, ".mst") {
		t.Fatalf("transform at %s, not next to the MSI", mstUNC)
	}
	// the plan shows it: its upload, right after the MSI's, says what it sets
	var text bytes.Buffer
	if err := p.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if len(p.Steps) < 2 || p.Steps[0].Op != "smb upload" || p.Steps[1].Op != "smb upload" || p.Steps[1].Target != mstUNC ||
		p.Steps[1].Effect != plan.Prepares || !strings.Contains(text.String(), "SERVERADDRESS=pbx.example.org, AUTOUPDATE=0") {
		t.Fatalf("plan:\n%s", text.String())
	}
	if _, err := p.Apply(ctx); err != nil {
		t.Fatal(err)
	}

	// msiFileList as ldbsearch reads it
	g, err := s.Show(ctx, gpoName)
	if err != nil {
		t.Fatal(err)
	}
	gpoDN := fmt.Sprintf("CN=%s,CN=Policies,CN=System,%s", g.GUID, testdomain.BaseDN)
	var fileList []string
	var scriptPath string
	for _, l := range ldbAttrs(t, d, gpoDN, "(objectClass=packageRegistration)", "msiFileList", "msiScriptPath") {
		if v, ok := strings.CutPrefix(l, "msiFileList: "); ok {
			fileList = append(fileList, v)
		}
		if v, ok := strings.CutPrefix(l, "msiScriptPath: "); ok {
			scriptPath = v
		}
	}
	slices.Sort(fileList)
	if want := []string{"0:" + unc("preset-226", filepath.Base(old)), "1:" + mstUNC}; !slices.Equal(fileList, want) {
		t.Fatalf("msiFileList %q, want %q", fileList, want)
	}

	// the transform on the share: read back with gpo/msi it sets what was
	// asked and applies to the MSI; smbcacls shows the folder's
	// permissions on it
	mstLocal := filepath.Join(d.DistribDir, "preset-226", mstUNC[strings.LastIndex(mstUNC, `\`)+1:])
	base, err := msi.Open(old)
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	info, err := msi.OpenTransform(mstLocal, base)
	if err != nil {
		t.Fatal(err)
	}
	names, values, _ := info.PropertyEdits()
	if !slices.Equal(names, []string{"SERVERADDRESS", "AUTOUPDATE"}) || values["SERVERADDRESS"] != "pbx.example.org" || values["AUTOUPDATE"] != "0" {
		t.Fatalf("transform on the share: %v %v", names, values)
	}
	if why, err := info.Check(base); err != nil || len(why) > 0 {
		t.Fatalf("transform does not apply to its MSI: %v %v", why, err)
	}
	acls := map[string]string{}
	for _, rel := range []string{`preset-226\` + filepath.Base(old), `preset-226\` + filepath.Base(mstLocal)} {
		cmd := exec.Command("smbcacls", "-A", d.AuthFile, "//"+d.IP+"/"+testdomain.DistribShare, rel)
		cmd.Env = d.ToolEnv()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("smbcacls %s: %v\n%s", rel, err, out)
		}
		var aces []string
		for _, l := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(l, "ACL:") {
				aces = append(aces, l)
			}
		}
		slices.Sort(aces)
		acls[rel] = strings.Join(aces, "\n")
		if !strings.Contains(acls[rel], "Domain Computers:ALLOWED") {
			t.Fatalf("%s: Domain Computers cannot read it:\n%s", rel, out)
		}
	}
	if a, b := acls[`preset-226\`+filepath.Base(old)], acls[`preset-226\`+filepath.Base(mstLocal)]; a != b {
		t.Fatalf("the transform's ACL differs from the MSI's:\n%s\n--\n%s", b, a)
	}

	// the advertise script is the one of the MSI alone: the same records
	// as aas builds for the MSI and its path, header aside, and no
	// transform in it
	rel := strings.ReplaceAll(scriptPath[strings.Index(scriptPath, `\Policies\`)+1:], `\`, "/")
	script, err := os.ReadFile(filepath.Join(d.Dir, "state", "sysvol", testdomain.DNSDomain, rel))
	if err != nil {
		t.Fatal(err)
	}
	want, err := aas.BuildFromMSI(base, unc("preset-226", filepath.Base(old)), aas.ScopeComputer, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	gotRecs, err := aas.ReadRecords(script)
	if err != nil {
		t.Fatal(err)
	}
	wantRecs, err := aas.ReadRecords(want)
	if err != nil {
		t.Fatal(err)
	}
	if got, w := aas.Friendly(gotRecs[1:]), aas.Friendly(wantRecs[1:]); got != w {
		t.Fatalf("advertise script differs from the MSI's own:\n%s\nwant\n%s", got, w)
	}
	if f := strings.ToLower(aas.Friendly(gotRecs)); strings.Contains(f, ".mst") || strings.Contains(f, "serveraddress") {
		t.Fatalf("the advertise script names the transform:\n%s", f)
	}

	// a second run changes nothing; other presets for the deployed
	// package are refused (its transforms are fixed)
	if p, _, err := Plan(ctx, st, req); err != nil || !p.Empty() {
		t.Fatalf("second run: %v, %d steps", err, len(p.Steps))
	}
	other := req
	other.Preset = []msi.Property{{Name: "SERVERADDRESS", Value: "other"}}
	if p, _, err := Plan(ctx, st, other); err == nil {
		_, err = p.Apply(ctx)
		if err == nil || !strings.Contains(err.Error(), "cannot be changed") {
			t.Fatalf("other presets for the deployed package: %v", err)
		}
	} else if !strings.Contains(err.Error(), "cannot be changed") {
		t.Fatalf("other presets for the deployed package: %v", err)
	}
	// ...and rolled back: the folder holds the MSI and the first
	// transform only
	entries, err := os.ReadDir(filepath.Join(d.DistribDir, "preset-226"))
	if err != nil {
		t.Fatal(err)
	}
	var inFolder []string
	for _, e := range entries {
		inFolder = append(inFolder, e.Name())
	}
	if want := []string{filepath.Base(old), filepath.Base(mstLocal)}; !slices.Equal(inFolder, want) {
		t.Fatalf("folder after the refused presets: %v, want %v", inFolder, want)
	}
	ps, err := st.List(ctx, g.GUID, false)
	if err != nil || len(ps) != 1 {
		t.Fatalf("packages: %v %v", ps, err)
	}
	ts := st.TransformSettings(ctx, ps[0])
	if len(ts) != 1 || ts[0].Error != "" || !slices.Equal(ts[0].Set, []string{"SERVERADDRESS=pbx.example.org", "AUTOUPDATE=0"}) ||
		ts[0].For != testmsi.Miko226ProductCode+" 4.9.226" {
		t.Fatalf("transform settings: %+v", ts)
	}

	// a redeploy keeps the transform, which still applies to the MSI
	if rp, _, err := st.RedeployPlan(ctx, g.GUID, ps[0].ID); err != nil || rp.Empty() {
		t.Fatalf("redeploy of the package with its transform: %v", err)
	}

	// an upgrade: the choice must be made
	up := Request{LocalMSI: cur, Folder: fmt.Sprintf(`\\%s\%s\preset-241`, d.IP, testdomain.DistribShare), OU: ou, GPOName: gpoName,
		Half: gpo.Computer, Options: si.DefaultOptions(false), Upgrade: &si.UpgradeOf{Package: ps[0].Name}}
	var choice *TransformChoiceError
	if _, _, err := Plan(ctx, st, up); !errors.As(err, &choice) || !strings.Contains(err.Error(), "SERVERADDRESS=pbx.example.org") {
		t.Fatalf("upgrade without a choice: %v", err)
	}
	// kept as it is, it would not apply to 4.9.241 (product validation)
	up.UpgradeTransforms = KeepTransforms
	if _, _, err := Plan(ctx, st, up); err == nil || !strings.Contains(err.Error(), "would not apply") {
		t.Fatalf("keep a transform made for 4.9.226: %v", err)
	}
	// made again for 4.9.241, with one more preset that overrides
	up.UpgradeTransforms = RemakeTransforms
	up.Preset = []msi.Property{{Name: "AUTOUPDATE", Value: "1"}}
	p, sum, err = Plan(ctx, st, up)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.CheckOrder(); err != nil {
		t.Fatal(err)
	}
	if len(sum.Transforms) != 1 || !slices.Equal(sum.Transforms[0].Set, []string{"SERVERADDRESS=pbx.example.org", "AUTOUPDATE=1"}) ||
		!strings.HasPrefix(sum.Transforms[0].Path, unc("preset-241", "")) {
		t.Fatalf("remade transform: %+v", sum.Transforms)
	}
	if _, err := p.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	newBase, err := msi.Open(cur)
	if err != nil {
		t.Fatal(err)
	}
	defer newBase.Close()
	remade := sum.Transforms[0].Path
	info, err = msi.OpenTransform(filepath.Join(d.DistribDir, "preset-241", remade[strings.LastIndex(remade, `\`)+1:]), newBase)
	if err != nil {
		t.Fatal(err)
	}
	if why, err := info.Check(newBase); err != nil || len(why) > 0 || info.BaseProductCode != testmsi.Miko241ProductCode {
		t.Fatalf("remade transform does not apply to 4.9.241: %v %v (for %s)", why, err, info.BaseProductCode)
	}
	if why, _ := info.Check(base); len(why) == 0 {
		t.Fatalf("remade transform applies to 4.9.226 too")
	}
	// dropped: no transform
	up.UpgradeTransforms, up.Preset = DropTransforms, nil
	up.Folder = fmt.Sprintf(`\\%s\%s\preset-241b`, d.IP, testdomain.DistribShare)
	if _, sum, err := Plan(ctx, st, up); err != nil || len(sum.Transforms) != 0 {
		t.Fatalf("drop: %v %+v", err, sum)
	}
}

// ldbAttrs runs ldbsearch (not our LDAP code) over the subtree at base and
// returns its "attr: value" lines with LDIF's folded lines joined.
func ldbAttrs(t *testing.T, d *testdomain.Domain, base, filter string, attrs ...string) []string {
	t.Helper()
	args := append([]string{"-H", filepath.Join(d.Dir, "private", "sam.ldb"), "-b", base, "-s", "sub", filter}, attrs...)
	cmd := exec.Command("ldbsearch", args...)
	cmd.Env = d.ToolEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ldbsearch: %v\n%s", err, out)
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, " ") && len(lines) > 0 {
			lines[len(lines)-1] += l[1:]
			continue
		}
		if l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	return lines
}
