package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/si"
	"github.com/ctitui/ctitui/ui"
)

// tuiPackages adapts the Software Installation store (gpo/si) to the
// console's Manage screen.
type tuiPackages struct{ st *si.Store }

func (p *tuiPackages) List(ctx context.Context) ([]ui.Package, error) {
	l, err := p.st.List(ctx, "", true)
	if err != nil {
		return nil, err
	}
	out := make([]ui.Package, len(l))
	for i, x := range l {
		out[i] = ui.Package{ID: x.ID, Name: x.Name, Version: x.Version, GPO: x.GPO, GPOName: x.GPOName,
			Mode: string(x.Deployment), Path: x.MSIPath, UserConfig: x.Half() == gpo.User, Details: packageDetails(x)}
	}
	return out, nil
}

// packageDetails are the decoded attributes the details view shows.
func packageDetails(x si.Package) []string {
	d := []string{
		fmt.Sprintf("scope: %s   deployment: %s   state: %s   revision: %d", x.Scope, x.Deployment, x.State, x.Revision),
		"flags: " + strings.Join(x.FlagNames, ", "),
		"ProductCode: " + x.ProductCode + "   UpgradeCode: " + x.UpgradeCode,
		"advertise script: " + x.ScriptPath + " (" + x.ScriptName + ")",
	}
	for _, t := range x.Transforms {
		d = append(d, "transform: "+t)
	}
	for _, u := range x.Upgrades {
		d = append(d, "upgrades: "+u.Package+" ("+u.Kind+")")
	}
	reach := func(name string, ok *bool) {
		if ok != nil && !*ok {
			d = append(d, name+" cannot be read: "+x.ReachError)
		}
	}
	reach("the MSI", x.MSIReachable)
	reach("the advertise script", x.ScriptReachable)
	return d
}

func (p *tuiPackages) Redeploy(ctx context.Context, x ui.Package) (ui.Plan, error) {
	pl, _, err := p.st.RedeployPlan(ctx, x.GPO, x.ID)
	return wrapPlan(pl, err)
}

func (p *tuiPackages) Remove(ctx context.Context, x ui.Package, keep bool) (ui.Plan, error) {
	mode := si.RemoveUninstall
	if keep {
		mode = si.RemoveOrphan
	}
	pl, _, err := p.st.RemovePlan(ctx, x.GPO, x.ID, mode)
	return wrapPlan(pl, err)
}

func (p *tuiPackages) Upgrade(ctx context.Context, x ui.Package, newPath string) (ui.Plan, error) {
	half := gpo.Computer
	if x.UserConfig {
		half = gpo.User
	}
	req := si.AddRequest{GPO: x.GPO, Half: half, MSIPath: newPath, Options: si.DefaultOptions(x.UserConfig)}
	pl, _, err := p.st.UpgradePlan(ctx, req, si.UpgradeOf{Package: x.ID})
	return wrapPlan(pl, err)
}
