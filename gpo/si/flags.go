package si

import (
	"github.com/ctitui/ctitui/gpo"

	"fmt"
	"strings"
)

// Flags is packageFlags ([MS-GPSI] 2.2.2.4.3).
type Flags uint32

// packageFlags bits, [MS-GPSI] 2.2.2.4.3.
const (
	FlagUninstallUnmanaged       Flags = 0x4
	FlagPublished                Flags = 0x8
	FlagValid                    Flags = 0x10 // "SHOULD be set. If it isn't, this object MUST be ignored."
	FlagUserInstall              Flags = 0x20
	FlagOnDemandInstall          Flags = 0x40
	FlagOrphan                   Flags = 0x80
	FlagUninstall                Flags = 0x100
	FlagPilot                    Flags = 0x200
	FlagAssigned                 Flags = 0x400
	FlagOrphanOnPolicyRemoval    Flags = 0x800
	FlagUninstallOnPolicyRemoval Flags = 0x1000
	FlagInstallUserAssign        Flags = 0x2000
	FlagForceUpgrade             Flags = 0x4000
	FlagMinimalInstallUI         Flags = 0x8000
	FlagExcludeX86OnWin64        Flags = 0x10000
	FlagIgnoreLanguage           Flags = 0x20000
	FlagHasUpgrades              Flags = 0x40000
	FlagFullInstallUI            Flags = 0x80000
	// FlagsWindowsHigh are the undocumented high bits every package
	// object made by a Windows server carries (0xA0084C70 computer
	// assigned, 0xA0080878 user published, 0xA0080110 removed, exported
	// from a real server and published by the ice2k project); written so
	// that our objects look like GPMC's, and kept as read on changes.
	FlagsWindowsHigh Flags = 0xA0000000
)

// flagNames are the spec's names, in bit order, for listings.
func flagNames() []struct {
	bit  Flags
	name string
} {
	return []struct {
		bit  Flags
		name string
	}{
		{FlagUninstallUnmanaged, "UninstallUnmanaged"}, {FlagPublished, "Published"}, {FlagValid, "Valid"},
		{FlagUserInstall, "UserInstall"}, {FlagOnDemandInstall, "OnDemandInstall"}, {FlagOrphan, "Orphan"},
		{FlagUninstall, "Uninstall"}, {FlagPilot, "Pilot"}, {FlagAssigned, "Assigned"},
		{FlagOrphanOnPolicyRemoval, "OrphanOnPolicyRemoval"}, {FlagUninstallOnPolicyRemoval, "UninstallOnPolicyRemoval"},
		{FlagInstallUserAssign, "InstallUserAssign"}, {FlagForceUpgrade, "ForceUpgrade"},
		{FlagMinimalInstallUI, "MinimalInstallUI"}, {FlagExcludeX86OnWin64, "ExcludeX86OnWin64"},
		{FlagIgnoreLanguage, "IgnoreLanguage"}, {FlagHasUpgrades, "HasUpgrades"}, {FlagFullInstallUI, "FullInstallUI"},
	}
}

// Names lists the documented bits set, by their [MS-GPSI] names without
// the ACTFLG_ prefix; undocumented bits show as one hex value.
func (f Flags) Names() []string {
	var out []string
	rest := f
	for _, n := range flagNames() {
		if f&n.bit != 0 {
			out = append(out, n.name)
			rest &^= n.bit
		}
	}
	if rest != 0 {
		out = append(out, fmt.Sprintf("0x%08X", uint32(rest)))
	}
	return out
}

// String is the value in hex with its names.
func (f Flags) String() string {
	return fmt.Sprintf("0x%08X (%s)", uint32(f), strings.Join(f.Names(), ", "))
}

// State is where a package is in its life.
type State string

// Package states, from packageFlags and msiScriptName ([MS-GPSI]
// 2.2.2.4.3, 2.2.3.2.3).
const (
	StateActive   State = "active"
	StateRemoving State = "removing" // ACTFLG_Uninstall: clients uninstall it
	StateOrphaned State = "orphaned" // ACTFLG_Orphan: clients keep it, nobody new gets it
)

// StateOf decodes the state from the flags.
func StateOf(f Flags) State {
	switch {
	case f&FlagUninstall != 0:
		return StateRemoving
	case f&FlagOrphan != 0:
		return StateOrphaned
	}
	return StateActive
}

// Deployment is Assigned or Published ([MS-GPSI] 2.2.2.4.3: exactly one
// of ACTFLG_Assigned and ACTFLG_Published).
type Deployment string

// Deployment types, with the guide's words "Назначено (Assigned)".
const (
	Assigned  Deployment = "assigned"
	Published Deployment = "published"
)

// Options are the package properties of the guide's table ("Дополнительные
// параметры пакета") and of GPMC's Deployment tab. The zero value is not
// the default: use DefaultOptions.
type Options struct {
	Deployment Deployment
	// InstallAtLogon: "Install this application at logon"
	// (ACTFLG_InstallUserAssign); user assignments only.
	InstallAtLogon bool
	// UninstallOutOfScope: "Uninstall this application when it falls out
	// of the scope of management" (ACTFLG_UninstallOnPolicyRemoval, else
	// ACTFLG_OrphanOnPolicyRemoval). The guide: on.
	UninstallOutOfScope bool
	// ShowInARP: "Display this package in the Add/Remove Programs control
	// panel" (ACTFLG_UserInstall).
	ShowInARP bool
	// AutoInstallByExtension: "Auto-install this application by file
	// extension activation" (ACTFLG_OnDemandInstall).
	AutoInstallByExtension bool
	// IgnoreLanguage: "Ignore language when deploying this package".
	IgnoreLanguage bool
	// X86OnWin64: "Make this 32-bit X86 application available to Win64
	// machines" (when false and the package is x86: ACTFLG_ExcludeX86OnWin64).
	X86OnWin64 bool
	// BasicUI selects "Basic" installation user interface instead of
	// "Maximum" (ACTFLG_MinimalInstallUI vs ACTFLG_FullInstallUI and
	// installUiLevel 3 vs 5).
	BasicUI bool
	// Transforms are UNC paths of .mst files, applied in this order after
	// the .msi (msiFileList 1..n).
	Transforms []string
	// OptionalUpgrade clears "Required upgrade for existing packages"
	// on a package that upgrades others (ctitui makes upgrades required
	// by default, the guide's step 6).
	OptionalUpgrade bool
	// Name overrides the package name (default: the MSI's ProductName
	// and version, as the guide's "MIKO CTI 4.9.226").
	Name string
	// ReadGroup, when set, is the only group that may read the package
	// object: per-package security filtering (seed 002, "Фильтрация
	// приложений").
	ReadGroup string
	// URL is the support URL shown in Add/Remove Programs (url).
	URL string
	// Categories are application categories (names or GUIDs) the
	// package is listed under in Add/Remove Programs (categories,
	// [MS-GPSI] 2.2.2.4.1); they must exist (CategoryPlan).
	Categories []string
}

// DefaultOptions are the guide's recommended values for a half: Assigned,
// uninstall when out of scope, install at logon for users; GPMC's
// defaults for the rest (shown in Add/Remove Programs, maximum UI,
// auto-install by extension, 32-bit on x64 allowed).
func DefaultOptions(user bool) Options {
	return Options{
		Deployment:             Assigned,
		InstallAtLogon:         user,
		UninstallOutOfScope:    true,
		ShowInARP:              true,
		AutoInstallByExtension: true,
		X86OnWin64:             true,
	}
}

// installUILevel values of installUiLevel (Windows Installer
// INSTALLUILEVEL_BASIC and INSTALLUILEVEL_FULL).
const (
	uiLevelBasic = 3
	uiLevelFull  = 5
)

// flagsFor computes packageFlags for a new package.
func (o Options) flagsFor(half gpo.Half, x86 bool) (Flags, error) {
	f := FlagsWindowsHigh | FlagValid
	switch o.Deployment {
	case Assigned, "":
		f |= FlagAssigned
	case Published:
		if err := o.Validate(half); err != nil {
			return 0, err
		}
		f |= FlagPublished
	default:
		return 0, fmt.Errorf("deployment %q: want assigned or published", o.Deployment)
	}
	if o.InstallAtLogon {
		if half == gpo.Computer || o.Deployment == Published {
			return 0, fmt.Errorf("install at logon applies to applications assigned to users only")
		}
		f |= FlagInstallUserAssign
	}
	if o.UninstallOutOfScope {
		f |= FlagUninstallOnPolicyRemoval
	} else {
		f |= FlagOrphanOnPolicyRemoval
	}
	if o.ShowInARP {
		f |= FlagUserInstall
	}
	if o.AutoInstallByExtension {
		f |= FlagOnDemandInstall
	}
	if o.IgnoreLanguage {
		f |= FlagIgnoreLanguage
	}
	if x86 && !o.X86OnWin64 {
		f |= FlagExcludeX86OnWin64
	}
	if o.BasicUI {
		f |= FlagMinimalInstallUI
	} else {
		f |= FlagFullInstallUI
	}
	return f, nil
}

// removedFlags is the packageFlags of a removed package: the deployment
// and option bits go, the Windows high bits, the UI choice and the valid
// bit stay, and Uninstall or Orphan is set (observed 0xA0080110 for
// "Immediately uninstall").
func removedFlags(cur Flags, mode RemoveMode) Flags {
	keep := cur & (FlagsWindowsHigh | FlagValid | FlagFullInstallUI | FlagMinimalInstallUI)
	if mode == RemoveOrphan {
		return keep | FlagOrphan
	}
	return keep | FlagUninstall
}

// RemoveMode is the guide's choice in "All Tasks → Remove".
type RemoveMode string

// Remove modes.
const (
	// RemoveUninstall: "Immediately uninstall the software from users and
	// computers" (recommended).
	RemoveUninstall RemoveMode = "uninstall"
	// RemoveOrphan: "Allow users to continue to use the software, but
	// prevent new installations".
	RemoveOrphan RemoveMode = "orphan"
)
