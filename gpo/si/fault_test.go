//go:build linux

package si

import (
	"context"
	"fmt"
	"net"
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
	version string
	ext     string
	files   []string
	gptINI  string
}

func readGPOState(t *testing.T, d *testdomain.Domain, g gpo.GPO) gpoState {
	t.Helper()
	var st gpoState
	for _, o := range ldb(t, d, g.DN, "sub", "(objectClass=*)", "dn") {
		st.objects = append(st.objects, strings.ToLower(o["dn"][0]))
	}
	gp := one(t, ldb(t, d, g.DN, "base", "(objectClass=*)", "versionNumber", "gPCMachineExtensionNames"), "GPO")
	st.version = strings.Join(gp["versionnumber"], "")
	st.ext = strings.Join(gp["gpcmachineextensionnames"], "")
	root := filepath.Join(d.Dir, "state", "sysvol", testdomain.DNSDomain, "Policies", g.GUID)
	filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err == nil {
			st.files = append(st.files, strings.TrimPrefix(path, root))
		}
		return nil
	})
	b, _ := os.ReadFile(filepath.Join(root, "GPT.INI"))
	st.gptINI = string(b)
	slices.Sort(st.objects)
	slices.Sort(st.files)
	return st
}

func (a gpoState) diff(b gpoState) string {
	switch {
	case !slices.Equal(a.objects, b.objects):
		return fmt.Sprintf("objects %v -> %v", a.objects, b.objects)
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
	observer, d := openStore(t)
	ctx := context.Background()
	unc, local := publishMSI(t, d, observer, "MIKO CTI 4.9.226", "Fault")

	ldapProxy, err := faultproxy.Start(d.IP, net.JoinHostPort(d.IP, "636"))
	if err != nil {
		t.Fatal(err)
	}
	defer ldapProxy.Close()
	smbProxy, err := faultproxy.Start(d.IP, net.JoinHostPort(d.IP, "445"))
	if err != nil {
		t.Fatal(err)
	}
	defer smbProxy.Close()
	ep := adminEndpoints(d)
	ep.LDAP.DC = ldapProxy.Addr()
	ep.SMBHost = d.IP
	ep.SMB.Port = smbProxy.Port()

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
	complete(g, "no fault")

	outcomes := map[string]int{}
	for _, which := range []string{"ldap", "smb"} {
		cut, other := ldapProxy, smbProxy
		if which == "smb" {
			cut, other = smbProxy, ldapProxy
		}
		for k := 1; k <= total[which]; k++ {
			g := fresh()
			before := readGPOState(t, d, g)
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
			cut.Arm(0)
			if err := run(g); err != nil {
				t.Fatalf("%s: retry failed: %v", name, err)
			}
			complete(g, name+", retried")
		}
	}
	t.Logf("messages per run: LDAP %d, SMB %d; outcomes: %v", total["ldap"], total["smb"], outcomes)
}
