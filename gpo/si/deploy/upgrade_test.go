//go:build linux

package deploy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/si"
	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// A deploy that upgrades an existing package: in another GPO (uninstall
// first, required, filtered to two groups) and in its own GPO (in place,
// optional, with the "upgraded by" link back); upgrades the MSIs make
// meaningless are refused before anything is planned; second runs change
// nothing.
func TestDeployUpgradesAnExistingPackage(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	old, cur := testmsi.Build(t, "MIKO CTI 4.9.226"), testmsi.Build(t, "MIKO CTI 4.9.241")
	s, err := gpo.Open(ctx, endpoints(d))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st := si.New(s)
	ou := testdomain.OUDN("Archive")
	folder := func(n string) string { return fmt.Sprintf(`\\%s\%s\%s`, d.IP, testdomain.DistribShare, n) }
	apply := func(r Request) *Summary {
		t.Helper()
		p, sum, err := Plan(ctx, st, r)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Apply(ctx); err != nil {
			t.Fatal(err)
		}
		p, _, err = Plan(ctx, st, r)
		if err != nil || !p.Empty() {
			t.Fatalf("second run: %v, %d steps", err, len(p.Steps))
		}
		return sum
	}
	packages := func(g string) []si.Package {
		t.Helper()
		ps, err := st.List(ctx, g, false)
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}

	base := Request{LocalMSI: old, Folder: folder("upgrade-226"), OU: ou, GPOName: "deploy upgrade old",
		Half: gpo.Computer, Options: si.DefaultOptions(false)}
	apply(base)
	oldPkg := packages("deploy upgrade old")[0]

	// The same ProductCode: meaningless, refused before any plan.
	same := base
	same.Folder, same.GPOName = folder("upgrade-226-again"), "deploy upgrade refused"
	same.Upgrade = &si.UpgradeOf{GPO: "deploy upgrade old", Package: oldPkg.Name}
	var sp *si.SameProductError
	if _, _, err := Plan(ctx, st, same); !errors.As(err, &sp) || sp.Package != oldPkg.Name || !strings.Contains(err.Error(), "meaningless") {
		t.Fatalf("same ProductCode: %v", err)
	}
	// A package that does not exist.
	same.Upgrade = &si.UpgradeOf{GPO: "deploy upgrade old", Package: "no such package"}
	if _, _, err := Plan(ctx, st, same); !errors.Is(err, si.ErrNotFound) || !strings.Contains(err.Error(), "upgrade:") {
		t.Fatalf("unknown package: %v", err)
	}
	if _, err := s.Show(ctx, "deploy upgrade refused"); err == nil {
		t.Fatal("a refused upgrade created its GPO")
	}

	// Another GPO, uninstall first, required, two groups.
	cross := Request{LocalMSI: cur, Folder: folder("upgrade-241"), OU: ou, GPOName: "deploy upgrade new",
		Groups: []string{"MikoCTI_Sales_PCs", "MikoCTI_Computers"}, Half: gpo.Computer, Options: si.DefaultOptions(false),
		Upgrade: &si.UpgradeOf{GPO: "deploy upgrade old", Package: oldPkg.Name}}
	sum := apply(cross)
	if sum.Upgrade == nil || sum.Upgrade.ID != oldPkg.ID || sum.Upgrade.Mode != "uninstall" || !sum.Upgrade.Required {
		t.Fatalf("summary: %+v", sum.Upgrade)
	}
	ps := packages("deploy upgrade new")
	if len(ps) != 1 || len(ps[0].Upgrades) != 1 {
		t.Fatalf("new packages: %+v", ps)
	}
	u := ps[0].Upgrades[0]
	if !strings.EqualFold(strings.Trim(u.Package, "{}"), strings.Trim(oldPkg.ID, "{}")) || u.Type&(si.UpgradeUninstall|si.UpgradeInPlace) != si.UpgradeUninstall ||
		ps[0].Flags&si.FlagForceUpgrade == 0 || ps[0].Flags&si.FlagHasUpgrades == 0 {
		t.Fatalf("upgrade %+v, flags %v", u, ps[0].FlagNames)
	}
	g, err := s.Show(ctx, "deploy upgrade new")
	if err != nil {
		t.Fatal(err)
	}
	if got := g.AppliesTo(); !slices.Equal(got, []string{"MikoCTI_Computers", "MikoCTI_Sales_PCs"}) {
		t.Fatalf("applies to %v", got)
	}

	// Its own GPO, in place, optional: the old package gets the link back.
	inPlace := Request{LocalMSI: cur, Folder: folder("upgrade-241-same"), OU: ou, GPOName: "deploy upgrade old",
		Half: gpo.Computer, Options: si.DefaultOptions(false), Upgrade: &si.UpgradeOf{Package: oldPkg.ID, InPlace: true}}
	inPlace.Options.OptionalUpgrade = true
	sum = apply(inPlace)
	if sum.Upgrade == nil || sum.Upgrade.Mode != "in-place" || sum.Upgrade.Required {
		t.Fatalf("summary: %+v", sum.Upgrade)
	}
	var newPkg, back si.Package
	for _, p := range packages("deploy upgrade old") {
		if p.ID == oldPkg.ID {
			back = p
		} else {
			newPkg = p
		}
	}
	if len(newPkg.Upgrades) != 1 || newPkg.Upgrades[0].Type&(si.UpgradeUninstall|si.UpgradeInPlace) != si.UpgradeInPlace || newPkg.Flags&si.FlagForceUpgrade != 0 {
		t.Fatalf("new package %+v", newPkg)
	}
	if !slices.ContainsFunc(back.Upgrades, func(u si.Upgrade) bool {
		return u.Type&(si.UpgradeInPlace|si.UpgradeUpgradedBy) == si.UpgradeInPlace|si.UpgradeUpgradedBy
	}) {
		t.Fatalf("old package has no upgraded-by link: %+v", back.Upgrades)
	}
}
