package ui

import (
	"context"
	"time"
)

// The console reaches the domain only through these interfaces; cmd/ctitui
// adapts the real engines to them and tests use fakes. Every call is made
// from a tea.Cmd, never from Update.

// Settings are what the Connect screen collects. Password is never saved.
type Settings struct {
	Domain   string `json:"domain"`
	DC       string `json:"dc"`
	User     string `json:"user"`
	Kerberos bool   `json:"kerberos"`
	CCache   string `json:"ccache,omitempty"`
	CAFile   string `json:"caFile,omitempty"`
	ShareDir string `json:"shareDir,omitempty"`
	Password string `json:"-"`
}

// Connector opens a session with a domain.
type Connector interface {
	Connect(ctx context.Context, s Settings) (*Session, error)
}

// Session is one connection. Deployer, Packages and Doctor are nil when the
// engine behind them is not in this build: their screens then say so.
type Session struct {
	Domain   string
	Dir      Directory
	GPOs     GPOs
	Dist     Distribution
	Deployer Deployer
	Packages Packages
	Doctor   Doctor
	// Replication compares every DC's copy of a GPO (GPMC's Status tab);
	// nil when the engine is not in this build.
	Replication Replication
	// Recovery finds changes an earlier ctitui did not live to finish;
	// nil when there is no journal to look in.
	Recovery Recovery
	Close    func() error
}

// Replication compares every domain controller's copy of a GPO with the
// PDC emulator's.
type Replication interface {
	// GPOStatus is the comparison, as display lines.
	GPOStatus(ctx context.Context, gpo string) ([]string, error)
}

// Recovery is the changes to this domain that an earlier ctitui did not
// live to finish (its journals), and their undo.
type Recovery interface {
	// Pending describes each, one line; none when nothing was cut off.
	Pending(ctx context.Context) ([]string, error)
	// Plan undoes the newest of them.
	Plan(ctx context.Context) (Plan, error)
	// Resume finishes the oldest of them, or says why it cannot be
	// finished (then Plan undoes it).
	Resume(ctx context.Context) (Plan, error)
}

// Summary is the domain at a glance.
type Summary struct {
	DomainDN, DC, DomainLevel, ForestLevel, User string
	OUs, Computers, Users, Groups, GPOs, WMI     int
	// PDCEmulator is the PDC emulator's DNS name when the session writes
	// on another DC (a DC named on the Connect screen wins, as --dc does;
	// GPMC writes on the PDC emulator): Home says so. Empty when the
	// session writes on the PDC emulator.
	PDCEmulator string
	// BelowGuideLevel is true when the domain functional level is below
	// Windows Server 2012 R2, the oldest DC the guide assumes.
	BelowGuideLevel bool
	// Rights are what the bound account may do, as the DC answers for
	// it; nil when it could not be read.
	Rights []Right
}

// Right is one thing the deployment needs and whether the account has it.
type Right struct {
	// Key names it in the catalogs: "create_gpo", "link_ou",
	// "sysvol_write".
	Key string
	// State is "yes", "no", "partly" (some places, not all) or "unknown"
	// (it could not be checked).
	State string
	// Detail says why, when the answer is not a plain yes.
	Detail string
}

// Link is a GPO linked to a container.
type Link struct {
	GPO, GPOName, Container string
	Enabled, Enforced       bool
	Order                   int
}

// OUNode is an OU or, at the root, the domain.
type OUNode struct {
	DN, Name         string
	IsDomain         bool
	BlockInheritance bool
	Links            []Link
	HasChildren      bool
}

// Group is a security group.
type Group struct{ DN, Name, Scope string }

// Directory reads the directory.
type Directory interface {
	Summary(ctx context.Context) (Summary, error)
	Root(ctx context.Context) (OUNode, error)
	// Children hands the OUs directly under dn to page, a page at a time
	// as the directory returns them, so a large container shows its first
	// OUs at once.
	Children(ctx context.Context, dn string, page func([]OUNode) error) error
	// AllOUs is every OU of the domain, parents before children, for a
	// filter that should find OUs not opened yet.
	AllOUs(ctx context.Context) ([]OUNode, error)
	ComputerCounts(ctx context.Context, dns []string) (map[string]int, error)
	Groups(ctx context.Context, nameContains string) ([]Group, error)
	GroupComputers(ctx context.Context, groupDN string) ([]string, error)
	FindComputers(ctx context.Context, prefix string) ([]string, error)
	// Computers are the computers in and under the container dn, by
	// name; "" means the whole domain.
	Computers(ctx context.Context, dn string) ([]string, error)
}

// Trustee is one principal with what it has on a GPO.
type Trustee struct {
	Name                string
	Read, Apply, Denied bool
}

// GPO is a Group Policy Object as the console lists it.
type GPO struct {
	GUID, Name, WMIFilter string
	// UserEnabled and ComputerEnabled are the GPO status.
	UserEnabled, ComputerEnabled bool
	VersionMismatch              bool
	Links                        []Link
	Filtering                    []Trustee
}

// WMIPreset is a ready-made WMI filter from the guide; Note, when set, is
// what to know when choosing it.
type WMIPreset struct{ Key, Name, Query, Note string }

// Plan is a change prepared but not made: Lines is the dry run.
type Plan interface {
	Title() string
	Lines() []string
	Steps() int
	// Apply makes the change; done is called after each step with its
	// number (1-based) and description.
	Apply(ctx context.Context, done func(step int, what string)) (Outcome, error)
}

// Outcome is what applying a plan did.
type Outcome struct {
	Applied        []string
	Complete       bool
	Failed         string
	FailedError    string
	RolledBack     []string
	RollbackErrors []string
}

// GPOs reads GPOs and prepares changes to them.
type GPOs interface {
	List(ctx context.Context) ([]GPO, error)
	Link(ctx context.Context, gpo, ouDN string) (Plan, error)
	Unlink(ctx context.Context, gpo, ouDN string) (Plan, error)
	SetEnforced(ctx context.Context, gpo, ouDN string, on bool) (Plan, error)
	SetBlockInheritance(ctx context.Context, ouDN string, on bool) (Plan, error)
	// FilterOnly makes group the only one the GPO applies to (the guide's
	// "Фильтрация безопасности"); Authenticated Users keep Read.
	FilterOnly(ctx context.Context, gpo, group string) (Plan, error)
	// SetWMI attaches the preset's WMI filter; an empty key detaches.
	SetWMI(ctx context.Context, gpo, presetKey string) (Plan, error)
	WMIPresets() []WMIPreset
}

// MSIInfo is the identity and pre-flight findings of a package.
type MSIInfo struct {
	ProductName, ProductVersion, Manufacturer       string
	ProductCode, UpgradeCode, PackageCode, Platform string
	PerMachine                                      bool
	Findings                                        []Finding
}

// Finding is one pre-flight result.
type Finding struct{ Severity, Code, Message, Advice string }

// UploadProgress is one progress event of an upload.
type UploadProgress struct {
	Phase          string
	Done, Total    int64
	BytesPerSecond float64
	ETA            time.Duration
}

// Uploaded says where the package is and whether computers can read it.
type Uploaded struct {
	Path             string
	Size             int64
	Unchanged        bool
	ComputersCanRead bool
	ACL              string
}

// Distribution puts the MSI on the share and reads it.
type Distribution interface {
	Inspect(ctx context.Context, local string) (MSIInfo, error)
	// Upload copies local into the UNC folder dir, sets the guide's folder
	// ACL and verifies that Domain Computers can read the file. progress is
	// called from the uploading goroutine.
	Upload(ctx context.Context, local, dir string, progress func(UploadProgress)) (Uploaded, error)
	// Folders lists the folders in the UNC folder dir (a share root too).
	Folders(ctx context.Context, dir string) ([]string, error)
}

// DeployRequest is everything the wizard collected.
type DeployRequest struct {
	// LocalMSI was uploaded to the UNC folder Folder, as PackagePath.
	LocalMSI, Folder, PackagePath string
	MSI                           MSIInfo
	// GPOName is created, or reused when ExistingGPO.
	GPOName             string
	ExistingGPO         bool
	OU                  string
	UserConfig          bool
	Published           bool
	InstallAtLogon      bool
	UninstallOutOfScope bool
	Transforms          []string
	// Preset are "preset properties", NAME=VALUE: the deploy makes a
	// transform of the MSI that sets them.
	Preset []string
	// Groups, when set, are the only groups the GPO applies to.
	Groups []string
	// NewGroup, when set, is a filtering group the deploy creates with
	// its computers (before the filtering), and filters to as well.
	NewGroup            *NewGroup
	WMIPreset, WMIQuery string
	// Upgrade, when set, is a deployed package (in its own GPO) that the
	// new package upgrades (the guide's "Обновление через GPO"):
	// uninstall it first, or with UpgradeInPlace upgrade over it;
	// RequiredUpgrade is "Required upgrade for existing packages".
	Upgrade         *Package
	UpgradeInPlace  bool
	RequiredUpgrade bool
	// UpgradeTransforms is what becomes of the upgraded package's
	// transforms: "keep", "remake", "drop", or "" not chosen (refused by
	// the plan when it has any).
	UpgradeTransforms string
}

// NewGroup is a global security group to create in the domain's default
// container, with computers (by name) in it.
type NewGroup struct {
	Name      string
	Computers []string
}

// Deployer prepares the whole deployment as one plan.
type Deployer interface {
	PlanDeploy(ctx context.Context, r DeployRequest) (Plan, error)
}

// Package is one Software Installation package in a GPO.
type Package struct {
	ID, Name, Version, GPO, GPOName, Mode, Path string
	// State is "active", "removing" (clients uninstall it) or "orphaned"
	// (clients keep it, nobody new gets it).
	State      string
	UserConfig bool
	// OldScript: the advertise script is in the old layout earlier ctitui
	// versions wrote; a redeploy rewrites it.
	OldScript bool
	// OldArch: machineArchitecture is in the form earlier ctitui versions
	// wrote (2304 for x64), which no Windows client matches; a redeploy
	// rewrites it.
	OldArch bool
}

// Packages lists deployed packages and prepares changes to them.
type Packages interface {
	List(ctx context.Context) ([]Package, error)
	// Details are p's decoded flags and advertise script and its GPO's
	// links and filtering, read when asked for.
	Details(ctx context.Context, p Package) ([]string, error)
	Redeploy(ctx context.Context, p Package) (Plan, error)
	// Remove uninstalls immediately, or with keep=true lets users keep it.
	Remove(ctx context.Context, p Package, keep bool) (Plan, error)
	// Upgrade adds a package for the MSI at newPath (UNC, already on the
	// share) that is a required upgrade of p, in p's GPO.
	Upgrade(ctx context.Context, p Package, newPath string) (Plan, error)
}

// Doctor explains why a GPO does or does not apply to a computer.
type Doctor interface {
	Diagnose(ctx context.Context, computer string) ([]string, error)
}
