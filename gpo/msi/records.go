package msi

import (
	"errors"
	"fmt"
)

// ErrNoPropertyTable: every installable package has a Property table holding
// at least ProductCode, ProductLanguage, Manufacturer, ProductVersion and
// ProductName (SDK, "Required Properties").
var ErrNoPropertyTable = errors.New("no Property table")

// Typed views of the standard tables. Column names and meanings are those of
// the Windows Installer SDK table reference ("Property Table", "Media
// Table", ...). A missing optional table reads as no rows; a column missing
// from a damaged schema reads as null.

// Property is one row of the Property table.
type Property struct {
	Name  string `json:"Property"`
	Value string `json:"Value"`
}

// StandardProperties are the Property table values the console and the
// Software Installation code use (SDK, "Property Reference").
type StandardProperties struct {
	ProductCode     string `json:"ProductCode"`
	ProductVersion  string `json:"ProductVersion"`
	ProductName     string `json:"ProductName"`
	Manufacturer    string `json:"Manufacturer"`
	UpgradeCode     string `json:"UpgradeCode"`
	ProductLanguage string `json:"ProductLanguage"`
	AllUsers        string `json:"ALLUSERS"`          // "1" per-machine, "2" either, "" per-user
	InstallPerUser  string `json:"MSIINSTALLPERUSER"` // "1" with ALLUSERS=2: per-user
	ARPProductIcon  string `json:"ARPPRODUCTICON"`    // Icon table row shown in Add/Remove Programs
	DiskPrompt      string `json:"DiskPrompt"`        // text asking for the source media
}

// Standard returns the standard properties; absent ones are empty.
func (p *Package) Standard() (StandardProperties, error) {
	m, err := p.PropertyMap()
	if err != nil {
		return StandardProperties{}, err
	}
	return StandardProperties{
		ProductCode: m["ProductCode"], ProductVersion: m["ProductVersion"], ProductName: m["ProductName"],
		Manufacturer: m["Manufacturer"], UpgradeCode: m["UpgradeCode"], ProductLanguage: m["ProductLanguage"],
		AllUsers: m["ALLUSERS"], InstallPerUser: m["MSIINSTALLPERUSER"], ARPProductIcon: m["ARPPRODUCTICON"],
		DiskPrompt: m["DiskPrompt"],
	}, nil
}

// Media is one row of the Media table.
type Media struct {
	DiskID       int    `json:"DiskId"`
	LastSequence int    `json:"LastSequence"`
	DiskPrompt   string `json:"DiskPrompt"`
	Cabinet      string `json:"Cabinet"` // "#name" = stream inside the package
	VolumeLabel  string `json:"VolumeLabel"`
	Source       string `json:"Source"`
}

// Feature is one row of the Feature table.
type Feature struct {
	Feature     string `json:"Feature"`
	Parent      string `json:"Feature_Parent"`
	Title       string `json:"Title"`
	Description string `json:"Description"`
	Display     int    `json:"Display"`
	Level       int    `json:"Level"` // 0 = disabled
	Directory   string `json:"Directory_"`
	Attributes  int    `json:"Attributes"`
}

// Component is one row of the Component table.
type Component struct {
	Component   string `json:"Component"`
	ComponentID string `json:"ComponentId"`
	Directory   string `json:"Directory_"`
	Attributes  int    `json:"Attributes"`
	Condition   string `json:"Condition"`
	KeyPath     string `json:"KeyPath"`
}

// FeatureComponent is one row of the FeatureComponents table.
type FeatureComponent struct {
	Feature   string `json:"Feature_"`
	Component string `json:"Component_"`
}

// Upgrade is one row of the Upgrade table: the related products this
// package looks for (and removes, for a major upgrade).
type Upgrade struct {
	UpgradeCode    string `json:"UpgradeCode"`
	VersionMin     string `json:"VersionMin"`
	VersionMax     string `json:"VersionMax"`
	Language       string `json:"Language"`
	Attributes     int    `json:"Attributes"`
	Remove         string `json:"Remove"`
	ActionProperty string `json:"ActionProperty"`
}

// Upgrade attribute bits (SDK, "Upgrade Table").
const (
	UpgradeMigrateFeatures     = 0x001
	UpgradeOnlyDetect          = 0x002
	UpgradeIgnoreRemoveFailure = 0x004
	UpgradeVersionMinInclusive = 0x100
	UpgradeVersionMaxInclusive = 0x200
	UpgradeLanguagesExclusive  = 0x400
)

// Registry is one row of the Registry table.
type Registry struct {
	Registry  string `json:"Registry"`
	Root      int    `json:"Root"` // -1 per ALLUSERS, 0 HKCR, 1 HKCU, 2 HKLM, 3 HKU
	Key       string `json:"Key"`
	Name      string `json:"Name"`
	Value     string `json:"Value"`
	Component string `json:"Component_"`
}

// Registry roots (SDK, "Registry Table").
const (
	RootPerAllUsers = -1
	RootHKCR        = 0
	RootHKCU        = 1
	RootHKLM        = 2
	RootHKU         = 3
)

// Environment is one row of the Environment table. Name carries prefix
// characters: '=' create, '+' create and remove, '-' remove on uninstall,
// '!' remove on install, '*' system (not user) variable.
type Environment struct {
	Environment string `json:"Environment"`
	Name        string `json:"Name"`
	Value       string `json:"Value"`
	Component   string `json:"Component_"`
}

// IniFile is one row of the IniFile table.
type IniFile struct {
	IniFile     string `json:"IniFile"`
	FileName    string `json:"FileName"`
	DirProperty string `json:"DirProperty"`
	Section     string `json:"Section"`
	Key         string `json:"Key"`
	Value       string `json:"Value"`
	Action      int    `json:"Action"`
	Component   string `json:"Component_"`
}

// CustomAction is one row of the CustomAction table.
type CustomAction struct {
	Action       string `json:"Action"`
	Type         int    `json:"Type"`
	Source       string `json:"Source"`
	Target       string `json:"Target"`
	ExtendedType int    `json:"ExtendedType"`
}

// Custom action type bits (SDK, "Custom Action In-Script Execution Options"
// and "Custom Action Types").
const (
	CATypeInScript      = 0x0400 // deferred: runs from the install script
	CATypeRollback      = 0x0100 // with InScript: rollback action
	CATypeCommit        = 0x0200 // with InScript: commit action
	CATypeNoImpersonate = 0x0800 // deferred, runs as LocalSystem
	CATypeTSAware       = 0x4000 // deferred, impersonates the user on a terminal server
)

// Deferred reports an action that runs from the installation script.
func (c CustomAction) Deferred() bool { return c.Type&CATypeInScript != 0 }

// Shortcut is one row of the Shortcut table.
type Shortcut struct {
	Shortcut    string `json:"Shortcut"`
	Directory   string `json:"Directory_"`
	Name        string `json:"Name"`
	Component   string `json:"Component_"`
	Target      string `json:"Target"`
	Arguments   string `json:"Arguments"`
	Description string `json:"Description"`
	Icon        string `json:"Icon_"`
	WkDir       string `json:"WkDir"`
}

// Icon is one row of the Icon table. The icon data stays in its stream; only
// its size is looked up.
type Icon struct {
	Name   string `json:"Name"`
	Stream string `json:"Stream"`
	Size   int64  `json:"Size"`
}

// rows decodes a table into typed rows. An absent table gives no rows.
func rows[T any](p *Package, table string, conv func(r cells) T) ([]T, error) {
	if !p.HasTable(table) {
		return nil, nil
	}
	t, err := p.Table(table)
	if err != nil {
		return nil, err
	}
	idx := make(map[string]int, len(t.Columns))
	for i, c := range t.Columns {
		idx[c.Name] = i
	}
	out := make([]T, 0, len(t.Rows))
	for _, r := range t.Rows {
		out = append(out, conv(cells{idx: idx, row: r}))
	}
	return out, nil
}

// cells reads a row by column name.
type cells struct {
	idx map[string]int
	row []Value
}

func (c cells) get(name string) Value {
	if i, ok := c.idx[name]; ok {
		return c.row[i]
	}
	return Value{}
}

func (c cells) s(name string) string { return c.get(name).Str }
func (c cells) n(name string) int    { return int(c.get(name).Int) }

// Properties returns the Property table in stored order.
func (p *Package) Properties() ([]Property, error) {
	if !p.HasTable("Property") {
		return nil, ErrNoPropertyTable
	}
	return rows(p, "Property", func(r cells) Property {
		return Property{Name: r.s("Property"), Value: r.s("Value")}
	})
}

// PropertyMap returns the Property table as a map.
func (p *Package) PropertyMap() (map[string]string, error) {
	props, err := p.Properties()
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(props))
	for _, pr := range props {
		m[pr.Name] = pr.Value
	}
	return m, nil
}

func (p *Package) Media() ([]Media, error) {
	return rows(p, "Media", func(r cells) Media {
		return Media{DiskID: r.n("DiskId"), LastSequence: r.n("LastSequence"), DiskPrompt: r.s("DiskPrompt"),
			Cabinet: r.s("Cabinet"), VolumeLabel: r.s("VolumeLabel"), Source: r.s("Source")}
	})
}

func (p *Package) Features() ([]Feature, error) {
	return rows(p, "Feature", func(r cells) Feature {
		return Feature{Feature: r.s("Feature"), Parent: r.s("Feature_Parent"), Title: r.s("Title"),
			Description: r.s("Description"), Display: r.n("Display"), Level: r.n("Level"),
			Directory: r.s("Directory_"), Attributes: r.n("Attributes")}
	})
}

func (p *Package) Components() ([]Component, error) {
	return rows(p, "Component", func(r cells) Component {
		return Component{Component: r.s("Component"), ComponentID: r.s("ComponentId"), Directory: r.s("Directory_"),
			Attributes: r.n("Attributes"), Condition: r.s("Condition"), KeyPath: r.s("KeyPath")}
	})
}

func (p *Package) FeatureComponents() ([]FeatureComponent, error) {
	return rows(p, "FeatureComponents", func(r cells) FeatureComponent {
		return FeatureComponent{Feature: r.s("Feature_"), Component: r.s("Component_")}
	})
}

func (p *Package) Upgrades() ([]Upgrade, error) {
	return rows(p, "Upgrade", func(r cells) Upgrade {
		return Upgrade{UpgradeCode: r.s("UpgradeCode"), VersionMin: r.s("VersionMin"), VersionMax: r.s("VersionMax"),
			Language: r.s("Language"), Attributes: r.n("Attributes"), Remove: r.s("Remove"), ActionProperty: r.s("ActionProperty")}
	})
}

func (p *Package) Registry() ([]Registry, error) {
	return rows(p, "Registry", func(r cells) Registry {
		return Registry{Registry: r.s("Registry"), Root: r.n("Root"), Key: r.s("Key"), Name: r.s("Name"),
			Value: r.s("Value"), Component: r.s("Component_")}
	})
}

func (p *Package) Environment() ([]Environment, error) {
	return rows(p, "Environment", func(r cells) Environment {
		return Environment{Environment: r.s("Environment"), Name: r.s("Name"), Value: r.s("Value"), Component: r.s("Component_")}
	})
}

func (p *Package) IniFiles() ([]IniFile, error) {
	return rows(p, "IniFile", func(r cells) IniFile {
		return IniFile{IniFile: r.s("IniFile"), FileName: r.s("FileName"), DirProperty: r.s("DirProperty"),
			Section: r.s("Section"), Key: r.s("Key"), Value: r.s("Value"), Action: r.n("Action"), Component: r.s("Component_")}
	})
}

func (p *Package) CustomActions() ([]CustomAction, error) {
	return rows(p, "CustomAction", func(r cells) CustomAction {
		return CustomAction{Action: r.s("Action"), Type: r.n("Type"), Source: r.s("Source"), Target: r.s("Target"),
			ExtendedType: r.n("ExtendedType")}
	})
}

func (p *Package) Shortcuts() ([]Shortcut, error) {
	return rows(p, "Shortcut", func(r cells) Shortcut {
		return Shortcut{Shortcut: r.s("Shortcut"), Directory: r.s("Directory_"), Name: r.s("Name"), Component: r.s("Component_"),
			Target: r.s("Target"), Arguments: r.s("Arguments"), Description: r.s("Description"), Icon: r.s("Icon_"), WkDir: r.s("WkDir")}
	})
}

func (p *Package) Icons() ([]Icon, error) {
	icons, err := rows(p, "Icon", func(r cells) Icon {
		return Icon{Name: r.s("Name"), Stream: r.s("Data")}
	})
	if err != nil {
		return nil, fmt.Errorf("Icon table: %w", err)
	}
	for i := range icons {
		icons[i].Size, _ = p.StreamSize(icons[i].Stream)
	}
	return icons, nil
}
