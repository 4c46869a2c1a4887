//go:build linux

package si

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
