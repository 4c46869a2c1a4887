package msi

import "fmt"

// Report is everything `ctitui msi inspect` shows about a package.
type Report struct {
	Identity
	Languages      []int             `json:"Languages"` // from Template
	AllUsers       string            `json:"ALLUSERS"`
	InstallPerUser string            `json:"MSIINSTALLPERUSER"`
	ARPProductIcon string            `json:"ARPPRODUCTICON"`
	DiskPrompt     string            `json:"DiskPrompt"`
	PerMachine     bool              `json:"PerMachine"`
	Codepage       int               `json:"Codepage"` // database code page
	Summary        Summary           `json:"Summary"`
	Source         SourceFlags       `json:"Source"` // Word Count bits
	Properties     map[string]string `json:"Properties"`
	Features       []Feature         `json:"Features"`
	Media          []Media           `json:"Media"`
	Upgrades       []Upgrade         `json:"Upgrades"`
	Icons          []Icon            `json:"Icons"`
	Findings       []Finding         `json:"Findings"`
	Blocking       int               `json:"Blocking"` // findings of severity error
	TableCounts    map[string]int    `json:"Tables"`   // rows per table read
}

// SourceFlags spells out the Word Count summary property.
type SourceFlags struct {
	ShortFileNames       bool `json:"ShortFileNames"`
	Compressed           bool `json:"Compressed"`
	AdminImage           bool `json:"AdministrativeImage"`
	ElevationNotRequired bool `json:"ElevationNotRequired"`
}

// Inspect reads the package identity and the tables the console shows, and
// runs the pre-flight checks. It fails only when the package cannot be read
// (for example "no Property table"); a missing ProductCode is a blocking
// finding, so the administrator still sees everything else.
func Inspect(p *Package, opt CheckOptions) (*Report, error) {
	id, err := p.identity()
	if err != nil {
		return nil, err
	}
	s := p.Summary()
	r := &Report{Identity: id, Summary: s, Languages: s.Languages(), Codepage: p.Codepage(),
		Source:      SourceFlags{s.ShortFileNames(), s.Compressed(), s.AdminImage(), s.NoElevation()},
		TableCounts: make(map[string]int)}
	if r.Properties, err = p.PropertyMap(); err != nil {
		return nil, err
	}
	std, err := p.Standard()
	if err != nil {
		return nil, err
	}
	r.AllUsers, r.InstallPerUser, r.ARPProductIcon, r.DiskPrompt = std.AllUsers, std.InstallPerUser, std.ARPProductIcon, std.DiskPrompt
	r.PerMachine = (&checker{props: r.Properties}).perMachine()
	if r.Features, err = p.Features(); err != nil {
		return nil, err
	}
	if r.Media, err = p.Media(); err != nil {
		return nil, err
	}
	if r.Upgrades, err = p.Upgrades(); err != nil {
		return nil, err
	}
	if r.Icons, err = p.Icons(); err != nil {
		return nil, err
	}
	if r.Findings, err = Check(p, opt); err != nil {
		return nil, err
	}
	r.Blocking = countBlocking(r.Findings)
	// JSON consumers get [] rather than null for "none"
	r.Features = nonNil(r.Features)
	r.Media = nonNil(r.Media)
	r.Upgrades = nonNil(r.Upgrades)
	r.Icons = nonNil(r.Icons)
	r.Findings = nonNil(r.Findings)
	for name, t := range p.tables {
		r.TableCounts[name] = len(t.Rows)
	}
	return r, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func countBlocking(fs []Finding) int {
	n := 0
	for _, f := range fs {
		if f.Severity == SeverityError {
			n++
		}
	}
	return n
}

// Comparison is what `ctitui msi compare` shows.
type Comparison struct {
	Old      Identity  `json:"Old"`
	New      Identity  `json:"New"`
	Findings []Finding `json:"Findings"`
	Blocking int       `json:"Blocking"`
}

// Compare checks that newPkg can replace oldPkg through a GPO upgrade.
func Compare(oldPkg, newPkg *Package) (*Comparison, error) {
	o, err := oldPkg.identity()
	if err != nil {
		return nil, fmt.Errorf("old package: %w", err)
	}
	n, err := newPkg.identity()
	if err != nil {
		return nil, fmt.Errorf("new package: %w", err)
	}
	fs, err := CompareUpgrade(oldPkg, newPkg)
	if err != nil {
		return nil, err
	}
	return &Comparison{Old: o, New: n, Findings: fs, Blocking: countBlocking(fs)}, nil
}
