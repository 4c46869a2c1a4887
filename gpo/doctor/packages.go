package doctor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ctitui/ctitui/domain/secdesc"
)

// judgePackages says what the client would do with each package of the
// GPOs that apply ([MS-GPSI] 3.2.5): install, upgrade another, remove,
// ignore — and why.
func (in Input) judgePackages(applying []GPOData, token secdesc.Token, names func(secdesc.SID) string) []PackageReport {
	// Which packages are upgraded by another applying package: the client
	// then installs the newer one (which removes or upgrades the older).
	upgradedBy := map[string]string{} // objectGUID → upgrading package name
	for _, g := range applying {
		for _, p := range g.Packages {
			if p.Flags&(ACTFLGUninstall|ACTFLGOrphan) != 0 {
				continue
			}
			for _, u := range p.Upgrades {
				if u.upgrades() {
					upgradedBy[strings.ToLower(strings.Trim(u.ObjectGUID, "{}"))] = p.Name
				}
			}
		}
	}
	var out []PackageReport
	for _, g := range applying {
		if g.PackagesError != "" {
			out = append(out, PackageReport{Name: "(class store)", GPO: g.Name, Action: ActionUnknown,
				Reasons: []Finding{{Verdict: CannotTell, Check: "class store", Text: "the GPO's packages could not be read: " + g.PackagesError, Fix: ""}}})
			continue
		}
		for _, p := range g.Packages {
			out = append(out, in.judgePackage(g, p, upgradedBy, token, names))
		}
	}
	return out
}

func (in Input) judgePackage(g GPOData, p PackageData, upgradedBy map[string]string, token secdesc.Token, names func(secdesc.SID) string) PackageReport {
	r := PackageReport{Name: p.Name, ID: p.ID, GPO: g.Name, ProductCode: p.ProductCode, MSIPath: p.MSIPath,
		WOW64: len(p.Architectures) > 0 && !slices.Contains(p.Architectures, "x64") && !slices.Contains(p.Architectures, "arm64")}
	add := func(v Verdict, check, text, fix string, remedy ...*Remedy) {
		f := Finding{Verdict: v, Check: check, Text: text, Fix: fix}
		if len(remedy) > 0 {
			f.Remedy = remedy[0]
		}
		r.Reasons = append(r.Reasons, f)
	}

	switch {
	case p.Flags&ACTFLGUninstall != 0 || (p.ScriptName == "R" && p.Flags&ACTFLGOrphan == 0):
		r.Action = ActionRemove
		add(Info, "deployment", "the package was removed with \"Immediately uninstall\": clients that have it uninstall it at the next startup", "")
		return r
	case p.Flags&ACTFLGOrphan != 0:
		r.Action = ActionIgnore
		add(Info, "deployment", "the package was removed with \"Allow users to continue to use the software\": installed copies stay, nothing new is installed", "")
		return r
	}
	if by, ok := upgradedBy[strings.ToLower(strings.Trim(p.ObjectGUID, "{}"))]; ok {
		r.Action = ActionIgnore
		add(Info, "upgrade", fmt.Sprintf("upgraded by %q, which applies too: the client installs that one instead", by), "")
		return r
	}
	if in.Target.Scope == Computer && p.Flags&ACTFLGPublished != 0 {
		r.Action = ActionIgnore
		add(Problem, "deployment", "published to computers: Windows only assigns packages in Computer Configuration",
			"redeploy the package as Assigned")
		return r
	}

	r.Action = ActionInstall
	if n := countUpgrades(p.Upgrades); n > 0 {
		r.Action = ActionUpgrade
		add(Info, "upgrade", fmt.Sprintf("upgrades %d older package(s) (canUpgradeScript)", n), "")
	}
	when := "at the next startup"
	if in.Target.Scope == User {
		when = "at the next logon"
		if p.Flags&ACTFLGInstallUserAssign == 0 {
			when = "when the user opens a file type or shortcut of it (not at logon)"
		}
	}
	add(OK, "deployment", "assigned: installed "+when, "")
	if p.Revision > 0 {
		add(Info, "redeploy", fmt.Sprintf("revision %d: clients with an older revision reinstall it", p.Revision), "")
	}

	if p.DACL != nil {
		d := secdesc.Evaluate(p.DACL, token, secdesc.ReadRequest())
		if !d.Granted {
			r.Action = ActionIgnore
			text := fmt.Sprintf("%s cannot read the package object: the client does not see it (per-package filtering)", in.Target.Name)
			if d.Denied != nil {
				text = fmt.Sprintf("Read on the package is denied by ACE #%d (%s): the client does not see it", d.Denied.Index+1, names(d.Denied.ACE.SID))
			}
			add(Problem, "package filtering", text, "grant Read on the package to a group "+in.Target.Name+" is in")
			return r
		}
		add(OK, "package filtering", "package readable through "+via(d, names), "")
	}

	if arch := strings.Join(p.Architectures, ", "); arch != "" {
		if p.ArchOldForm {
			// [MS-GPSI] 3.2.5.2: the package applies only where the platform
			// machineArchitecture identifies matches the client's; the old
			// form (the processor architecture in the second byte) is none
			// of the 2.2.2.4.1 values, so it matches no client. The checks
			// go on: what they find still matters after the redeploy.
			r.Action = ActionIgnore
			add(Problem, "architecture", "machineArchitecture of this "+arch+" package is in the form earlier ctitui versions wrote "+
				"(the processor architecture in the second byte), which is not a value of [MS-GPSI] 2.2.2.4.1: "+
				"Windows clients do not match it with their platform and skip the package", "redeploy to rewrite it")
		} else if p.Flags&ACTFLGExcludeX86OnWin64 != 0 && arch == "x86" {
			add(CannotTell, "architecture", "a 32-bit package not made available on 64-bit Windows: 64-bit clients skip it", "")
		} else {
			add(CannotTell, "architecture", "package for "+arch+": the client's architecture is not in the directory", "")
		}
	}
	if p.Flags&ACTFLGIgnoreLanguage == 0 && len(p.LocaleIDs) > 0 && p.LocaleIDs[0] != 0 {
		add(CannotTell, "language", fmt.Sprintf("language %d must match the client's (or set \"ignore language\")", p.LocaleIDs[0]), "")
	}

	switch p.MSIReadable.OK {
	case No:
		fix, remedy := p.MSIReadable.Fix, p.MSIReadable.Remedy
		if fix == "" {
			fix, remedy = "grant Domain Computers Read & Execute on the share folder and check the path", &Remedy{Action: ActionShareACL}
		}
		add(Problem, "msi", "the MSI at "+p.MSIPath+" is not readable by the computer: "+p.MSIReadable.Reason, fix, remedy)
	case Unknown:
		add(CannotTell, "msi", "could not check "+p.MSIPath+": "+p.MSIReadable.Reason, "")
	default:
		text := p.MSIPath + " is readable by the computer"
		if p.MSIReadable.Reason != "" {
			text += " (" + p.MSIReadable.Reason + ")"
		}
		add(OK, "msi", text, "")
	}
	switch p.Script.OK {
	case No:
		fix, remedy := p.Script.Fix, p.Script.Remedy
		if fix == "" {
			fix, remedy = "redeploy the package to write a new script", &Remedy{Action: ActionRedeploy}
		}
		add(Problem, "script", "advertise script "+p.ScriptPath+": "+p.Script.Reason, fix, remedy)
	case Unknown:
		add(CannotTell, "script", "could not check "+p.ScriptPath+": "+p.Script.Reason, "")
	default:
		text := "advertise script present, decodes and is readable"
		if p.Script.Reason != "" {
			text = "advertise script present and decodes (" + p.Script.Reason + ")"
		}
		add(OK, "script", text, "")
	}
	return r
}

func countUpgrades(us []UpgradeRef) int {
	n := 0
	for _, u := range us {
		if u.upgrades() {
			n++
		}
	}
	return n
}
