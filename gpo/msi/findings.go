package msi

import (
	"fmt"
	"strconv"
	"strings"
)

// Severity orders findings: an error blocks deployment, a warning is a
// known way for the deployment to misbehave, info is worth knowing.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Finding is one result of a pre-flight check.
type Finding struct {
	Severity Severity `json:"Severity"`
	Code     string   `json:"Code"` // stable identifier for scripts and tests
	Table    string   `json:"Table,omitempty"`
	Row      string   `json:"Row,omitempty"` // primary key of the row
	Message  string   `json:"Message"`
	Advice   string   `json:"Advice"`
}

// Scope is the half of the GPO the package is deployed in.
type Scope int

const (
	// ScopeComputer: Computer Configuration, installed at startup as
	// LocalSystem. The guide recommends it, and it is the only choice for
	// terminal servers.
	ScopeComputer Scope = iota
	// ScopeUser: User Configuration, installed at logon.
	ScopeUser
)

// CheckOptions tunes the pre-flight checks.
type CheckOptions struct {
	Scope Scope
}

// Check runs the offline pre-flight checks of the guide's step "Проверка
// MSI-пакета" and the terminal-server checks from its seed 001. It returns
// an error only when the package cannot be read; problems with the package
// are findings.
func Check(p *Package, opt CheckOptions) ([]Finding, error) {
	c := &checker{p: p, opt: opt}
	for _, step := range []func() error{c.summary, c.properties, c.installContext, c.media, c.registry, c.environment, c.iniFiles, c.customActions} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return c.out, nil
}

type checker struct {
	p     *Package
	opt   CheckOptions
	props map[string]string
	out   []Finding
}

func (c *checker) add(f Finding) { c.out = append(c.out, f) }

// perMachine follows the SDK's "Installation Context": ALLUSERS=1 is a
// per-machine install; ALLUSERS=2 is per-machine unless MSIINSTALLPERUSER=1
// (Windows 7 and later); an empty ALLUSERS is per-user.
func (c *checker) perMachine() bool {
	switch c.props["ALLUSERS"] {
	case "1":
		return true
	case "2":
		return c.props["MSIINSTALLPERUSER"] != "1"
	}
	return false
}

func (c *checker) summary() error {
	if !c.p.HasSummary() {
		c.add(Finding{Severity: SeverityError, Code: "summary-missing",
			Message: "the package has no summary information stream",
			Advice:  "Windows Installer refuses such a file; rebuild the package with a proper authoring tool."})
		return nil
	}
	s := c.p.Summary()
	if s.PackageCode == "" {
		c.add(Finding{Severity: SeverityError, Code: "package-code-missing", Table: "_SummaryInformation", Row: "Revision Number",
			Message: "PackageCode (summary Revision Number) missing",
			Advice:  "Every package file needs its own package code; rebuild the package."})
	} else if err := checkGUID(s.PackageCode); err != nil {
		c.add(Finding{Severity: SeverityError, Code: "package-code-malformed", Table: "_SummaryInformation", Row: "Revision Number",
			Message: "PackageCode " + err.Error(),
			Advice:  "Windows Installer identifies the package file by this GUID; rebuild the package."})
	}
	switch pl := s.Platform(); pl {
	case "", "Intel", "x64", "Arm64", "Intel64", "Arm":
	default:
		c.add(Finding{Severity: SeverityError, Code: "platform-unknown", Table: "_SummaryInformation", Row: "Template",
			Message: fmt.Sprintf("platform %q in Template %q is not one Windows Installer knows", pl, s.Template),
			Advice:  "Template must start with Intel, x64, Arm64, Intel64 or Arm."})
	}
	if _, langs, _ := strings.Cut(s.Template, ";"); len(s.Languages()) != len(splitNonEmpty(langs)) {
		c.add(Finding{Severity: SeverityWarning, Code: "template-languages", Table: "_SummaryInformation", Row: "Template",
			Message: fmt.Sprintf("Template %q has language entries that are not numbers", s.Template),
			Advice:  "Group Policy takes the package language from here; fix the Template summary property."})
	}
	return nil
}

func splitNonEmpty(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if strings.TrimSpace(f) != "" {
			out = append(out, f)
		}
	}
	return out
}

func (c *checker) properties() error {
	props, err := c.p.PropertyMap()
	if err != nil {
		return err
	}
	c.props = props
	for _, name := range []string{"ProductCode", "ProductVersion", "ProductName", "Manufacturer", "ProductLanguage"} {
		if props[name] == "" {
			c.add(Finding{Severity: SeverityError, Code: "property-missing", Table: "Property", Row: name,
				Message: name + " missing",
				Advice:  "Windows Installer requires this property (SDK, \"Required Properties\"); the package cannot be deployed."})
		}
	}
	for _, name := range []string{"ProductCode", "UpgradeCode"} {
		if v := props[name]; v != "" {
			if err := checkGUID(v); err != nil {
				c.add(Finding{Severity: SeverityError, Code: "property-malformed", Table: "Property", Row: name,
					Message: name + " " + err.Error(),
					Advice:  "Fix the package: Windows Installer and Group Policy compare these codes as strings."})
			}
		}
	}
	if props["UpgradeCode"] == "" {
		c.add(Finding{Severity: SeverityWarning, Code: "upgrade-code-missing", Table: "Property", Row: "UpgradeCode",
			Message: "UpgradeCode missing",
			Advice:  "Without an UpgradeCode a later version cannot find and replace this one (guide, \"Обновление через GPO\"); ask the vendor for a package that sets it."})
	}
	if v := props["ProductVersion"]; v != "" {
		ver, err := ParseVersion(v)
		switch {
		case err != nil:
			c.add(Finding{Severity: SeverityError, Code: "version-malformed", Table: "Property", Row: "ProductVersion",
				Message: err.Error(), Advice: "ProductVersion must be major.minor.build numbers."})
		case ver.CheckLimits() != nil:
			c.add(Finding{Severity: SeverityError, Code: "version-out-of-range", Table: "Property", Row: "ProductVersion",
				Message: fmt.Sprintf("ProductVersion %s: %v", v, ver.CheckLimits()),
				Advice:  "Windows Installer limits versions to 255.255.65535; upgrades between such versions are not detected reliably."})
		case ver.Fields == 4:
			c.add(Finding{Severity: SeverityInfo, Code: "version-fourth-field", Table: "Property", Row: "ProductVersion",
				Message: fmt.Sprintf("ProductVersion %s has a fourth field", v),
				Advice:  "Windows Installer ignores the fourth field when comparing versions: two packages that differ only there are the same version."})
		}
	}
	if l := props["ProductLanguage"]; l != "" {
		if _, err := strconv.Atoi(l); err != nil {
			c.add(Finding{Severity: SeverityError, Code: "language-malformed", Table: "Property", Row: "ProductLanguage",
				Message: fmt.Sprintf("ProductLanguage %q is not a numeric language id", l),
				Advice:  "Group Policy stores the package locale from this value."})
		}
	}
	return nil
}

func (c *checker) installContext() error {
	all, has := c.props["ALLUSERS"]
	switch {
	case c.perMachine():
		return nil
	case !has || all == "":
		c.add(Finding{Severity: c.perUserSeverity(), Code: "per-user-package", Table: "Property", Row: "ALLUSERS",
			Message: "ALLUSERS is not set: the package installs per-user by default",
			Advice:  c.perUserAdvice()})
	case all == "2":
		c.add(Finding{Severity: c.perUserSeverity(), Code: "per-user-package", Table: "Property", Row: "MSIINSTALLPERUSER",
			Message: "ALLUSERS=2 with MSIINSTALLPERUSER=1: the package installs per-user on Windows 7 and later",
			Advice:  c.perUserAdvice()})
	default:
		c.add(Finding{Severity: SeverityWarning, Code: "allusers-unusual", Table: "Property", Row: "ALLUSERS",
			Message: fmt.Sprintf("ALLUSERS=%q is not 1, 2 or empty", all),
			Advice:  "Windows Installer treats any other value like 1 (per-machine); set ALLUSERS=1 to make the intent explicit."})
	}
	return nil
}

func (c *checker) perUserSeverity() Severity {
	if c.opt.Scope == ScopeComputer {
		return SeverityWarning
	}
	return SeverityInfo
}

func (c *checker) perUserAdvice() string {
	if c.opt.Scope == ScopeComputer {
		return "Assigned to computers it is forced per-machine, a combination the vendor may not have tested; on terminal servers per-user installs are blocked when DisableUserInstalls=1. Prefer a package with ALLUSERS=1 (or a transform that sets it)."
	}
	return "Assigned to users it installs into each user's profile; on terminal servers use Computer Configuration and ALLUSERS=1 instead."
}

func (c *checker) media() error {
	media, err := c.p.Media()
	if err != nil {
		return err
	}
	for _, m := range media {
		if m.Cabinet != "" && !strings.HasPrefix(m.Cabinet, "#") {
			c.add(Finding{Severity: SeverityWarning, Code: "external-cabinet", Table: "Media", Row: strconv.Itoa(m.DiskID),
				Message: fmt.Sprintf("cabinet %q is a separate file, not inside the package", m.Cabinet),
				Advice:  "Copy it to the share next to the .msi, or computers will fail with error 1311 (source file not found)."})
		}
	}
	return nil
}

// registry: per-machine installs on a terminal server write HKCU only for
// the installing administrator, and Windows Installer's terminal server
// registry mapping only propagates HKCU\Software to other users' hives
// (guide, seed 001).
func (c *checker) registry() error {
	regs, err := c.p.Registry()
	if err != nil {
		return err
	}
	for _, r := range regs {
		hkcu := r.Root == RootHKCU || (r.Root == RootPerAllUsers && !c.perMachine())
		if !hkcu || hasPathPrefix(r.Key, "Software") {
			continue
		}
		c.add(Finding{Severity: SeverityWarning, Code: "hkcu-outside-software", Table: "Registry", Row: r.Registry,
			Message: fmt.Sprintf("writes HKCU\\%s, outside HKCU\\Software", r.Key),
			Advice:  "On a terminal server this value reaches only the account that installed the package; other users never get it. Move it under HKCU\\Software or set it through Group Policy Preferences."})
	}
	return nil
}

func hasPathPrefix(key, prefix string) bool {
	key = strings.TrimLeft(key, `\`)
	return strings.EqualFold(key, prefix) || (len(key) > len(prefix) && strings.EqualFold(key[:len(prefix)], prefix) && key[len(prefix)] == '\\')
}

// environment: in the Environment table a '*' among the prefix characters of
// Name makes the variable a system one (SDK, "Environment Table"); without
// it the variable goes to the installing user's environment.
func (c *checker) environment() error {
	envs, err := c.p.Environment()
	if err != nil {
		return err
	}
	if !c.perMachine() {
		return nil
	}
	for _, e := range envs {
		prefix := e.Name[:len(e.Name)-len(strings.TrimLeft(e.Name, "=+-!*"))]
		if strings.Contains(prefix, "*") {
			continue
		}
		c.add(Finding{Severity: SeverityWarning, Code: "environment-user", Table: "Environment", Row: e.Environment,
			Message: fmt.Sprintf("variable %q is a user variable (no '*' in Name) in a per-machine package", strings.TrimLeft(e.Name, "=+-!*")),
			Advice:  "Installed from Computer Configuration it lands in the environment of the installing account only; other users of a terminal server do not see it. The package should use a system variable ('*')."})
	}
	return nil
}

func (c *checker) iniFiles() error {
	inis, err := c.p.IniFiles()
	if err != nil {
		return err
	}
	for _, i := range inis {
		c.add(Finding{Severity: SeverityWarning, Code: "ini-file", Table: "IniFile", Row: i.IniFile,
			Message: fmt.Sprintf("writes [%s] %s in %s", i.Section, i.Key, i.FileName),
			Advice:  "On terminal servers INI files in the Windows folder or user profile are per-user; check where the file lands (DirProperty) and that every user gets it."})
	}
	return nil
}

// customActions: a deferred custom action that impersonates runs, on a
// terminal server during a per-machine install, without impersonation unless
// it has msidbCustomActionTypeTSAware (SDK, "Custom Action In-Script
// Execution Options"), so anything it does in "the user's" profile happens
// in SYSTEM's.
func (c *checker) customActions() error {
	cas, err := c.p.CustomActions()
	if err != nil {
		return err
	}
	for _, a := range cas {
		if !a.Deferred() || a.Type&CATypeNoImpersonate != 0 || a.Type&CATypeTSAware != 0 {
			continue
		}
		c.add(Finding{Severity: SeverityWarning, Code: "deferred-ca-not-tsaware", Table: "CustomAction", Row: a.Action,
			Message: fmt.Sprintf("deferred custom action (type %d) impersonates the user but lacks the TSAware bit 0x4000", a.Type),
			Advice:  "On a terminal server it runs without impersonation during a per-machine install; if it touches the user profile or HKCU, the result ends up in the wrong profile. Ask the vendor to add msidbCustomActionTypeTSAware."})
	}
	return nil
}
