package si

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/aas"
	"github.com/ctitui/ctitui/gpo/msi"
)

// processorArch is the PROCESSOR_ARCHITECTURE_* value of an MSI platform
// (SDK "Template Summary" names; [MS-GPSI] 2.2.4.2.1 Header Platform).
func processorArch(platform string) (int32, error) {
	switch strings.ToLower(platform) {
	case "", "intel":
		return 0, nil
	case "arm":
		return 5, nil
	case "intel64":
		return 6, nil
	case "x64", "amd64":
		return 9, nil
	case "arm64":
		return 12, nil
	}
	return 0, fmt.Errorf("MSI platform %q is not one Windows Installer knows (Intel, x64, Arm64, Intel64, Arm)", platform)
}

// buildScript makes the advertise script of a package with gpo/aas, from
// the MSI's Property, summary and Feature data.
func buildScript(p *msi.Package, id msi.Identity, msiUNC string, h gpo.Half, now time.Time) ([]byte, error) {
	lang, err := strconv.Atoi(id.ProductLanguage)
	if err != nil {
		return nil, fmt.Errorf("ProductLanguage %q is not a number", id.ProductLanguage)
	}
	arch, err := processorArch(id.Platform)
	if err != nil {
		return nil, err
	}
	rows, err := p.Features()
	if err != nil {
		return nil, fmt.Errorf("read the Feature table: %w", err)
	}
	features := make([]aas.Feature, 0, len(rows))
	for _, f := range rows {
		features = append(features, aas.Feature{Name: f.Feature, Parent: f.Parent})
	}
	scope := aas.ScopeComputer
	if h == gpo.User {
		scope = aas.ScopeUser
	}
	return aas.BuildAdvertiseScript(aas.Product{
		ProductCode: id.ProductCode, ProductName: id.ProductName, PackageCode: id.PackageCode,
		ProductVersion: id.ProductVersion, Language: int32(lang), UpgradeCode: id.UpgradeCode,
		Features: features, PackagePath: msiUNC, Scope: scope, Platform: arch, Created: now,
	})
}
