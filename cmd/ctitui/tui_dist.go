package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/smb"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/msi"
	"github.com/ctitui/ctitui/ui"
)

// tuiDistribution reads MSIs with gpo/msi and uploads them with domain/smb,
// the same way `ctitui share upload --set-acl` does.
type tuiDistribution struct {
	cfg domain.Config
	gs  *gpo.Session
}

func (d *tuiDistribution) Inspect(_ context.Context, local string) (ui.MSIInfo, error) {
	p, err := msi.Open(local)
	if err != nil {
		return ui.MSIInfo{}, err
	}
	defer p.Close()
	r, err := msi.Inspect(p, msi.CheckOptions{Scope: msi.ScopeComputer})
	if err != nil {
		return ui.MSIInfo{}, err
	}
	info := ui.MSIInfo{ProductName: r.ProductName, ProductVersion: r.ProductVersion, Manufacturer: r.Manufacturer,
		ProductCode: r.ProductCode, UpgradeCode: r.UpgradeCode, PackageCode: r.PackageCode, Platform: r.Platform,
		PerMachine: r.PerMachine}
	for _, f := range r.Findings {
		info.Findings = append(info.Findings, ui.Finding{Severity: string(f.Severity), Code: f.Code, Message: f.Message, Advice: f.Advice})
	}
	return info, nil
}

func (d *tuiDistribution) Upload(ctx context.Context, local, dest string, progress func(ui.UploadProgress)) (ui.Uploaded, error) {
	dir, err := smb.ParsePath(dest)
	if err != nil {
		return ui.Uploaded{}, err
	}
	if dir.IsShareRoot() {
		return ui.Uploaded{}, fmt.Errorf("%s is a share root: give a folder for the application, e.g. %s", dir, dest+`\MikoCTI`)
	}
	if st, err := os.Stat(local); err != nil || !st.Mode().IsRegular() {
		return ui.Uploaded{}, fmt.Errorf("local file %s: not a readable regular file (%v)", local, err)
	}
	auth, err := shareAuth(ctx, d.cfg, "")
	if err != nil {
		return ui.Uploaded{}, err
	}
	tg, err := smb.Connect(ctx, dir, smb.Options{Auth: auth})
	if err != nil {
		return ui.Uploaded{}, err
	}
	defer tg.Close()
	// Clients install from the path as given (a DFS path stays one); the
	// writes go to where DFS leads.
	asked, err := dir.Join(filepath.Base(local))
	if err != nil {
		return ui.Uploaded{}, err
	}
	real := tg.Path
	target, err := real.Join(filepath.Base(local))
	if err != nil {
		return ui.Uploaded{}, err
	}
	if err := tg.Share.MkdirAll(ctx, real.Rel()); err != nil {
		return ui.Uploaded{}, err
	}
	res, err := tg.Share.Upload(ctx, local, target.Rel(), smb.UploadOptions{Progress: func(p smb.Progress) {
		progress(ui.UploadProgress{Phase: string(p.Phase), Done: p.Done, Total: p.Total, BytesPerSecond: p.BytesPerSecond, ETA: p.ETA})
	}})
	if err != nil {
		return ui.Uploaded{}, err
	}
	fp, err := applyFolderPermissions(ctx, tg.Share, real, target, d.gs.DomainSID())
	if fp == nil {
		return ui.Uploaded{}, err
	}
	// A verified "cannot read" is a result to show, not only an error.
	return ui.Uploaded{Path: asked.String(), Size: res.Size, Unchanged: res.Unchanged,
		ComputersCanRead: fp.ComputersCanRead, ACL: fp.SDDL}, nil
}

func (d *tuiDistribution) Folders(ctx context.Context, dir string) ([]string, error) {
	p, err := smb.ParsePath(dir)
	if err != nil {
		return nil, err
	}
	auth, err := shareAuth(ctx, d.cfg, "")
	if err != nil {
		return nil, err
	}
	tg, err := smb.Connect(ctx, p, smb.Options{Auth: auth})
	if err != nil {
		return nil, err
	}
	defer tg.Close()
	fis, err := tg.Share.ReadDir(ctx, tg.Path.Rel())
	if err != nil {
		return nil, err
	}
	var names []string
	for _, fi := range fis {
		if fi.IsDir() && fi.Name() != "." && fi.Name() != ".." {
			names = append(names, fi.Name())
		}
	}
	return names, nil
}
