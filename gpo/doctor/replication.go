package doctor

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/replica"
)

// Replication: a client gets its GPOs from the DC it authenticated to
// ([MS-GPOL] 3.2.5.1.1: the client binds to "a domain controller" found by
// the DC locator, and reads the GPT from the gPCFileSysPath DFS sends it
// to, normally the same site's DC). When that DC has not yet received a
// change made on the PDC emulator, the client acts on the older copy. The
// doctor therefore compares every DC's copy of each GPO that applies
// (gpo/replica) and names the DCs that are behind, with what a client
// authenticating there would do and the fix.

// gatherReplication reads every DC's copy of the GPOs on the way. A domain
// with one DC costs one search; a DC that does not answer is a finding,
// never a delay beyond replica.DefaultTimeout.
func gatherReplication(ctx context.Context, s *gpo.Session, in *Input) {
	dcs, err := replica.DCs(ctx, s)
	if err != nil {
		in.ReplicationError = err.Error()
		return
	}
	if len(dcs) < 2 || len(in.GPOs) == 0 {
		return
	}
	var guids []string
	for guid, g := range in.GPOs {
		if !g.Missing {
			guids = append(guids, guid)
		}
	}
	sort.Strings(guids)
	in.Replication = map[string]*replica.Report{}
	for _, rep := range replica.StatusOf(ctx, s, dcs, guids, replica.Options{}) {
		in.Replication[rep.GUID] = rep
	}
}

// judgeReplication reports on the GPOs on the way, in the report's order:
// all of them, not only those that apply, because the DC the doctor read
// may itself be the one behind (a GPO that does not apply there may apply
// on the PDC emulator's copy).
func (in Input) judgeReplication(onTheWay []GPOReport) []Finding {
	if in.ReplicationError != "" {
		return []Finding{{Verdict: CannotTell, Check: "replication",
			Text: "cannot list the domain controllers to compare their copies: " + in.ReplicationError}}
	}
	if len(in.Replication) == 0 {
		return nil
	}
	var out []Finding
	agree := true
	var dcNames []string
	seen := map[string]bool{}
	for _, g := range onTheWay {
		guid := strings.ToUpper(g.GUID)
		rep := in.Replication[guid]
		if seen[guid] {
			continue
		}
		seen[guid] = true
		if rep == nil {
			continue
		}
		if dcNames == nil {
			for _, d := range rep.DCs {
				dcNames = append(dcNames, d.Name)
			}
		}
		fs := ReplicationFindings(rep)
		if len(fs) > 0 {
			agree = false
		}
		out = append(out, fs...)
	}
	if agree && len(dcNames) > 0 {
		out = append(out, Finding{Verdict: OK, Check: "replication",
			Text: fmt.Sprintf("the %d domain controllers (%s) agree on every GPO on the way and its packages", len(dcNames), strings.Join(dcNames, ", "))})
	}
	return out
}

// ReplicationFindings turns one GPO's per-DC comparison into findings: for
// each DC behind the PDC emulator, what differs, what a client that
// authenticates to that DC does, and the fix; for each DC that did not
// answer, a "cannot tell".
func ReplicationFindings(rep *replica.Report) []Finding {
	var out []Finding
	var pdc *replica.DCStatus
	for i := range rep.DCs {
		if rep.DCs[i].PDC {
			pdc = &rep.DCs[i]
		}
	}
	name := rep.Name
	if name == "" {
		name = rep.GUID
	}
	for _, d := range rep.DCs {
		switch {
		case d.Verdict == replica.CannotTell:
			why := d.Error
			if why == "" && d.SysvolError != "" {
				why = "its GPT.INI could not be read: " + d.SysvolError
			}
			if pdc != nil && pdc.Name != d.Name && (!pdc.Reachable || pdc.Error != "") {
				why = "the PDC emulator " + pdc.Name + " did not answer, so there is nothing to compare with"
			}
			out = append(out, Finding{Verdict: CannotTell, Check: "replication",
				Text: fmt.Sprintf("cannot tell whether %s has the current GPO %q: %s", d.Name, name, why)})
			continue
		case d.PDC || pdc == nil:
			continue
		}
		if d.Directory == replica.Behind {
			out = append(out, Finding{Verdict: Problem, Check: "replication (directory)",
				Text: fmt.Sprintf("%s is behind the PDC emulator %s for GPO %q: %s", d.Name, pdc.Name, name, directoryLag(pdc, d)),
				Fix: fmt.Sprintf("wait for directory replication, or replicate now: on Samba `samba-tool drs replicate %s %s %s`, on Windows `repadmin /syncall %s /AdeP`",
					d.Name, netbiosOf(pdc.Name), rep.BaseDN, d.Name)})
		}
		if d.Sysvol == replica.Behind {
			out = append(out, Finding{Verdict: Problem, Check: "replication (SYSVOL)",
				Text: fmt.Sprintf("%s is behind the PDC emulator %s in SYSVOL for GPO %q: %s", d.Name, pdc.Name, name, sysvolLag(pdc, d)),
				Fix: fmt.Sprintf("Windows replicates SYSVOL with DFS-R: wait, or check the DFS Replication event log on %s; Samba does not replicate SYSVOL: copy \\\\%s\\SysVol\\%s\\Policies\\%s to the same folder on %s (robocopy /mir /copyall, or rsync -aAX between the two sysvol folders), then run `samba-tool ntacl sysvolreset` on %s",
					d.Name, pdc.Name, rep.Domain, rep.GUID, d.Name, d.Name)})
		}
	}
	return out
}

func directoryLag(pdc *replica.DCStatus, d replica.DCStatus) string {
	if !d.Object {
		return "it does not have the GPO object yet; a computer that authenticates there does not apply the GPO at all"
	}
	var parts []string
	if d.Version < pdc.Version {
		parts = append(parts, fmt.Sprintf("it has version %s (the PDC emulator %s), so a computer that authenticates there applies the older settings", d.Version, pdc.Version))
	}
	for _, p := range d.Packages {
		if !p.Object {
			parts = append(parts, fmt.Sprintf("it lacks package %q, so a computer that authenticates there does not install it", p.Name))
		}
	}
	return strings.Join(parts, "; ")
}

func sysvolLag(pdc *replica.DCStatus, d replica.DCStatus) string {
	var parts []string
	switch {
	case d.SysvolVersion == nil:
		parts = append(parts, "its SYSVOL has no GPT.INI for the GPO, so Group Policy processing fails on a computer that authenticates there (the client cannot read gpt.ini: events 1058 and 1030)")
	case pdc.SysvolVersion != nil && *d.SysvolVersion < *pdc.SysvolVersion:
		parts = append(parts, fmt.Sprintf("its GPT.INI has version %s (the PDC emulator %s), so a computer that authenticates there reads older files", d.SysvolVersion, pdc.SysvolVersion))
	}
	want := map[string]replica.Package{}
	for _, p := range pdc.Packages {
		want[p.ID] = p
	}
	for _, p := range d.Packages {
		w, ok := want[p.ID]
		if !ok || !w.Script {
			continue
		}
		switch {
		case !p.Script:
			parts = append(parts, fmt.Sprintf("the advertise script of %q is missing, so the install fails on a computer that authenticates there", p.Name))
		case p.ScriptSHA256 != w.ScriptSHA256:
			parts = append(parts, fmt.Sprintf("the advertise script of %q differs from the PDC emulator's (%d bytes, the PDC emulator's %d), so a computer that authenticates there installs from the older script", p.Name, p.ScriptSize, w.ScriptSize))
		}
	}
	if d.ACLMatches != nil && !*d.ACLMatches && (pdc.ACLMatches == nil || *pdc.ACLMatches) {
		parts = append(parts, "its folder permissions do not match the GPO's, so a computer may be denied the files")
	}
	return strings.Join(parts, "; ")
}

// netbiosOf is the first label of a DC's DNS name, which samba-tool drs
// replicate accepts as the source DC.
func netbiosOf(host string) string {
	return strings.ToUpper(strings.SplitN(host, ".", 2)[0])
}
