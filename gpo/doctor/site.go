package doctor

import (
	"fmt"
	"strings"

	"github.com/ctitui/ctitui/domain/secdesc"
)

// label is how findings name a SOM: sites are spelled out, since a site and
// an OU may share a name.
func (s SOM) label() string {
	if s.IsSite {
		return "site " + s.Name
	}
	return s.Name
}

// siteReport says which site the target is in and how that is known, or
// why it cannot be known. It is nil when sites cannot change the answer: no
// site has GPO links and no site was named.
func (in Input) siteReport() *SiteReport {
	st := in.Site
	switch {
	case st.Error != "":
		return &SiteReport{Reasons: []Finding{{Verdict: CannotTell, Check: "site", Text: "the sites could not be read: " + st.Error, Fix: "connect with an account that can read CN=Sites in the configuration partition"}}}
	case st.Name != "":
		text := fmt.Sprintf("%s is in site %s: %s", in.Target.Name, st.Name, st.How)
		if in.Target.Scope == User {
			text = fmt.Sprintf("the computer %s logs on to is taken to be in site %s: %s", in.Target.Name, st.Name, st.How)
		}
		return &SiteReport{Name: st.Name, Known: true, Reasons: []Finding{{Verdict: Info, Check: "site", Text: text, Fix: "", Remedy: given(st)}}}
	case st.Unknown != "":
		var names []string
		for _, c := range st.Candidates {
			names = append(names, c.Name)
		}
		who := in.Target.Name
		if in.Target.Scope == User {
			who = "the computer " + in.Target.Name + " logs on to"
		}
		return &SiteReport{Reasons: []Finding{{Verdict: CannotTell, Check: "site", Text: fmt.Sprintf("which site %s is in cannot be told: %s. GPOs are linked to %d site(s): %s", who, st.Unknown, len(names), strings.Join(names, ", ")), Fix: "run nltest /dsgetsite on the computer, then diagnose again with that site (or the computer's address) to include that site's GPOs",
			Remedy: &Remedy{Action: ActionGiveSite}}}}
	}
	return nil
}

// judgeSiteCandidates reports the GPOs linked to sites the target may be in
// when its site is unknown: each "does not apply" for certain, with a
// "cannot tell" first and then what would decide it if the site matched.
// Their packages are reported with the action "cannot tell" and what the
// client would do in that site.
func (in Input) judgeSiteCandidates(applying []GPOData, token secdesc.Token, names func(secdesc.SID) string) ([]GPOReport, []PackageReport) {
	var gpos []GPOReport
	var pkgs []PackageReport
	for _, site := range in.Site.Candidates {
		// The chain with this site on top: Block Inheritance below and
		// enforcement apply to a site link as to any other ([MS-GPOL]
		// 3.2.5.1.5).
		chain := append([]SOM{site}, in.Chain...)
		for _, lg := range precedence(chain) {
			if !lg.SOM.IsSite {
				continue
			}
			g, known := in.GPOs[lg.GUID]
			if !known {
				g = GPOData{GUID: lg.GUID, Missing: true}
			}
			rep := GPOReport{Name: g.nameOr(lg.GUID), GUID: lg.GUID, LinkedAt: site.label(), Enforced: lg.Enforced, OnlyInSite: site.Name}
			reasons, would := in.judgeGPO(lg, g, token, names)
			caveat := Finding{Verdict: CannotTell, Check: "site", Text: fmt.Sprintf("linked to site %s: it applies only if %s is in that site", site.Name, in.siteSubject()), Fix: fmt.Sprintf("run nltest /dsgetsite on the computer; if it names %s, diagnosing with that site shows the full answer", site.Name),
				Remedy: &Remedy{Action: ActionGiveThisSite, Site: site.Name}}

			rep.Reasons = append([]Finding{caveat}, reasons...)
			gpos = append(gpos, rep)
			if !would || g.Missing {
				continue
			}
			// Upgrades are judged against the GPOs that do apply plus this
			// one, as the client would see them in that site.
			with := append(append([]GPOData(nil), applying...), g)
			own := map[string]bool{}
			for _, p := range g.Packages {
				own[p.ID] = true
			}
			for _, pr := range in.judgePackages(with, token, names) {
				if !own[pr.ID] && (pr.ID != "" || pr.GPO != g.Name) {
					continue
				}
				would := pr.Action
				pr.Action = ActionUnknown
				pr.Reasons = append([]Finding{{Verdict: CannotTell, Check: "site", Text: fmt.Sprintf("GPO %q is linked to site %s only; if %s is in that site the client would %s it", g.Name, site.Name, in.siteSubject(), would), Fix: ""}},

					pr.Reasons...)
				pkgs = append(pkgs, pr)
			}
		}
	}
	return gpos, pkgs
}

// siteSubject is the computer whose site decides: the target, or for a user
// the computer the user logs on to.
func (in Input) siteSubject() string {
	if in.Target.Scope == User {
		return "the computer " + in.Target.Name + " logs on to"
	}
	return in.Target.Name
}

// given marks the finding of a site the caller gave, for a program to name
// how it was given.
func given(st SiteData) *Remedy {
	if !st.Given {
		return nil
	}
	if strings.HasPrefix(st.How, "address ") {
		return &Remedy{Action: ActionAddressGiven}
	}
	return &Remedy{Action: ActionSiteGiven}
}
