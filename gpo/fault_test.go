//go:build linux

package gpo

import (
	"context"
	"fmt"
	"net"
	"slices"
	"testing"

	"github.com/go-ldap/ldap/v3"

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

// Cut the LDAP or the SMB connection after each message `gpo create
// --link` sends, one k at a time: every run must either succeed completely
// or leave the domain exactly as it was (no orphan object, folder or link),
// and a retry must then succeed.
func TestCreateLinkAllOrNothingUnderFaults(t *testing.T) {
	observer, d := openAdmin(t)
	ctx := context.Background()
	ou := testdomain.OUDN("Archive")
	const name = "fault injection"

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

	run := func() error {
		s, err := Open(ctx, ep)
		if err != nil {
			return err
		}
		defer s.Close()
		p, _, err := s.CreatePlan(ctx, name, CreateOptions{LinkTo: []string{ou}})
		if err != nil {
			return err
		}
		_, err = p.Apply(ctx)
		return err
	}
	// completeAndRemove checks a successful create and takes it away for
	// the next round.
	completeAndRemove := func(k int, proxy string) {
		t.Helper()
		g, err := observer.Show(ctx, name)
		if err != nil {
			t.Fatalf("%s cut at %d: reported success but: %v", proxy, k, err)
		}
		if len(g.Links) != 1 || g.Links[0].Container != ou || g.SysvolVersion == nil || g.VersionMismatch() {
			t.Fatalf("%s cut at %d: success but incomplete: %+v", proxy, k, g)
		}
		p, _, err := observer.DeletePlan(ctx, g.GUID)
		mustApply(t, p, err)
	}

	before := readState(t, observer, ou)
	ldapProxy.Arm(0)
	smbProxy.Arm(0)
	if err := run(); err != nil {
		t.Fatalf("without faults: %v", err)
	}
	total := map[string]int{"ldap": ldapProxy.Chunks(), "smb": smbProxy.Chunks()}
	completeAndRemove(0, "none")
	if diff := before.diff(readState(t, observer, ou)); diff != "" {
		t.Fatalf("create+delete changed the domain: %s", diff)
	}

	outcomes := map[string]int{}
	for _, which := range []string{"ldap", "smb"} {
		cut, other := ldapProxy, smbProxy
		if which == "smb" {
			cut, other = smbProxy, ldapProxy
		}
		for k := 1; k <= total[which]; k++ {
			other.Arm(0)
			cut.Arm(k)
			err := run()
			if cut.Cuts() == 0 {
				// The closing messages (tree disconnect, logoff)
				// vary by a chunk between runs: k was past the end.
				if err != nil {
					t.Fatalf("%s: no cut at %d, yet the run failed: %v", which, k, err)
				}
				outcomes[which+" not reached"]++
				completeAndRemove(k, which)
				continue
			}
			if err == nil {
				outcomes[which+" succeeded anyway"]++
				completeAndRemove(k, which)
				continue
			}
			if diff := before.diff(readState(t, observer, ou)); diff != "" {
				t.Fatalf("%s cut after message %d: failed (%v) and left something behind: %s", which, k, err, diff)
			}
			outcomes[which+" failed clean"]++
			cut.Arm(0)
			if err := run(); err != nil {
				t.Fatalf("%s cut at %d: retry failed: %v", which, k, err)
			}
			completeAndRemove(k, which)
		}
	}
	if diff := before.diff(readState(t, observer, ou)); diff != "" {
		t.Fatalf("domain differs after all rounds: %s", diff)
	}
	t.Logf("messages per run: LDAP %d, SMB %d; outcomes: %v", total["ldap"], total["smb"], outcomes)
}
