//go:build linux

package gpo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/gpo/plan"
	"github.com/ctitui/ctitui/internal/faultproxy"
	"github.com/ctitui/ctitui/internal/testdomain"
)

// domainState is what `gpo create --link` can leave behind: GPO objects,
// SYSVOL folders, and the OU's gPLink.
type domainState struct {
	gpos    []string
	folders []string
	gPLink  string
}

func readState(t *testing.T, s *Session, ou string) domainState {
	t.Helper()
	ctx := context.Background()
	c, err := s.Dir(ctx)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := c.SearchAll(ctx, s.policiesDN(), ldap.ScopeSingleLevel, "(objectClass=groupPolicyContainer)", []string{"cn"})
	if err != nil {
		t.Fatal(err)
	}
	var st domainState
	for _, e := range entries {
		st.gpos = append(st.gpos, e.DN)
	}
	sh, err := s.SysVol(ctx)
	if err != nil {
		t.Fatal(err)
	}
	list, err := sh.ReadDir(ctx, s.policiesRel())
	if err != nil {
		t.Fatal(err)
	}
	for _, fi := range list {
		st.folders = append(st.folders, fi.Name())
	}
	slices.Sort(st.gpos)
	slices.Sort(st.folders)
	if st.gPLink, err = s.readAttr(ctx, ou, "gPLink"); err != nil {
		t.Fatal(err)
	}
	return st
}

func (a domainState) diff(b domainState) string {
	switch {
	case !slices.Equal(a.gpos, b.gpos):
		return fmt.Sprintf("GPO objects %v -> %v", a.gpos, b.gpos)
	case !slices.Equal(a.folders, b.folders):
		return fmt.Sprintf("SYSVOL folders %v -> %v", a.folders, b.folders)
	case a.gPLink != b.gPLink:
		return fmt.Sprintf("gPLink %q -> %q", a.gPLink, b.gPLink)
	}
	return ""
}

// faultRig is a session factory whose LDAP and SMB connections go
// through cutting proxies.
type faultRig struct {
	ldap, smb *faultproxy.Proxy
	ep        Endpoints
}

func newFaultRig(t *testing.T, d *testdomain.Domain) *faultRig {
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
	return &faultRig{ldap: ldapProxy, smb: smbProxy, ep: ep}
}

// run opens a session through the proxies and runs op with it.
func (r *faultRig) run(op func(context.Context, *Session) error) error {
	ctx := context.Background()
	s, err := Open(ctx, r.ep)
	if err != nil {
		return err
	}
	defer s.Close()
	return op(ctx, s)
}

// sweep runs op once without faults to record the messages it sends, then
// once for every chosen k with the LDAP, then the SMB connection cut after
// message k: every class boundary and a seeded sample inside each class
// (faultproxy.Sample; CTITUI_FAULT_EXHAUSTIVE=1 for every k). Before each
// run prepare sets the stage; after it, done is told whether the run failed
// (a cut that k never reached is no failure) and checks the domain. It returns the message counts and how the runs ended.
func (r *faultRig) sweep(t *testing.T, prepare func(), op func(context.Context, *Session) error, done func(k int, which string, err error)) (map[string]int, map[string]int) {
	t.Helper()
	prepare()
	r.ldap.Arm(0)
	r.smb.Arm(0)
	if err := r.run(op); err != nil {
		t.Fatalf("without faults: %v", err)
	}
	total := map[string]int{"ldap": r.ldap.Chunks(), "smb": r.smb.Chunks()}
	traces := map[string][]faultproxy.Chunk{"ldap": r.ldap.Trace(), "smb": r.smb.Trace()}
	done(0, "none", nil)
	sample := faultproxy.SampleFromEnv()
	t.Logf("fault sweep: %s", sample)
	outcomes := map[string]int{}
	for _, which := range []string{"ldap", "smb"} {
		cut, other := r.ldap, r.smb
		if which == "smb" {
			cut, other = r.smb, r.ldap
		}
		points := sample.CutPoints(traces[which])
		outcomes[which+" cut points"] = len(points)
		for _, k := range points {
			prepare()
			other.Arm(0)
			cut.Arm(k)
			err := r.run(op)
			cuts := cut.Cuts()
			cut.Arm(0)
			switch {
			case cuts == 0 && err != nil:
				t.Fatalf("%s: no cut at %d, yet the run failed: %v", which, k, err)
			case cuts == 0:
				// The closing messages (tree disconnect, logoff)
				// vary by one between runs: k was past the end.
				outcomes[which+" not reached"]++
			case err == nil:
				outcomes[which+" succeeded anyway"]++
			default:
				outcomes[which+" failed clean"]++
			}
			done(k, which, err)
		}
	}
	return total, outcomes
}

// Cut the LDAP or the SMB connection after each message `gpo create
// --link` sends, one k at a time: every run must either succeed completely
// or leave the domain exactly as it was (no orphan object, folder or link),
// and a retry must then succeed.
func TestCreateLinkAllOrNothingUnderFaults(t *testing.T) {
	observer, d := openAdmin(t)
	ctx := context.Background()
	ou := testdomain.OUDN("Archive")
	const name = "fault injection"
	rig := newFaultRig(t, d)
	create := func(ctx context.Context, s *Session) error {
		p, _, err := s.CreatePlan(ctx, name, CreateOptions{LinkTo: []string{ou}})
		if err != nil {
			return err
		}
		_, err = p.Apply(ctx)
		return err
	}
	// completeAndRemove checks a successful create and takes it away for
	// the next round.
	completeAndRemove := func(k int, which string) {
		t.Helper()
		g, err := observer.Show(ctx, name)
		if err != nil {
			t.Fatalf("%s cut at %d: reported success but: %v", which, k, err)
		}
		if len(g.Links) != 1 || g.Links[0].Container != ou || g.SysvolVersion == nil || g.VersionMismatch() {
			t.Fatalf("%s cut at %d: success but incomplete: %+v", which, k, g)
		}
		p, _, err := observer.DeletePlan(ctx, g.GUID)
		mustApply(t, p, err)
	}
	before := readState(t, observer, ou)
	total, outcomes := rig.sweep(t, func() {}, create, func(k int, which string, err error) {
		if err == nil {
			completeAndRemove(k, which)
			return
		}
		if diff := before.diff(readState(t, observer, ou)); diff != "" {
			t.Fatalf("%s cut after message %d: failed (%v) and left something behind: %s", which, k, err, diff)
		}
		if err := rig.run(create); err != nil {
			t.Fatalf("%s cut at %d: retry failed: %v", which, k, err)
		}
		completeAndRemove(k, which)
	})
	if diff := before.diff(readState(t, observer, ou)); diff != "" {
		t.Fatalf("domain differs after all rounds: %s", diff)
	}
	t.Logf("gpo create --link: messages per run: LDAP %d, SMB %d; outcomes: %v", total["ldap"], total["smb"], outcomes)
}

// `gpo delete` under the same faults: the GPO is either gone completely
// (object, folder, links) or still whole, and a retry deletes it.
func TestDeleteAllOrNothingUnderFaults(t *testing.T) {
	observer, d := openAdmin(t)
	ctx := context.Background()
	ou := testdomain.OUDN("Lab, R&D + QA")
	const name = "fault injection delete"
	rig := newFaultRig(t, d)
	before := readState(t, observer, ou)
	domainLinks := getlinkGUIDs(t, d, testdomain.BaseDN)
	prepare := func() { createGPO(t, observer, name, ou, testdomain.BaseDN) }
	del := func(ctx context.Context, s *Session) error {
		p, _, err := s.DeletePlan(ctx, name)
		if err != nil {
			return err
		}
		_, err = p.Apply(ctx)
		return err
	}
	total, outcomes := rig.sweep(t, prepare, del, func(k int, which string, err error) {
		if err != nil {
			g, serr := observer.Show(ctx, name)
			if serr != nil {
				t.Fatalf("%s cut at %d: failed (%v), and the GPO is no longer whole: %v", which, k, err, serr)
			}
			if len(g.Links) != 2 || g.SysvolVersion == nil {
				t.Fatalf("%s cut at %d: failed (%v) and left a broken GPO: %+v", which, k, err, g)
			}
			if err := rig.run(del); err != nil {
				t.Fatalf("%s cut at %d: retry failed: %v", which, k, err)
			}
		}
		if diff := before.diff(readState(t, observer, ou)); diff != "" {
			t.Fatalf("%s cut at %d: deleted, but: %s", which, k, diff)
		}
		if got := getlinkGUIDs(t, d, testdomain.BaseDN); !slices.Equal(got, domainLinks) {
			t.Fatalf("%s cut at %d: domain links %v, want %v", which, k, got, domainLinks)
		}
	})
	t.Logf("gpo delete: messages per run: LDAP %d, SMB %d; outcomes: %v", total["ldap"], total["smb"], outcomes)
}

// mirrored reports whether the GPO's SYSVOL folder carries the ACL its
// directory object's descriptor maps to (what samba-tool gpo aclcheck
// checks), returning both in SDDL when not.
func mirrored(t *testing.T, s *Session, guid string) (bool, string) {
	t.Helper()
	ctx := context.Background()
	c, err := s.Dir(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ds, _, err := c.ReadSecurityDescriptor(ctx, s.gpoDN(guid), ownerGroupDACL)
	if err != nil {
		t.Fatal(err)
	}
	want, err := FolderSD(ds)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := s.SysVol(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := sh.Security(ctx, s.gpoRel(guid))
	if err != nil {
		t.Fatal(err)
	}
	w, g := want.SDDL(s.DomainSID()), got.SDDL(s.DomainSID())
	return w == g, "folder " + g + "\nwant   " + w
}

// `gpo filter --only` under the same faults: the directory DACL and the
// SYSVOL ACL change together or not at all.
func TestFilterAllOrNothingUnderFaults(t *testing.T) {
	observer, d := openAdmin(t)
	ctx := context.Background()
	c := createGPO(t, observer, "fault injection filter")
	rig := newFaultRig(t, d)
	prepare := func() {
		p, err := observer.FilterPlan(ctx, c.GUID, FilterChange{Add: []string{"Authenticated Users"}, Remove: []string{"MikoCTI_Computers"}})
		mustApply(t, p, err)
	}
	var last string
	only := func(ctx context.Context, s *Session) error {
		p, err := s.FilterPlan(ctx, c.GUID, FilterChange{Only: "MikoCTI_Computers"})
		if err != nil {
			last = "plan: " + err.Error()
			return err
		}
		rep, err := p.Apply(ctx)
		last = fmt.Sprintf("%d steps, notes %v, report %+v", len(p.Steps), p.Notes, rep)
		return err
	}
	total, outcomes := rig.sweep(t, prepare, only, func(k int, which string, err error) {
		g, serr := observer.Show(ctx, c.GUID)
		if serr != nil {
			t.Fatal(serr)
		}
		want := []string{"MikoCTI_Computers"}
		if err != nil {
			want = []string{"Authenticated Users"}
		}
		if got := g.AppliesTo(); !slices.Equal(got, want) {
			t.Fatalf("%s cut at %d (err %v): applies to %v, want %v", which, k, err, got, want)
		}
		if ok, sddl := mirrored(t, observer, c.GUID); !ok {
			t.Fatalf("%s cut at %d (err %v): SYSVOL and directory disagree:\n%s\nlast run: %s", which, k, err, sddl, last)
		}
	})
	t.Logf("gpo filter --only: messages per run: LDAP %d, SMB %d; outcomes: %v", total["ldap"], total["smb"], outcomes)
}

// `gpo bump` under the same faults. A cut right after the modify of
// versionNumber went out loses the reply although the DC made the
// change: the undo must see that (by reading the value back) and take
// the increment back, so that a failed run leaves the version as it was
// in the directory and in GPT.INI, and a run that succeeds adds exactly
// one.
func TestBumpAllOrNothingUnderFaults(t *testing.T) {
	observer, d := openAdmin(t)
	ctx := context.Background()
	c := createGPO(t, observer, "fault injection bump")
	rig := newFaultRig(t, d)
	versions := func() (Version, Version) {
		t.Helper()
		g, err := observer.Show(ctx, c.GUID)
		if err != nil {
			t.Fatal(err)
		}
		if g.SysvolVersion == nil {
			t.Fatalf("GPT.INI unreadable: %s", g.SysvolError)
		}
		return g.Version, *g.SysvolVersion
	}
	var before Version
	prepare := func() {
		dir, sysvol := versions()
		if dir != sysvol {
			t.Fatalf("before a run: directory %v, GPT.INI %v", dir, sysvol)
		}
		before = dir
	}
	bump := func(ctx context.Context, s *Session) error {
		_, err := s.BumpVersion(ctx, c.GUID, Computer)
		return err
	}
	modifyFailed := 0
	total, outcomes := rig.sweep(t, prepare, bump, func(k int, which string, err error) {
		dir, sysvol := versions()
		want := before.Bump(Computer)
		if err != nil {
			want = before
			if pe, ok := plan.AsError(err); ok && len(pe.Report.RollbackErrors) > 0 {
				t.Fatalf("%s cut at %d: rollback errors: %v", which, k, pe.Report.RollbackErrors)
			}
			if pe, ok := plan.AsError(err); ok && which == "ldap" && strings.HasPrefix(pe.Report.Failed, "ldap modify") {
				modifyFailed++
			}
		}
		if dir != want || sysvol != want {
			t.Fatalf("%s cut at %d (err %v): directory %v, GPT.INI %v, want both %v", which, k, err, dir, sysvol, want)
		}
	})
	if modifyFailed == 0 {
		t.Fatalf("no cut made the version modify itself fail; outcomes %v", outcomes)
	}
	t.Logf("gpo bump: messages per run: LDAP %d, SMB %d; outcomes: %v; cuts that failed the modify step: %d", total["ldap"], total["smb"], outcomes, modifyFailed)
}
