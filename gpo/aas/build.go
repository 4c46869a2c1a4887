package aas

import "fmt"

// Values the builder writes that no input decides. Each is what every
// Windows-made script read so far carries (../shared/fidelity: two scripts
// a Windows Server's Group Policy Management Editor wrote with Windows
// Installer 5.0, and the table of its README for the others).
const (
	// headerVersion is the Windows Installer version in the header: 500
	// in every Windows-made script (the [MS-GPSI] 4.2 sample, from an
	// older Windows, has 400).
	headerVersion int32 = 500
	// assignment is ProductInfo's Assignment. [MS-GPSI] 2.2.4.2.2 reads
	// 0 as per-user and 1 as per-machine, but the Windows-made scripts
	// carry 1 also under User\Applications (fidelity README). An
	// inference from few files: Windows writes 1 whatever the scope.
	assignment int32 = 1
	// diskID is the one media entry of a package, as in every Windows-made
	// script and [MS-GPSI] 4.2 ("NumberOfDisks=1, 1").
	diskID int32 = 1
)

// Feature publication values (FeaturePublish's third argument). An
// inference from few files: the Windows-made scripts carry 0 for every
// feature of a package whose features allow advertisement (the MySQL
// Installer script: one feature, Attributes without bit 8), and 1 for the
// features of packages that author every feature AllowAdvertise="no"
// (msidbFeatureAttributesDisallowAdvertise, fidelity README). No script
// read mixes both, so the per-feature rule below is the simplest one that
// fits; the ice2k project's "always 1" came from packages of the second
// kind.
const (
	featureAdvertised    int32 = 0
	featureNotAdvertised int32 = 1
)

// BuildAdvertiseScript returns the advertise script for p, record for
// record and byte for byte as Windows writes it for the same MSI at the
// same path (the header timestamp aside). This function is the one place
// that decides which records a script contains and in which order;
// correct the layout here.
//
// The layout is the one of every Windows-made script read
// (../shared/fidelity/README.md, proven byte for byte in fidelity_test.go):
//
//	Header(1397708873, 500, timestamp, LangId, Platform, 3, 21, 4, 0)
//	ProductInfo(ProductCode, ProductName, PackageName, Language, Version,
//	            1, 0, ARPPRODUCTICON, null, PackageCode, null, null, 0, 0, 0, 3)
//	DialogInfo(0, LangId, database code page)
//	DialogInfo(1, ProductName)
//	RollbackInfo(null, "Rollback", "Rolling back action:", "[1]",
//	             "RollbackCleanup", "Removing backup files", "File: [1]")
//	ActionStart("CreateShortcuts", "Creating shortcuts", "Shortcut: [1]")
//	IconCreate(name, bytes)                   one per Icon table row
//	ActionStart("PublishFeatures", "Publishing Product Features", "Feature: [1]")
//	FeaturePublish(name, parent or null, 0|1) one per Feature table row
//	ActionStart("PublishProduct", "Publishing product information", null)
//	CleanupConfigData()
//	ProductPublish(PackageCode)
//	UpgradeCodePublish(UpgradeCode)
//	SourceListPublish(null, null, null, null, 1, 1, null, null, LaunchPath)
//	SourceListRegisterLastUsed(null, null)
//	End(0, 0, 0)
//
// Where the files do not settle a case, the builder decides and says so:
//   - a package without an Icon table still gets ActionStart
//     "CreateShortcuts" (every script read has it), with no IconCreate;
//   - a package without an UpgradeCode gets no UpgradeCodePublish;
//   - non-ASCII names are written as Unicode strings (Text), which
//     [MS-GPSI] 2.2.4.2.2 allows; every Windows-made script read is ASCII.
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
			Language: p.Language, Version: in.version, Assignment: assignment,
			ProductIcon: p.ProductIcon, PackageCode: in.packageCode, ProductDeploymentFlags: DeployWindows},
		DialogInfo{Type: 0, Arguments: []Arg{Int(p.Language), Int(p.Codepage)}},
		DialogInfo{Type: 1, Arguments: []Arg{Text(p.ProductName)}},
		RollbackInfo{RollbackAction: "Rollback", RollbackDescription: "Rolling back action:",
			RollbackTemplate: "[1]", CleanupAction: "RollbackCleanup",
			CleanupDescription: "Removing backup files", CleanupTemplate: "File: [1]"},
		ActionStart{Name: "CreateShortcuts", Description: "Creating shortcuts", Template: "Shortcut: [1]"},
	}
	for _, ic := range p.Icons {
		ops = append(ops, IconCreate{Icon: ic.Name, Data: ic.Data})
	}
	ops = append(ops, ActionStart{Name: "PublishFeatures", Description: "Publishing Product Features", Template: "Feature: [1]"})
	for _, f := range p.Features {
		absent := featureAdvertised
		if f.DisallowAdvertise {
			absent = featureNotAdvertised
		}
		ops = append(ops, FeaturePublish{Feature: f.Name, Parent: f.Parent, Absent: absent})
	}
	ops = append(ops,
		ActionStart{Name: "PublishProduct", Description: "Publishing product information"},
		CleanupConfigData{},
		ProductPublish{PackageKey: in.packageCode},
	)
	if in.upgradeCode != "" {
		ops = append(ops, UpgradeCodePublish{UpgradeCode: in.upgradeCode})
	}
	ops = append(ops,
		// [MS-GPSI] 2.2.4.2.3 calls PackagePath "the path to the package";
		// every Windows-made script leaves it null and gives the folder as
		// LaunchPath.
		SourceListPublish{Disks: []Disk{{DiskID: diskID}}, LaunchPath: in.launchPath},
		SourceListRegisterLastUsed{},
		End{},
	)
	return Encode(ops...)
}

// checkedProduct holds the values of a Product after validation and
// conversion to the forms the script stores.
type checkedProduct struct {
	productCode, packageCode, upgradeCode string
	packageName, launchPath               string
	version, timestamp                    int32
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
	if p.Scope != ScopeComputer && p.Scope != ScopeUser {
		return c, fmt.Errorf("unknown deployment scope %d", p.Scope)
	}
	for _, ic := range p.Icons {
		if ic.Name == "" {
			return c, fmt.Errorf("icon with an empty name")
		}
	}
	return c, nil
}
