package si

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/msi"
	"github.com/ctitui/ctitui/gpo/plan"
)

// AddRequest describes a new package.
type AddRequest struct {
	// GPO is the GPO's display name or {GUID}.
	GPO string
	// Half is Computer (the guide's recommendation) or User.
	Half gpo.Half
	// MSIPath is the UNC path clients install from.
	MSIPath string
	// LocalMSI, when set, is the same file on this machine (read instead
	// of downloading it again).
	LocalMSI string
	Options  Options
	// Upgrades are existing packages the new one upgrades.
	Upgrades []UpgradeOf
}

// UpgradeOf names a package the new package upgrades ("Upgrades" tab).
type UpgradeOf struct {
	GPO     string // GPO of the old package (name or {GUID}); "" = the same GPO
	Package string // name or id of the old package
	// InPlace is "Package can upgrade over the existing package" (02);
	// otherwise "Uninstall the existing package, then install" (01).
	InPlace bool
}

// Added says what AddPlan makes.
type Added struct {
	GPO        string `json:"gpo"`
	GPOName    string `json:"gpoName"`
	Scope      string `json:"scope"`
	Name       string `json:"name"`
	DN         string `json:"dn"`
	MSIPath    string `json:"msiPath"`
	ScriptPath string `json:"scriptPath"`
	Flags      Flags  `json:"packageFlags"`
	// CategoryNames are the package's application categories by name.
	CategoryNames []string `json:"categoryNames,omitempty"`
	// Existing is set when the package is already deployed and nothing
	// is to change.
	Existing *Package `json:"existing,omitempty"`
	// Warnings are the upgrade checks that did not stop the plan, and a
	// machineArchitecture outside the spec's list (archOutsideSpec).
	Warnings []string `json:"warnings,omitempty"`
}

// AddPlan plans a new package ([MS-GPSI] 2.2.3.2.3 Package Creation
// Message): class store containers when missing, the advertise script,
// the packageRegistration object with every attribute of 2.2.2.4.1,
// per-package filtering, upgrade links, then the class store
// confirmation, extension names and version bump. A package of the same
// product from the same path that is still deployed makes the plan empty.
func (st *Store) AddPlan(ctx context.Context, req AddRequest) (*plan.Plan, *Added, error) {
	g, err := st.s.Find(ctx, req.GPO)
	if err != nil {
		return nil, nil, err
	}
	o := req.Options
	if err := o.Validate(req.Half); err != nil {
		return nil, nil, err
	}
	src, err := st.CheckSource(ctx, req.MSIPath, req.LocalMSI)
	if err != nil {
		return nil, nil, err
	}
	defer src.Close()
	id := src.Identity
	msiUNC := src.Path.String()

	arch, err := processorArch(id.Platform)
	if err != nil {
		return nil, nil, err
	}
	flags, err := o.flagsFor(req.Half, arch == 0)
	if err != nil {
		return nil, nil, err
	}
	if len(req.Upgrades) > 0 {
		flags |= FlagHasUpgrades
	}
	transforms, err := st.checkTransforms(ctx, o.Transforms)
	if err != nil {
		return nil, nil, err
	}
	categories, cats, err := st.resolveCategories(ctx, o.Categories)
	if err != nil {
		return nil, nil, err
	}

	cs, err := st.readClassStore(ctx, g, req.Half)
	if err != nil {
		return nil, nil, err
	}
	existing, err := st.readPackages(ctx, g, req.Half)
	if err != nil {
		return nil, nil, err
	}
	out := &Added{GPO: g.GUID, GPOName: g.Name, Scope: req.Half.String(), MSIPath: msiUNC}
	if w := archOutsideSpec(arch); w != "" {
		out.Warnings = append(out.Warnings, w)
	}
	rdn, err := newGUID()
	if err != nil {
		return nil, nil, err
	}
	dn := "CN=" + rdn + "," + packagesDN(g, req.Half)
	var upgradeVals []string
	var backLinks []plan.Step
	for _, u := range req.Upgrades {
		v, back, warnings, err := st.upgradeLink(ctx, g, req.Half, dn, src, u)
		if err != nil {
			return nil, nil, err
		}
		upgradeVals = append(upgradeVals, v)
		backLinks = append(backLinks, back...)
		out.Warnings = append(out.Warnings, warnings...)
	}
	for _, p := range existing {
		if p.State == StateActive && strings.EqualFold(p.ProductCode, id.ProductCode) && strings.EqualFold(p.MSIPath, msiUNC) {
			p := p
			if !sameTransforms(p.Transforms, transforms) {
				// The transforms of a deployed package are fixed (GPMC's
				// Modifications tab is read-only once it is deployed):
				// clients installed it with them and repair with them.
				return nil, nil, fmt.Errorf("%q already deploys %s from %s as %q (%s) with transforms %s, not %s: the transforms of a deployed package cannot be changed; remove that package first, then add it again with the new transforms",
					g.Name, id.ProductCode, msiUNC, p.Name, p.ID, transformList(p.Transforms), transformList(transforms))
			}
			out.Existing, out.Name, out.DN, out.ScriptPath, out.Flags = &p, p.Name, p.DN, p.ScriptPath, p.Flags
			pl := st.s.NewPlan(fmt.Sprintf("add package %s to %q (%s)", p.Name, g.Name, req.Half))
			pl.Note("%q already deploys %s from %s as %q (%s): nothing to change", g.Name, id.ProductCode, msiUNC, p.Name, p.ID)
			return pl, out, nil
		}
	}

	name := o.Name
	if name == "" {
		name = strings.TrimSpace(id.ProductName + " " + id.ProductVersion)
	}
	name = uniqueName(name, existing)
	scriptFile, err := newGUID()
	if err != nil {
		return nil, nil, err
	}
	scriptFile += ".aas"
	now := st.now()
	script, err := buildScript(src.Package, msiUNC, req.Half, now)
	if err != nil {
		return nil, nil, err
	}
	lus := updateSequence(now)
	out.Name, out.DN, out.ScriptPath, out.Flags = name, dn, st.scriptUNC(g, req.Half, scriptFile), flags
	for _, c := range cats {
		out.CategoryNames = append(out.CategoryNames, c.Name)
	}

	if len(req.Upgrades) > 0 && o.requiredUpgrade() {
		flags |= FlagForceUpgrade
		out.Flags = flags
	}

	attrs, show, err := packageAttrs(packageInput{
		name: name, flags: flags, msiPath: msiUNC, transforms: transforms, scriptPath: out.ScriptPath,
		scriptSize: len(script), id: id, arch: arch, basicUI: o.BasicUI, lus: lus, url: o.URL,
		upgrades: upgradeVals, half: req.Half, published: o.Deployment == Published, categories: categories,
	})
	if err != nil {
		return nil, nil, err
	}

	p := st.s.NewPlan(fmt.Sprintf("add package %q to %q %s (%s configuration)", name, g.Name, g.GUID, req.Half))
	p.Add(st.containerSteps(cs, g, req.Half)...)
	appsRel := st.applicationsRel(g, req.Half)
	sh, err := st.s.SysVol(ctx)
	if err != nil {
		return nil, nil, err
	}
	if _, err := sh.Stat(ctx, appsRel); errors.Is(err, fs.ErrNotExist) {
		p.Add(ensureDirStep(st.s, appsRel))
	} else if err != nil {
		return nil, nil, err
	}
	p.Add(writeScriptStep(st.s, appsRel+`\`+scriptFile, script, nil))
	add, err := st.addPackageStep(ctx, dn, attrs, show, o.ReadGroup)
	if err != nil {
		return nil, nil, err
	}
	p.Add(add)
	p.Add(backLinks...)
	finish, err := st.finishSteps(cs, g, req.Half, lus)
	if err != nil {
		return nil, nil, err
	}
	p.Add(finish...)
	for _, w := range out.Warnings {
		p.Note("%s", w)
	}
	if req.Half == gpo.Computer {
		p.Note("computers install the package at their next start-up (Software Installation runs only in the foreground): gpupdate /force, then restart")
	}
	return p, out, nil
}

// requiredUpgrade: upgrades made with ctitui are "Required upgrade for
// existing packages" unless the admin says otherwise (the guide's step 6).
func (o Options) requiredUpgrade() bool { return !o.OptionalUpgrade }

func sameTransforms(a, b []string) bool {
	return slices.EqualFunc(a, b, strings.EqualFold)
}

func transformList(ts []string) string {
	if len(ts) == 0 {
		return "(none)"
	}
	return strings.Join(ts, ", ")
}

// checkTransforms checks the transforms' paths and that they exist.
func (st *Store) checkTransforms(ctx context.Context, paths []string) ([]string, error) {
	var out []string
	for _, t := range paths {
		p, err := ParseSourcePath(t, ".mst")
		if err != nil {
			return nil, err
		}
		c, sh, err := st.openShare(ctx, p)
		if err != nil {
			return nil, err
		}
		_, err = sh.Stat(ctx, p.Rel())
		if err == nil {
			err = computersCanReadPath(ctx, sh, p, st.s.DomainSID())
		}
		sh.Close()
		c.Close()
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("transform %s does not exist: upload it next to the .msi first", p)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, p.String())
	}
	return out, nil
}

// packageInput is what the package object is made from.
type packageInput struct {
	name, msiPath, scriptPath, lus, url string
	transforms, upgrades, categories    []string
	scriptSize                          int
	flags                               Flags
	id                                  msi.Identity
	arch                                int32
	basicUI, published                  bool
	half                                gpo.Half
}

// packageAttrs are the attributes of a new packageRegistration
// ([MS-GPSI] 2.2.2.4.1 and 2.2.3.2.3; objectGUID is the server's).
func packageAttrs(in packageInput) ([]ldap.Attribute, map[string]string, error) {
	pc, err := guidBytes(in.id.ProductCode)
	if err != nil {
		return nil, nil, fmt.Errorf("ProductCode: %w", err)
	}
	hi, lo, err := versionHiLo(in.id.ProductVersion)
	if err != nil {
		return nil, nil, err
	}
	lang, err := strconv.Atoi(in.id.ProductLanguage)
	if err != nil {
		return nil, nil, fmt.Errorf("ProductLanguage %q is not a number", in.id.ProductLanguage)
	}
	ui := uiLevelFull
	if in.basicUI {
		ui = uiLevelBasic
	}
	scriptName := "A"
	if in.published {
		scriptName = "P"
	}
	attr := func(t string, v ...string) ldap.Attribute { return ldap.Attribute{Type: t, Vals: v} }
	attrs := []ldap.Attribute{
		attr("objectClass", "top", "packageRegistration"),
		attr("displayName", in.name),
		attr("packageName", in.name),
		// 2.2.2.4.4: 5 = a Windows Installer package.
		attr("packageType", "5"),
		attr("packageFlags", strconv.FormatInt(int64(int32(in.flags)), 10)),
		attr("msiScriptName", scriptName),
		attr("msiScriptPath", in.scriptPath),
		attr("msiScriptSize", strconv.Itoa(in.scriptSize)),
		attr("msiFileList", fileList(in.msiPath, in.transforms)...),
		attr("productCode", string(pc)),
		attr("versionNumberHi", strconv.Itoa(hi)),
		attr("versionNumberLo", strconv.Itoa(lo)),
		attr("revision", "0"),
		attr("lastUpdateSequence", in.lus),
		attr("localeID", strconv.Itoa(lang)),
		// [MS-GPSI] 2.2.2.4.1: the integer "MUST be one of the following
		// values": 0 x86, 6 Itanium, 9 x64, the PROCESSOR_ARCHITECTURE
		// value itself (arch.go). Earlier ctitui versions wrote it in the
		// second byte (2304 for x64), which matches no client.
		attr("machineArchitecture", strconv.Itoa(machineArchitecture(in.arch))),
		attr("installUiLevel", strconv.Itoa(ui)),
	}
	show := map[string]string{"productCode": in.id.ProductCode + " (binary GUID)",
		"packageFlags": in.flags.String()}
	if in.id.UpgradeCode != "" {
		uc, err := guidBytes(in.id.UpgradeCode)
		if err != nil {
			return nil, nil, fmt.Errorf("UpgradeCode: %w", err)
		}
		attrs = append(attrs, attr("upgradeProductCode", string(uc)))
		show["upgradeProductCode"] = in.id.UpgradeCode + " (binary GUID)"
	}
	if in.id.Manufacturer != "" {
		attrs = append(attrs, attr("vendor", in.id.Manufacturer))
	}
	if in.url != "" {
		attrs = append(attrs, attr("url", in.url))
	}
	if len(in.upgrades) > 0 {
		attrs = append(attrs, attr("canUpgradeScript", in.upgrades...))
	}
	if len(in.categories) > 0 {
		// RFC 4122 section 3 GUID strings (see categories.go).
		attrs = append(attrs, attr("categories", in.categories...))
	}
	return attrs, show, nil
}

// versionHiLo are versionNumberHi and versionNumberLo: the major and
// minor parts of ProductVersion ([MS-GPSI] 3.1.1.4 VersionHi/VersionLo).
func versionHiLo(v string) (int, int, error) {
	parts := strings.Split(v, ".")
	hi, err := strconv.Atoi(parts[0])
	if err != nil {
		return 0, 0, fmt.Errorf("ProductVersion %q: %w", v, err)
	}
	lo := 0
	if len(parts) > 1 {
		if lo, err = strconv.Atoi(parts[1]); err != nil {
			return 0, 0, fmt.Errorf("ProductVersion %q: %w", v, err)
		}
	}
	return hi, lo, nil
}

// addPackageStep adds the packageRegistration object. Clients find a
// package by searching the class store ([MS-GPSI] 3.2.5.1), so the add
// Widens: in a linked GPO the package is live from here on. Per-package
// security filtering (group, seed 002 "Фильтрация приложений") is
// therefore part of the add itself, never a step after it: the object is
// created with its DACL. Clients that cannot read a package do not see it
// (the search returns only what the computer or user may read). The
// DACL is what the object would inherit from its container (the GPO's
// entries), as explicit entries, without the read rights of
// Authenticated Users, Everyone and Domain Computers, plus Read for the
// group; it is protected, so the GPO's entries no longer flow in.
func (st *Store) addPackageStep(ctx context.Context, dn string, attrs []ldap.Attribute, show map[string]string, group string) (plan.Step, error) {
	step := st.s.AddObjectStep(dn, attrs, show)
	step.Effect = plan.Widens
	if group == "" {
		return step, nil
	}
	step.Redo = plan.NewRecord("si-package", packageRedo{Object: gpo.AddRedo(dn, attrs), Group: group})
	c, err := st.s.Dir(ctx)
	if err != nil {
		return plan.Step{}, err
	}
	grp, err := c.GroupByName(ctx, group)
	if err != nil {
		return plan.Step{}, fmt.Errorf("per-package filtering: %w", err)
	}
	gsid, err := secdesc.ParseSID(grp.SID)
	if err != nil {
		return plan.Step{}, fmt.Errorf("group %s: %w", group, err)
	}
	dsid := st.s.DomainSID()
	computers, err := dsid.WithRID(secdesc.RIDDomainComputers)
	if err != nil {
		return plan.Step{}, err
	}
	broad := []secdesc.SID{secdesc.MustSID(secdesc.SIDAuthenticatedUsers), secdesc.MustSID(secdesc.SIDEveryone), computers}
	parent := dn[strings.Index(dn, ",")+1:]
	step.Details = append(step.Details, fmt.Sprintf("nTSecurityDescriptor: only %s (and administrators) may read the package; Authenticated Users, Everyone and Domain Computers get no Read; DACL protected", grp.Name))
	step.Do = func(ctx context.Context) error {
		c, err := st.s.Dir(ctx)
		if err != nil {
			return err
		}
		psd, _, err := c.ReadSecurityDescriptor(ctx, parent, secdesc.DACLSecurityInformation)
		if err != nil {
			return err
		}
		acl := secdesc.NewACL()
		if psd.DACL != nil {
			for _, a := range psd.DACL.ACEs {
				// What a child object inherits ([MS-DTYP] 2.5.3.4.2):
				// container-inherit entries for every class. CREATOR
				// OWNER entries are left out: the owner's own rights
				// come with ownership.
				if a.Flags&secdesc.ContainerInherit == 0 || a.InheritedObjectType != nil ||
					a.SID == secdesc.MustSID(secdesc.SIDCreatorOwner) {
					continue
				}
				if slices.Contains(broad, a.SID) && (a.Type == secdesc.AccessAllowed || a.Type == secdesc.AccessAllowedObject) {
					continue
				}
				a.Flags &^= secdesc.Inherited | secdesc.InheritOnly | secdesc.NoPropagateInherit
				acl.Add(a)
			}
		}
		acl.Add(secdesc.AllowACE(gsid, secdesc.DSGenericRead, 0))
		acl.Canonicalize()
		acl.FixRevision()
		sd := secdesc.New()
		sd.SetDACL(acl)
		sd.Control |= secdesc.DACLProtected
		raw, err := sd.Encode()
		if err != nil {
			return err
		}
		with := append(slices.Clone(attrs), ldap.Attribute{Type: "nTSecurityDescriptor", Vals: []string{string(raw)}})
		return c.Add(ctx, &ldap.AddRequest{DN: dn, Attributes: with})
	}
	return step, nil
}

// objectGUIDOf reads an object's objectGUID.
func objectGUIDOf(ctx context.Context, c *domain.Conn, dn string) (string, error) {
	e, err := c.Read(ctx, dn, []string{"objectGUID"})
	if err != nil {
		return "", err
	}
	id := guidFromBytes(e.GetRawAttributeValue("objectGUID"))
	if id == "" {
		return "", fmt.Errorf("%s has no objectGUID", dn)
	}
	return id, nil
}
