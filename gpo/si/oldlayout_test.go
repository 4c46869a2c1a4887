//go:build linux

package si

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/aas"
	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// TestOldLayoutScriptReportedAndRepaired: a script in the old padded
// layout an earlier ctitui wrote is found by List (what pkg list, pkg show
// and the Manage screen show) and a redeploy rewrites it in the layout
// Windows writes.
func TestOldLayoutScriptReportedAndRepaired(t *testing.T) {
	st, d := openStore(t)
	ctx := testCtx(t)
	g := newGPO(t, st, "SI old layout")
	unc, local := publishMSI(t, d, st, "MIKO CTI 4.9.226", "OldLayout")
	p, added, err := st.AddPlan(ctx, AddRequest{GPO: g.GUID, Half: gpo.Computer, MSIPath: unc, LocalMSI: local, Options: DefaultOptions(false)})
	mustApply(t, p, err)

	layout := func(when string) bool {
		t.Helper()
		ps, err := st.List(ctx, g.GUID, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 1 || ps[0].ScriptReachable == nil || !*ps[0].ScriptReachable {
			t.Fatalf("%s: packages %+v", when, ps)
		}
		return ps[0].ScriptOldLayout
	}
	if layout("after add") {
		t.Fatal("a script ctitui just wrote is reported in the old layout")
	}

	// Put the old layout where an earlier ctitui would have: the same
	// records, padded, written in place on the DC's disk (the file keeps
	// its ACL).
	written := scriptOnDisk(t, d, added.ScriptPath)
	recs, err := aas.ReadRecords(written)
	if err != nil {
		t.Fatal(err)
	}
	old, err := aas.EncodeOldLayout(recs)
	if err != nil {
		t.Fatal(err)
	}
	if len(old) == len(written) {
		t.Fatal("the padded script has the same size: nothing odd-length in it")
	}
	prefix := `\\` + testdomain.DNSDomain + `\SysVol\`
	onDisk := filepath.Join(d.Dir, "state", "sysvol", strings.ReplaceAll(strings.TrimPrefix(added.ScriptPath, prefix), `\`, "/"))
	if err := os.WriteFile(onDisk, old, 0o644); err != nil {
		t.Fatal(err)
	}
	if !layout("after writing the old layout") {
		t.Fatal("the old-layout script is not reported")
	}
	p, _, err = st.RedeployPlan(ctx, g.GUID, added.Name)
	mustApply(t, p, err)
	if layout("after redeploy") {
		t.Fatal("redeploy left the script in the old layout")
	}
	again, err := readScript(scriptOnDisk(t, d, added.ScriptPath))
	if err != nil {
		t.Fatalf("the rewritten script: %v", err)
	}
	checkScript(t, again, testmsi.Miko226ProductCode, "MIKO CTI", unc)
}

// TestOldMachineArchitectureReportedAndRepaired: a machineArchitecture in
// the form earlier ctitui versions wrote (2304 for x64, not a value of
// [MS-GPSI] 2.2.2.4.1) is found by List and a redeploy rewrites it to the
// spec's value, as ldbsearch reads it from the DC's database.
func TestOldMachineArchitectureReportedAndRepaired(t *testing.T) {
	st, d := openStore(t)
	ctx := testCtx(t)
	g := newGPO(t, st, "SI old arch")
	unc, local := publishMSI(t, d, st, "MIKO CTI 4.9.226", "OldArch")
	p, added, err := st.AddPlan(ctx, AddRequest{GPO: g.GUID, Half: gpo.Computer, MSIPath: unc, LocalMSI: local, Options: DefaultOptions(false)})
	mustApply(t, p, err)

	stored := func(when string) []string {
		t.Helper()
		return one(t, ldb(t, d, added.DN, "base", "(objectClass=*)", "machineArchitecture"), when)["machinearchitecture"]
	}
	listed := func(when string) Package {
		t.Helper()
		ps, err := st.List(ctx, g.GUID, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 1 {
			t.Fatalf("%s: packages %+v", when, ps)
		}
		return ps[0]
	}
	if got := stored("after add"); len(got) != 1 || got[0] != "9" {
		t.Fatalf("after add: machineArchitecture %q, want 9", got)
	}
	if x := listed("after add"); x.ArchOldForm || strings.Join(x.ArchNames, ",") != "x64" {
		t.Fatalf("after add: architectures %v, old form %v", x.ArchNames, x.ArchOldForm)
	}

	// What an earlier ctitui wrote for this x64 package.
	c, err := st.s.Dir(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mod := ldap.NewModifyRequest(added.DN, nil)
	mod.Replace("machineArchitecture", []string{"2304"})
	if err := c.Modify(ctx, mod); err != nil {
		t.Fatal(err)
	}
	if got := stored("after writing 2304"); len(got) != 1 || got[0] != "2304" {
		t.Fatalf("machineArchitecture %q, want 2304", got)
	}
	if x := listed("after writing 2304"); !x.ArchOldForm || strings.Join(x.ArchNames, ",") != "x64" {
		t.Fatalf("2304: architectures %v, old form %v; want x64 in the old form", x.ArchNames, x.ArchOldForm)
	}

	p, _, err = st.RedeployPlan(ctx, g.GUID, added.Name)
	mustApply(t, p, err)
	if got := stored("after redeploy"); len(got) != 1 || got[0] != "9" {
		t.Fatalf("after redeploy: machineArchitecture %q, want 9", got)
	}
	if x := listed("after redeploy"); x.ArchOldForm {
		t.Fatal("redeploy left machineArchitecture in the old form")
	}
}
