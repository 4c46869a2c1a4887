//go:build linux

package deploy

import (
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

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/si"
	"github.com/ctitui/ctitui/internal/faultproxy"
	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

var dom *testdomain.Domain

func TestMain(m *testing.M) { os.Exit(testdomain.Run(m, &dom)) }

func endpoints(d *testdomain.Domain) gpo.Endpoints {
	return gpo.Endpoints{LDAP: domain.Config{
		Domain: testdomain.DNSDomain, DC: d.IP, User: testdomain.AdminUPN,
		Password: d.Password(), CAFile: d.CAFile,
	}}
}

// dnsUnder lists the DNs under base with ldbsearch (not our LDAP code).
func dnsUnder(t *testing.T, d *testdomain.Domain, base, scope, filter string, attrs ...string) []string {
	t.Helper()
	args := append([]string{"-H", filepath.Join(d.Dir, "private", "sam.ldb"), "-b", base, "-s", scope, filter}, attrs...)
	cmd := exec.Command("ldbsearch", args...)
	cmd.Env = d.ToolEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ldbsearch: %v\n%s", err, out)
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "ref:") {
			lines = append(lines, l)
		}
	}
	slices.Sort(lines)
	return lines
}

// domainState is what a deploy may change.
type domainState struct {
	policies, wmi, link, groups, files []string
}

func readState(t *testing.T, d *testdomain.Domain, ou string) domainState {
	t.Helper()
	return readStateWith(t, d, ou, func(base, scope, filter string, attrs ...string) []string {
		return dnsUnder(t, d, base, scope, filter, attrs...)
	})
}

// under lists, sorted, the "dn: " and "attribute: value" lines of the
// entries below base (scope "sub", "one" or "base").
type under func(base, scope, filter string, attrs ...string) []string

// ldapUnder is dnsUnder through the fixture's own LDAP client (go-ldap
// over LDAPS, no ctitui code): a fault sweep reads the state twice a
// round, and each ldbsearch loads the whole directory stack (about 0.2 s,
// four of them a read). The other tests of the package read with
// ldbsearch, from the database files.
func ldapUnder(t *testing.T, c *ldap.Conn) under {
	scopes := map[string]int{"sub": ldap.ScopeWholeSubtree, "one": ldap.ScopeSingleLevel, "base": ldap.ScopeBaseObject}
	return func(base, scope, filter string, attrs ...string) []string {
		t.Helper()
		var want []string
		for _, a := range attrs {
			if !strings.EqualFold(a, "dn") {
				want = append(want, a)
			}
		}
		res, err := c.Search(ldap.NewSearchRequest(base, scopes[scope], ldap.NeverDerefAliases, 0, 0, false, filter, want, nil))
		if err != nil {
			t.Fatalf("LDAP search %s (%s): %v", base, filter, err)
		}
		var lines []string
		for _, e := range res.Entries {
			lines = append(lines, "dn: "+e.DN)
			for _, a := range e.Attributes {
				for _, v := range a.Values {
					lines = append(lines, strings.ToLower(a.Name)+": "+v)
				}
			}
		}
		slices.Sort(lines)
		return lines
	}
}

func readStateWith(t *testing.T, d *testdomain.Domain, ou string, list under) domainState {
	t.Helper()
	var st domainState
	st.policies = list("CN=Policies,CN=System,"+testdomain.BaseDN, "sub", "(objectClass=*)", "dn", "versionNumber", "packageFlags", "gPCWQLFilter")
	st.wmi = list("CN=SOM,CN=WMIPolicy,CN=System,"+testdomain.BaseDN, "one", "(objectClass=msWMI-Som)", "dn")
	st.link = list(ou, "base", "(objectClass=*)", "gPLink")
	st.groups = list(testdomain.OUDN("Groups"), "one", "(objectClass=group)", "dn", "member")
	for _, root := range []string{d.DistribDir, filepath.Join(d.Dir, "state", "sysvol", testdomain.DNSDomain, "Policies")} {
		filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
			if err == nil {
				st.files = append(st.files, path)
			}
			return nil
		})
	}
	slices.Sort(st.files)
	return st
}

func (a domainState) diff(b domainState) string {
	switch {
	case !slices.Equal(a.policies, b.policies):
		return fmt.Sprintf("policies %v -> %v", a.policies, b.policies)
	case !slices.Equal(a.wmi, b.wmi):
		return fmt.Sprintf("WMI filters %v -> %v", a.wmi, b.wmi)
	case !slices.Equal(a.link, b.link):
		return fmt.Sprintf("gPLink %v -> %v", a.link, b.link)
	case !slices.Equal(a.groups, b.groups):
		return fmt.Sprintf("groups %v -> %v", a.groups, b.groups)
	case !slices.Equal(a.files, b.files):
		return fmt.Sprintf("files %v -> %v", a.files, b.files)
	}
	return ""
}

// Cut the LDAP or the SMB connection after each message of a whole
// deploy (upload, GPO, link, package, a new filtering group with two
// computers, filtering to it and to an existing group, WMI filter), a
// fresh GPO name, group name and folder each round: every run either succeeds completely or
// leaves the domain and the shares as they were, and a retry succeeds;
// a second run after success changes nothing.
func TestDeployAllOrNothingUnderFaults(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
	defer cancel()
	local := testmsi.Build(t, "MIKO CTI 4.9.226")
	ou := testdomain.OUDN("Archive")

	ldapProxy, smbProxy, err := d.StartFaultProxies()
	if err != nil {
		t.Fatal(err)
	}
	defer ldapProxy.Close()
	defer smbProxy.Close()
	ep := endpoints(d)
	ep.LDAP.DC = ldapProxy.Addr()
	ep.SMBHost = d.IP
	ep.SMB.Port = smbProxy.Port()

	req := func(round int) Request {
		return Request{LocalMSI: local, Folder: fmt.Sprintf(`\\%s\%s\deploy-%d`, d.IP, testdomain.DistribShare, round),
			OU: ou, GPOName: fmt.Sprintf("deploy fault %d", round), Groups: []string{"MikoCTI_Computers"}, WMI: "win10",
			Half: gpo.Computer, Options: si.DefaultOptions(false),
			NewGroup: &NewGroup{NewGroupSpec: gpo.NewGroupSpec{Name: fmt.Sprintf("deploy_fault_%d", round), OU: testdomain.OUDN("Groups")},
				Computers: []string{"MSK-PC06", "MSK-PC07$"}}}
	}
	run := func(r Request) (bool, error) {
		s, err := gpo.Open(ctx, ep)
		if err != nil {
			return false, err
		}
		defer s.Close()
		p, _, err := Plan(ctx, si.New(s), r)
		if err != nil {
			return false, err
		}
		_, err = p.Apply(ctx)
		return p.Empty(), err
	}
	complete := func(r Request, what string) {
		t.Helper()
		s, err := gpo.Open(ctx, endpoints(d))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		g, err := s.Show(ctx, r.GPOName)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		ps, err := si.New(s).List(ctx, g.GUID, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Links) != 1 || g.WMIFilter == "" || len(ps) != 1 || !*ps[0].MSIReachable || !*ps[0].ScriptReachable ||
			!slices.Equal(g.AppliesTo(), []string{"MikoCTI_Computers", r.NewGroup.Name}) {
			t.Fatalf("%s: success but incomplete: GPO %+v, packages %+v", what, g, ps)
		}
		var members []string
		for _, l := range dnsUnder(t, d, "CN="+r.NewGroup.Name+","+testdomain.OUDN("Groups"), "base", "(objectClass=group)", "member") {
			if strings.HasPrefix(l, "member: ") {
				members = append(members, l)
			}
		}
		if len(members) != 2 || !strings.Contains(members[0], "MSK-PC06") || !strings.Contains(members[1], "MSK-PC07") {
			t.Fatalf("%s: new group's members %v", what, members)
		}
	}

	round := 0
	ldapProxy.Arm(0)
	smbProxy.Arm(0)
	round++
	first := req(round)
	if _, err := run(first); err != nil {
		t.Fatalf("without faults: %v", err)
	}
	total := map[string]int{"ldap": ldapProxy.Chunks(), "smb": smbProxy.Chunks()}
	traces := map[string][]faultproxy.Chunk{"ldap": ldapProxy.Trace(), "smb": smbProxy.Trace()}
	complete(first, "no fault")
	// Run again: the group now exists, so it is named as an existing one
	// (a new group of a name in use is refused, see below).
	again := first
	again.Groups = append([]string{first.NewGroup.Name}, first.Groups...)
	again.NewGroup = nil
	if empty, err := run(again); err != nil || !empty {
		t.Fatalf("second run: empty plan %v, %v", empty, err)
	}
	if _, err := run(first); !errors.As(err, new(*gpo.GroupExistsError)) {
		t.Fatalf("second run with the same new group: %v", err)
	}

	// Each round's states are read over LDAP (ldapUnder): compared with
	// each other only, so the two readers' formats never meet.
	lc, err := d.DialLDAP(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Close()
	viaLDAP := ldapUnder(t, lc)

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
		// After a clean failure the domain is as it was: the next cut
		// point deploys the same request from the same state.
		var r Request
		var before domainState
		reuse := false
		for _, k := range points {
			if !reuse {
				round++
				r = req(round)
				before = readStateWith(t, d, ou, viaLDAP)
			}
			reuse = false
			other.Arm(0)
			cut.Arm(k)
			_, err := run(r)
			name := fmt.Sprintf("%s cut after message %d of %d", which, k, total[which])
			switch {
			case cut.Cuts() == 0 && err != nil:
				t.Fatalf("%s: no cut happened, yet the run failed: %v", name, err)
			case cut.Cuts() == 0:
				outcomes[which+" cut point not reached"]++
				complete(r, name)
				continue
			case err == nil:
				outcomes[which+" succeeded anyway"]++
				complete(r, name)
				continue
			}
			if diff := before.diff(readStateWith(t, d, ou, viaLDAP)); diff != "" {
				t.Fatalf("%s: failed (%v) and left something behind: %s", name, err, diff)
			}
			outcomes[which+" failed clean"]++
			if !retries[k] {
				reuse = true
				continue
			}
			outcomes[which+" retried"]++
			cut.Arm(0)
			if _, err := run(r); err != nil {
				t.Fatalf("%s: retry failed: %v", name, err)
			}
			complete(r, name+", retried")
		}
	}
	t.Logf("messages per deploy: LDAP %d, SMB %d; outcomes: %v", total["ldap"], total["smb"], outcomes)
}
