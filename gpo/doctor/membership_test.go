//go:build linux

package doctor

import (
	"context"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/internal/testdomain"
)

func TestValueChanged(t *testing.T) {
	dn := "CN=PC-01,OU=Lab,DC=corp,DC=example"
	vals := []string{
		"<DS_REPL_VALUE_META_DATA><pszAttributeName>member</pszAttributeName><pszObjectDn>CN=OTHER,DC=corp,DC=example</pszObjectDn>" +
			"<ftimeDeleted>1601-01-01T00:00:00Z</ftimeDeleted><ftimeLastOriginatingChange>2026-01-01T00:00:00Z</ftimeLastOriginatingChange></DS_REPL_VALUE_META_DATA>",
		"<DS_REPL_VALUE_META_DATA><pszAttributeName>member</pszAttributeName><pszObjectDn>cn=pc-01,ou=Lab,DC=corp,DC=example</pszObjectDn>" +
			"<ftimeDeleted>1601-01-01T00:00:00Z</ftimeDeleted><ftimeLastOriginatingChange>2026-12-04T10:11:12Z</ftimeLastOriginatingChange></DS_REPL_VALUE_META_DATA>",
	}
	got, ok := valueChanged(vals, dn)
	if !ok || !got.Equal(time.Date(2026, 12, 4, 10, 11, 12, 0, time.UTC)) {
		t.Fatalf("valueChanged = %v, %v", got, ok)
	}
	// A removed value (ftimeDeleted set) is no membership.
	removed := strings.Replace(vals[1], "<ftimeDeleted>1601-01-01T00:00:00Z", "<ftimeDeleted>2026-12-05T00:00:00Z", 1)
	if _, ok := valueChanged([]string{removed}, dn); ok {
		t.Fatal("a deleted value counted")
	}
	if ft := fileTime(133775000000000000); ft.Year() != 2024 {
		t.Fatalf("fileTime: %v", ft)
	}
}

// A computer just put in the filtering group, which has not logged on
// since, gets "probably not yet in effect" with the restart; once its
// lastLogonTimestamp is newer than the membership, the finding goes.
func TestDoctorNewMembershipNotYetInEffect(t *testing.T) {
	w := open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const group, gpoName, pc = "Doctor_New_Members", "Doctor new membership", "LAB-PC02"
	ou := testdomain.OUDN("Lab, R&D + QA")
	comps, err := w.s.ResolveComputers(ctx, gpo.ComputerSelection{Names: []string{pc}})
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := w.s.CreateGroupPlan(ctx, gpo.NewGroupSpec{Name: group, OU: testdomain.OUDN("Groups")}, comps)
	apply(t, p, err)
	t.Cleanup(func() { w.d.SambaTool(context.Background(), "group", "delete", group) })
	p, c, err := w.s.CreatePlan(ctx, gpoName, gpo.CreateOptions{LinkTo: []string{ou}})
	apply(t, p, err)
	t.Cleanup(func() {
		if p, _, err := w.s.DeletePlan(context.Background(), c.GUID); err == nil {
			p.Apply(context.Background())
		}
	})
	p, err = w.s.FilterPlan(ctx, c.GUID, gpo.FilterChange{Only: group})
	apply(t, p, err)

	finding := func() string {
		t.Helper()
		r := diagnose(t, w, pc)
		for _, f := range gpoNamed(t, r, gpoName).Reasons {
			if f.Check == "group membership" {
				return f.Text + " | " + f.Fix
			}
		}
		return ""
	}
	got := finding()
	if !strings.Contains(got, "probably not yet in effect") || !strings.Contains(got, group) ||
		!strings.Contains(got, "no logon of "+pc) || !strings.Contains(got, "restart "+pc) {
		t.Fatalf("fresh membership, no logon: %q", got)
	}

	// The computer logs on after joining: lastLogonTimestamp one hour
	// ahead, written with ldbmodify on the DC's database.
	setLastLogon(t, w.d, comps[0].DN, time.Now().Add(time.Hour))
	t.Cleanup(func() { setLastLogon(t, w.d, comps[0].DN, time.Time{}) })
	if got := finding(); got != "" {
		t.Fatalf("after a later logon: %q", got)
	}
	// A logon before the membership: the warning is back, naming it.
	setLastLogon(t, w.d, comps[0].DN, time.Now().Add(-48*time.Hour))
	if got := finding(); !strings.Contains(got, "probably not yet in effect") || !strings.Contains(got, "lastLogonTimestamp") {
		t.Fatalf("logon before the membership: %q", got)
	}
}

// setLastLogon writes lastLogonTimestamp (a zero time removes it).
func setLastLogon(t *testing.T, d *testdomain.Domain, dn string, at time.Time) {
	t.Helper()
	ldif := "dn: " + dn + "\nchangetype: modify\n"
	if at.IsZero() {
		ldif += "delete: lastLogonTimestamp\n"
	} else {
		ft := at.UnixNano()/100 + 116444736000000000
		ldif += "replace: lastLogonTimestamp\nlastLogonTimestamp: " + strconv.FormatInt(ft, 10) + "\n"
	}
	cmd := exec.Command("ldbmodify", "-H", filepath.Join(d.Dir, "private", "sam.ldb"))
	cmd.Env = d.ToolEnv()
	cmd.Stdin = strings.NewReader(ldif)
	if out, err := cmd.CombinedOutput(); err != nil && !at.IsZero() {
		t.Fatalf("ldbmodify: %v\n%s", err, out)
	}
}
