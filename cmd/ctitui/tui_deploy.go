package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/doctor"
	"github.com/ctitui/ctitui/gpo/msi"
	"github.com/ctitui/ctitui/gpo/si"
	"github.com/ctitui/ctitui/gpo/si/deploy"
	"github.com/ctitui/ctitui/ui"
)

// tuiDeployer turns the wizard's request into the one plan of `ctitui
// deploy` (gpo/si/deploy): the MSI the wizard already uploaded is then an
// unchanged upload, the rest is the GPO, link, package and filtering.
type tuiDeployer struct {
	st      *si.Store
	journal consoleJournal
}

func (d *tuiDeployer) PlanDeploy(ctx context.Context, r ui.DeployRequest) (ui.Plan, error) {
	half := gpo.Computer
	if r.UserConfig {
		half = gpo.User
	}
	opts := si.DefaultOptions(r.UserConfig)
	opts.InstallAtLogon = r.UserConfig && r.InstallAtLogon
	opts.UninstallOutOfScope = r.UninstallOutOfScope
	opts.Transforms = r.Transforms
	if r.Published {
		opts.Deployment = si.Published
	}
	if err := opts.Validate(half); err != nil {
		return nil, err
	}
	wmi := r.WMIPreset
	if r.WMIQuery != "" {
		wmi = r.WMIQuery
	}
	req := deploy.Request{LocalMSI: r.LocalMSI, Folder: r.Folder, OU: r.OU,
		GPOName: r.GPOName, Groups: r.Groups, WMI: wmi, Half: half, Options: opts}
	if r.NewGroup != nil {
		req.NewGroup = &deploy.NewGroup{NewGroupSpec: gpo.NewGroupSpec{Name: r.NewGroup.Name}, Computers: r.NewGroup.Computers}
	}
	if r.Upgrade != nil {
		// The package by its GPO's GUID and its id: names may repeat.
		req.Upgrade = &si.UpgradeOf{GPO: r.Upgrade.GPO, Package: r.Upgrade.ID, InPlace: r.UpgradeInPlace}
		req.Options.OptionalUpgrade = !r.RequiredUpgrade
	}
	for _, kv := range r.Preset {
		name, value, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("preset property %q: want NAME=VALUE", kv)
		}
		req.Preset = append(req.Preset, msi.Property{Name: strings.TrimSpace(name), Value: value})
	}
	req.UpgradeTransforms = deploy.TransformChoice(r.UpgradeTransforms)
	p, _, err := deploy.Plan(ctx, d.st, req)
	var choice *deploy.TransformChoiceError
	if errors.As(err, &choice) {
		return nil, fmt.Errorf("%w: choose it in step 5, on the row of the upgraded package's transforms", err)
	}
	return d.journal.wrap(p, err)
}

// tuiDoctor runs gpo/doctor for a computer and shows its text report.
type tuiDoctor struct{ s *gpo.Session }

func (d *tuiDoctor) Diagnose(ctx context.Context, computer string) ([]string, error) {
	r, err := doctor.Run(ctx, d.s, doctor.Request{Computer: computer})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := r.WriteText(&b); err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimRight(b.String(), "\n"), "\n"), nil
}
