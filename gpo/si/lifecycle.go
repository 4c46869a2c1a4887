package si

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/msi"
	"github.com/ctitui/ctitui/gpo/plan"
)

// upgradeLink checks an upgrade of old by the new package and returns the
// new package's canUpgradeScript value, the step that adds the
// "upgraded by" value to the old package (same GPO only: [MS-GPSI]
// 2.2.2.4.2 UPGFLG_UpgradedBy is "by another package in the same GPO"),
// and warnings. Upgrades the MSIs make meaningless are refused: the
// guide's warning that the packages must differ in UpgradeCode or
// ProductCode for the upgrade to work.
func (st *Store) upgradeLink(ctx context.Context, g gpo.GPO, h gpo.Half, newDN string, src *Source, u UpgradeOf) (string, []plan.Step, []string, error) {
	ref := u.GPO
	if ref == "" {
		ref = g.GUID
	}
	og, old, err := st.FindPackage(ctx, ref, u.Package)
	if err != nil {
		return "", nil, nil, fmt.Errorf("upgrade: %w", err)
	}
	if old.State != StateActive {
		return "", nil, nil, fmt.Errorf("upgrade: package %q is %s; only a deployed package can be upgraded", old.Name, old.State)
	}
	var warnings []string
	if strings.EqualFold(old.ProductCode, src.Identity.ProductCode) {
		oldVer := old.Version
		return "", nil, nil, &SameProductError{Package: old.Name, Version: oldVer, ProductCode: old.ProductCode}
	}
	typ := UpgradeUninstall
	if u.InPlace {
		typ = UpgradeInPlace
	}
	if findings, err := st.compareWithOld(ctx, old, src.Package); err != nil {
		warnings = append(warnings, fmt.Sprintf("could not read the old MSI %s to compare the packages: %v", old.MSIPath, err))
	} else {
		for _, f := range findings {
			if f.Code == "upgrade-code-changed" || f.Code == "upgrade-code-missing" {
				if u.InPlace {
					return "", nil, nil, fmt.Errorf("in-place upgrade of %q is meaningless: %s. %s", old.Name, f.Message, f.Advice)
				}
			}
			warnings = append(warnings, fmt.Sprintf("upgrade of %q: %s. %s", old.Name, f.Message, f.Advice))
		}
	}
	value := Upgrade{ClassStore: classStoreDN(og, old.half), Package: old.ID, Type: typ}.String()
	if !strings.EqualFold(og.GUID, g.GUID) {
		return value, nil, warnings, nil
	}
	back := typ | UpgradeUpgradedBy
	cs := classStoreDN(g, h)
	step := plan.Step{
		Op: "ldap modify", Target: old.DN,
		Details: []string{fmt.Sprintf(`canUpgradeScript: + LDAP://%s\\<new package objectGUID>:%02x (upgraded by the new package)`, cs, uint8(back))},
		Inverse: "remove that value",
		Effect:  plan.Widens,
	}
	st2 := &upgradedByRec{DN: old.DN}
	step.Record = func() *plan.Record { return plan.NewRecord("si-upgraded-by", st2) }
	added := &st2.Added
	step.Do = func(ctx context.Context) error {
		c, err := st.s.Dir(ctx)
		if err != nil {
			return err
		}
		id, err := objectGUIDOf(ctx, c, newDN)
		if err != nil {
			return err
		}
		*added = Upgrade{ClassStore: cs, Package: id, Type: back}.String()
		plan.Touch(ctx)
		req := ldap.NewModifyRequest(old.DN, nil)
		req.Add("canUpgradeScript", []string{*added})
		return c.Modify(ctx, req)
	}
	step.Undo = undoUpgradedBy(st.s, st2)
	return value, []plan.Step{step}, warnings, nil
}

// undoUpgradedBy removes the "upgraded by" value a step added.
func undoUpgradedBy(s *gpo.Session, r *upgradedByRec) func(context.Context) error {
	return func(ctx context.Context) error {
		if r.Added == "" {
			return nil
		}
		c, err := s.Dir(ctx)
		if err != nil {
			return err
		}
		req := ldap.NewModifyRequest(r.DN, nil)
		req.Delete("canUpgradeScript", []string{r.Added})
		if err := c.Modify(ctx, req); err != nil && !domain.IsConflict(err) && !domain.IsNoSuchObject(err) {
			return err
		}
		return nil
	}
}

// compareWithOld opens the old package's MSI on its share (read in place,
// whatever its size) and runs the upgrade-pair checks of gpo/msi.
func (st *Store) compareWithOld(ctx context.Context, old Package, newPkg *msi.Package) ([]msi.Finding, error) {
	op, remote, err := st.OpenMSI(ctx, old.MSIPath)
	if err != nil {
		return nil, err
	}
	defer remote.Close()
	defer op.Close()
	return msi.CompareUpgrade(op, newPkg)
}

// UpgradePlan adds a package for a new MSI that upgrades an existing one
// (guide, "Обновление через GPO"): AddPlan with the upgrade relation.
func (st *Store) UpgradePlan(ctx context.Context, req AddRequest, of UpgradeOf) (*plan.Plan, *Added, error) {
	req.Upgrades = append(req.Upgrades, of)
	return st.AddPlan(ctx, req)
}

// RedeployPlan is "All Tasks → Redeploy application": revision + 1, a new
// advertise script in the same file (msiScriptPath is invariant, [MS-GPSI]
// 2.2.3.2.5 item 6), a new lastUpdateSequence, class store confirmation
// and version bump. The script is rebuilt from the MSI now at the
// package's path; an MSI with another ProductCode is refused (that is an
// upgrade).
func (st *Store) RedeployPlan(ctx context.Context, gpoRef, pkgRef string) (*plan.Plan, Package, error) {
	g, p, err := st.FindPackage(ctx, gpoRef, pkgRef)
	if err != nil {
		return nil, Package{}, err
	}
	if p.State != StateActive {
		return nil, p, fmt.Errorf("package %q is %s; redeploy works on deployed packages", p.Name, p.State)
	}
	src, err := st.CheckSource(ctx, p.MSIPath, "")
	if err != nil {
		return nil, p, err
	}
	defer src.Close()
	if !strings.EqualFold(src.Identity.ProductCode, p.ProductCode) {
		return nil, p, &OtherProductError{MSIPath: p.MSIPath, Now: src.Identity.ProductCode, Was: p.ProductCode}
	}
	// The package keeps its transforms (msiFileList is not rewritten):
	// each must still apply to the MSI now at its path, or clients would
	// fail to install it.
	for _, t := range p.Transforms {
		info, err := st.ReadTransform(ctx, t, src.Package)
		if err != nil {
			return nil, p, fmt.Errorf("redeploy %q: %w", p.Name, err)
		}
		why, err := info.Check(src.Package)
		if err != nil {
			return nil, p, fmt.Errorf("redeploy %q: %w", p.Name, err)
		}
		if len(why) > 0 {
			return nil, p, fmt.Errorf("redeploy %q: its transform %s would not apply to the MSI now at %s (%s); a deployed package keeps its transforms, so deploy that MSI as a new package with the transform made again for it",
				p.Name, t, p.MSIPath, strings.Join(why, "; "))
		}
	}
	rel := st.scriptRel(p.ScriptPath)
	if rel == "" {
		return nil, p, fmt.Errorf("msiScriptPath %s is not on this domain's SYSVOL; cannot rewrite it", p.ScriptPath)
	}
	now := st.now()
	script, err := buildScript(src.Package, p.MSIPath, p.half, now)
	if err != nil {
		return nil, p, err
	}
	sh, err := st.s.SysVol(ctx)
	if err != nil {
		return nil, p, err
	}
	old, err := sh.ReadFile(ctx, rel)
	if err != nil {
		return nil, p, fmt.Errorf("read the current script: %w", err)
	}
	cs, err := st.readClassStore(ctx, g, p.half)
	if err != nil {
		return nil, p, err
	}
	hi, lo, err := versionHiLo(src.Identity.ProductVersion)
	if err != nil {
		return nil, p, err
	}
	// machineArchitecture is rewritten from the MSI too, so that a value
	// in the form earlier ctitui versions wrote (Package.ArchOldForm)
	// becomes the [MS-GPSI] 2.2.2.4.1 one.
	arch, err := processorArch(src.Identity.Platform)
	if err != nil {
		return nil, p, err
	}
	lus := updateSequence(now)
	pl := st.s.NewPlan(fmt.Sprintf("redeploy %q in %q (%s), revision %d -> %d", p.Name, g.Name, p.Scope, p.Revision, p.Revision+1))
	pl.Add(writeScriptStep(st.s, rel, script, old))
	pl.Add(replaceStep(st.s, p.DN, map[string][]string{
		"revision":            {strconv.Itoa(p.Revision + 1)},
		"lastUpdateSequence":  {lus},
		"msiScriptName":       {p.ScriptName},
		"packageFlags":        {strconv.FormatInt(int64(int32(p.Flags)), 10)},
		"msiScriptSize":       {strconv.Itoa(len(script))},
		"versionNumberHi":     {strconv.Itoa(hi)},
		"versionNumberLo":     {strconv.Itoa(lo)},
		"machineArchitecture": {strconv.Itoa(machineArchitecture(arch))},
	}, map[string][]string{
		"revision":            {strconv.Itoa(p.Revision)},
		"lastUpdateSequence":  nonEmpty(p.LastUpdate),
		"msiScriptName":       {p.ScriptName},
		"packageFlags":        {strconv.FormatInt(int64(int32(p.Flags)), 10)},
		"msiScriptSize":       nonEmpty(p.scriptSize),
		"versionNumberHi":     {strings.Split(p.Version, ".")[0]},
		"versionNumberLo":     {strings.Split(p.Version, ".")[1]},
		"machineArchitecture": p.archRaw,
	}, nil))
	finish, err := st.finishSteps(cs, g, p.half, lus)
	if err != nil {
		return nil, p, err
	}
	pl.Add(finish...)
	pl.Note("every computer or user that has the package reinstalls it at the next policy processing")
	return pl, p, nil
}

func nonEmpty(v string) []string {
	if v == "" {
		return nil
	}
	return []string{v}
}

// RemovePlan is "All Tasks → Remove": Immediately uninstall (ACTFLG_
// Uninstall) or Allow users to continue (ACTFLG_Orphan), msiScriptName R
// ([MS-GPSI] 2.2.3.2.3), a new lastUpdateSequence, class store
// confirmation and version bump. The object stays so that clients learn
// about the removal; pkg delete takes it away later.
func (st *Store) RemovePlan(ctx context.Context, gpoRef, pkgRef string, mode RemoveMode) (*plan.Plan, Package, error) {
	if mode == "" {
		mode = RemoveUninstall
	}
	if mode != RemoveUninstall && mode != RemoveOrphan {
		return nil, Package{}, fmt.Errorf("remove mode %q: want uninstall (Immediately uninstall) or orphan (Allow users to continue)", mode)
	}
	g, p, err := st.FindPackage(ctx, gpoRef, pkgRef)
	if err != nil {
		return nil, Package{}, err
	}
	next := removedFlags(p.Flags, mode)
	pl := st.s.NewPlan(fmt.Sprintf("remove %q from %q (%s), %s", p.Name, g.Name, p.Scope, mode))
	if p.ScriptName == "R" && p.Flags == next {
		pl.Note("%q is already removed (%s)", p.Name, p.State)
		return pl, p, nil
	}
	cs, err := st.readClassStore(ctx, g, p.half)
	if err != nil {
		return nil, p, err
	}
	lus := updateSequence(st.now())
	pl.Add(replaceStep(st.s, p.DN, map[string][]string{
		"packageFlags":       {strconv.FormatInt(int64(int32(next)), 10)},
		"msiScriptName":      {"R"},
		"lastUpdateSequence": {lus},
	}, map[string][]string{
		"packageFlags":       {strconv.FormatInt(int64(int32(p.Flags)), 10)},
		"msiScriptName":      {p.ScriptName},
		"lastUpdateSequence": nonEmpty(p.LastUpdate),
	}, map[string]string{"packageFlags": fmt.Sprintf("%s -> %s", p.Flags, next)}))
	finish, err := st.finishSteps(cs, g, p.half, lus)
	if err != nil {
		return nil, p, err
	}
	pl.Add(finish...)
	if mode == RemoveUninstall {
		pl.Note("clients uninstall %s at the next policy processing (computers: at start-up); keep the package object until they have, then delete it", p.Name)
	} else {
		pl.Note("installed copies stay; nobody new gets %s", p.Name)
	}
	return pl, p, nil
}

// DeletePlan deletes a package object and its script (cleanup after a
// removal). The script is first renamed (reversible), then the object is
// deleted (which cannot be undone); the class store confirmation and
// version bump that make clients notice come after it (order by effect,
// gpo/plan), and the final file removal last. A failure after the
// deletion leaves the package deleted and says so.
func (st *Store) DeletePlan(ctx context.Context, gpoRef, pkgRef string) (*plan.Plan, Package, error) {
	g, p, err := st.FindPackage(ctx, gpoRef, pkgRef)
	if err != nil {
		return nil, Package{}, err
	}
	cs, err := st.readClassStore(ctx, g, p.half)
	if err != nil {
		return nil, p, err
	}
	pl := st.s.NewPlan(fmt.Sprintf("delete package %q from %q (%s)", p.Name, g.Name, p.Scope))
	if p.State == StateActive {
		pl.Note("%q is still deployed: clients that have it keep it and never hear of a removal; remove it first if they should uninstall it", p.Name)
	}
	finish, err := st.finishSteps(cs, g, p.half, updateSequence(st.now()))
	if err != nil {
		return nil, p, err
	}
	rel := st.scriptRel(p.ScriptPath)
	if rel != "" {
		pl.Add(renameStep(st.s, rel, rel+".deleted"))
	}
	pl.Add(deleteStep(st.s, p.DN))
	pl.Add(finish...)
	if rel != "" {
		pl.Add(removeFileStep(st.s, rel+".deleted"))
	}
	return pl, p, nil
}
