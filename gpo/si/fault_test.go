//go:build linux

package si

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/internal/faultproxy"
	"github.com/ctitui/ctitui/internal/testdomain"
)

// gpoState is what adding a package may change in one GPO: objects under
// the GPO, its version and extension names, its SYSVOL files.
type gpoState struct {
	objects []string
	// packages are the packages' changeable attributes, one line each.
	packages []string
	version  string
	ext      string
	files    []string
	gptINI   string
}

func readGPOState(t *testing.T, d *testdomain.Domain, g gpo.GPO) gpoState {
	t.Helper()
	var st gpoState
	// One ldbsearch for the whole GPO subtree (each loads the whole
	// directory stack, about 0.3 s of CPU): objects, packages, the GPO.
	packageAttrs := []string{"revision", "packageFlags", "msiScriptName", "lastUpdateSequence", "canUpgradeScript", "msiScriptSize", "versionNumberLo", "categories"}
	for _, o := range ldb(t, d, g.DN, "sub", "(objectClass=*)",
		append([]string{"dn", "objectClass", "versionNumber", "gPCMachineExtensionNames"}, packageAttrs...)...) {
		dn := strings.ToLower(o["dn"][0])
		st.objects = append(st.objects, dn)
		switch {
		case dn == strings.ToLower(g.DN):
			st.version = strings.Join(o["versionnumber"], "")
			st.ext = strings.Join(o["gpcmachineextensionnames"], "")
		case slices.Contains(o["objectclass"], "packageRegistration"):
			pkg := map[string][]string{"dn": o["dn"]}
			for _, a := range packageAttrs {
				if v, ok := o[strings.ToLower(a)]; ok {
					pkg[strings.ToLower(a)] = v
				}
			}
			st.packages = append(st.packages, fmt.Sprint(pkg))
		}
	}
	root := filepath.Join(d.Dir, "state", "sysvol", testdomain.DNSDomain, "Policies", g.GUID)
	filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err == nil {
			entry := strings.TrimPrefix(path, root)
			if !info.IsDir() {
				b, _ := os.ReadFile(path)
				entry += fmt.Sprintf(" sha256:%x", sha256.Sum256(b))
			}
			st.files = append(st.files, entry)
		}
		return nil
	})
	b, _ := os.ReadFile(filepath.Join(root, "GPT.INI"))
	st.gptINI = string(b)
	slices.Sort(st.objects)
	slices.Sort(st.packages)
	slices.Sort(st.files)
	return st
}

func (a gpoState) diff(b gpoState) string {
	switch {
	case !slices.Equal(a.objects, b.objects):
		return fmt.Sprintf("objects %v -> %v", a.objects, b.objects)
	case !slices.Equal(a.packages, b.packages):
		return fmt.Sprintf("packages %v -> %v", a.packages, b.packages)
	case a.version != b.version:
		return fmt.Sprintf("versionNumber %s -> %s", a.version, b.version)
	case a.ext != b.ext:
		return fmt.Sprintf("gPCMachineExtensionNames %q -> %q", a.ext, b.ext)
	case !slices.Equal(a.files, b.files):
		return fmt.Sprintf("SYSVOL files %v -> %v", a.files, b.files)
	case a.gptINI != b.gptINI:
		return fmt.Sprintf("GPT.INI %q -> %q", a.gptINI, b.gptINI)
	}
	return ""
}

// Cut the LDAP or the SMB connection after each message `pkg add` sends,
// one k at a time, each time on a fresh GPO: every run must either succeed
// completely or leave the GPO exactly as it was (no class store, package
// object, script, extension name or version change), and a retry must then
// succeed.
func TestAddAllOrNothingUnderFaults(t *testing.T) {
	t.Parallel() // its own GPOs and proxies: runs beside the lifecycle sweeps
	observer, d := openStore(t)
	ctx := context.Background()
	unc, local := publishMSI(t, d, observer, "MIKO CTI 4.9.226", "Fault")

	ep, ldapProxy, smbProxy := faultyEndpoints(t, d)

	run := func(g gpo.GPO) error {
		s, err := gpo.Open(ctx, ep)
		if err != nil {
			return err
		}
		defer s.Close()
		p, _, err := New(s).AddPlan(ctx, AddRequest{GPO: g.GUID, Half: gpo.Computer, MSIPath: unc, LocalMSI: local, Options: DefaultOptions(false)})
		if err != nil {
			return err
		}
		_, err = p.Apply(ctx)
		return err
	}
	complete := func(g gpo.GPO, round string) {
		t.Helper()
		ps, err := observer.List(ctx, g.GUID, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 1 || !*ps[0].ScriptReachable || !*ps[0].MSIReachable {
			t.Fatalf("%s: success but incomplete: %+v", round, ps)
		}
		st := readGPOState(t, d, g)
		if st.version != "1" || !strings.Contains(st.ext, gpo.CSESoftwareInstallation) || !strings.Contains(st.gptINI, "Version=1") {
			t.Fatalf("%s: success but the GPO is not bumped: %+v", round, st)
		}
	}

	round := 0
	fresh := func() gpo.GPO {
		round++
		return newGPO(t, observer, fmt.Sprintf("SI fault %d", round))
	}
	ldapProxy.Arm(0)
	smbProxy.Arm(0)
	g := fresh()
	if err := run(g); err != nil {
		t.Fatalf("without faults: %v", err)
	}
	total := map[string]int{"ldap": ldapProxy.Chunks(), "smb": smbProxy.Chunks()}
	traces := map[string][]faultproxy.Chunk{"ldap": ldapProxy.Trace(), "smb": smbProxy.Trace()}
	complete(g, "no fault")

	sample := faultproxy.SampleFromEnv()
	t.Logf("fault sweep: %s", sample)
	outcomes := map[string]int{}
	for _, which := range []string{"ldap", "smb"} {
		cut, other := ldapProxy, smbProxy
		if which == "smb" {
			cut, other = smbProxy, ldapProxy
		}
		points := sample.CutPoints(traces[which])
		retries := sample.Retries(points)
		outcomes[which+" cut points"] = len(points)
		// A GPO a clean failure left as it was serves the next cut point.
		var g gpo.GPO
		var before gpoState
		reuse := false
		for _, k := range points {
			if !reuse {
				g = fresh()
				before = readGPOState(t, d, g)
			}
			reuse = false
			other.Arm(0)
			cut.Arm(k)
			err := run(g)
			name := fmt.Sprintf("%s cut after message %d of %d", which, k, total[which])
			if cut.Cuts() == 0 {
				// TLS and SMB clients may write two messages in one
				// segment, so a run can carry fewer chunks than the first;
				// then the cut point was never reached and the run must
				// simply have succeeded.
				if err != nil {
					t.Fatalf("%s: no cut happened, yet the run failed: %v", name, err)
				}
				outcomes[which+" cut point not reached"]++
				complete(g, name)
				continue
			}
			if err == nil {
				outcomes[which+" succeeded anyway"]++
				complete(g, name)
				continue
			}
			if diff := before.diff(readGPOState(t, d, g)); diff != "" {
				t.Fatalf("%s: failed (%v) and left something behind: %s", name, err, diff)
			}
			outcomes[which+" failed clean"]++
			if !retries[k] {
				reuse = true
				continue
			}
			outcomes[which+" retried"]++
			cut.Arm(0)
			if err := run(g); err != nil {
				t.Fatalf("%s: retry failed: %v", name, err)
			}
			complete(g, name+", retried")
		}
	}
	t.Logf("messages per run: LDAP %d, SMB %d; outcomes: %v", total["ldap"], total["smb"], outcomes)
}

// The same cuts for redeploy, remove and upgrade of a package that exists
// before the run (set up without faults on a fresh GPO each round).
func TestLifecycleAllOrNothingUnderFaults(t *testing.T) {
	t.Parallel() // its own GPOs and proxies: runs beside the add sweep
	observer, d := openStore(t)
	ctx := context.Background()
	unc226, local226 := publishMSI(t, d, observer, "MIKO CTI 4.9.226", "FaultLife")
	unc241, local241 := publishMSI(t, d, observer, "MIKO CTI 4.9.241", "FaultLife")

	ops := []struct {
		name string
		run  func(st *Store, g gpo.GPO) error
		// done checks a successful run from the observer's side.
		done func(ps []Package) bool
	}{
		{"redeploy", func(st *Store, g gpo.GPO) error {
			p, _, err := st.RedeployPlan(ctx, g.GUID, "MIKO CTI 4.9.226")
			if err != nil {
				return err
			}
			_, err = p.Apply(ctx)
			return err
		}, func(ps []Package) bool { return len(ps) == 1 && ps[0].Revision == 1 }},
		{"remove", func(st *Store, g gpo.GPO) error {
			p, _, err := st.RemovePlan(ctx, g.GUID, "MIKO CTI 4.9.226", RemoveUninstall)
			if err != nil {
				return err
			}
			_, err = p.Apply(ctx)
			return err
		}, func(ps []Package) bool {
			return len(ps) == 1 && ps[0].State == StateRemoving && ps[0].ScriptName == "R"
		}},
		{"upgrade", func(st *Store, g gpo.GPO) error {
			p, _, err := st.UpgradePlan(ctx, AddRequest{GPO: g.GUID, Half: gpo.Computer, MSIPath: unc241, LocalMSI: local241, Options: DefaultOptions(false)},
				UpgradeOf{Package: "MIKO CTI 4.9.226"})
			if err != nil {
				return err
			}
			_, err = p.Apply(ctx)
			return err
		}, func(ps []Package) bool {
			return len(ps) == 2 && len(ps[0].Upgrades) == 1 && len(ps[1].Upgrades) == 1
		}},
	}
	fresh := func(t *testing.T, op string, round *int) gpo.GPO {
		*round++
		g := newGPO(t, observer, fmt.Sprintf("SI %s fault %d", op, *round))
		p, _, err := observer.AddPlan(ctx, AddRequest{GPO: g.GUID, Half: gpo.Computer, MSIPath: unc226, LocalMSI: local226, Options: DefaultOptions(false)})
		mustApply(t, p, err)
		g, err = observer.s.Find(ctx, g.GUID)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	run := func(ep gpo.Endpoints, op func(*Store, gpo.GPO) error, g gpo.GPO) error {
		s, err := gpo.Open(ctx, ep)
		if err != nil {
			return err
		}
		defer s.Close()
		return op(New(s), g)
	}
	complete := func(t *testing.T, g gpo.GPO, done func([]Package) bool, what string) {
		t.Helper()
		ps, err := observer.List(ctx, g.GUID, true)
		if err != nil {
			t.Fatal(err)
		}
		if !done(ps) {
			t.Fatalf("%s: success but not done: %+v", what, ps)
		}
		for _, p := range ps {
			if !*p.ScriptReachable {
				t.Fatalf("%s: script of %s unreadable: %s", what, p.Name, p.ReachError)
			}
		}
		if st := readGPOState(t, d, g); st.version != "2" || !strings.Contains(st.gptINI, "Version=2") {
			t.Fatalf("%s: the GPO is not bumped once more: %+v", what, st)
		}
	}
	sample := faultproxy.SampleFromEnv()
	t.Logf("fault sweep: %s", sample)
	for _, op := range ops {
		// Each operation on its own GPOs through its own proxies, beside
		// the others: the sweeps are mostly waiting for the DC.
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			ep, ldapProxy, smbProxy := faultyEndpoints(t, d)
			round := 0
			g := fresh(t, op.name, &round)
			ldapProxy.Arm(0)
			smbProxy.Arm(0)
			if err := run(ep, op.run, g); err != nil {
				t.Fatalf("%s without faults: %v", op.name, err)
			}
			traces := map[string][]faultproxy.Chunk{"ldap": ldapProxy.Trace(), "smb": smbProxy.Trace()}
			complete(t, g, op.done, op.name+" without faults")
			outcomes := map[string]int{}
			for _, which := range []string{"ldap", "smb"} {
				cut, other := ldapProxy, smbProxy
				if which == "smb" {
					cut, other = smbProxy, ldapProxy
				}
				points := sample.CutPoints(traces[which])
				retries := sample.Retries(points)
				outcomes[which+" cut points"] = len(points)
				// A GPO a clean failure left as it was serves the next
				// cut point.
				var g gpo.GPO
				var before gpoState
				reuse := false
				for _, k := range points {
					if !reuse {
						g = fresh(t, op.name, &round)
						before = readGPOState(t, d, g)
					}
					reuse = false
					other.Arm(0)
					cut.Arm(k)
					err := run(ep, op.run, g)
					name := fmt.Sprintf("%s: %s cut after message %d of %d", op.name, which, k, len(traces[which]))
					switch {
					case cut.Cuts() == 0 && err != nil:
						t.Fatalf("%s: no cut happened, yet the run failed: %v", name, err)
					case cut.Cuts() == 0:
						outcomes[which+" cut point not reached"]++
						complete(t, g, op.done, name)
						continue
					case err == nil:
						outcomes[which+" succeeded anyway"]++
						complete(t, g, op.done, name)
						continue
					}
					if diff := before.diff(readGPOState(t, d, g)); diff != "" {
						t.Fatalf("%s: failed (%v) and left something behind: %s", name, err, diff)
					}
					outcomes[which+" failed clean"]++
					if !retries[k] {
						reuse = true
						continue
					}
					outcomes[which+" retried"]++
					cut.Arm(0)
					if err := run(ep, op.run, g); err != nil {
						t.Fatalf("%s: retry failed: %v", name, err)
					}
					complete(t, g, op.done, name+", retried")
				}
			}
			t.Logf("%s: messages per run: LDAP %d, SMB %d; outcomes: %v", op.name, len(traces["ldap"]), len(traces["smb"]), outcomes)
		})
	}
}

// faultyEndpoints are the administrator's endpoints with LDAP (LDAPS) and
// SMB going through fault proxies, closed when the test ends.
func faultyEndpoints(t *testing.T, d *testdomain.Domain) (gpo.Endpoints, *faultproxy.Proxy, *faultproxy.Proxy) {
	t.Helper()
	ldapProxy, smbProxy, err := d.StartFaultProxies()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ldapProxy.Close(); smbProxy.Close() })
	ep := adminEndpoints(d)
	ep.LDAP.DC = ldapProxy.Addr()
	ep.SMBHost = d.IP
	ep.SMB.Port = smbProxy.Port()
	return ep, ldapProxy, smbProxy
}
