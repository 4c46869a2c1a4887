package doctor

import (
	"time"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/replica"
)

// Scope is the half of Group Policy being diagnosed.
type Scope string

// The two halves of a GPO.
const (
	Computer Scope = "computer"
	User     Scope = "user"
)

// Principal is a SID with the name to show for it.
type Principal struct {
	SID  secdesc.SID
	Name string
}

// Target is the computer or user the question is about.
type Target struct {
	Name  string
	DN    string
	SID   secdesc.SID
	Scope Scope
	// Groups are every group the account is in, nested and primary
	// included (tokenGroups), with names.
	Groups []Principal
	// LastLogon is the account's lastLogonTimestamp; zero when the
	// directory records none. It is replicated only when it is older than
	// ms-DS-Logon-Time-Sync-Interval (9 to 14 days by default), so it may
	// lag the real last logon by that much (Last-Logon-Timestamp and
	// ms-DS-Logon-Time-Sync-Interval in the AD schema, [MS-ADA1]).
	LastLogon time.Time
	// OS is what a computer's object says of its Windows.
	OS OSFacts
	// dnsName is a computer's dNSHostName.
	dnsName string
	// Memberships are the groups the account is directly a member of,
	// with when it was made one, where the directory says.
	Memberships []Membership
}

// Membership is a direct group membership and when it was made.
type Membership struct {
	Group Principal
	// Since is when the member value was last written: the value's
	// ftimeLastOriginatingChange from msDS-ReplValueMetaData, or, when
	// the DC does not provide it, the group's whenChanged (any change of
	// the group, so the membership is at most that new).
	Since time.Time
	// FromGroupChange is true when Since is the group's whenChanged.
	FromGroupChange bool
}

// SOM is a scope of management on the way from the domain root down to the
// target: the domain, then each OU ([MS-GPOL] 3.2.5.1.4).
type SOM struct {
	DN       string
	Name     string
	IsDomain bool
	// IsSite marks the site SOM, above the domain ([MS-GPOL] 3.2.5.1.4).
	IsSite           bool
	BlockInheritance bool
	// Links in link order (Order 1 first), disabled ones included.
	Links []domain.GPLink
}

// GPOData is what the doctor knows about one linked GPO.
type GPOData struct {
	GUID string
	Name string
	// Missing is true when a link points at a GPO that does not exist.
	Missing bool
	// Flags is the groupPolicyContainer flags (1 user disabled, 2 computer
	// disabled).
	Flags int
	// Version is versionNumber: user half high 16 bits, computer half low.
	Version uint32
	// SysvolVersion is GPT.INI's Version; nil when it could not be read,
	// SysvolError then says why.
	SysvolVersion *uint32
	SysvolError   string
	// FolderDACL is the DACL of the GPO's folder on SYSVOL (nil: could not
	// be read); clients read GPT.INI and the scripts with their own token.
	FolderDACL *secdesc.SecurityDescriptor
	// DACL of the groupPolicyContainer (nil: could not be read).
	DACL *secdesc.SecurityDescriptor
	// WMIFilterID is the attached filter (empty: none); WMIFilterQuery
	// its WQL, WMIFilterMissing when the link names a filter that is gone.
	WMIFilterID      string
	WMIFilterName    string
	WMIFilterQuery   string
	WMIFilterQueries []string
	WMIFilterMissing bool
	// Packages in the class store of the diagnosed half.
	Packages []PackageData
	// PackagesError says why the class store could not be read.
	PackagesError string
	// LoopbackMode is the UserPolicyMode the GPO's Machine\Registry.pol
	// sets (LoopbackMerge or LoopbackReplace; 0 none); RegistryPolError
	// says why the file could not be read (a missing file is no error).
	// Read only when the target is a computer.
	LoopbackMode     uint32
	RegistryPolError string
	// HalfMade are the signs of a GPO a cut-off run (or another tool)
	// left half-made (gpo.GPO.HalfMade), both halves.
	HalfMade []gpo.HalfMade
}

// Loopback processing of user Group Policy: UserPolicyMode under
// Software\Policies\Microsoft\Windows\System in Machine\Registry.pol
// ("Configure user Group Policy loopback processing mode"; [MS-GPOL]
// 3.2.5.1.5 builds the user's GPO list from the computer's SOMs too).
const (
	LoopbackMerge   = 1
	LoopbackReplace = 2
)

// Tri is a three-valued check result.
type Tri string

// Values of Tri.
const (
	Yes     Tri = "yes"
	No      Tri = "no"
	Unknown Tri = "unknown"
)

// Check is the result of a reachability check with its reason.
type Check struct {
	OK     Tri
	Reason string
	// Fix, when set, replaces the generic fix of a failed check; Remedy is
	// then its facts (errors.go).
	Fix    string
	Remedy *Remedy
}

// PackageData is a Software Installation package ([MS-GPSI] 2.2.3.2.3).
type PackageData struct {
	ID          string // {GUID}, the object's CN
	ObjectGUID  string // objectGUID, what canUpgradeScript refers to
	Name        string
	Flags       uint32
	ScriptName  string // msiScriptName: A, P or R
	Revision    int
	ProductCode string
	// Architectures are the package's platforms as the Software
	// Installation reader decodes machineArchitecture ("x86", "x64", ...,
	// si.ArchitectureName).
	Architectures []string
	// ArchOldForm: machineArchitecture is in the form earlier ctitui
	// versions wrote (2304 for x64), not a [MS-GPSI] 2.2.2.4.1 value.
	ArchOldForm bool
	LocaleIDs   []uint32
	MSIPath     string
	ScriptPath  string
	// Upgrades are the packages this one upgrades (its canUpgradeScript).
	Upgrades []UpgradeRef
	// DACL of the packageRegistration object.
	DACL *secdesc.SecurityDescriptor
	// MSIReadable: can the target computer read the MSI at MSIPath.
	MSIReadable Check
	// Script: does the advertise script exist, decode, and may the target
	// read it.
	Script Check
}

// UpgradeRef is one canUpgradeScript entry ([MS-GPSI] 2.2.2.4.1-2).
type UpgradeRef struct {
	// ObjectGUID of the referenced package.
	ObjectGUID string
	// Mode is the entry's UpgradeType: 1 uninstall first, 2 in place;
	// with 4 (UPGFLG_UpgradedBy) the referenced package upgrades this one
	// rather than the other way round; 8 is "required".
	Mode int
}

// upgradeTypeUpgradedBy is UPGFLG_UpgradedBy ([MS-GPSI] 2.2.2.4.2).
const upgradeTypeUpgradedBy = 0x04

// upgrades reports whether the entry says "this package upgrades the
// referenced one" (not the back-link written on the older package).
func (u UpgradeRef) upgrades() bool { return u.Mode&upgradeTypeUpgradedBy == 0 && u.Mode&(1|2) != 0 }

// packageFlags bits ([MS-GPSI] 2.2.3.2.3 packageFlags).
const (
	ACTFLGPublished                = 0x8
	ACTFLGUserInstall              = 0x20
	ACTFLGOrphan                   = 0x80
	ACTFLGUninstall                = 0x100
	ACTFLGAssigned                 = 0x400
	ACTFLGOrphanOnPolicyRemoval    = 0x800
	ACTFLGUninstallOnPolicyRemoval = 0x1000
	ACTFLGInstallUserAssign        = 0x2000
	ACTFLGForceUpgrade             = 0x4000
	ACTFLGExcludeX86OnWin64        = 0x10000
	ACTFLGIgnoreLanguage           = 0x20000
)

// Input is everything Diagnose needs.
type Input struct {
	Target Target
	// DomainSID names domain-relative principals.
	DomainSID secdesc.SID
	// Chain is the SOM list, domain root first, the target's OU last; when
	// the target's site is known its SOM comes first.
	Chain []SOM
	// Site is what is known of the target's site.
	Site SiteData
	// GPOs by {GUID} (upper case), for every GPO linked in Chain.
	GPOs map[string]GPOData
	// Names of principals that appear in the GPOs' and packages'
	// permissions, by SID string, so findings can name groups the target
	// is not (yet) in.
	Names map[string]string
	// Replication is every DC's copy of the GPOs, by {GUID}, when the
	// domain has more than one DC (replication.go); ReplicationError says
	// why the DCs could not be listed.
	Replication      map[string]*replica.Report
	ReplicationError string
}

// SiteData is what the doctor knows of the target's site. A client learns
// its site from a DC, which maps the client's IP address to a subnet
// ([MS-GPOL] 3.2.5.1.4, [MS-NRPC] 3.5.4.3.6); the directory does not record
// it, so the site is known only from an address or a name the admin gives,
// or from the computer's address in DNS.
type SiteData struct {
	// Name and How, when the site is known: its SOM is then Chain[0].
	Name string
	How  string
	// Given says the site (or the address How names) was given by the
	// caller, not looked up.
	Given bool
	// Unknown says why the site could not be determined; Candidates are
	// then the sites that have GPO links, any of which might apply.
	Unknown    string
	Candidates []SOM
	// Error says why the sites could not be read.
	Error string
}
