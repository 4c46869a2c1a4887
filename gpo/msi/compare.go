package msi

import (
	"fmt"
	"strings"
)

// CompareUpgrade checks that new can replace old through Group Policy
// (guide, "Обновление через GPO": add the new package, Upgrades tab →
// previous package, "Required upgrade"). Windows Installer decides what kind
// of update a package is from three codes (SDK, "Changing the Product
// Code" and "Patching and Upgrades"): the UpgradeCode must stay the same for
// the packages to be one product family, the ProductCode must change for a
// major upgrade, and the PackageCode must change whenever the file changes.
func CompareUpgrade(old, new *Package) ([]Finding, error) {
	o, err := old.identity()
	if err != nil {
		return nil, fmt.Errorf("old package: %w", err)
	}
	n, err := new.identity()
	if err != nil {
		return nil, fmt.Errorf("new package: %w", err)
	}
	var out []Finding
	add := func(sev Severity, code, row, msg, advice string) {
		out = append(out, Finding{Severity: sev, Code: code, Table: "Property", Row: row, Message: msg, Advice: advice})
	}

	switch {
	case o.UpgradeCode == "" || n.UpgradeCode == "":
		add(SeverityError, "upgrade-code-missing", "UpgradeCode", "one of the packages has no UpgradeCode",
			"Windows Installer cannot relate the two products; the GPO upgrade can only uninstall the old package and install the new one.")
	case !strings.EqualFold(o.UpgradeCode, n.UpgradeCode):
		add(SeverityError, "upgrade-code-changed", "UpgradeCode",
			fmt.Sprintf("UpgradeCode changed from %s to %s", o.UpgradeCode, n.UpgradeCode),
			"These are different product families to Windows Installer: the new package will not remove the old one by itself. Use the GPO upgrade option \"Uninstall the existing package, then install the upgrade package\", or check that you picked the right files.")
	}

	samePC := strings.EqualFold(o.ProductCode, n.ProductCode)
	samePkg := o.PackageCode != "" && strings.EqualFold(o.PackageCode, n.PackageCode)
	switch {
	case samePC && samePkg:
		out = append(out, Finding{Severity: SeverityError, Code: "same-package", Table: "_SummaryInformation", Row: "Revision Number",
			Message: "ProductCode and PackageCode are the same: this is the same package",
			Advice:  "There is nothing to upgrade. To push the same package again use Redeploy instead."})
	case samePkg:
		out = append(out, Finding{Severity: SeverityError, Code: "package-code-unchanged", Table: "_SummaryInformation", Row: "Revision Number",
			Message: "PackageCode is the same although the ProductCode changed",
			Advice:  "Windows Installer caches packages by PackageCode and will use the old cached file instead of the new one. The vendor must give every build a new PackageCode."})
	case samePC:
		add(SeverityError, "product-code-unchanged", "ProductCode",
			"ProductCode is the same: the new package is a minor update of the old one, not a major upgrade",
			"Installing it over the old one fails (\"another version of this product is already installed\", error 1638) unless it is run with REINSTALL=ALL REINSTALLMODE=vomus, which Group Policy does not do. Ask the vendor for a package with a new ProductCode, or deploy a transform/patch instead.")
	}

	ov, oerr := ParseVersion(o.ProductVersion)
	nv, nerr := ParseVersion(n.ProductVersion)
	switch {
	case oerr != nil || nerr != nil:
		add(SeverityError, "version-unreadable", "ProductVersion",
			fmt.Sprintf("cannot compare versions %q and %q", o.ProductVersion, n.ProductVersion),
			"Both packages need a numeric ProductVersion.")
	case nv.Compare(ov) < 0:
		add(SeverityError, "version-decreased", "ProductVersion",
			fmt.Sprintf("version goes down from %s to %s", o.ProductVersion, n.ProductVersion),
			"This is a downgrade; packages built with MajorUpgrade refuse to install over a newer version. Check that OLD and NEW are not swapped.")
	case nv.Compare(ov) == 0 && nv.Revision != ov.Revision:
		add(SeverityError, "version-fourth-field-only", "ProductVersion",
			fmt.Sprintf("versions %s and %s differ only in the fourth field", o.ProductVersion, n.ProductVersion),
			"Windows Installer ignores the fourth field: it sees the same version, so the upgrade is not detected and both products can end up installed.")
	case nv.Compare(ov) == 0:
		add(SeverityError, "version-unchanged", "ProductVersion",
			fmt.Sprintf("version is %s in both packages", n.ProductVersion),
			"A major upgrade needs a higher major.minor.build; with the same version both products can end up installed side by side.")
	}

	if !strings.EqualFold(o.Platform, n.Platform) {
		out = append(out, Finding{Severity: SeverityWarning, Code: "platform-changed", Table: "_SummaryInformation", Row: "Template",
			Message: fmt.Sprintf("platform changes from %s to %s", o.Platform, n.Platform),
			Advice:  "Group Policy treats packages of different platforms separately; use \"Uninstall the existing package, then install\" and check the WMI filter or the x86-on-x64 option."})
	}
	if o.ProductLanguage != n.ProductLanguage {
		add(SeverityInfo, "language-changed", "ProductLanguage",
			fmt.Sprintf("ProductLanguage changes from %s to %s", o.ProductLanguage, n.ProductLanguage),
			"Upgrade rows with language lists may not match the old product; check the Upgrade table.")
	}

	if nerr == nil && oerr == nil && nv.Compare(ov) > 0 && !samePC && strings.EqualFold(o.UpgradeCode, n.UpgradeCode) && n.UpgradeCode != "" {
		ups, err := new.Upgrades()
		if err != nil {
			return nil, fmt.Errorf("new package: %w", err)
		}
		if !removesVersion(ups, n.UpgradeCode, ov) {
			out = append(out, Finding{Severity: SeverityWarning, Code: "upgrade-table-misses-old", Table: "Upgrade",
				Message: fmt.Sprintf("the new package's Upgrade table has no row that removes version %s of this UpgradeCode", o.ProductVersion),
				Advice:  "The new package will install next to the old one; let Group Policy remove the old package (\"Uninstall the existing package, then install the upgrade package\")."})
		}
	}
	if len(out) == 0 {
		out = append(out, Finding{Severity: SeverityInfo, Code: "upgrade-ok",
			Message: fmt.Sprintf("%s %s upgrades %s: same UpgradeCode, new ProductCode and PackageCode, higher version", n.ProductName, n.ProductVersion, o.ProductVersion),
			Advice:  "Add the new package with the old one on its Upgrades tab and \"Required upgrade for existing packages\"."})
	}
	return out, nil
}

// removesVersion reports whether an Upgrade row for code matches version v
// and is not detect-only (SDK, "Upgrade Table": VersionMin/VersionMax with
// the inclusive bits; empty bounds are open).
func removesVersion(ups []Upgrade, code string, v Version) bool {
	for _, u := range ups {
		if !strings.EqualFold(u.UpgradeCode, code) || u.Attributes&UpgradeOnlyDetect != 0 {
			continue
		}
		if u.VersionMin != "" {
			minV, err := ParseVersion(u.VersionMin)
			if err != nil {
				continue
			}
			c := v.Compare(minV)
			if c < 0 || (c == 0 && u.Attributes&UpgradeVersionMinInclusive == 0) {
				continue
			}
		}
		if u.VersionMax != "" {
			maxV, err := ParseVersion(u.VersionMax)
			if err != nil {
				continue
			}
			c := v.Compare(maxV)
			if c > 0 || (c == 0 && u.Attributes&UpgradeVersionMaxInclusive == 0) {
				continue
			}
		}
		return true
	}
	return false
}
