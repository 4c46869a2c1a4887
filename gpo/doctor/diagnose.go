package doctor

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ctitui/ctitui/domain/secdesc"
)

// Verdict of one finding.
type Verdict string

// Verdicts.
const (
	OK         Verdict = "ok"
	Problem    Verdict = "problem"
	CannotTell Verdict = "cannot tell"
	Info       Verdict = "info"
)

// Finding is one reason, with the fix when there is something to fix.
type Finding struct {
	Verdict Verdict `json:"verdict"`
	Check   string  `json:"check"`
	Text    string  `json:"text"`
	Fix     string  `json:"fix,omitempty"`
	// Remedy, when set, is the fix as facts, for a program to name its
	// command for it (errors.go).
	Remedy *Remedy `json:"-"`
}

// GPOReport is the verdict on one GPO linked on the target's way.
type GPOReport struct {
	Name     string `json:"name"`
	GUID     string `json:"guid"`
	LinkedAt string `json:"linkedAt"`
	Enforced bool   `json:"enforced"`
	Applies  bool   `json:"applies"`
	// Precedence is 1 for the GPO that wins conflicts (applied last);
	// 0 for GPOs that do not apply.
	Precedence int `json:"precedence,omitempty"`
	// OnlyInSite is set on a GPO linked to a site the target may or may
	// not be in: Applies is false because it cannot be told.
	OnlyInSite string    `json:"onlyInSite,omitempty"`
	Reasons    []Finding `json:"reasons"`
}

// PackageReport says what the client would do with one package.
type PackageReport struct {
	Name    string    `json:"name"`
	ID      string    `json:"id"`
	GPO     string    `json:"gpo"`
	Action  string    `json:"action"`
	Reasons []Finding `json:"reasons"`
	// ProductCode and MSIPath let the client checks name what to look for.
	ProductCode string `json:"productCode,omitempty"`
	MSIPath     string `json:"msiPath,omitempty"`
	// WOW64 is set for a 32-bit package, which 64-bit Windows registers
	// under WOW6432Node.
	WOW64 bool `json:"-"`
}

// Report is the doctor's answer.
type Report struct {
	// Target is the computer's or user's name; Computer or User repeats it
	// in JSON, as the question was asked.
	Target   string          `json:"-"`
	Computer string          `json:"computer,omitempty"`
	User     string          `json:"user,omitempty"`
	Kind     Scope           `json:"kind"`
	DN       string          `json:"dn"`
	Chain    []string        `json:"ouChain"`
	Groups   []string        `json:"groups"`
	GPOs     []GPOReport     `json:"gpos"`
	Packages []PackageReport `json:"packages"`
	// Site is what is known of the target's site; nil when no site has GPO
	// links and none was named, so the site cannot change the answer.
	Site *SiteReport `json:"site,omitempty"`
	// ClientChecks are the guide's commands to confirm on the client.
	ClientChecks []string `json:"clientChecks"`
	// UserReport is User Configuration for a user asked about together
	// with the computer.
	UserReport *Report `json:"userReport,omitempty"`
	// Loopback, on a user's report, says that loopback processing is in
	// force on the computer the user logs on to, in which mode and from
	// which GPO; GPOs and Packages are then the list it gives.
	Loopback *LoopbackReport `json:"loopback,omitempty"`
	// Replication compares the DCs' copies of the GPOs on the way, when
	// the domain has more than one DC (replication.go).
	Replication []Finding `json:"replication,omitempty"`
}

// LoopbackReport is loopback processing of user Group Policy on a computer.
type LoopbackReport struct {
	// Mode is "replace" (the user gets the GPOs of the computer's SOMs
	// only) or "merge" (the user's own GPOs, then the computer's SOMs'
	// GPOs with higher precedence).
	Mode     string `json:"mode"`
	GPO      string `json:"gpo"`
	GPOName  string `json:"gpoName"`
	Computer string `json:"computer"`
	// ComputerChain are the computer's OUs whose GPOs the user gets.
	ComputerChain []string `json:"computerChain"`
	// Others are lower-precedence GPOs that set the mode too: the first
	// one wins.
	Others []string `json:"others,omitempty"`
}

// loopbackOf finds the loopback mode in force on the computer: the
// UserPolicyMode of the GPO with the highest precedence that applies to
// the computer and sets it (GPOs apply lowest precedence first, so its
// value is the one left).
func loopbackOf(in Input, r Report) *LoopbackReport {
	var lb *LoopbackReport
	for _, g := range r.GPOs {
		if !g.Applies {
			continue
		}
		mode := in.GPOs[strings.ToUpper(g.GUID)].LoopbackMode
		if mode == 0 {
			continue
		}
		if lb != nil {
			lb.Others = append(lb.Others, g.Name)
			continue
		}
		lb = &LoopbackReport{Mode: "merge", GPO: g.GUID, GPOName: g.Name, Computer: r.Target, ComputerChain: r.Chain}
		if mode == LoopbackReplace {
			lb.Mode = "replace"
		}
	}
	return lb
}

// withLoopback turns the user's own report (own) into the one loopback
// gives on the computer: onComputer is the user evaluated on the
// computer's SOMs ([MS-GPOL] 3.2.5.1.5: in replace mode that list replaces
// the user's; in merge mode it is appended to it, so its GPOs take
// precedence).
func withLoopback(own, onComputer Report, lb *LoopbackReport) Report {
	out := onComputer
	out.Chain = own.Chain
	out.Loopback = lb
	if lb.Mode == "merge" {
		out.GPOs = append(append([]GPOReport{}, onComputer.GPOs...), own.GPOs...)
		out.Packages = append(append([]PackageReport{}, onComputer.Packages...), own.Packages...)
		rank := 0
		for i := range out.GPOs {
			if out.GPOs[i].Applies {
				rank++
				out.GPOs[i].Precedence = rank
			}
		}
	}
	return out
}

// SiteReport names the target's site, or says why it cannot be known.
type SiteReport struct {
	Name    string    `json:"name,omitempty"`
	Known   bool      `json:"known"`
	Reasons []Finding `json:"reasons"`
}

// Package actions, in the words of [MS-GPSI] 3.2.5 client processing.
const (
	ActionInstall = "install"
	ActionUpgrade = "upgrade"
	ActionRemove  = "remove"
	ActionIgnore  = "ignore"
	ActionUnknown = "cannot tell"
)

// Diagnose computes the report.
func Diagnose(in Input) Report {
	r := Report{Target: in.Target.Name, Kind: in.Target.Scope, DN: in.Target.DN}
	if in.Target.Scope == User {
		r.User = in.Target.Name
	} else {
		r.Computer = in.Target.Name
	}
	for _, som := range in.Chain {
		if !som.IsSite {
			r.Chain = append(r.Chain, som.Name)
		}
	}
	for _, g := range in.Target.Groups {
		r.Groups = append(r.Groups, g.Name)
	}
	token := in.token()
	names := in.namer()

	var applying []GPOData
	precedenceRank := 0
	for _, lg := range precedence(in.Chain) {
		g, known := in.GPOs[lg.GUID]
		if !known {
			g = GPOData{GUID: lg.GUID, Missing: true}
		}
		rep := GPOReport{Name: g.Name, GUID: lg.GUID, LinkedAt: lg.SOM.label(), Enforced: lg.Enforced}
		if rep.Name == "" {
			rep.Name = lg.GUID
		}
		rep.Reasons, rep.Applies = in.judgeGPO(lg, g, token, names)
		if rep.Applies {
			precedenceRank++
			rep.Precedence = precedenceRank
			applying = append(applying, g)
		}
		r.GPOs = append(r.GPOs, rep)
	}
	r.Packages = in.judgePackages(applying, token, names)
	r.Site = in.siteReport()
	siteGPOs, sitePackages := in.judgeSiteCandidates(applying, token, names)
	r.GPOs = append(r.GPOs, siteGPOs...)
	r.Packages = append(r.Packages, sitePackages...)
	r.Replication = in.judgeReplication(r.GPOs)
	r.ClientChecks = clientChecks(in.Target)
	if r.Site != nil {
		r.ClientChecks = append(r.ClientChecks, "nltest /dsgetsite (the site the computer is in; gpresult /r shows it as \"Site Name\")")
	}
	r.ClientChecks = append(r.ClientChecks, packageChecks(r.Packages)...)
	// Empty lists stay lists in JSON: scripts read "gpos": [], not null.
	if r.GPOs == nil {
		r.GPOs = []GPOReport{}
	}
	if r.Packages == nil {
		r.Packages = []PackageReport{}
	}
	return r
}

// token is the target's security token as the DC builds it for a network
// logon: its SID, its groups, and the well-known groups.
func (in Input) token() secdesc.Token {
	sids := []secdesc.SID{in.Target.SID}
	for _, g := range in.Target.Groups {
		sids = append(sids, g.SID)
	}
	return secdesc.NetworkLogonToken(sids...)
}

func (in Input) namer() func(secdesc.SID) string {
	known := map[string]string{in.Target.SID.String(): in.Target.Name}
	for sid, name := range in.Names {
		known[sid] = name
	}
	for _, g := range in.Target.Groups {
		known[g.SID.String()] = g.Name
	}
	return secdesc.Names(in.DomainSID, func(s secdesc.SID) (string, bool) {
		n, ok := known[s.String()]
		return n, ok
	})
}

func (in Input) judgeGPO(lg linkedGPO, g GPOData, token secdesc.Token, names func(secdesc.SID) string) ([]Finding, bool) {
	var f []Finding
	where := fmt.Sprintf("link %d on %s", lg.Order, lg.SOM.label())
	switch {
	case !lg.Enabled:
		return append(f, Finding{Verdict: Problem, Check: "link", Text: where + " is disabled", Fix: fmt.Sprintf("enable the link on %s", lg.SOM.label()),
			Remedy: &Remedy{Action: ActionEnableLink, GPO: g.nameOr(lg.GUID), SOM: lg.SOM.DN, Where: lg.SOM.label()}}), false
	case lg.Blocked:
		return append(f, Finding{Verdict: Problem, Check: "inheritance", Text: fmt.Sprintf("%s is cut off by Block Inheritance on %s", where, lg.BlockedBy), Fix: fmt.Sprintf("remove Block Inheritance on %s, enforce the link on %s, or link the GPO below the block", lg.BlockedBy, lg.SOM.label()),
			Remedy: &Remedy{Action: ActionUnblock, SOM: lg.BlockedBy, Where: lg.SOM.label()}}), false
	case lg.Duplicate:
		return append(f, Finding{Verdict: Info, Check: "link", Text: where + " links a GPO that already applies from a place of higher precedence", Fix: ""}), false
	case g.Missing:
		return append(f, Finding{Verdict: Problem, Check: "link", Text: where + " points at a GPO that does not exist", Fix: fmt.Sprintf("remove the dangling link from %s", lg.SOM.DN)}), false
	}
	linkText := where
	if lg.Enforced {
		linkText += ", enforced (applies through Block Inheritance and wins over lower links)"
	}
	f = append(f, Finding{Verdict: OK, Check: "link", Text: linkText, Fix: ""})

	applies := true
	disabledBit, half := FlagComputerDisabledBit, "computer"
	if in.Target.Scope == User {
		disabledBit, half = FlagUserDisabledBit, "user"
	}
	if g.Flags&disabledBit != 0 {
		applies = false
		f = append(f, Finding{Verdict: Problem, Check: "status", Text: fmt.Sprintf("the GPO's %s settings are disabled", half), Fix: fmt.Sprintf("enable the GPO's %s settings", half),
			Remedy: &Remedy{Action: ActionEnableHalf, GPO: g.nameOr(lg.GUID), Half: half}})
	} else {
		f = append(f, Finding{Verdict: OK, Check: "status", Text: fmt.Sprintf("%s settings enabled", half), Fix: ""})
	}

	if fs := securityFiltering(in.Target, g, token, names); len(fs) > 0 {
		for _, x := range fs {
			if x.Verdict == Problem {
				applies = false
			}
		}
		f = append(f, fs...)
	}

	switch {
	case g.WMIFilterMissing:
		applies = false
		f = append(f, Finding{Verdict: Problem, Check: "wmi filter", Text: "the GPO names a WMI filter that does not exist; clients then skip the GPO", Fix: "detach the missing WMI filter from the GPO",
			Remedy: &Remedy{Action: ActionDetachWMI, GPO: g.nameOr(lg.GUID)}})
	case g.WMIFilterID != "":
		wf := wmiFinding(in.Target, g)
		if wf.Verdict == Problem {
			applies = false
		}
		f = append(f, wf)
	}

	half16 := g.Version & 0xffff
	if in.Target.Scope == User {
		half16 = g.Version >> 16
	}
	switch {
	case g.SysvolVersion == nil:
		applies = false
		f = append(f, Finding{Verdict: Problem, Check: "sysvol", Text: "GPT.INI could not be read: " + g.SysvolError, Fix: "check that the GPO folder exists in SYSVOL and that Authenticated Users can read it"})
	case *g.SysvolVersion != g.Version:
		f = append(f, Finding{Verdict: Problem, Check: "version", Text: fmt.Sprintf("directory version %d and GPT.INI version %d differ: clients may apply stale settings", g.Version, *g.SysvolVersion), Fix: "bump the GPO version (any change made with ctitui or GPMC does) or fix replication of SYSVOL"})
	default:
		f = append(f, Finding{Verdict: OK, Check: "version", Text: fmt.Sprintf("directory and SYSVOL agree (version %d)", g.Version), Fix: ""})
	}
	if g.FolderDACL != nil && g.SysvolVersion != nil {
		if dec := secdesc.Evaluate(g.FolderDACL, token, secdesc.FileReadRequest()); !dec.Granted {
			applies = false
			f = append(f, Finding{Verdict: Problem, Check: "sysvol", Text: in.Target.Name + " may not read the GPO's folder in SYSVOL: clients cannot read GPT.INI (event 1058) and skip the GPO", Fix: "reset the folder's permissions to match the GPO's (GPMC re-applies them on a permission change; on Samba: samba-tool ntacl sysvolreset)"})
		}
	}
	f = append(f, halfMadeFindings(g, lg.GUID, in.Target.Scope)...)
	if half16 == 0 && g.SysvolVersion != nil {
		f = append(f, Finding{Verdict: Info, Check: "version", Text: fmt.Sprintf("the %s half has version 0: no %s settings were ever written, clients skip it", half, half), Fix: ""})
	}
	return f, applies
}

// wmiFinding answers the GPO's WMI filter from the computer object where
// the queries are simple ones on Win32_OperatingSystem's Version and
// ProductType (every query of a filter must return an instance);
// otherwise only the client can.
func wmiFinding(t Target, g GPOData) Finding {
	run := "run the query on the computer: Get-CimInstance -Query \"" + g.WMIFilterQuery + "\""
	ans := Unknown
	if t.Scope == Computer && len(g.WMIFilterQueries) > 0 {
		ans = Yes
		for _, q := range g.WMIFilterQueries {
			ans = and(ans, evalWQL(q, t.OS))
		}
	}
	from := fmt.Sprintf("from the computer object: operatingSystem %q", t.OS.Name)
	if t.OS.RawVersion != "" {
		from += fmt.Sprintf(", operatingSystemVersion %q", t.OS.RawVersion)
	}
	switch ans {
	case Yes:
		return Finding{Verdict: OK, Check: "wmi filter", Text: fmt.Sprintf("WMI filter %q: probably yes (%s): %s", g.WMIFilterName, from, g.WMIFilterQuery), Fix: ""}
	case No:
		return Finding{Verdict: Problem, Check: "wmi filter", Text: fmt.Sprintf("WMI filter %q: probably no (%s): %s", g.WMIFilterName, from, g.WMIFilterQuery), Fix: "attach a WMI filter that matches this computer, or none; " + run + " to confirm",
			Remedy: &Remedy{Action: ActionChangeWMI}}

	}
	return Finding{Verdict: CannotTell, Check: "wmi filter", Text: fmt.Sprintf("WMI filter %q: %s — only the client can evaluate it", g.WMIFilterName, g.WMIFilterQuery), Fix: run}

}

// Bits of groupPolicyContainer flags ([MS-GPOL] 2.2.5).
const (
	FlagUserDisabledBit     = 0x1
	FlagComputerDisabledBit = 0x2
)

func (g GPOData) nameOr(guid string) string {
	if g.Name != "" {
		return g.Name
	}
	return guid
}

// securityFiltering evaluates Read and Apply Group Policy on the GPO for the
// target's token ([MS-GPOL] 3.2.5.1.6) and says which ACE decided, through
// which group.
func securityFiltering(t Target, g GPOData, token secdesc.Token, names func(secdesc.SID) string) []Finding {
	if g.DACL == nil {
		return []Finding{{Verdict: CannotTell, Check: "security filtering", Text: "the GPO's permissions could not be read", Fix: "connect with an account that can read permissions (a domain admin)"}}
	}
	read := secdesc.Evaluate(g.DACL, token, secdesc.ReadRequest())
	apply := secdesc.Evaluate(g.DACL, token, secdesc.ApplyGroupPolicyRequest())
	var out []Finding
	groupHint := filteringGroups(g, names)
	if !apply.Granted {
		text := "Apply Group Policy is not granted to " + t.Name
		fix := fmt.Sprintf("add %s to a group the GPO applies to", t.Name)
		if groupHint != "" {
			fix = fmt.Sprintf("add %s to %s", t.Name, groupHint)
		}
		if apply.Denied != nil {
			text = fmt.Sprintf("Apply Group Policy is denied to %s by ACE #%d (%s)", t.Name, apply.Denied.Index+1, names(apply.Denied.ACE.SID))
			fix = fmt.Sprintf("remove %s from %s, or remove the deny entry", t.Name, names(apply.Denied.ACE.SID))
		}
		out = append(out, Finding{Verdict: Problem, Check: "security filtering", Text: text, Fix: fix})
	} else {
		out = append(out, Finding{Verdict: OK, Check: "security filtering", Text: "Apply Group Policy granted through " + via(apply, names), Fix: ""})
		out = append(out, notYetInEffect(t, apply)...)
	}
	if !read.Granted {
		text := fmt.Sprintf("%s cannot read the GPO", t.Name)
		if read.Denied != nil {
			text = fmt.Sprintf("Read is denied to %s by ACE #%d (%s)", t.Name, read.Denied.Index+1, names(read.Denied.ACE.SID))
		}
		out = append(out, Finding{Verdict: Problem, Check: "security filtering", Text: text, Fix: "grant Read to Authenticated Users or Domain Computers (needed since MS16-072)"})
	}
	return out
}

// notYetInEffect warns when Apply comes through a group the computer
// joined after its last recorded logon: a computer's groups are in the
// Kerberos ticket it gets at startup, so Group Policy sees a new group
// only after a restart; gpupdate /force does not renew the ticket.
func notYetInEffect(t Target, apply secdesc.Decision) []Finding {
	if t.Scope != Computer || len(t.Memberships) == 0 {
		return nil
	}
	var out []Finding
	for _, m := range apply.Allowed {
		for _, ms := range t.Memberships {
			if ms.Group.SID != m.ACE.SID || (!t.LastLogon.IsZero() && !ms.Since.After(t.LastLogon)) {
				continue
			}
			when := "joined " + ms.Group.Name + " at " + ms.Since.Format(time.RFC3339)
			if ms.FromGroupChange {
				when = "may have joined " + ms.Group.Name + " as late as " + ms.Since.Format(time.RFC3339) + " (the group's last change)"
			}
			last := "the directory records no logon of " + t.Name
			if !t.LastLogon.IsZero() {
				last = "its last logon the directory records is " + t.LastLogon.Format(time.RFC3339) + " (lastLogonTimestamp, which lags by up to 14 days)"
			}
			out = append(out, Finding{Verdict: CannotTell, Check: "group membership", Text: fmt.Sprintf("probably not yet in effect: %s %s; %s. A computer picks up a new group only when it restarts (the group is in its Kerberos ticket)", t.Name, when, last), Fix: fmt.Sprintf("restart %s; gpupdate /force alone does not apply a GPO filtered to a group it just joined (klist -li 0x3e7 purge, then gpupdate /force, also works)", t.Name)})
		}
	}
	return out
}

// via names who granted the rights: the trustees of the allowing ACEs.
func via(d secdesc.Decision, names func(secdesc.SID) string) string {
	if d.NullDACL {
		return "a missing DACL (everyone)"
	}
	var who []string
	for _, m := range d.Allowed {
		n := names(m.ACE.SID)
		if !slices.Contains(who, n) {
			who = append(who, n)
		}
	}
	return strings.Join(who, ", ")
}

// filteringGroups lists the groups (not well-known principals) that have
// Apply Group Policy on the GPO: where a missing computer should be added.
func filteringGroups(g GPOData, names func(secdesc.SID) string) string {
	var out []string
	for _, a := range g.DACL.DACL.ACEs {
		if !a.Type.IsAllow() || a.IsInheritOnly() {
			continue
		}
		// Only groups an admin creates (RID 1000 and up): never suggest
		// adding a computer to a built-in group such as Domain Admins.
		if _, rid, ok := a.SID.DomainRID(); !ok || rid < 1000 {
			continue
		}
		one := secdesc.New()
		one.SetDACL(secdesc.NewACL(a))
		probe := secdesc.Evaluate(one, secdesc.NewToken(a.SID), secdesc.ApplyGroupPolicyRequest())
		if probe.Granted {
			if n := names(a.SID); !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return strings.Join(out, " or ")
}

func clientChecks(t Target) []string {
	if t.Scope == User {
		return []string{
			"gpupdate /force (then log off and on again: user software installs at logon)",
			"gpresult /r /scope user",
			"Event Viewer → Windows Logs → System: Group Policy event 108, Application: MsiInstaller 1022 / 11707",
		}
	}
	return []string{
		"gpupdate /force",
		"shutdown /r /t 30 /c \"Software installation by Group Policy\" (computer software installs at startup)",
		"gpresult /r /scope computer",
		"Event Viewer → Windows Logs → System: Group Policy event 108 (Software Installation), Application: MsiInstaller 1022 / 11707",
	}
}

// packageChecks are the guide's per-package checks on the client for the
// packages it would install or remove: where Windows registers the product
// (the Uninstall key named by its ProductCode) and, for a failed install
// (MsiInstaller 1022 / error 1603), the guide's verbose-log install run by
// hand.
func packageChecks(pkgs []PackageReport) []string {
	var out []string
	for _, p := range pkgs {
		if p.ProductCode == "" {
			continue
		}
		key := `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\` + p.ProductCode
		if p.WOW64 {
			key = `HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\` + p.ProductCode + " (a 32-bit package on 64-bit Windows)"
		}
		switch p.Action {
		case ActionInstall, ActionUpgrade:
			out = append(out, fmt.Sprintf("%s installed? reg query %s", p.Name, key))
			if p.MSIPath != "" {
				out = append(out, fmt.Sprintf("%s failed (error 1603)? run as an administrator on the client: msiexec /i \"%s\" /qn /l*v %%TEMP%%\\install.log and read the log", p.Name, p.MSIPath))
			}
		case ActionRemove:
			out = append(out, fmt.Sprintf("%s removed? reg query %s should find nothing", p.Name, key))
		}
	}
	return out
}

// halfMadeFindings are the signs that the GPO was left half-made (by a
// cut-off run or another tool, gpo.GPO.HalfMade) in the diagnosed half,
// with what a client does with it and the fix, which the doctor only
// names.
func halfMadeFindings(g GPOData, guid string, scope Scope) []Finding {
	want := "Machine"
	if scope == User {
		want = "User"
	}
	var out []Finding
	for _, h := range g.HalfMade {
		if h.Half != want {
			continue
		}
		name := g.nameOr(guid)
		text := "half-made: " + h.Message
		fix := fmt.Sprintf("if a cut-off run left it, undoing that change repairs it; else delete GPO %q and deploy again", name)
		remedy := &Remedy{Action: ActionRecoverOrDelete, GPO: name}
		switch {
		case h.Code == "sysvol-incomplete":
			text += fmt.Sprintf(": the client finds none of the %s settings' files (Software Installation's advertise scripts among them) and installs nothing from it", strings.ToLower(want))
		case h.Code == "si-extension-mismatch" && h.Packages > 0:
			fix = fmt.Sprintf("redeploying a package of GPO %q writes the extension names again", name)
			remedy = &Remedy{Action: ActionRedeployExtensions, GPO: name}
		case h.Code == "si-extension-mismatch":
			text += ": the client runs Software Installation for nothing"
		}
		out = append(out, Finding{Verdict: Problem, Check: "half-made", Text: text, Fix: fix, Remedy: remedy})
	}
	return out
}
