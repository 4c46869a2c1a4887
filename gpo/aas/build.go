package aas

import "fmt"

// Values the builder writes that no input decides.
const (
	// headerVersion is the Windows Installer version in the header: 400,
	// as in the Windows-made sample of [MS-GPSI] 4.2.
	headerVersion int32 = 400
	// featureAbsent is the third argument of FeaturePublish in the
	// Windows-made advertise scripts reported by the ice2k project.
	featureAbsent int32 = 1
	// diskID is the one media entry of a package on a network share, as in
	// [MS-GPSI] 4.2 ("NumberOfDisks=1, 1").
	diskID int32 = 1
)

// BuildAdvertiseScript returns the advertise script for p. This function
// is the one place that decides which records a script contains and in
// which order; correct the layout here.
//
// Sources for the layout:
//   - [MS-GPSI] 2.2.4 grammar and 2.2.4.2.x: Header, ProductInfo,
//     ProductPublish, SourceListPublish, End, with their argument values;
//     the values the spec leaves open are taken from the sample in 4.2
//     (Version 400, ProductDeploymentFlags 1, one disk with DiskId 1, an
//     empty PackagePath and the package's folder as LaunchPath).
//   - Beyond the grammar: the ice2k project reported that a spec-minimal
//     script did nothing on a real client, and that a script laid out like
//     the ones a Windows server writes, which also publish the features,
//     worked. Its layout (aas.cpp, compared against two Windows-made
//     scripts) puts after ProductInfo two DialogInfo records, RollbackInfo,
//     ActionStart "PublishFeatures" with one FeaturePublish per feature
//     (name, parent or null, 1), ActionStart "PublishProduct",
//     ProductPublish, UpgradeCodePublish, then SourceListPublish.
//   - The argument values of DialogInfo, RollbackInfo and ActionStart are
//     the ones Windows Installer verbose logs print for the same operations
//     ("DialogInfo(Type=0,Argument=1033)", "DialogInfo(Type=1,Argument=
//     <product name>)", "RollbackInfo(,RollbackAction=Rollback,...)",
//     "ActionStart(Name=PublishFeatures,Description=Publishing Product
//     Features,Template=Feature: [1])").
//
// The spec's grammar keeps its relative order: Header, ProductInfo,
// ProductPublish, SourceListPublish, End.
//
// Where the ice2k project's Windows 2000 scripts differ from the spec, the
// spec wins: a 9-argument Header with version 400 (not 200), a 16-argument
// ProductInfo (not 13) and a 3-argument End (not 2), which is also what
// current Windows Installer logs show. Their scripts also end with an
// opcode-18 record of two null arguments after SourceListPublish; [MS-GPSI]
// 2.2.4.2.7 defines opcode 18 as UserRegister with three arguments, so it
// is left out until a Windows-made script settles what it is.
func BuildAdvertiseScript(p Product) ([]byte, error) {
	in, err := checkProduct(p)
	if err != nil {
		return nil, fmt.Errorf("aas: advertise script for %q: %w", p.ProductName, err)
	}
	ops := []Op{
		Header{Signature: HeaderSignature, Version: headerVersion, Timestamp: in.timestamp,
			LangID: p.Language, Platform: p.Platform, ScriptType: ScriptType,
			ScriptMajorVersion: ScriptMajorVersion, ScriptMinorVersion: ScriptMinorVersion},
		ProductInfo{ProductKey: in.productCode, ProductName: p.ProductName, PackageName: in.packageName,
			Language: p.Language, Version: in.version, Assignment: in.assignment,
			PackageCode: in.packageCode, ProductDeploymentFlags: DeployGPDeploy},
		DialogInfo{Type: 0, Arguments: []Arg{Int(p.Language)}},
		DialogInfo{Type: 1, Arguments: []Arg{Text(p.ProductName)}},
		RollbackInfo{RollbackAction: "Rollback", RollbackDescription: "Rolling back action:",
			RollbackTemplate: "[1]", CleanupAction: "RollbackCleanup",
			CleanupDescription: "Removing backup files", CleanupTemplate: "File: [1]"},
		ActionStart{Name: "PublishFeatures", Description: "Publishing Product Features", Template: "Feature: [1]"},
	}
	for _, f := range p.Features {
		ops = append(ops, FeaturePublish{Feature: f.Name, Parent: f.Parent, Absent: featureAbsent})
	}
	ops = append(ops,
		ActionStart{Name: "PublishProduct", Description: "Publishing product information"},
		ProductPublish{PackageKey: in.packageCode},
	)
	if in.upgradeCode != "" {
		ops = append(ops, UpgradeCodePublish{UpgradeCode: in.upgradeCode})
	}
	ops = append(ops,
		SourceListPublish{Disks: []Disk{{DiskID: diskID}}, LaunchPath: in.launchPath},
		End{},
	)
	return Encode(ops...)
}

// checkedProduct holds the values of a Product after validation and
// conversion to the forms the script stores.
type checkedProduct struct {
	productCode, packageCode, upgradeCode string
	packageName, launchPath               string
	version, timestamp, assignment        int32
}

func checkProduct(p Product) (checkedProduct, error) {
	var c checkedProduct
	var err error
	if c.productCode, err = normalizeGUID("ProductCode", p.ProductCode); err != nil {
		return c, err
	}
	if c.packageCode, err = normalizeGUID("PackageCode", p.PackageCode); err != nil {
		return c, err
	}
	if p.UpgradeCode != "" {
		if c.upgradeCode, err = normalizeGUID("UpgradeCode", p.UpgradeCode); err != nil {
			return c, err
		}
	}
	if p.ProductName == "" {
		return c, fmt.Errorf("ProductName is empty")
	}
	if c.version, err = EncodeVersion(p.ProductVersion); err != nil {
		return c, err
	}
	if c.launchPath, c.packageName, err = splitPackagePath(p.PackagePath); err != nil {
		return c, err
	}
	if err = checkFeatures(p.Features); err != nil {
		return c, err
	}
	if p.Created.IsZero() {
		return c, fmt.Errorf("creation time is not set")
	}
	if c.timestamp, err = DOSTimestamp(p.Created); err != nil {
		return c, err
	}
	switch p.Scope {
	case ScopeComputer:
		c.assignment = AssignmentMachine
	case ScopeUser:
		c.assignment = AssignmentUser
	default:
		return c, fmt.Errorf("unknown deployment scope %d", p.Scope)
	}
	return c, nil
}
