package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/aas"
	"github.com/ctitui/ctitui/gpo/si"
	"github.com/ctitui/ctitui/ui"
)

// tuiPackages adapts the Software Installation store (gpo/si) to the
// console's Manage screen.
type tuiPackages struct {
	st      *si.Store
	journal consoleJournal
}

func (p *tuiPackages) List(ctx context.Context) ([]ui.Package, error) {
	l, err := p.st.List(ctx, "", true)
	if err != nil {
		return nil, err
	}
	out := make([]ui.Package, len(l))
	for i, x := range l {
		out[i] = ui.Package{ID: x.ID, Name: x.Name, Version: x.Version, GPO: x.GPO, GPOName: x.GPOName,
			Mode: string(x.Deployment), State: string(x.State), Path: x.MSIPath, UserConfig: x.Half() == gpo.User,
			OldScript: x.ScriptOldLayout, OldArch: x.ArchOldForm}
	}
	return out, nil
}

// Details reads the package again with its script from SYSVOL and its
// GPO's links and filtering.
func (p *tuiPackages) Details(ctx context.Context, u ui.Package) ([]string, error) {
	_, x, err := p.st.FindPackage(ctx, u.GPO, u.ID)
	if err != nil {
		return nil, err
	}
	// Find reads the GPO object only; Show adds links and filtering.
	g, err := p.st.Session().Show(ctx, u.GPO)
	if err != nil {
		return nil, err
	}
	// what each transform sets, read back from the share
	d := packageDetails(x, p.st.TransformSettings(ctx, x))
	for _, l := range g.Links {
		state := "enabled"
		if !l.Enabled {
			state = "link disabled"
		}
		if l.Enforced {
			state += ", enforced"
		}
		d = append(d, fmt.Sprintf("link: %s (%s)", l.Container, state))
	}
	for _, t := range g.Filtering {
		if t.Apply && !t.Denied {
			d = append(d, "applies to: "+firstNonEmpty(t.Name, t.SID))
		}
	}
	if g.WMIFilterName != "" {
		d = append(d, "WMI filter: "+g.WMIFilterName)
	}
	d = append(d, p.script(ctx, x.ScriptPath)...)
	// Every DC's copy of the GPO and this package, as gpo status --dcs.
	if lines, err := replicaLines(ctx, p.st.Session(), u.GPO); err == nil {
		d = append(d, "")
		d = append(d, lines...)
	} else {
		d = append(d, "domain controllers: cannot compare: "+err.Error())
	}
	return d, nil
}

// script is the advertise script decoded, or why it could not be read.
func (p *tuiPackages) script(ctx context.Context, unc string) []string {
	s := p.st.Session()
	prefix := `\\` + s.DNSDomain() + `\sysvol\`
	if !strings.HasPrefix(strings.ToLower(unc), strings.ToLower(prefix)) {
		return []string{"advertise script: not on this domain's SYSVOL: " + unc}
	}
	share, err := s.SysVol(ctx)
	if err != nil {
		return []string{"advertise script: " + err.Error()}
	}
	data, err := share.ReadFile(ctx, unc[len(prefix):])
	if err != nil {
		return []string{"advertise script: " + err.Error()}
	}
	recs, _, err := aas.ReadScript(data)
	out := []string{"", "advertise script (decoded):"}
	out = append(out, strings.Split(strings.TrimRight(aas.Friendly(recs), "\n"), "\n")...)
	if err != nil {
		out = append(out, "damaged: "+err.Error())
	}
	return out
}

// packageDetails are the decoded attributes the details view shows, with
// what each transform sets (ts, in the package's order).
func packageDetails(x si.Package, ts []si.TransformSettings) []string {
	d := []string{
		fmt.Sprintf("scope: %s   deployment: %s   state: %s   revision: %d", x.Scope, x.Deployment, x.State, x.Revision),
		"flags: " + strings.Join(x.FlagNames, ", "),
		"ProductCode: " + x.ProductCode + "   UpgradeCode: " + x.UpgradeCode,
		"advertise script: " + x.ScriptPath + " (" + x.ScriptName + ")",
	}
	for i, t := range x.Transforms {
		line := "transform: " + t
		if i < len(ts) {
			line += " — " + transformSettingsText(ts[i])
		}
		d = append(d, line)
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
	return p.journal.wrap(pl, err)
}

func (p *tuiPackages) Remove(ctx context.Context, x ui.Package, keep bool) (ui.Plan, error) {
	mode := si.RemoveUninstall
	if keep {
		mode = si.RemoveOrphan
	}
	pl, _, err := p.st.RemovePlan(ctx, x.GPO, x.ID, mode)
	return p.journal.wrap(pl, err)
}

func (p *tuiPackages) Upgrade(ctx context.Context, x ui.Package, newPath string) (ui.Plan, error) {
	half := gpo.Computer
	if x.UserConfig {
		half = gpo.User
	}
	req := si.AddRequest{GPO: x.GPO, Half: half, MSIPath: newPath, Options: si.DefaultOptions(x.UserConfig)}
	pl, _, err := p.st.UpgradePlan(ctx, req, si.UpgradeOf{Package: x.ID})
	return p.journal.wrap(pl, err)
}
