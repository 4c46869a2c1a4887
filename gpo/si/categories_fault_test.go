//go:build linux

package si

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/internal/testdomain"
)

// faultSweep runs op once without faults to count the messages it sends,
// then once for every k with the LDAP, then the SMB connection cut after
// message k, each on a stage set by prepare. check is told whether each
// run failed and checks the domain (and, after a failure, retries).
func faultSweep(t *testing.T, d *testdomain.Domain, prepare func(), op func(context.Context, *Store) error, check func(what string, err error)) {
	t.Helper()
	ctx := context.Background()
	ep, ldapProxy, smbProxy := faultyEndpoints(t, d)
	run := func() error {
		s, err := gpo.Open(ctx, ep)
		if err != nil {
			return err
		}
		defer s.Close()
		return op(ctx, New(s))
	}
	prepare()
	ldapProxy.Arm(0)
	smbProxy.Arm(0)
	if err := run(); err != nil {
		t.Fatalf("without faults: %v", err)
	}
	total := map[string]int{"ldap": ldapProxy.Chunks(), "smb": smbProxy.Chunks()}
	check("no fault", nil)
	outcomes := map[string]int{}
	for _, which := range []string{"ldap", "smb"} {
		cut, other := ldapProxy, smbProxy
		if which == "smb" {
			cut, other = smbProxy, ldapProxy
		}
		for k := 1; k <= total[which]; k++ {
			prepare()
			other.Arm(0)
			cut.Arm(k)
			err := run()
			cuts := cut.Cuts()
			cut.Arm(0)
			what := fmt.Sprintf("%s cut after message %d of %d", which, k, total[which])
			switch {
			case cuts == 0 && err != nil:
				t.Fatalf("%s: no cut happened, yet the run failed: %v", what, err)
			case cuts == 0:
				outcomes[which+" cut point not reached"]++
			case err == nil:
				outcomes[which+" succeeded anyway"]++
			default:
				outcomes[which+" failed clean"]++
			}
			check(what, err)
			if err != nil {
				if err := run(); err != nil {
					t.Fatalf("%s: retry failed: %v", what, err)
				}
				check(what+", retried", nil)
			}
		}
	}
	t.Logf("messages per run: LDAP %d, SMB %d; outcomes: %v", total["ldap"], total["smb"], outcomes)
}

// `pkg category add` on a domain without the AppCategories container
// (two adds) and `pkg category set` (a package update, the class store
// confirmation, the version bump in the directory and GPT.INI) under the
// cuts: each run does all of it or leaves nothing, and a retry succeeds.
func TestCategoriesAllOrNothingUnderFaults(t *testing.T) {
	observer, d := openStore(t)
	ctx := context.Background()

	t.Run("add without container", func(t *testing.T) {
		const aside = "CN=AppCategories-seed,CN=Default Domain Policy,CN=System," + testdomain.BaseDN
		ldbTool(t, d, "ldbrename", appCategories, aside)
		defer ldbTool(t, d, "ldbrename", aside, appCategories)
		removeMine := func() {
			c, err := observer.s.Dir(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.DeleteTree(ctx, appCategories); err != nil && !strings.Contains(err.Error(), "No Such Object") {
				t.Fatal(err)
			}
		}
		defer removeMine()
		const name = "Fault category"
		faultSweep(t, d, removeMine, func(ctx context.Context, st *Store) error {
			p, _, err := st.CategoryPlan(ctx, name)
			if err != nil {
				return err
			}
			_, err = p.Apply(ctx)
			return err
		}, func(what string, err error) {
			conts := ldb(t, d, "CN=Default Domain Policy,CN=System,"+testdomain.BaseDN, "one", "(cn=AppCategories)", "cn")
			cats := ldb(t, d, "CN=Default Domain Policy,CN=System,"+testdomain.BaseDN, "sub", "(objectClass=categoryRegistration)", "localizedDescription")
			if err != nil {
				if len(conts) != 0 || len(cats) != 0 {
					t.Fatalf("%s: failed (%v) and left %d container(s), %d categories", what, err, len(conts), len(cats))
				}
				return
			}
			if len(conts) != 1 || len(cats) != 1 || cats[0]["localizeddescription"][0] != name {
				t.Fatalf("%s: success but container %v, categories %v", what, conts, cats)
			}
		})
	})

	t.Run("set on a package", func(t *testing.T) {
		unc, local := publishMSI(t, d, observer, "MIKO CTI 4.9.226", "FaultCategories")
		p, cat, err := observer.CategoryPlan(ctx, "Fault set")
		mustApply(t, p, err)
		defer removeCategories(t, observer, cat.ID)
		// One GPO for every round: prepare takes the category off
		// again (without faults) and notes the state to compare with.
		g := newGPO(t, observer, "SI category fault")
		defer func() {
			p, _, err := observer.s.DeletePlan(ctx, g.GUID)
			mustApply(t, p, err)
		}()
		p, _, err = observer.AddPlan(ctx, AddRequest{GPO: g.GUID, Half: gpo.Computer, MSIPath: unc, LocalMSI: local, Options: DefaultOptions(false)})
		mustApply(t, p, err)
		var before gpoState
		faultSweep(t, d, func() {
			p, _, err := observer.SetCategoriesPlan(ctx, g.GUID, "MIKO CTI 4.9.226", nil)
			mustApply(t, p, err)
			before = readGPOState(t, d, g)
		}, func(ctx context.Context, st *Store) error {
			p, _, err := st.SetCategoriesPlan(ctx, g.GUID, "MIKO CTI 4.9.226", []string{"Fault set"})
			if err != nil {
				return err
			}
			_, err = p.Apply(ctx)
			return err
		}, func(what string, err error) {
			after := readGPOState(t, d, g)
			if err != nil {
				if diff := before.diff(after); diff != "" {
					t.Fatalf("%s: failed (%v) and left something behind: %s", what, err, diff)
				}
				return
			}
			ps, lerr := observer.List(ctx, g.GUID, false)
			if lerr != nil {
				t.Fatal(lerr)
			}
			var v int64
			if _, err := fmtSscan(before.version, &v); err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprint(v + 1)
			if len(ps) != 1 || !slices.Equal(ps[0].CategoryNames, []string{"Fault set"}) || after.version != want || !strings.Contains(after.gptINI, "Version="+want+"\r\n") {
				t.Fatalf("%s: success but incomplete: %+v, version %s, GPT.INI %q", what, ps, after.version, after.gptINI)
			}
		})
	})
}
