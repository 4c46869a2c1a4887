//go:build linux

package deploy

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/ctitui/ctitui/domain/smb"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/plan"
	"github.com/ctitui/ctitui/gpo/si"
	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// Every plan the product builds is ordered by effect (gpo/plan): each
// builder of gpo, gpo/si and the deploy is called in the variants that
// change something, and no plan may narrow after it widened or hold a
// step that does not say what it does. A builder added to gpo.Session or
// si.Store without a case here fails the test.
func TestEveryPlanIsOrderedByEffect(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s, err := gpo.Open(ctx, endpoints(d))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st := si.New(s)
	ou := testdomain.OUDN("Archive")
	folder := func(n string) string { return fmt.Sprintf(`\\%s\%s\%s`, d.IP, testdomain.DistribShare, n) }
	old, cur := testmsi.Build(t, "MIKO CTI 4.9.226"), testmsi.Build(t, "MIKO CTI 4.9.241")

	covered := map[string]bool{}
	check := func(builder, variant string, p *plan.Plan, err error) *plan.Plan {
		t.Helper()
		if err != nil {
			t.Fatalf("%s (%s): %v", builder, variant, err)
		}
		covered[builder] = true
		if p.Empty() {
			t.Fatalf("%s (%s): empty plan, the variant tests nothing", builder, variant)
		}
		if err := p.CheckOrder(); err != nil {
			t.Errorf("%s (%s): %v", builder, variant, err)
		}
		return p
	}
	apply := func(p *plan.Plan) {
		t.Helper()
		if _, err := p.Apply(ctx); err != nil {
			t.Fatal(err)
		}
	}

	// The deploy of a new GPO (its parts are built when they run: Apply
	// checks each of them too) and of an existing one.
	reqA := Request{LocalMSI: old, Folder: folder("order-226"), OU: ou, GPOName: "order A", Groups: []string{"MikoCTI_Computers"},
		WMI: "win10", Half: gpo.Computer, Options: si.DefaultOptions(false)}
	p, sum, err := Plan(ctx, st, reqA)
	apply(check("deploy", "new GPO", p, err))
	guidA := sum.GPOGUID
	t.Cleanup(func() {
		ctx := context.Background()
		s, err := gpo.Open(ctx, endpoints(d))
		if err != nil {
			t.Error(err)
			return
		}
		defer s.Close()
		for _, name := range []string{"order A", "order B"} {
			if p, _, err := s.DeletePlan(ctx, name); err == nil {
				p.Apply(ctx)
			}
		}
		if c, err := s.Dir(ctx); err == nil {
			if cats, err := si.New(s).Categories(ctx); err == nil {
				for _, c2 := range cats {
					if c2.Name == "order category" {
						c.DeleteTree(ctx, c2.DN)
					}
				}
			}
		}
	})
	// The links come last, after the package and the filtering.
	if last := p.Steps[len(p.Steps)-1]; last.Effect != plan.Widens || last.Target != ou {
		t.Errorf("the deploy's last step is %s (%s), want the link of %s", last, last.Effect, ou)
	}
	reqA2 := reqA
	reqA2.Groups = []string{"MikoCTI_Computers", "MikoCTI_Pilot"}
	p, _, err = Plan(ctx, st, reqA2)
	check("deploy", "existing GPO, more groups", p, err)
	reqB := Request{LocalMSI: cur, Folder: folder("order-241"), OU: ou, GPOName: "order B", Half: gpo.Computer,
		Options: si.DefaultOptions(false), Upgrade: &si.UpgradeOf{GPO: "order A", Package: "MIKO CTI 4.9.226"}}
	p, _, err = Plan(ctx, st, reqB)
	apply(check("deploy", "new GPO upgrading a package in another", p, err))
	ps, err := st.List(ctx, "order B", false)
	if err != nil || len(ps) != 1 {
		t.Fatalf("order B packages %+v, %v", ps, err)
	}
	unc241 := ps[0].MSIPath

	// gpo.Session.
	p, _, err = s.CreatePlan(ctx, "order C", gpo.CreateOptions{LinkTo: []string{ou, testdomain.OUDN("Workstations")}})
	check("CreatePlan", "linked twice", p, err)
	on, off := true, false
	p, err = s.LinkPlan(ctx, guidA, testdomain.OUDN("Workstations"), gpo.LinkOptions{})
	check("LinkPlan", "new link", p, err)
	p, err = s.LinkPlan(ctx, guidA, ou, gpo.LinkOptions{Enforced: &on})
	check("LinkPlan", "enforce", p, err)
	p, err = s.LinkPlan(ctx, guidA, ou, gpo.LinkOptions{Enabled: &off})
	check("LinkPlan", "disable", p, err)
	p, err = s.UnlinkPlan(ctx, guidA, ou)
	check("UnlinkPlan", "", p, err)
	p, err = s.BlockInheritancePlan(ctx, ou, true)
	check("BlockInheritancePlan", "on", p, err)
	p, err = s.StatusPlan(ctx, guidA, &off, nil)
	check("StatusPlan", "computer off", p, err)
	p, _, err = s.BumpPlan(ctx, guidA, gpo.Computer)
	check("BumpPlan", "", p, err)
	for _, ch := range []gpo.FilterChange{{Add: []string{"MikoCTI_Pilot"}}, {Remove: []string{"MikoCTI_Computers"}}, {OnlyGroups: []string{"MikoCTI_Pilot"}}} {
		p, err = s.FilterPlan(ctx, guidA, ch)
		check("FilterPlan", fmt.Sprintf("%+v", ch), p, err)
	}
	p, err = s.SetWMIPlan(ctx, guidA, gpo.WMIChoice{None: true})
	check("SetWMIPlan", "none", p, err)
	p, err = s.SetWMIPlan(ctx, guidA, gpo.WMIChoice{Query: "SELECT * FROM Win32_OperatingSystem WHERE ProductType = 3", Name: "order servers"})
	check("SetWMIPlan", "another, new filter", p, err)
	p, _, err = s.CreateWMIFilterPlan(ctx, "order filter", "", "SELECT * FROM Win32_OperatingSystem WHERE ProductType = 2")
	check("CreateWMIFilterPlan", "", p, err)
	if pr, err := gpo.PresetByKey("win10"); err != nil {
		t.Fatal(err)
	} else {
		p, err = s.DeleteWMIFilterPlan(ctx, pr.Name)
		check("DeleteWMIFilterPlan", "in use", p, err)
	}
	p, _, err = s.DeletePlan(ctx, guidA)
	check("DeletePlan", "linked GPO", p, err)
	comps, err := s.ResolveComputers(ctx, gpo.ComputerSelection{Names: []string{"SALES-PC01", "SALES-PC02"}})
	if err != nil {
		t.Fatal(err)
	}
	p, _, err = s.CreateGroupPlan(ctx, gpo.NewGroupSpec{Name: "order group"}, comps)
	check("CreateGroupPlan", "with computers", p, err)
	p, err = s.MembersPlan(ctx, "MikoCTI_Pilot", comps, false)
	check("MembersPlan", "add", p, err)
	p, err = s.MembersPlan(ctx, "MikoCTI_Sales_PCs", comps[:1], true)
	check("MembersPlan", "remove", p, err)

	// si.Store.
	o := si.DefaultOptions(false)
	o.ReadGroup = "MikoCTI_Computers"
	p, _, err = st.AddPlan(ctx, si.AddRequest{GPO: guidA, Half: gpo.Computer, MSIPath: unc241, LocalMSI: cur, Options: o,
		Upgrades: []si.UpgradeOf{{Package: "MIKO CTI 4.9.226"}}})
	check("AddPlan", "per-package filtering, upgrading a package of the same GPO", p, err)
	p, _, err = st.UpgradePlan(ctx, si.AddRequest{GPO: guidA, Half: gpo.Computer, MSIPath: unc241, LocalMSI: cur, Options: si.DefaultOptions(false)},
		si.UpgradeOf{Package: "MIKO CTI 4.9.226", InPlace: true})
	check("UpgradePlan", "in place", p, err)
	p, _, err = st.RedeployPlan(ctx, guidA, "MIKO CTI 4.9.226")
	check("RedeployPlan", "", p, err)
	p, _, err = st.RemovePlan(ctx, guidA, "MIKO CTI 4.9.226", si.RemoveUninstall)
	check("RemovePlan", "uninstall", p, err)
	p, _, err = st.DeletePlan(ctx, guidA, "MIKO CTI 4.9.226")
	check("DeletePlan", "package", p, err)
	p, _, err = st.CategoryPlan(ctx, "order category")
	apply(check("CategoryPlan", "", p, err))
	cats, err := st.Categories(ctx)
	if err != nil || len(cats) == 0 {
		t.Fatalf("categories %v, %v", cats, err)
	}
	p, _, err = st.SetCategoriesPlan(ctx, guidA, "MIKO CTI 4.9.226", []string{cats[0].Name})
	check("SetCategoriesPlan", "", p, err)

	// The resume of a deploy that died at its package part (the link
	// pending): one step per journal step, in order; applied, the deploy
	// is complete, and then removed.
	reqR := Request{LocalMSI: old, Folder: folder("order-resumed"), OU: ou, GPOName: "order resumed", Groups: []string{"MikoCTI_Computers"},
		WMI: "win10", Half: gpo.Computer, Options: si.DefaultOptions(false)}
	p, _, err = Plan(ctx, st, reqR)
	if err != nil {
		t.Fatal(err)
	}
	jdir := t.TempDir()
	jr := dieAt(t, ctx, endpoints(d), jdir, reqR, len(p.Steps)-1)
	p, err = s.ResumePlan(ctx, jr)
	check("ResumePlan", "a deploy that died at its package part", p, err)
	fj, err := plan.Reopen(jr)
	if err != nil {
		t.Fatal(err)
	}
	p.Journal = plan.ResumeJournal(fj)
	apply(p)
	if js, _ := plan.LoadJournals(jdir); len(js) != 0 {
		t.Fatalf("the resume left its journal: %v", js)
	}
	if dp, _, err := s.DeletePlan(ctx, reqR.GPOName); err != nil {
		t.Fatal(err)
	} else {
		apply(dp)
	}
	os.RemoveAll(filepath.Join(d.DistribDir, "order-resumed"))

	// The recovery of a deploy that died before its link (everything
	// else made): undone newest first, it is in order too; applied, it
	// leaves nothing.
	reqC := Request{LocalMSI: old, Folder: folder("order-died"), OU: ou, GPOName: "order died", Groups: []string{"MikoCTI_Computers"},
		WMI: "win10", Half: gpo.Computer, Options: si.DefaultOptions(false)}
	p, _, err = Plan(ctx, st, reqC)
	if err != nil {
		t.Fatal(err)
	}
	j := dieAt(t, ctx, endpoints(d), t.TempDir(), reqC, len(p.Steps))
	p, _, err = s.RecoverPlan(j)
	apply(check("RecoverPlan", "a deploy that died before its link", p, err))
	if gs, err := s.List(ctx, gpo.Detail{}); err != nil || slices.ContainsFunc(gs, func(g gpo.GPO) bool { return g.Name == "order died" }) {
		t.Fatalf("the recovery left the GPO: %v", err)
	}

	// The removal of a cut-off upload's temporary file (share clean).
	stale := filepath.Join(d.DistribDir, "order-226", ".order.msi.ctitui-0123456789ab.partial")
	if err := os.WriteFile(stale, []byte("cut off"), 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(stale)
	longAgo := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stale, longAgo, longAgo); err != nil {
		t.Fatal(err)
	}
	dir, err := smb.ParsePath(folder("order-226"))
	if err != nil {
		t.Fatal(err)
	}
	p, _, err = CleanPartialsPlan(ctx, st, dir)
	check("CleanPartialsPlan", "one stale file", p, err)

	// Every builder is covered.
	planType := reflect.TypeOf((*plan.Plan)(nil))
	for _, v := range []any{s, st} {
		typ := reflect.TypeOf(v)
		for i := 0; i < typ.NumMethod(); i++ {
			m := typ.Method(i)
			if m.Type.NumOut() == 0 || m.Type.Out(0) != planType || m.Type.NumIn() < 2 || m.Name == "NewPlan" {
				continue
			}
			if !covered[m.Name] {
				t.Errorf("%s.%s builds plans and is not checked here", typ, m.Name)
			}
		}
	}
	names := make([]string, 0, len(covered))
	for n := range covered {
		names = append(names, n)
	}
	slices.Sort(names)
	t.Logf("checked: %v", names)
}
