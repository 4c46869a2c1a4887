// Package deploy runs the whole guide in one plan: upload the MSI with
// the distribution folder's permissions, create (or reuse) the GPO and
// link it, add the Software Installation package, set security filtering
// and a WMI filter. Each part that is already as asked adds nothing, so a
// second run with the same inputs changes nothing and says so.
//
// The plan is ordered by effect (gpo/plan): the upload and the new GPO
// first, then what narrows it (security filtering, the WMI filter), then
// the package (which an existing linked GPO makes live at once), and the
// link last. A run cut off at any step leaves a GPO that reaches no more
// computers than asked: never a linked GPO whose package lacks its
// filtering.
//
// Preset properties (Request.Preset) become a transform uploaded next to
// the MSI, before anything names it (preset.go).
package deploy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/domain/smb"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/msi"
	"github.com/ctitui/ctitui/gpo/plan"
	"github.com/ctitui/ctitui/gpo/si"
)

// DefaultGPOName is the guide's example name ("Создание объекта групповой
// политики", step 5).
const DefaultGPOName = "MIKO CTI - Установка телефонной панели"

// Request is what `ctitui deploy` was asked.
type Request struct {
	// LocalMSI is the .msi on this machine.
	LocalMSI string
	// Folder is the UNC folder on the distribution share
	// (\\srv\Distrib\MikoCTI).
	Folder string
	// OU is the DN the GPO is linked to.
	OU string
	// GPOName is the GPO's display name (default DefaultGPOName).
	GPOName string
	// Groups, when set, become the only groups the GPO applies to
	// (security filtering; Authenticated Users keep Read): one group, or
	// several (the computers of two offices).
	Groups []string
	// WMI is a preset key of gpo.Presets or a WQL query; "" for none.
	WMI string
	// Half and Options are the package's.
	Half    gpo.Half
	Options si.Options
	// NewGroup, when set, is a filtering group the deploy creates (the
	// guide's MikoCTI_Computers) with its computers, in the same plan and
	// before the filtering steps; it becomes one of the groups the GPO
	// applies to.
	NewGroup *NewGroup
	// Upgrade, when set, is an existing package (in this GPO, or another
	// one when Upgrade.GPO names it) that the new package upgrades: the
	// guide's "Обновление через GPO", uninstall first unless
	// Upgrade.InPlace, "Required upgrade" unless Options.OptionalUpgrade.
	// The package is created already upgrading it, in the same plan.
	Upgrade *si.UpgradeOf
	// Preset are public properties the package sets on every computer:
	// the deploy makes a transform of the MSI that sets them, uploads it
	// next to the MSI and lists it after the MSI (see preset.go).
	Preset []msi.Property
	// UpgradeTransforms says what becomes of the transforms of the
	// package Upgrade names; it must be said when that package has any.
	UpgradeTransforms TransformChoice
}

// NewGroup is a filtering group to create.
type NewGroup struct {
	gpo.NewGroupSpec
	// Computers are the computers to put in it (by name).
	Computers []string
}

// UpgradeSummary is the package the new one upgrades.
type UpgradeSummary struct {
	GPO      string `json:"gpo"`
	GPOName  string `json:"gpoName"`
	Package  string `json:"package"`
	ID       string `json:"id"`
	Version  string `json:"version"`
	Mode     string `json:"mode"` // "uninstall" or "in-place"
	Required bool   `json:"required"`
}

// Summary says what the plan does and where things end up.
type Summary struct {
	MSIPath  string       `json:"msiPath"`
	GPOName  string       `json:"gpo"`
	GPOGUID  string       `json:"gpoGuid,omitempty"`
	OU       string       `json:"ou"`
	Scope    string       `json:"scope"`
	Identity msi.Identity `json:"msi"`
	Upload   string       `json:"upload"` // "new", "replace" or "unchanged"
	// Upgrade is the package the new one upgrades, when asked.
	Upgrade *UpgradeSummary `json:"upgrade,omitempty"`
	// Transforms are the new package's transforms, in the order they
	// apply, and what each sets.
	Transforms []TransformSummary `json:"transforms,omitempty"`
	// NewGroup is the filtering group the plan creates, when asked.
	NewGroup    *gpo.NewGroup `json:"newGroup,omitempty"`
	NothingToDo bool          `json:"nothingToDo"`
	// Partials are the temporary files of cut-off uploads in the folder
	// (see Partials); the plan does not remove them.
	Partials []Partial `json:"partials,omitempty"`
	// ClientCommands are the guide's checks on a client after apply.
	ClientCommands []string `json:"clientCommands"`
}

// Plan builds the deployment plan.
func Plan(ctx context.Context, st *si.Store, req Request) (*plan.Plan, *Summary, error) {
	s := st.Session()
	if req.GPOName == "" {
		req.GPOName = DefaultGPOName
	}
	if req.OU == "" {
		return nil, nil, ErrNoOU
	}
	folder, err := smb.ParsePath(req.Folder)
	if err != nil {
		return nil, nil, err
	}
	if folder.IsShareRoot() {
		return nil, nil, fmt.Errorf("%s is a share root: give a folder for the application, e.g. %s", folder, folder.String()+`\MikoCTI`)
	}
	if err := req.Options.Validate(req.Half); err != nil {
		return nil, nil, err
	}
	target, err := folder.Join(filepath.Base(req.LocalMSI))
	if err != nil {
		return nil, nil, fmt.Errorf("the file name cannot be used on the share: %w", err)
	}
	pkg, err := msi.Open(req.LocalMSI)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", req.LocalMSI, err)
	}
	id, err := pkg.Identity()
	if err != nil {
		pkg.Close()
		return nil, nil, fmt.Errorf("%s cannot be deployed: %w", req.LocalMSI, err)
	}
	var up *UpgradeSummary
	var upNotes []string
	var oldPkg *si.Package
	if req.Upgrade != nil {
		up, oldPkg, upNotes, err = checkUpgrade(ctx, st, req, target, pkg, id)
	}
	var transforms []string
	var madeMST []byte
	var mstTarget smb.Path
	var tsum []TransformSummary
	if err == nil {
		transforms, madeMST, mstTarget, tsum, err = planTransforms(ctx, st, req, pkg, target, oldPkg)
	}
	pkg.Close()
	if err != nil {
		return nil, nil, err
	}
	sum := &Summary{MSIPath: target.String(), GPOName: req.GPOName, OU: req.OU, Scope: req.Half.String(), Identity: id, Upgrade: up, Transforms: tsum}
	p := s.NewPlan(fmt.Sprintf("deploy %s %s to %s through %q", id.ProductName, id.ProductVersion, req.OU, req.GPOName))
	for _, n := range upNotes {
		p.Note("%s", n)
	}
	if len(req.Preset) > 0 && madeMST == nil {
		p.Note("the MSI already holds every preset value: no transform is needed for them")
	}

	// The local MSI's SHA-256, for the journal: a resume refuses a file
	// changed since (the upload and the package are made from it).
	sum256, err := fileSHA256(req.LocalMSI)
	if err != nil {
		return nil, nil, err
	}
	upload, state, partials, err := uploadStep(ctx, st, uploadSource{local: req.LocalMSI}, target, sum256)
	if err != nil {
		return nil, nil, err
	}
	sum.Upload = state
	sum.Partials = partials
	if n := partialsNote(partials); n != "" {
		p.Note("%s", n)
	}
	if upload != nil {
		p.Add(*upload)
	}
	// The transform goes next to the MSI the same way, before anything
	// names it.
	var mstUpload *plan.Step
	if madeMST != nil {
		made := &sum.Transforms[len(sum.Transforms)-1]
		what := "transform presetting " + strings.Join(append(append([]string{}, made.Set...), prefixed("remove ", made.Remove)...), ", ") +
			" for " + id.ProductCode + " " + id.ProductVersion + " (made by ctitui from " + filepath.Base(req.LocalMSI) + ")"
		mstUpload, made.Upload, _, err = uploadStep(ctx, st, uploadSource{data: madeMST, what: what}, mstTarget, "")
		if err != nil {
			return nil, nil, err
		}
		if mstUpload != nil {
			p.Add(*mstUpload)
		}
	}

	cp, created, err := s.CreatePlan(ctx, req.GPOName, gpo.CreateOptions{LinkTo: []string{req.OU}, Reuse: true})
	if err != nil {
		return nil, nil, err
	}
	sum.GPOGUID = created.GUID
	// The GPO's own steps prepare; its links widen and wait for the end.
	var links []plan.Step
	for _, st := range cp.Steps {
		if st.Effect == plan.Widens {
			links = append(links, st)
			continue
		}
		p.Add(st)
	}
	p.Notes = append(p.Notes, cp.Notes...)

	// The package, filtering and WMI parts can be computed now only when
	// the GPO exists and the MSI is already in place; otherwise they are
	// built when their turn comes, after the steps they depend on.
	ready := created.Reused && upload == nil && mstUpload == nil
	opts := req.Options
	opts.Transforms = append(slices.Clone(opts.Transforms), transforms...)
	addReq := si.AddRequest{GPO: created.GUID, Half: req.Half, MSIPath: target.String(), LocalMSI: req.LocalMSI, Options: opts}
	what := fmt.Sprintf("Software Installation package %s (%s configuration, %s) from %s", id.ProductName+" "+id.ProductVersion, req.Half, deploymentWord(req.Options), target)
	if len(opts.Transforms) > 0 {
		what += ", transforms " + strings.Join(opts.Transforms, ", ")
	}
	if up != nil {
		addReq.Upgrades = []si.UpgradeOf{*req.Upgrade}
		old := fmt.Sprintf("%q", up.Package)
		if !strings.Contains(up.Package, up.Version) {
			old += " " + up.Version
		}
		what += fmt.Sprintf(", upgrading %s in %q (%s, %s upgrade)", old, up.GPOName, up.Mode, map[bool]string{true: "required", false: "optional"}[up.Required])
	}
	// A part is built now when it can be (ready), else when its turn
	// comes; steps are made now whatever ready says (they depend on
	// nothing the plan makes), and late ones depend on something it
	// makes besides the GPO and the MSI. The parts are in effect order
	// (gpo/plan): the new group, then what narrows (filtering, WMI
	// filter), then the package; the links come last.
	type part struct {
		what   string
		effect plan.Effect
		rec    partRec
		steps  []plan.Step
		late   bool
	}
	var parts []part
	groups := cleanGroups(req.Groups)
	if ng := req.NewGroup; ng != nil {
		// The group and its members come before the filtering that
		// names it: its steps are in the plan now, the filtering is
		// computed once the group exists.
		comps, err := s.ResolveComputers(ctx, gpo.ComputerSelection{Names: ng.Computers})
		if err != nil {
			return nil, nil, err
		}
		steps, g, err := s.CreateGroupSteps(ctx, ng.NewGroupSpec, comps)
		if err != nil {
			return nil, nil, err
		}
		sum.NewGroup = &g
		parts = append(parts, part{steps: steps})
		groups = cleanGroups(append(groups, g.Name))
		if len(comps) > 0 {
			p.Note("%s", gpo.RestartNote)
		}
	}
	if len(groups) > 0 {
		who := "only " + groups[0] + " gets"
		if len(groups) > 1 {
			who = "only " + strings.Join(groups, ", ") + " get"
		}
		parts = append(parts, part{what: "security filtering: " + who + " Read + Apply Group Policy; Authenticated Users keep Read (MS16-072)", effect: plan.Narrows,
			rec: partRec{Kind: "filter", GPO: created.GUID, Groups: groups}, late: req.NewGroup != nil})
	}
	if req.WMI != "" {
		ch := gpo.WMIChoice{Query: req.WMI}
		if _, err := gpo.PresetByKey(req.WMI); err == nil {
			ch = gpo.WMIChoice{Preset: req.WMI}
		} else if err := gpo.ValidateWQL(req.WMI); err != nil {
			return nil, nil, &WMIError{Value: req.WMI, Presets: presetKeys(), Err: err}
		}
		parts = append(parts, part{what: "WMI filter " + req.WMI, effect: plan.Narrows,
			rec: partRec{Kind: "wmi", GPO: created.GUID, WMI: &ch}})
	}
	// The package part records the GPO's version as the plan found it
	// (0 for the GPO it makes), for a resume to check.
	var version uint32
	if created.Reused {
		g, err := s.Find(ctx, created.GUID)
		if err != nil {
			return nil, nil, err
		}
		version = uint32(g.Version)
	}
	parts = append(parts, part{what: what, effect: plan.Widens,
		rec: partRec{Kind: "package", GPO: created.GUID, GPODN: created.DN, Add: &addReq, MSISHA256: sum256, GPOVersion: &version}})
	for _, part := range parts {
		if part.steps != nil {
			p.Add(part.steps...)
			continue
		}
		if ready && !part.late {
			sub, err := buildPart(st, part.rec)(ctx)
			if err != nil {
				return nil, nil, err
			}
			p.Add(sub.Steps...)
			for _, n := range sub.Notes {
				if !slices.Contains(p.Notes, n) {
					p.Notes = append(p.Notes, n)
				}
			}
			continue
		}
		p.Add(nested(st, part.what, part.effect, part.rec))
	}
	p.Add(links...)
	sum.NothingToDo = p.Empty()
	sum.ClientCommands = clientCommands(id, req.Half)
	return p, sum, nil
}

// cleanGroups drops empty names and repeats (names compare without case).
func cleanGroups(gs []string) []string {
	var out []string
	for _, g := range gs {
		g = strings.TrimSpace(g)
		if g != "" && !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, g) }) {
			out = append(out, g)
		}
	}
	return out
}

// checkUpgrade looks at the package to upgrade before anything is
// planned, with the checks gpo/si makes again when the package is added
// (FindPackage, the ProductCode rule, msi.CompareUpgrade): an upgrade the
// MSIs make meaningless is refused now rather than rolled back later. The
// notes are the warnings that do not stop it.
func checkUpgrade(ctx context.Context, st *si.Store, req Request, target smb.Path, newPkg *msi.Package, id msi.Identity) (*UpgradeSummary, *si.Package, []string, error) {
	u := req.Upgrade
	if strings.TrimSpace(u.Package) == "" {
		return nil, nil, nil, errors.New("upgrade: name the package to upgrade (GPO/PACKAGE, the package by name or id)")
	}
	ref := u.GPO
	if ref == "" {
		ref = req.GPOName
	}
	og, old, err := st.FindPackage(ctx, ref, u.Package)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("upgrade: %w", err)
	}
	if old.State != si.StateActive {
		return nil, nil, nil, fmt.Errorf("upgrade: package %q in %q is %s; only a deployed package can be upgraded", old.Name, og.Name, old.State)
	}
	if strings.EqualFold(old.ProductCode, id.ProductCode) {
		return nil, nil, nil, &si.SameProductError{Package: old.Name, Version: old.Version, ProductCode: old.ProductCode}
	}
	if strings.EqualFold(old.MSIPath, target.String()) {
		return nil, nil, nil, fmt.Errorf("upgrade of %q: the new MSI would overwrite %s, the file the old package installs from (clients repairing or removing it need it); "+
			"upload the new version to a folder of its own, e.g. %s", old.Name, old.MSIPath, target.Dir().String()+`-`+id.ProductVersion)
	}
	sum := &UpgradeSummary{GPO: og.GUID, GPOName: og.Name, Package: old.Name, ID: old.ID, Version: old.Version,
		Mode: "uninstall", Required: !req.Options.OptionalUpgrade}
	if u.InPlace {
		sum.Mode = "in-place"
	}
	var notes []string
	findings, err := compareWithOld(ctx, st, old.MSIPath, newPkg)
	if err != nil {
		notes = append(notes, fmt.Sprintf("could not read the old MSI %s to compare the packages: %v", old.MSIPath, err))
	}
	for _, f := range findings {
		if u.InPlace && (f.Code == "upgrade-code-changed" || f.Code == "upgrade-code-missing") {
			return nil, nil, nil, &InPlaceError{Package: old.Name, Message: f.Message, Advice: f.Advice}
		}
		notes = append(notes, fmt.Sprintf("upgrade of %q: %s. %s", old.Name, f.Message, f.Advice))
	}
	return sum, &old, notes, nil
}

// compareWithOld reads the old package's MSI in place on its share (any
// size: only the tables it needs are read) and runs the upgrade-pair
// checks of gpo/msi.
func compareWithOld(ctx context.Context, st *si.Store, unc string, newPkg *msi.Package) ([]msi.Finding, error) {
	op, closer, err := st.OpenMSI(ctx, unc)
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	defer op.Close()
	return msi.CompareUpgrade(op, newPkg)
}

func deploymentWord(o si.Options) string {
	if o.Deployment == si.Published {
		return "Published"
	}
	return "Назначено (Assigned)"
}

func presetKeys() string {
	var keys []string
	for _, p := range gpo.Presets() {
		keys = append(keys, p.Key)
	}
	return strings.Join(keys, ", ")
}

// nested is a step that builds a sub-plan when it runs (its inputs do not
// exist yet when the plan is printed) and makes its steps; undo undoes the
// steps it made, newest first. effect is what the part does as a whole
// (the filtering and WMI parts narrow, the package widens); the sub-plan
// must itself be in order (plan.CheckOrder), or nothing of it is made.
func nested(st *si.Store, what string, effect plan.Effect, part partRec) plan.Step {
	var done []plan.Step
	build := buildPart(st, part)
	return plan.Step{
		Op: "plan", Target: what, Effect: effect,
		Record: func() *plan.Record {
			r := nestedRec{}
			for _, s := range done {
				if s.Record != nil {
					r.Subs = append(r.Subs, s.Record())
					r.Redos = append(r.Redos, s.Redo)
				}
			}
			return plan.NewRecord("nested", r)
		},
		Redo:    plan.NewRecord("deploy-part", nestedRedo{What: what, Part: part}),
		Details: []string{"computed when this step runs, after the steps above exist"},
		Inverse: "undo each change it made",
		Do: func(ctx context.Context) error {
			sub, err := build(ctx)
			if err != nil {
				return err
			}
			if err := plan.CheckOrder(sub.Steps, false); err != nil {
				return fmt.Errorf("%s: %w", sub.Title, err)
			}
			for _, s := range sub.Steps {
				done = append(done, s)
				plan.Touch(ctx)
				if err := s.Do(ctx); err != nil {
					return fmt.Errorf("%s: %w", s, err)
				}
			}
			return nil
		},
		Undo: func(ctx context.Context) error {
			var errs []error
			for i := len(done) - 1; i >= 0; i-- {
				if done[i].Undo == nil {
					continue
				}
				if err := done[i].Undo(ctx); err != nil {
					errs = append(errs, fmt.Errorf("undo %s: %w", done[i], err))
				}
			}
			done = nil
			return errors.Join(errs...)
		},
	}
}

// uploadSource is what an upload writes: a file on this machine, or bytes
// the deploy made (a transform), described by what.
type uploadSource struct {
	local string
	data  []byte
	what  string
}

func (u uploadSource) size() (int64, error) {
	if u.local == "" {
		return int64(len(u.data)), nil
	}
	fi, err := os.Stat(u.local)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// file gives a local file holding the bytes to upload and the function
// that removes it when it was made for the upload.
func (u uploadSource) file() (string, func(), error) {
	if u.local != "" {
		return u.local, func() {}, nil
	}
	f, err := os.CreateTemp("", "ctitui-upload-*")
	if err != nil {
		return "", nil, err
	}
	remove := func() { os.Remove(f.Name()) }
	if _, err := f.Write(u.data); err != nil {
		f.Close()
		remove()
		return "", nil, fmt.Errorf("write %s: %w", f.Name(), err)
	}
	if err := f.Close(); err != nil {
		remove()
		return "", nil, err
	}
	return f.Name(), remove, nil
}

// uploadStep plans the upload with the guide's folder permissions. It is
// nil when the share already holds the same bytes with the right
// permissions.
//
// It also lists the temporary files cut-off uploads left in the folder
// (Partials), which it reads anyway.
func uploadStep(ctx context.Context, st *si.Store, src uploadSource, target smb.Path, sum256 string) (_ *plan.Step, _ string, partials []Partial, _ error) {
	step, state, err := uploadStepOn(ctx, st, src, target, sum256, &partials)
	return step, state, partials, err
}

func uploadStepOn(ctx context.Context, st *si.Store, src uploadSource, target smb.Path, sum256 string, partials *[]Partial) (*plan.Step, string, error) {
	s := st.Session()
	size, err := src.size()
	if err != nil {
		return nil, "", err
	}
	c, sh, err := st.OpenShare(ctx, target)
	if err != nil {
		return nil, "", err
	}
	defer c.Close()
	defer sh.Close()
	dir := target.Dir()
	state := "new"
	var oldFolder *secdesc.SecurityDescriptor
	folderExists := false
	if fi, err := sh.Stat(ctx, dir.Rel()); err == nil && fi.IsDir() {
		folderExists = true
		if oldFolder, err = sh.Security(ctx, dir.Rel()); err != nil {
			return nil, "", err
		}
		if *partials, err = partialsIn(ctx, sh, dir); err != nil {
			return nil, "", err
		}
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, "", err
	}
	if fi, err := sh.Stat(ctx, target.Rel()); err == nil {
		state = "replace"
		if fi.Size() == size {
			same, err := sameBytes(ctx, sh, target.Rel(), src)
			if err != nil {
				return nil, "", err
			}
			if same {
				state = "unchanged"
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, "", err
	}
	want, err := smb.DistributionDACL(s.DomainSID())
	if err != nil {
		return nil, "", err
	}
	if state == "unchanged" && oldFolder != nil && sameDACL(oldFolder, want) {
		if dec, err := sh.ComputersCanRead(ctx, target.Rel(), s.DomainSID()); err == nil && dec.Granted {
			return nil, state, nil
		}
	}
	what := src.local
	if what == "" {
		what = src.what
	}
	details := []string{
		fmt.Sprintf("%s, %d bytes, SHA-256 checked after writing, to a temporary name first (%s)", what, size, state),
		"folder DACL (the guide's table): Domain Computers Read, Domain Admins Full control, SYSTEM Full control: " + want.SDDL(s.DomainSID()),
	}
	if src.local == "" {
		sum := sha256.Sum256(src.data)
		sum256 = hex.EncodeToString(sum[:])
	}
	redo := uploadRedo{Target: target.String(), Local: src.local, Data: src.data, What: src.what, Size: size, SHA256: sum256, State: state,
		FolderExists: folderExists, OldFolder: gpo.EncodeSD(oldFolder)}
	step := newUploadStep(st, redo, details)
	return &step, state, nil
}

// uploadRedo is an upload's forward record: the local file (its path,
// size and SHA-256: a resume refuses a file changed or gone since) and
// what the plan found on the share.
//
// A file ctitui made for the deploy (a transform, a few KB) has no local
// path: its bytes are the record (Data), with what it is (What).
type uploadRedo struct {
	Target, Local string
	Data          []byte `json:",omitempty"`
	What          string `json:",omitempty"`
	Size          int64
	SHA256        string
	State         string // "new" or "replace"
	FolderExists  bool
	OldFolder     gpo.SD
}

// newUploadStep is the upload step of a plan (uploadStepOn) or a resume.
func newUploadStep(st *si.Store, redo uploadRedo, details []string) plan.Step {
	s := st.Session()
	target, err := smb.ParsePath(redo.Target)
	if err != nil {
		// Planned from a parsed path: only a damaged journal gets here.
		return plan.Step{Op: "smb upload", Target: redo.Target, Effect: plan.Prepares,
			Do: func(context.Context) error { return err }}
	}
	src, dir, folderExists := uploadSource{local: redo.Local, data: redo.Data, what: redo.What}, target.Dir(), redo.FolderExists
	// The MSI on the share reaches clients only through a package.
	step := plan.Step{Op: "smb upload", Target: target.String(), Details: details, Effect: plan.Prepares,
		Inverse: "remove the uploaded file (a replaced file cannot be restored) and put the folder's permissions back",
		Redo:    plan.NewRecord("share-upload", redo)}
	// rec is what the undo needs. Pre are the names in the folder before
	// the upload: an upload cut short leaves its temporary file
	// (".<name>.ctitui-<random>.partial", see smb.Share.Upload) behind,
	// which the undo removes.
	rec := &uploadRec{Target: target.String(), FolderExists: folderExists, Wrote: redo.State == "new", OldFolder: redo.OldFolder}
	step.Record = func() *plan.Record { return plan.NewRecord("share-upload", rec) }
	step.Do = func(ctx context.Context) error {
		c, sh, err := st.OpenShare(ctx, target)
		if err != nil {
			return err
		}
		defer c.Close()
		defer sh.Close()
		if folderExists {
			list, err := sh.ReadDir(ctx, dir.Rel())
			if err != nil {
				return err
			}
			rec.Pre = nil
			for _, fi := range list {
				rec.Pre = append(rec.Pre, fi.Name())
			}
			rec.Listed = true
			plan.Touch(ctx)
		}
		if err := sh.MkdirAll(ctx, dir.Rel()); err != nil {
			return err
		}
		local, done, err := src.file()
		if err != nil {
			return err
		}
		_, err = sh.Upload(ctx, local, target.Rel(), smb.UploadOptions{Overwrite: true})
		done()
		if err != nil {
			return err
		}
		if err := sh.ApplyDistributionACL(ctx, dir.Rel(), s.DomainSID(), target.Base()); err != nil {
			return err
		}
		dec, err := sh.ComputersCanRead(ctx, target.Rel(), s.DomainSID())
		if err != nil {
			return err
		}
		if !dec.Granted {
			return fmt.Errorf("Domain Computers cannot read %s after setting the folder permissions: %s", target,
				dec.Explain(secdesc.Names(s.DomainSID(), nil), secdesc.FileMapping()))
		}
		return nil
	}
	step.Undo = undoUpload(st, rec)
	return step
}

// uploadRec is what an upload's undo needs (its journal record).
type uploadRec struct {
	Target       string
	FolderExists bool
	// Listed is set once Pre holds the folder's names before the upload.
	Listed bool
	Pre    []string
	// Wrote is set when the file is new (a replaced file cannot be
	// restored and stays).
	Wrote     bool
	OldFolder gpo.SD
}

// nestedRec is what a nested part's undo needs: the records of the steps
// it made, in order.
type nestedRec struct {
	Subs []*plan.Record
	// Redos are the forward records of the same steps (for a resume's
	// check that they are still in place).
	Redos []*plan.Record `json:",omitempty"`
}

func init() {
	gpo.RegisterUndo("share-upload", func(s *gpo.Session, a json.RawMessage) (func(context.Context) error, error) {
		var r uploadRec
		if err := json.Unmarshal(a, &r); err != nil {
			return nil, err
		}
		return undoUpload(si.New(s), &r), nil
	})
	gpo.RegisterUndo("nested", func(s *gpo.Session, a json.RawMessage) (func(context.Context) error, error) {
		var r nestedRec
		if err := json.Unmarshal(a, &r); err != nil {
			return nil, err
		}
		var undos []func(context.Context) error
		for _, sub := range r.Subs {
			u, err := s.UndoRecord(sub)
			if err != nil {
				return nil, err
			}
			undos = append(undos, u)
		}
		return func(ctx context.Context) error {
			var errs []error
			for i := len(undos) - 1; i >= 0; i-- {
				if err := undos[i](ctx); err != nil {
					errs = append(errs, err)
				}
			}
			return errors.Join(errs...)
		}, nil
	})
}

// undoUpload removes what an upload made: the file when it was new, its
// temporary files, the folder when it was new, else the folder's previous
// permissions.
func undoUpload(st *si.Store, r *uploadRec) func(context.Context) error {
	return func(ctx context.Context) error {
		target, err := smb.ParsePath(r.Target)
		if err != nil {
			return err
		}
		dir := target.Dir()
		c, sh, err := st.OpenShare(ctx, target)
		if err != nil {
			return err
		}
		defer c.Close()
		defer sh.Close()
		list, err := sh.ReadDir(ctx, dir.Rel())
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		base := target.Base()
		pre := map[string]bool{}
		for _, n := range r.Pre {
			pre[n] = true
		}
		for _, fi := range list {
			n := fi.Name()
			ours := !r.FolderExists ||
				(!pre[n] && ((n == base && r.Wrote) || (strings.HasPrefix(n, "."+base+".") && strings.HasSuffix(n, ".partial"))))
			if !ours || fi.IsDir() {
				continue
			}
			if err := sh.Remove(ctx, dir.Rel()+`\`+n); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		if !r.FolderExists {
			if err := sh.Remove(ctx, dir.Rel()); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			return nil
		}
		old, err := r.OldFolder.Decode()
		if err != nil {
			return err
		}
		if old != nil {
			return sh.SetSecurity(ctx, dir.Rel(), old, smb.DACLPart)
		}
		return nil
	}
}

func sameDACL(a, b *secdesc.SecurityDescriptor) bool {
	d := secdesc.DiffACL(a.DACL, b.DACL)
	return len(d.Added) == 0 && len(d.Removed) == 0
}

// sameBytes compares the share's file with the local one by size and
// SHA-256, streaming both (an MSI may be larger than a small-file read).
func sameBytes(ctx context.Context, sh *smb.Share, rel string, src uploadSource) (bool, error) {
	var r io.Reader = bytes.NewReader(src.data)
	size := int64(len(src.data))
	if src.local != "" {
		f, err := os.Open(src.local)
		if err != nil {
			return false, err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return false, err
		}
		r, size = f, st.Size()
	}
	remote, err := sh.OpenReaderAt(ctx, rel)
	if err != nil {
		return false, err
	}
	defer remote.Close()
	if remote.Size() != size {
		return false, nil
	}
	lh, rh := sha256.New(), sha256.New()
	if _, err := io.Copy(lh, r); err != nil {
		return false, err
	}
	// 1 MiB reads: io.Copy's 32 KiB would be one SMB round trip each.
	if _, err := io.CopyBuffer(rh, io.NewSectionReader(remote, 0, remote.Size()), make([]byte, 1<<20)); err != nil {
		return false, fmt.Errorf("read %s: %w", sh.Path(rel), err)
	}
	return bytes.Equal(lh.Sum(nil), rh.Sum(nil)), nil
}

// clientCommands are the guide's "Проверка и диагностика" steps for a
// client computer.
func clientCommands(id msi.Identity, h gpo.Half) []string {
	scope := "computer"
	if h == gpo.User {
		scope = "user"
	}
	return []string{
		"gpupdate /force",
		`shutdown /r /t 30 /c "Применение групповой политики"   (Software Installation applies at start-up` + map[bool]string{true: " or logon", false: ""}[h == gpo.User] + ")",
		"gpresult /r /scope " + scope,
		`gpresult /h C:\Temp\gpresult.html && start C:\Temp\gpresult.html`,
		"Event Viewer: Applications and Services Logs → Microsoft → Windows → GroupPolicy → Operational (event 108: policy failed)",
		"Event Viewer: Windows Logs → Application, source MsiInstaller (event 1022: MSI installation error); AppXDeployment-Server for application installs",
		`reg query HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\` + id.ProductCode,
		`powershell "Get-WmiObject -Class Win32_Product | Where-Object { $_.IdentifyingNumber -eq '` + id.ProductCode + `' }"`,
	}
}
