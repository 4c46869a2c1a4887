//go:build linux

package si

import (
	"context"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/plan"
	"github.com/ctitui/ctitui/internal/testdomain"
)

var errKilled = &struct{ error }{}

// A pkg add with per-package filtering that died as its package object
// was sent (kill -9: no rollback) is finished from its journal: the
// package's forward record names the filtering group, so the resumed
// object is made with its protected DACL (read with ldbsearch: only the
// group and administrators may read it), the version bump comes last, and
// the journal goes.
func TestResumeAddWithPerPackageFiltering(t *testing.T) {
	st, d := openStore(t)
	ctx := testCtx(t)
	g := newGPO(t, st, "SI resume")
	unc, local := publishMSI(t, d, st, "MIKO CTI 4.9.226", "Resume")
	o := DefaultOptions(false)
	o.ReadGroup = "MikoCTI_Computers"
	p, added, err := st.AddPlan(ctx, AddRequest{GPO: g.GUID, Half: gpo.Computer, MSIPath: unc, LocalMSI: local, Options: o})
	if err != nil {
		t.Fatal(err)
	}
	k := -1
	for i, s := range p.Steps {
		if s.Op == "ldap add" && s.Target == added.DN {
			k = i
		}
	}
	if k < 0 {
		t.Fatalf("no package step in %v", p.Steps)
	}
	dir := t.TempDir()
	p.Journal = &plan.FileJournal{Dir: dir, Domain: testdomain.DNSDomain, Command: "pkg add"}
	p.Steps[k].Do = func(context.Context) error { panic(errKilled) }
	func() {
		defer func() {
			if v := recover(); v != errKilled {
				panic(v)
			}
		}()
		p.Apply(ctx)
	}()
	js, err := plan.LoadJournals(dir)
	if err != nil || len(js) != 1 {
		t.Fatalf("journals %v %v", js, err)
	}
	if r := js[0].Steps[k].Redo; js[0].Steps[k].State != plan.Started || r == nil || r.Kind != "si-package" || strings.Contains(string(r.Args), d.Password()) {
		t.Fatalf("journal step %d: %+v", k+1, js[0].Steps[k])
	}

	rp, err := st.s.ResumePlan(ctx, js[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := rp.CheckOrder(); err != nil {
		t.Fatal(err)
	}
	fj, err := plan.Reopen(js[0])
	if err != nil {
		t.Fatal(err)
	}
	rp.Journal = plan.ResumeJournal(fj)
	if _, err := rp.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	if js, _ := plan.LoadJournals(dir); len(js) != 0 {
		t.Fatalf("journal left: %v", js)
	}
	pkg := ldb(t, d, added.DN, "base", "(objectClass=*)", "nTSecurityDescriptor", "displayName")
	c, err := st.s.Dir(ctx)
	if err != nil {
		t.Fatal(err)
	}
	grp, err := c.GroupByName(ctx, "MikoCTI_Computers")
	if err != nil {
		t.Fatal(err)
	}
	if len(pkg) != 1 {
		t.Fatalf("package %s: %v", added.DN, pkg)
	}
	sddl := strings.Join(pkg[0]["ntsecuritydescriptor"], "")
	if !strings.Contains(sddl, "D:P") || !strings.Contains(sddl, grp.SID) || strings.Contains(sddl, ";;;AU)") {
		t.Fatalf("package DACL %s: want protected, %s may read, Authenticated Users may not", sddl, grp.SID)
	}
	gp := ldb(t, d, g.DN, "base", "(objectClass=*)", "versionNumber")
	if len(gp) != 1 || len(gp[0]["versionnumber"]) != 1 || gp[0]["versionnumber"][0] != "1" {
		t.Fatalf("GPO version after the resumed add: %v", gp)
	}
}
