//go:build linux

package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/plan"
	"github.com/ctitui/ctitui/gpo/si"
	"github.com/ctitui/ctitui/internal/faultproxy"
	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// ldbLines runs ldbsearch (not our LDAP code) and returns its lines with
// folded values joined (RFC 2849), without comments.
func ldbLines(t *testing.T, d *testdomain.Domain, base, scope, filter string, attrs ...string) []string {
	t.Helper()
	args := append([]string{"-H", filepath.Join(d.Dir, "private", "sam.ldb"), "-b", base, "-s", scope, filter}, attrs...)
	cmd := exec.Command("ldbsearch", args...)
	cmd.Env = d.ToolEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ldbsearch %v: %v\n%s", args, err, out)
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(l, " ") && len(lines) > 0:
			lines[len(lines)-1] += l[1:]
		case l != "" && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "ref:"):
			lines = append(lines, l)
		}
	}
	return lines
}

func ldbValue(lines []string, attr string) string {
	for _, l := range lines {
		if v, ok := strings.CutPrefix(l, attr+": "); ok {
			return v
		}
	}
	return ""
}

// groupSID is a group's objectSid, read with ldbsearch.
func groupSID(t *testing.T, d *testdomain.Domain, name string) string {
	t.Helper()
	sid := ldbValue(ldbLines(t, d, testdomain.BaseDN, "sub", "(sAMAccountName="+name+")", "objectSid"), "objectSid")
	if sid == "" {
		t.Fatalf("no SID for %s", name)
	}
	return sid
}

const applyRight = "edacfd8f-ffb3-11d1-b41d-00a0c968f939"

// deployComplete says what a deploy of r left incomplete, read with
// ldbsearch and from the DC's own files: the GPO linked to the OU with
// one package, security filtering (the group applies it, Authenticated
// Users do not), the WMI filter, Software Installation in its computer
// extension names, the directory's version in GPT.INI, and the MSI on the
// share with no temporary file next to it. It returns the GPO's DN.
func deployComplete(t *testing.T, d *testdomain.Domain, r Request, local, sid string) (string, []string) {
	t.Helper()
	var bad []string
	g := ldbLines(t, d, "CN=Policies,CN=System,"+testdomain.BaseDN, "one", "(displayName="+r.GPOName+")",
		"dn", "versionNumber", "gPCWQLFilter", "gPCMachineExtensionNames", "nTSecurityDescriptor")
	dn := ldbValue(g, "dn")
	if dn == "" {
		return "", []string{"no GPO " + r.GPOName}
	}
	guid := regexp.MustCompile(`\{[0-9A-F-]{36}\}`).FindString(strings.ToUpper(dn))
	if link := strings.Join(ldbLines(t, d, r.OU, "base", "(objectClass=*)", "gPLink"), ""); !strings.Contains(strings.ToUpper(link), guid) {
		bad = append(bad, "not linked to the OU")
	}
	if pkgs := ldbLines(t, d, dn, "sub", "(objectClass=packageRegistration)", "dn"); len(pkgs) != 1 {
		bad = append(bad, fmt.Sprintf("packages %v", pkgs))
	}
	sd := ldbValue(g, "nTSecurityDescriptor")
	if regexp.MustCompile(`\(OA;[^;]*;CR;`+applyRight+`;;AU\)`).MatchString(sd) || !strings.Contains(sd, applyRight+";;"+sid+")") {
		bad = append(bad, "security filtering not as asked: "+sd)
	}
	if ldbValue(g, "gPCWQLFilter") == "" {
		bad = append(bad, "no WMI filter")
	}
	if !strings.Contains(ldbValue(g, "gPCMachineExtensionNames"), "{C6DC5466-785A-11D2-84D0-00C04FB169F7}") {
		bad = append(bad, "no Software Installation extension names")
	}
	ini, err := os.ReadFile(filepath.Join(d.Dir, "state", "sysvol", testdomain.DNSDomain, "Policies", guid, "GPT.INI"))
	if v := ldbValue(g, "versionNumber"); err != nil || v == "0" || !strings.Contains(string(ini), "Version="+v) {
		bad = append(bad, fmt.Sprintf("version %s, GPT.INI %q %v", v, ini, err))
	}
	folder := filepath.Join(d.DistribDir, r.Folder[strings.LastIndex(r.Folder, `\`)+1:])
	lf, _ := os.Stat(local)
	if fi, err := os.Stat(filepath.Join(folder, filepath.Base(local))); err != nil || lf == nil || fi.Size() != lf.Size() {
		bad = append(bad, fmt.Sprintf("MSI on the share: %v", err))
	}
	if p, _ := filepath.Glob(filepath.Join(folder, ".*.partial")); len(p) > 0 {
		bad = append(bad, fmt.Sprintf("partial files %v", p))
	}
	return dn, bad
}

// sameSteps reports whether two journals hold the same steps, states and
// records.
func sameSteps(a, b plan.JournalFile) bool {
	ja, err1 := json.Marshal(a.Steps)
	jb, err2 := json.Marshal(b.Steps)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// resumeOnce finishes the journal through ep, as ctitui recover --resume
// does.
func resumeOnce(ctx context.Context, ep gpo.Endpoints, j plan.JournalFile) error {
	s, err := gpo.Open(ctx, ep)
	if err != nil {
		return err
	}
	defer s.Close()
	p, err := s.ResumePlan(ctx, j)
	if err != nil {
		return err
	}
	if err := p.CheckOrder(); err != nil {
		return fmt.Errorf("the resume plan is out of order: %w", err)
	}
	fj, err := plan.Reopen(j)
	if err != nil {
		return err
	}
	p.Journal = plan.ResumeJournal(fj)
	_, err = p.Apply(ctx)
	return err
}

// removeDeploy deletes a finished deploy's GPO and folder, so the next
// round starts from the same state.
func removeDeploy(t *testing.T, ctx context.Context, d *testdomain.Domain, r Request) {
	t.Helper()
	s, err := gpo.Open(ctx, endpoints(d))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	dp, _, err := s.DeletePlan(ctx, r.GPOName)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dp.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(filepath.Join(d.DistribDir, r.Folder[strings.LastIndex(r.Folder, `\`)+1:]))
}

// Resume is a change like any other: a deploy that died at its package
// part (the GPO, its filtering and WMI filter made, the package sent
// without an answer, the link pending) is finished with the LDAP or the
// SMB connection cut after one message of the resume, sampled as the
// recovery sweep samples. Every outcome is all or nothing: the resume
// succeeds and the deploy is complete (checked with ldbsearch); or it
// fails and rolls the whole change back, leaving the domain and the share
// as before the deploy (a rollback cut in turn keeps the journal, which
// the next recovery undoes); or the cut came while checking and nothing
// was changed (the journal as the dead run left it, which the next cut
// point resumes). No journal is left.
func TestResumeAllOrNothingUnderFaults(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	local := testmsi.Build(t, "MIKO CTI 4.9.226")
	ou := testdomain.OUDN("Archive")
	dir := t.TempDir()
	sid := groupSID(t, d, "MikoCTI_Computers")

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
		return Request{LocalMSI: local, Folder: fmt.Sprintf(`\\%s\%s\resume-%d`, d.IP, testdomain.DistribShare, round),
			OU: ou, GPOName: fmt.Sprintf("resume fault %d", round), Groups: []string{"MikoCTI_Computers"}, WMI: "win10",
			Half: gpo.Computer, Options: si.DefaultOptions(false)}
	}
	// The preset's WMI filter is made by a first deploy and kept.
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
	s.Close()
	steps := len(p.Steps)
	pkgStep := slices.IndexFunc(p.Steps, func(st plan.Step) bool { return strings.HasPrefix(st.Target, "Software Installation package") }) + 1
	if pkgStep != steps-1 {
		t.Fatalf("the package part is step %d of %d, want the one before the link", pkgStep, steps)
	}
	removeDeploy(t, ctx, d, first)

	noJournal := func(what string) {
		t.Helper()
		if js, _ := plan.LoadJournals(dir); len(js) != 0 {
			t.Fatalf("%s: journal left: %+v", what, js)
		}
	}
	finished := func(what string, r Request) {
		t.Helper()
		if _, bad := deployComplete(t, d, r, local, sid); len(bad) > 0 {
			t.Fatalf("%s: the deploy is not complete: %v", what, bad)
		}
		noJournal(what)
		removeDeploy(t, ctx, d, r)
	}

	// Without faults, counting the messages of a resume.
	before := readState(t, d, ou)
	r := req()
	j := dieAt(t, ctx, endpoints(d), dir, r, pkgStep)
	if made, started := j.Progress(); made != pkgStep-1 || started != 1 {
		t.Fatalf("journal: %d made, %d started of %d", made, started, steps)
	}
	ldapProxy.Arm(0)
	smbProxy.Arm(0)
	if err := resumeOnce(ctx, faulty, j); err != nil {
		t.Fatalf("resume without faults: %v", err)
	}
	total := map[string]int{"ldap": ldapProxy.Chunks(), "smb": smbProxy.Chunks()}
	traces := map[string][]faultproxy.Chunk{"ldap": ldapProxy.Trace(), "smb": smbProxy.Trace()}
	finished("resume without faults", r)
	if diff := before.diff(readState(t, d, ou)); diff != "" {
		t.Fatalf("after removing the finished deploy: %s", diff)
	}

	sample := faultproxy.SampleFromEnv()
	t.Logf("fault sweep: %s", sample)
	outcomes := map[string]int{}
	// A dead deploy to resume. A resume cut while checking changed
	// nothing and left the journal as it was: the next cut point resumes
	// that one (carried) instead of a fresh deploy.
	type dead struct {
		r      Request
		j      plan.JournalFile
		before domainState
	}
	var carried *dead
	next := func() dead {
		if c := carried; c != nil {
			carried = nil
			return *c
		}
		before := readState(t, d, ou)
		r := req()
		return dead{r, dieAt(t, ctx, endpoints(d), dir, r, pkgStep), before}
	}
	for _, which := range []string{"ldap", "smb"} {
		cut, other := ldapProxy, smbProxy
		if which == "smb" {
			cut, other = smbProxy, ldapProxy
		}
		points := sample.CutPoints(traces[which])
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
			dd := next()
			other.Arm(0)
			cut.Arm(k)
			err := resumeOnce(ctx, faulty, dd.j)
			name := fmt.Sprintf("resume, %s cut after message %d of %d", which, k, total[which])
			cuts := cut.Cuts()
			cut.Arm(0)
			var refused *gpo.ResumeRefused
			switch {
			case cuts == 0 && err != nil:
				t.Fatalf("%s: no cut happened, yet it failed: %v", name, err)
			case err == nil:
				outcomes[which+" finished anyway"]++
				finished(name, dd.r)
				continue
			case errors.As(err, &refused):
				t.Fatalf("%s: a cut connection made the resume refuse, as if the domain had changed: %v", name, err)
			}
			if _, ok := plan.AsError(err); !ok {
				// Cut while checking, before any step: nothing changed,
				// the journal is as the dead run left it.
				outcomes[which+" cut while checking"]++
				js, lerr := plan.LoadJournals(dir)
				if lerr != nil || len(js) != 1 || !sameSteps(js[0], dd.j) {
					t.Fatalf("%s: failed (%v), its journal changed: %v %v", name, err, js, lerr)
				}
				if diff := dd.before.diff(readState(t, d, ou)); diff == "" {
					t.Fatalf("%s: the dead deploy's steps are gone", name)
				}
				carried = &dd
				continue
			}
			js, lerr := plan.LoadJournals(dir)
			if lerr != nil {
				t.Fatal(lerr)
			}
			if len(js) == 1 {
				// The rollback was cut too: the journal says what is left.
				outcomes[which+" failed, rollback cut, recovered"]++
				if err := recoverOnce(ctx, endpoints(d), js[0]); err != nil {
					t.Fatalf("%s: recovery after the failed resume: %v", name, err)
				}
			} else {
				outcomes[which+" failed, rolled back"]++
			}
			if diff := dd.before.diff(readState(t, d, ou)); diff != "" {
				t.Fatalf("%s: failed (%v) and left behind: %s", name, err, diff)
			}
			noJournal(name)
		}
	}
	if c := carried; c != nil {
		// The last cut came while checking: that resume, without faults.
		if err := resumeOnce(ctx, endpoints(d), c.j); err != nil {
			t.Fatalf("resume after a cut while checking: %v", err)
		}
		finished("resume after a cut while checking", c.r)
	}
	t.Logf("messages per resume of a %d-step deploy cut at step %d: LDAP %d, SMB %d; outcomes: %v", steps, pkgStep, total["ldap"], total["smb"], outcomes)
}

// A resume checks before anything that the local MSI is the file the cut-
// off run read (its SHA-256 is in the journal): a deploy that died during
// its upload, whose MSI was then rebuilt, is refused with why, nothing is
// changed, and its undo still works.
func TestResumeRefusesAChangedMSI(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	local := filepath.Join(t.TempDir(), "MikoCTI-refuse.msi")
	b, err := os.ReadFile(testmsi.Build(t, "MIKO CTI 4.9.226"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(local, b, 0o600); err != nil {
		t.Fatal(err)
	}
	ou := testdomain.OUDN("Archive")
	dir := t.TempDir()
	before := readState(t, d, ou)
	r := Request{LocalMSI: local, Folder: fmt.Sprintf(`\\%s\%s\resume-refuse`, d.IP, testdomain.DistribShare),
		OU: ou, GPOName: "resume refuse", Groups: []string{"MikoCTI_Computers"}, WMI: "win10",
		Half: gpo.Computer, Options: si.DefaultOptions(false)}
	j := dieAt(t, ctx, endpoints(d), dir, r, 2) // the upload made, the GPO object sent
	if err := os.WriteFile(local, append(b, 0), 0o600); err != nil {
		t.Fatal(err)
	}
	mid := readState(t, d, ou)
	s, err := gpo.Open(ctx, endpoints(d))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.ResumePlan(ctx, j)
	var refused *gpo.ResumeRefused
	if !errors.As(err, &refused) {
		t.Fatalf("resume with a changed MSI: %v, want a refusal", err)
	}
	if why := strings.Join(refused.Reasons, "\n"); !strings.Contains(why, "the local MSI "+local+" changed since the cut-off run") ||
		!strings.Contains(err.Error(), "undo it instead") || strings.Contains(err.Error(), "--") {
		t.Fatalf("refusal: %v", err)
	}
	if diff := mid.diff(readState(t, d, ou)); diff != "" {
		t.Fatalf("the refused resume changed something: %s", diff)
	}
	// The same MSI gone: refused too.
	os.Remove(local)
	if _, err := s.ResumePlan(ctx, j); !errors.As(err, &refused) || !strings.Contains(err.Error(), "the local MSI "+local+" is gone") {
		t.Fatalf("resume with the MSI gone: %v", err)
	}
	if err := recoverOnce(ctx, endpoints(d), j); err != nil {
		t.Fatal(err)
	}
	if diff := before.diff(readState(t, d, ou)); diff != "" {
		t.Fatalf("after the undo: %s", diff)
	}
	if js, _ := plan.LoadJournals(dir); len(js) != 0 {
		t.Fatalf("journal left: %v", js)
	}
}
