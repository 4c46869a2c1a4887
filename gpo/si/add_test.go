//go:build linux

package si

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/aas"
	"github.com/ctitui/ctitui/gpo/msi"
	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// scriptOnDisk reads a script from the DC's SYSVOL directory, not over SMB.
func scriptOnDisk(t *testing.T, d *testdomain.Domain, msiScriptPath string) []byte {
	t.Helper()
	prefix := `\\` + testdomain.DNSDomain + `\SysVol\`
	if !strings.HasPrefix(msiScriptPath, prefix) {
		t.Fatalf("msiScriptPath %q does not start with %q", msiScriptPath, prefix)
	}
	rel := strings.ReplaceAll(strings.TrimPrefix(msiScriptPath, prefix), `\`, "/")
	data, err := os.ReadFile(filepath.Join(d.Dir, "state", "sysvol", rel))
	if err != nil {
		t.Fatalf("script on the DC's disk: %v", err)
	}
	return data
}

func one(t *testing.T, objs []map[string][]string, what string) map[string][]string {
	t.Helper()
	if len(objs) != 1 {
		t.Fatalf("%s: ldbsearch found %d objects, want 1", what, len(objs))
	}
	return objs[0]
}

func TestAddPackageAsTheSpecSays(t *testing.T) {
	st, d := openStore(t)
	ctx := testCtx(t)
	g := newGPO(t, st, "SI add "+t.Name())
	unc, local := publishMSI(t, d, st, "MIKO CTI 4.9.226", "MikoCTI")

	p, added, err := st.AddPlan(ctx, AddRequest{GPO: g.GUID, Half: gpo.Computer, MSIPath: unc, LocalMSI: local, Options: DefaultOptions(false)})
	mustApply(t, p, err)

	// The package object, as ldbsearch reads it from sam.ldb.
	obj := one(t, ldb(t, d, added.DN, "base", "(objectClass=*)"), "package")
	for _, k := range []string{"displayname", "packagetype", "packageflags", "msiscriptname", "msiscriptpath", "msifilelist",
		"versionnumberhi", "versionnumberlo", "revision", "localeid", "machinearchitecture", "installuilevel", "vendor", "lastupdatesequence"} {
		t.Logf("ldbsearch %s: %q", k, obj[k])
	}
	want := map[string]string{
		"displayname": "MIKO CTI 4.9.226", "packagename": "MIKO CTI 4.9.226", "packagetype": "5",
		"msiscriptname": "A", "versionnumberhi": "4", "versionnumberlo": "9", "revision": "0",
		// [MS-GPSI] 2.2.2.4.1: "9" for an x64 package (the fixture's
		// Template is x64;1049).
		"installuilevel": "5", "localeid": "1049", "machinearchitecture": "9",
		"msiscriptpath": added.ScriptPath, "msifilelist": "0:" + unc,
	}
	for k, v := range want {
		if got := obj[k]; len(got) != 1 || got[0] != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if !contains(obj["objectclass"], "packageRegistration") {
		t.Errorf("objectClass %v", obj["objectclass"])
	}
	// Computer, assigned, uninstall when out of scope, in ARP, by
	// extension, maximum UI, with the Windows high bits: 0xA0081470.
	if got := obj["packageflags"]; len(got) != 1 || got[0] != "-1610083216" {
		t.Errorf("packageFlags = %v, want -1610083216 (0xA0081470)", got)
	}
	if pc, _ := guidBytes(testmsi.Miko226ProductCode); len(obj["productcode"]) != 1 || obj["productcode"][0] != string(pc) {
		t.Errorf("productCode = %x, want %s little endian", obj["productcode"], testmsi.Miko226ProductCode)
	}
	if len(obj["upgradeproductcode"]) != 1 || len(obj["upgradeproductcode"][0]) != 16 {
		t.Errorf("upgradeProductCode = %x", obj["upgradeproductcode"])
	}
	if lus := obj["lastupdatesequence"]; len(lus) != 1 || !regexp.MustCompile(`^\d{14}$`).MatchString(lus[0]) {
		t.Errorf("lastUpdateSequence = %v", lus)
	}

	// The containers and the class store confirmation (2.2.3.2.1-4).
	cs := one(t, ldb(t, d, "CN=Class Store,CN=Machine,"+g.DN, "base", "(objectClass=*)"), "class store")
	if !contains(cs["objectclass"], "classStore") || !contains(cs["appschemaversion"], "1740") || len(cs["lastupdatesequence"]) != 1 {
		t.Errorf("class store: %v", cs)
	}
	pk := one(t, ldb(t, d, "CN=Packages,CN=Class Store,CN=Machine,"+g.DN, "base", "(objectClass=*)"), "packages")
	if !contains(pk["objectclass"], "classStore") || !contains(pk["description"], "Application Packages") {
		t.Errorf("packages container: %v", pk)
	}
	gp := one(t, ldb(t, d, g.DN, "base", "(objectClass=*)", "gPCMachineExtensionNames", "versionNumber"), "GPO")
	if got := gp["gpcmachineextensionnames"]; len(got) != 1 || !strings.Contains(got[0], gpo.CSESoftwareInstallation+gpo.ToolSoftwareInstallationComputer) {
		t.Errorf("gPCMachineExtensionNames = %v", got)
	}
	if got := gp["versionnumber"]; len(got) != 1 || got[0] != "1" {
		t.Errorf("versionNumber = %v, want 1 (computer half bumped once)", got)
	}

	// The script, decoded from the DC's disk by the test's own reader.
	recs, err := readScript(scriptOnDisk(t, d, added.ScriptPath))
	if err != nil {
		t.Fatalf("decode script: %v", err)
	}
	checkScript(t, recs, testmsi.Miko226ProductCode, "MIKO CTI", unc)
	// Byte for byte what the one builder (the one `ctitui aas build` uses)
	// gives for this MSI at this path, at the header's time.
	sameAsBuilder(t, scriptOnDisk(t, d, added.ScriptPath), recs, local, unc)

	// samba-tool gpo backup carries the script.
	dir := t.TempDir()
	if out, err := d.SambaTool(ctx, "gpo", "backup", g.GUID, "--tmpdir", dir); err != nil {
		t.Fatalf("samba-tool gpo backup: %v\n%s", err, out)
	}
	// It keeps each SYSVOL file as <name>.SAMBABACKUP, byte for byte.
	written := scriptOnDisk(t, d, added.ScriptPath)
	base := added.ScriptPath[strings.LastIndex(added.ScriptPath, `\`)+1:]
	backup := filepath.Join(dir, "policy", g.GUID, "Machine", "Applications", base+".SAMBABACKUP")
	carried, err := os.ReadFile(backup)
	if err != nil {
		out, _ := exec.Command("find", dir).CombinedOutput()
		t.Fatalf("samba-tool gpo backup does not carry the script: %v\n%s", err, out)
	}
	if string(carried) != string(written) {
		t.Fatalf("the backup's copy of the script differs from what was written (%d vs %d bytes)", len(carried), len(written))
	}

	// A second add of the same product from the same path changes nothing.
	p2, again, err := st.AddPlan(ctx, AddRequest{GPO: g.GUID, Half: gpo.Computer, MSIPath: unc, LocalMSI: local, Options: DefaultOptions(false)})
	if err != nil {
		t.Fatal(err)
	}
	if !p2.Empty() || again.Existing == nil {
		t.Fatalf("second add: %d steps, existing %v", len(p2.Steps), again.Existing)
	}
}

// checkScript checks the records [MS-GPSI] 2.2.4 requires, in order:
// Header (2), ProductInfo (4), ProductPublish (16), SourceListPublish (9),
// End (3), and their key values.
func checkScript(t *testing.T, recs []aasRecord, productCode, productName, unc string) {
	t.Helper()
	// The record sequence of every Windows-made script (gpo/aas
	// testdata/fidelity/README.md): Header, ProductInfo, DialogInfo x2,
	// RollbackInfo, ActionStart CreateShortcuts, IconCreate per icon,
	// ActionStart PublishFeatures, FeaturePublish per feature, ActionStart
	// PublishProduct, 0x8A, ProductPublish, UpgradeCodePublish,
	// SourceListPublish, 0x12, End.
	var order []string
	for _, r := range recs {
		if len(order) == 0 || order[len(order)-1] != fmt.Sprintf("%#x", r.op) || (r.op != 0x43 && r.op != 0x41) {
			order = append(order, fmt.Sprintf("%#x", r.op))
		}
	}
	if got, want := strings.Join(order, " "), "0x2 0x4 0x5 0x5 0x6 0x8 0x8 0x41 0x8 0x8a 0x10 0x62 0x9 0x12 0x3"; got != want &&
		got != strings.Replace(want, "0x8 0x8 ", "0x8 0x43 0x8 ", 1) {
		t.Fatalf("records %s, want %s (IconCreate 0x43 records after the first ActionStart when the MSI has icons)", got, want)
	}
	h := recs[0]
	if h.op != 2 || len(h.args) != 9 || h.args[0].n != 1397708873 || h.args[1].n != 500 || h.args[5].n != 3 || h.args[6].n != 21 || h.args[7].n != 4 {
		t.Fatalf("header: %+v", h)
	}
	for _, r := range recs {
		switch r.op {
		case 4:
			if len(r.args) != 16 || r.args[0].text() != productCode || !strings.Contains(r.args[1].text(), productName) {
				t.Errorf("ProductInfo: %+v", r.args)
			}
			if r.args[5].n != 1 {
				t.Errorf("ProductInfo Assignment = %d, want 1 (per machine)", r.args[5].n)
			}
		case 9:
			joined := ""
			for _, a := range r.args {
				joined += a.text() + "|"
			}
			dir := unc[:strings.LastIndex(unc, `\`)+1]
			if !strings.Contains(joined, dir) {
				t.Errorf("SourceListPublish does not name %s: %s", dir, joined)
			}
		}
	}
}

func contains(vals []string, want string) bool {
	for _, v := range vals {
		if strings.EqualFold(v, want) {
			return true
		}
	}
	return false
}

// sameAsBuilder checks that a script written to SYSVOL is byte for byte
// what aas.BuildFromMSI gives for the MSI at msiPath, with the header time
// of the written script ([MS-GPSI] 2.2.4.2.1 DOS date and time).
func sameAsBuilder(t *testing.T, written []byte, recs []aasRecord, localMSI, msiPath string) {
	t.Helper()
	v := uint32(recs[0].args[2].n)
	date, clock := v>>16, v&0xFFFF
	at := time.Date(int(date>>9)+1980, time.Month(date>>5&0xF), int(date&0x1F),
		int(clock>>11), int(clock>>5&0x3F), int(clock&0x1F)*2, 0, time.UTC)
	p, err := msi.Open(localMSI)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	want, err := aas.BuildFromMSI(p, msiPath, aas.ScopeComputer, at)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(written, want) {
		t.Fatalf("the script on SYSVOL (%d bytes) differs from the builder's (%d bytes)", len(written), len(want))
	}
}
