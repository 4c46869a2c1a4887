package aas

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ctitui/ctitui/gpo/msi"
)

// featureDisallowAdvertise is msidbFeatureAttributesDisallowAdvertise
// (SDK, "Feature Table", Attributes column).
const featureDisallowAdvertise = 0x8

// ProcessorArchitecture is the PROCESSOR_ARCHITECTURE_* value of an MSI
// platform (SDK "Template Summary" names; winnt.h values).
func ProcessorArchitecture(platform string) (int32, error) {
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

// HeaderPlatform is the Header's Platform argument for a processor
// architecture: the architecture in the high word. [MS-GPSI] 2.2.4.2.1:
// "The value MUST be either zero or a value obtained using the following
// formula: (PROCESSOR_ARCHITECTURE_INTEL & 0xffff) |
// ((wTargetProcessorArchitecture & 0xffff) << 16)", with INTEL 0, IA64 6
// and AMD64 9 in its table; Windows-made scripts carry 0 for Intel packages
// and 0x00090000 for x64 ones (../shared/fidelity/README.md). Arm and
// Arm64, not in the table, follow the same formula by inference. (The
// packageRegistration's machineArchitecture is another encoding, the
// value itself: gpo/si.)
func HeaderPlatform(arch int32) int32 { return arch << 16 }

// ProductFromMSI collects from an open MSI everything the advertise script
// of that package needs: the Property table (ProductCode, ProductName,
// ProductVersion, ProductLanguage, UpgradeCode, ARPPRODUCTICON), the
// summary information (PackageCode, platform), the database code page, the
// Feature table (in table order, with the DisallowAdvertise attribute) and
// the Icon table with the bytes of every icon. packagePath is the path
// clients will read the .msi from; created is the script's time.
func ProductFromMSI(p *msi.Package, packagePath string, scope Scope, created time.Time) (Product, error) {
	id, err := p.Identity()
	if err != nil {
		return Product{}, err
	}
	lang, err := strconv.Atoi(id.ProductLanguage)
	if err != nil {
		return Product{}, fmt.Errorf("ProductLanguage %q is not a number", id.ProductLanguage)
	}
	arch, err := ProcessorArchitecture(id.Platform)
	if err != nil {
		return Product{}, err
	}
	std, err := p.Standard()
	if err != nil {
		return Product{}, err
	}
	rows, err := p.Features()
	if err != nil {
		return Product{}, fmt.Errorf("read the Feature table: %w", err)
	}
	features := make([]Feature, 0, len(rows))
	for _, f := range rows {
		features = append(features, Feature{Name: f.Feature, Parent: f.Parent,
			DisallowAdvertise: f.Attributes&featureDisallowAdvertise != 0})
	}
	iconRows, err := p.Icons()
	if err != nil {
		return Product{}, err
	}
	icons := make([]Icon, 0, len(iconRows))
	for _, ic := range iconRows {
		data, err := p.IconData(ic)
		if err != nil {
			return Product{}, err
		}
		icons = append(icons, Icon{Name: ic.Name, Data: data})
	}
	return Product{
		ProductCode: id.ProductCode, ProductName: id.ProductName, PackageCode: id.PackageCode,
		ProductVersion: id.ProductVersion, Language: int32(lang), UpgradeCode: id.UpgradeCode,
		Features: features, Icons: icons, ProductIcon: std.ARPProductIcon, Codepage: int32(p.Codepage()),
		PackagePath: packagePath, Scope: scope, Platform: HeaderPlatform(arch), Created: created,
	}, nil
}

// BuildFromMSI builds the advertise script of an open MSI deployed from
// packagePath: ProductFromMSI, then BuildAdvertiseScript. pkg add,
// redeploy, upgrade and `aas build` all come through here.
func BuildFromMSI(p *msi.Package, packagePath string, scope Scope, created time.Time) ([]byte, error) {
	prod, err := ProductFromMSI(p, packagePath, scope, created)
	if err != nil {
		return nil, err
	}
	return BuildAdvertiseScript(prod)
}
