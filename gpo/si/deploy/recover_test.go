//go:build linux

package deploy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/plan"
	"github.com/ctitui/ctitui/gpo/si"
	"github.com/ctitui/ctitui/internal/faultproxy"
	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

var errDied = errors.New("the process died here")

// dieAt applies a deploy with a journal and stops it dead when step k
// starts: no rollback, as after kill -9. It returns the journal left.
func dieAt(t *testing.T, ctx context.Context, ep gpo.Endpoints, dir string, r Request, k int) plan.JournalFile {
	t.Helper()
	s, err := gpo.Open(ctx, ep)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, _, err := Plan(ctx, si.New(s), r)
	if err != nil {
		t.Fatal(err)
	}
	if k > len(p.Steps) {
		t.Fatalf("the deploy has %d steps, not %d", len(p.Steps), k)
	}
	p.Steps[k-1].Do = func(context.Context) error { panic(errDied) }
	p.Journal = &plan.FileJournal{Dir: dir, Domain: testdomain.DNSDomain, Command: "deploy"}
	func() {
		defer func() {
			if v := recover(); v != errDied {
				panic(v)
			}
		}()
		p.Apply(ctx)
		t.Fatal("the deploy did not die")
	}()
	js, err := plan.LoadJournals(dir)
	if err != nil || len(js) != 1 {
		t.Fatalf("journals %v, %v", js, err)
	}
	return js[0]
}

// recoverOnce undoes the journal through ep, as ctitui recover does.
func recoverOnce(ctx context.Context, ep gpo.Endpoints, j plan.JournalFile) error {
	s, err := gpo.Open(ctx, ep)
	if err != nil {
		return err
	}
	defer s.Close()
	p, index, err := s.RecoverPlan(j)
	if err != nil {
		return err
	}
	fj, err := plan.Reopen(j)
	if err != nil {
		return err
	}
	p.Journal = plan.RecoveryJournal(fj, index)
	_, err = p.Apply(ctx)
	return err
}

// Recovery is a change like any other: a deploy that died before its
// last step (everything but the link made, the journal left) is undone
// with the LDAP or the SMB connection cut after one message of the
// recovery, sampled across the whole run. A cut recovery leaves the
// journal (with what it did undo marked), and the next recovery, without
// faults, leaves the domain and the share exactly as before the deploy
// and removes the journal.
func TestRecoverAllOrNothingUnderFaults(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	local := testmsi.Build(t, "MIKO CTI 4.9.226")
	ou := testdomain.OUDN("Archive")
	dir := t.TempDir()

	ldapProxy, smbProxy, err := d.StartFaultProxies()
	if err != nil {
		t.Fatal(err)
	}
	defer ldapProxy.Close()
	defer smbProxy.Close()
	faulty := endpoints(d)
	faulty.LDAP.DC = ldapProxy.Addr()
	faulty.SMBHost = d.IP
	faulty.SMB.Port = smbProxy.Port()

	round := 0
	req := func() Request {
		round++
		return Request{LocalMSI: local, Folder: fmt.Sprintf(`\\%s\%s\recover-%d`, d.IP, testdomain.DistribShare, round),
			OU: ou, GPOName: fmt.Sprintf("recover fault %d", round), Groups: []string{"MikoCTI_Computers"}, WMI: "win10",
			Half: gpo.Computer, Options: si.DefaultOptions(false)}
	}
	// The WMI filter of the preset is made by the first deploy and kept:
	// make it before the state is read.
	first := req()
	s, err := gpo.Open(ctx, endpoints(d))
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := Plan(ctx, si.New(s), first)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	steps := len(p.Steps)
	if dp, _, err := s.DeletePlan(ctx, first.GPOName); err != nil {
		t.Fatal(err)
	} else if _, err := dp.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	s.Close()
	os.RemoveAll(d.DistribDir + "/recover-1")

	clean := func(what string, before domainState) {
		t.Helper()
		if diff := before.diff(readState(t, d, ou)); diff != "" {
			t.Fatalf("%s: left behind: %s", what, diff)
		}
		if js, _ := plan.LoadJournals(dir); len(js) != 0 {
			t.Fatalf("%s: journal left: %+v", what, js)
		}
	}

	// Without faults, counting the messages of a recovery.
	before := readState(t, d, ou)
	j := dieAt(t, ctx, endpoints(d), dir, req(), steps)
	if made, _ := j.Progress(); made != steps-1 {
		t.Fatalf("journal: %d steps made of %d", made, steps)
	}
	ldapProxy.Arm(0)
	smbProxy.Arm(0)
	if err := recoverOnce(ctx, faulty, j); err != nil {
		t.Fatalf("recover without faults: %v", err)
	}
	total := map[string]int{"ldap": ldapProxy.Chunks(), "smb": smbProxy.Chunks()}
	traces := map[string][]faultproxy.Chunk{"ldap": ldapProxy.Trace(), "smb": smbProxy.Trace()}
	clean("recover without faults", before)

	// The cut points are the sweeps' own (faultproxy.Sample): every
	// boundary between kinds of messages, a sample inside each run of one
	// kind.
	sample := faultproxy.SampleFromEnv()
	t.Logf("fault sweep: %s", sample)
	outcomes := map[string]int{}
	for _, which := range []string{"ldap", "smb"} {
		cut, other := ldapProxy, smbProxy
		if which == "smb" {
			cut, other = smbProxy, ldapProxy
		}
		points := sample.CutPoints(traces[which])
		// Each point costs a deploy that dies and up to two recoveries:
		// at most maxPoints of them, spread evenly over the sample,
		// unless every point is asked for.
		const maxPoints = 10
		if !sample.Exhaustive && len(points) > maxPoints {
			thin := make([]int, 0, maxPoints)
			for i := 0; i < maxPoints; i++ {
				thin = append(thin, points[i*(len(points)-1)/(maxPoints-1)])
			}
			points = thin
		}
		outcomes[which+" cut points"] = len(points)
		for _, k := range points {
			before := readState(t, d, ou)
			j := dieAt(t, ctx, endpoints(d), dir, req(), steps)
			other.Arm(0)
			cut.Arm(k)
			err := recoverOnce(ctx, faulty, j)
			name := fmt.Sprintf("recover, %s cut after message %d of %d", which, k, total[which])
			cuts := cut.Cuts()
			cut.Arm(0)
			switch {
			case cuts == 0 && err != nil:
				t.Fatalf("%s: no cut happened, yet it failed: %v", name, err)
			case err == nil:
				outcomes[which+" succeeded anyway"]++
				clean(name, before)
				continue
			}
			outcomes[which+" failed, journal kept"]++
			js, lerr := plan.LoadJournals(dir)
			if lerr != nil || len(js) != 1 {
				t.Fatalf("%s: failed (%v) without its journal: %v %v", name, err, js, lerr)
			}
			if err := recoverOnce(ctx, endpoints(d), js[0]); err != nil {
				t.Fatalf("%s: second recovery: %v", name, err)
			}
			clean(name+", recovered again", before)
		}
	}
	t.Logf("messages per recovery of a %d-step deploy: LDAP %d, SMB %d; outcomes: %v", steps, total["ldap"], total["smb"], outcomes)
}
