package doctor

import (
	"strings"
	"testing"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/gpo"
)

const (
	testDomainSID = "S-1-5-21-1-2-3"
	pcSID         = testDomainSID + "-1105"
	mikoSID       = testDomainSID + "-1201" // MikoCTI_Computers
	salesSID      = testDomainSID + "-1202" // MikoCTI_Sales_PCs, nested in MikoCTI_Computers
	blockedSID    = testDomainSID + "-1203" // MikoCTI_Blocked
	applyGUID     = "edacfd8f-ffb3-11d1-b41d-00a0c968f939"
)

// Default GPO DACL after "remove Authenticated Users, add MikoCTI_Computers"
// as GPMC leaves it: AU keeps Read (MS16-072), the group gets Read + Apply.
const filteredDACL = "D:PAI(A;;LCRPLORC;;;AU)(OA;;CR;" + applyGUID + ";;" + mikoSID + ")(A;;LCRPLORC;;;" + mikoSID + ")(A;;CCDCLCSWRPWPDTLOSDRCWDWO;;;DA)(A;;CCDCLCSWRPWPDTLOSDRCWDWO;;;SY)"

// Unfiltered: Authenticated Users Read + Apply, as a new GPO.
const defaultDACL = "D:PAI(OA;;CR;" + applyGUID + ";;AU)(A;;LCRPLORC;;;AU)(A;;CCDCLCSWRPWPDTLOSDRCWDWO;;;DA)(A;;CCDCLCSWRPWPDTLOSDRCWDWO;;;SY)"

func sd(t *testing.T, sddl string) *secdesc.SecurityDescriptor {
	t.Helper()
	d, err := secdesc.ParseSDDL(sddl, secdesc.MustSID(testDomainSID))
	if err != nil {
		t.Fatalf("parse %s: %v", sddl, err)
	}
	return d
}

func v(n uint32) *uint32 { return &n }

func link(guid string, order int, enabled, enforced bool) domain.GPLink {
	return domain.GPLink{GUID: guid, Order: order, Enabled: enabled, Enforced: enforced}
}

// pc is a computer in MikoCTI_Sales_PCs (so in MikoCTI_Computers through
// nesting) and Domain Computers.
func pc(extraGroups ...Principal) Target {
	groups := []Principal{
		{secdesc.MustSID(testDomainSID + "-515"), "Domain Computers"},
		{secdesc.MustSID(salesSID), "MikoCTI_Sales_PCs"},
		{secdesc.MustSID(mikoSID), "MikoCTI_Computers"},
	}
	return Target{Name: "SALES-PC03", SID: secdesc.MustSID(pcSID), Scope: Computer, Groups: append(groups, extraGroups...)}
}

func mkGPO(t *testing.T, guid, name, dacl string) GPOData {
	return GPOData{GUID: guid, Name: name, Version: 0x00010003, SysvolVersion: v(0x00010003), DACL: sd(t, dacl)}
}

const (
	gA = "{AAAAAAAA-0000-0000-0000-000000000001}"
	gB = "{BBBBBBBB-0000-0000-0000-000000000002}"
	gC = "{CCCCCCCC-0000-0000-0000-000000000003}"
)

func find(r Report, guid string) GPOReport {
	for _, g := range r.GPOs {
		if g.GUID == guid {
			return g
		}
	}
	return GPOReport{}
}

func hasReason(g []Finding, verdict Verdict, text string) bool {
	for _, f := range g {
		if f.Verdict == verdict && strings.Contains(f.Text+" "+f.Fix, text) {
			return true
		}
	}
	return false
}

func TestPrecedenceOrder(t *testing.T) {
	root := SOM{DN: "DC=cti,DC=test", Name: "cti.test", IsDomain: true, Links: []domain.GPLink{link(gA, 1, true, false)}}
	company := SOM{DN: "OU=Company", Name: "Company", Links: []domain.GPLink{link(gB, 1, true, false), link(gC, 2, true, false)}}
	in := Input{Target: pc(), DomainSID: secdesc.MustSID(testDomainSID), Chain: []SOM{root, company},
		GPOs: map[string]GPOData{gA: mkGPO(t, gA, "A", defaultDACL), gB: mkGPO(t, gB, "B", defaultDACL), gC: mkGPO(t, gC, "C", defaultDACL)}}
	r := Diagnose(in)
	// The OU's link order 1 wins, then its order 2, then the domain's.
	want := map[string]int{gB: 1, gC: 2, gA: 3}
	for guid, p := range want {
		if got := find(r, guid); !got.Applies || got.Precedence != p {
			t.Errorf("%s: applies %v precedence %d, want %d; %+v", guid, got.Applies, got.Precedence, p, got.Reasons)
		}
	}
}

func TestScenarios(t *testing.T) {
	domainSID := secdesc.MustSID(testDomainSID)
	root := func(links ...domain.GPLink) SOM {
		return SOM{DN: "DC=cti,DC=test", Name: "cti.test", IsDomain: true, Links: links}
	}
	ou := func(name string, block bool, links ...domain.GPLink) SOM {
		return SOM{DN: "OU=" + name + ",DC=cti,DC=test", Name: name, BlockInheritance: block, Links: links}
	}
	cases := []struct {
		name    string
		target  Target
		chain   []SOM
		gpos    map[string]GPOData
		guid    string
		applies bool
		verdict Verdict
		text    string
	}{
		{name: "filtered to a group the computer is in through nesting",
			target: pc(), chain: []SOM{root(), ou("Sales", false, link(gA, 1, true, false))},
			gpos: map[string]GPOData{gA: mkGPO(t, gA, "MIKO CTI", filteredDACL)}, guid: gA, applies: true,
			verdict: OK, text: "MikoCTI_Computers"},
		{name: "computer not in the filtering group",
			target: Target{Name: "IT-PC01", SID: secdesc.MustSID(pcSID), Scope: Computer,
				Groups: []Principal{{secdesc.MustSID(testDomainSID + "-515"), "Domain Computers"}}},
			chain: []SOM{root(), ou("IT", false, link(gA, 1, true, false))},
			gpos:  map[string]GPOData{gA: mkGPO(t, gA, "MIKO CTI", filteredDACL)}, guid: gA, applies: false,
			verdict: Problem, text: "add IT-PC01 to MikoCTI_Computers"},
		{name: "deny ACE wins",
			target: pc(Principal{secdesc.MustSID(blockedSID), "MikoCTI_Blocked"}),
			chain:  []SOM{root(), ou("Sales", false, link(gA, 1, true, false))},
			gpos: map[string]GPOData{gA: mkGPO(t, gA, "MIKO CTI",
				"D:PAI(OD;;CR;"+applyGUID+";;"+blockedSID+")"+strings.TrimPrefix(filteredDACL, "D:PAI"))},
			guid: gA, applies: false, verdict: Problem, text: "denied to SALES-PC03 by ACE #1 (MikoCTI_Blocked)"},
		{name: "blocked inheritance cuts the domain link",
			target: pc(), chain: []SOM{root(link(gA, 1, true, false)), ou("SPb", true)},
			gpos: map[string]GPOData{gA: mkGPO(t, gA, "Domain wide", defaultDACL)}, guid: gA, applies: false,
			verdict: Problem, text: "Block Inheritance on SPb"},
		{name: "enforced link above a block still applies",
			target: pc(), chain: []SOM{root(link(gA, 1, true, true)), ou("SPb", true)},
			gpos: map[string]GPOData{gA: mkGPO(t, gA, "Domain wide", defaultDACL)}, guid: gA, applies: true,
			verdict: OK, text: "enforced"},
		{name: "disabled link",
			target: pc(), chain: []SOM{root(), ou("Sales", false, link(gA, 1, false, false))},
			gpos: map[string]GPOData{gA: mkGPO(t, gA, "MIKO CTI", defaultDACL)}, guid: gA, applies: false,
			verdict: Problem, text: "is disabled"},
		{name: "computer settings disabled",
			target: pc(), chain: []SOM{root(), ou("Sales", false, link(gA, 1, true, false))},
			gpos: map[string]GPOData{gA: func() GPOData { g := mkGPO(t, gA, "MIKO CTI", defaultDACL); g.Flags = 2; return g }()},
			guid: gA, applies: false, verdict: Problem, text: "computer settings are disabled"},
		{name: "version mismatch",
			target: pc(), chain: []SOM{root(), ou("Sales", false, link(gA, 1, true, false))},
			gpos: map[string]GPOData{gA: func() GPOData { g := mkGPO(t, gA, "MIKO CTI", defaultDACL); g.SysvolVersion = v(2); return g }()},
			guid: gA, applies: true, verdict: Problem, text: "differ"},
		{name: "GPT.INI unreadable",
			target: pc(), chain: []SOM{root(), ou("Sales", false, link(gA, 1, true, false))},
			gpos: map[string]GPOData{gA: func() GPOData {
				g := mkGPO(t, gA, "MIKO CTI", defaultDACL)
				g.SysvolVersion, g.SysvolError = nil, "STATUS_OBJECT_NAME_NOT_FOUND"
				return g
			}()},
			guid: gA, applies: false, verdict: Problem, text: "GPT.INI could not be read"},
		{name: "WMI filter cannot be evaluated here",
			target: pc(), chain: []SOM{root(), ou("Sales", false, link(gA, 1, true, false))},
			gpos: map[string]GPOData{gA: func() GPOData {
				g := mkGPO(t, gA, "MIKO CTI", defaultDACL)
				g.WMIFilterID, g.WMIFilterName, g.WMIFilterQuery = "{F}", "Win10", "SELECT * FROM Win32_OperatingSystem WHERE Version LIKE '10.%'"
				return g
			}()},
			guid: gA, applies: true, verdict: CannotTell, text: "only the client can evaluate it"},
		{name: "dangling link",
			target: pc(), chain: []SOM{root(), ou("Sales", false, link(gA, 1, true, false))},
			gpos: map[string]GPOData{}, guid: gA, applies: false, verdict: Problem, text: "does not exist"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Diagnose(Input{Target: c.target, DomainSID: domainSID, Chain: c.chain, GPOs: c.gpos,
				Names: map[string]string{mikoSID: "MikoCTI_Computers", blockedSID: "MikoCTI_Blocked"}})
			g := find(r, c.guid)
			if g.GUID == "" {
				t.Fatalf("GPO %s not in the report: %+v", c.guid, r.GPOs)
			}
			if g.Applies != c.applies {
				t.Errorf("applies = %v, want %v", g.Applies, c.applies)
			}
			if !hasReason(g.Reasons, c.verdict, c.text) {
				t.Errorf("no %q finding containing %q in %+v", c.verdict, c.text, g.Reasons)
			}
		})
	}
}

func TestPackages(t *testing.T) {
	domainSID := secdesc.MustSID(testDomainSID)
	chain := []SOM{{DN: "DC=cti,DC=test", Name: "cti.test", IsDomain: true}, {DN: "OU=Sales", Name: "Sales", Links: []domain.GPLink{link(gA, 1, true, false)}}}
	ok := Check{OK: Yes}
	base := func(name string, flags uint32) PackageData {
		return PackageData{ID: "{" + name + "}", ObjectGUID: name + "-guid", Name: name, Flags: flags, ScriptName: "A",
			MSIPath: `\\dc1\Distrib\MikoCTI\` + name + ".msi", MSIReadable: ok, Script: ok}
	}
	old := base("MIKO CTI 4.9.226", ACTFLGAssigned)
	updated := base("MIKO CTI 4.9.241", ACTFLGAssigned)
	updated.Upgrades = []UpgradeRef{{ObjectGUID: old.ObjectGUID, Mode: 1 | 8}}
	// The back-link on the older package (UPGFLG_UpgradedBy) must not make
	// it look like an upgrade of the newer one.
	old.Upgrades = []UpgradeRef{{ObjectGUID: updated.ObjectGUID, Mode: 4 | 1}}
	removed := base("Old tool", ACTFLGUninstall)
	removed.ScriptName = "R"
	orphaned := base("Legacy", ACTFLGOrphan)
	orphaned.ScriptName = "R"
	unreadable := base("Unreadable", ACTFLGAssigned)
	unreadable.MSIReadable = Check{OK: No, Reason: "Domain Computers have no access to the folder"}
	filtered := base("Filtered", ACTFLGAssigned)
	filtered.DACL = sd(t, "D:PAI(A;;LCRPLORC;;;"+blockedSID+")(A;;CCDCLCSWRPWPDTLOSDRCWDWO;;;DA)")
	redeployed := base("Redeployed", ACTFLGAssigned)
	redeployed.Revision = 3
	// machineArchitecture 9 (x64, [MS-GPSI] 2.2.2.4.1) and the 2304 an
	// earlier ctitui wrote for x64 (si.ArchitectureName's old form).
	x64 := base("x64", ACTFLGAssigned)
	x64.Architectures = []string{"x64"}
	oldArch := base("Old arch", ACTFLGAssigned)
	oldArch.Architectures, oldArch.ArchOldForm = []string{"x64"}, true

	g := mkGPO(t, gA, "MIKO CTI", defaultDACL)
	g.Packages = []PackageData{old, updated, removed, orphaned, unreadable, filtered, redeployed, x64, oldArch}
	r := Diagnose(Input{Target: pc(), DomainSID: domainSID, Chain: chain, GPOs: map[string]GPOData{gA: g}})
	want := map[string]struct {
		action  string
		verdict Verdict
		text    string
	}{
		"MIKO CTI 4.9.226": {ActionIgnore, Info, `upgraded by "MIKO CTI 4.9.241"`},
		"MIKO CTI 4.9.241": {ActionUpgrade, Info, "upgrades 1 older"},
		"Old tool":         {ActionRemove, Info, "Immediately uninstall"},
		"Legacy":           {ActionIgnore, Info, "continue to use"},
		"Unreadable":       {ActionInstall, Problem, "Domain Computers Read & Execute"},
		"Filtered":         {ActionIgnore, Problem, "cannot read the package object"},
		"Redeployed":       {ActionInstall, Info, "revision 3"},
		"x64":              {ActionInstall, CannotTell, "package for x64"},
		"Old arch":         {ActionIgnore, Problem, "form earlier ctitui versions wrote"},
	}
	if len(r.Packages) != len(want) {
		t.Fatalf("%d package reports, want %d", len(r.Packages), len(want))
	}
	for _, p := range r.Packages {
		w := want[p.Name]
		if p.Action != w.action || p.GPO != "MIKO CTI" {
			t.Errorf("%s: action %q in %q, want %q", p.Name, p.Action, p.GPO, w.action)
		}
		if !hasReason(p.Reasons, w.verdict, w.text) {
			t.Errorf("%s: no %q finding containing %q in %+v", p.Name, w.verdict, w.text, p.Reasons)
		}
	}
	if len(r.ClientChecks) == 0 || !strings.Contains(strings.Join(r.ClientChecks, "\n"), "gpresult /r /scope computer") {
		t.Errorf("client checks: %v", r.ClientChecks)
	}
}

func TestPackagesOfGPOsThatDoNotApplyAreNotJudged(t *testing.T) {
	g := mkGPO(t, gA, "MIKO CTI", filteredDACL)
	g.Packages = []PackageData{{Name: "MIKO CTI 4.9.226", Flags: ACTFLGAssigned}}
	outsider := Target{Name: "IT-PC01", SID: secdesc.MustSID(pcSID), Scope: Computer}
	r := Diagnose(Input{Target: outsider, DomainSID: secdesc.MustSID(testDomainSID),
		Chain: []SOM{{Name: "cti.test", IsDomain: true, Links: []domain.GPLink{link(gA, 1, true, false)}}},
		GPOs:  map[string]GPOData{gA: g}})
	if len(r.Packages) != 0 {
		t.Fatalf("packages of a GPO that does not apply were judged: %+v", r.Packages)
	}
}

// A GPO left half-made (gpo.GPO.HalfMade: by a cut-off run or another
// tool) is a problem of the diagnosed half only, with what the client does
// and the fix, which names gpo delete, or pkg redeploy when there are
// packages whose extension names are missing.
func TestHalfMadeGPOs(t *testing.T) {
	ou := SOM{DN: "OU=Sales,DC=cti,DC=test", Name: "Sales", Links: []domain.GPLink{link(gA, 1, true, false)}}
	root := SOM{DN: "DC=cti,DC=test", Name: "cti.test", IsDomain: true}
	diagnose := func(target Target, hm ...gpo.HalfMade) []Finding {
		g := mkGPO(t, gA, "MIKO CTI", defaultDACL)
		g.HalfMade = hm
		r := Diagnose(Input{Target: target, DomainSID: secdesc.MustSID(testDomainSID), Chain: []SOM{root, ou}, GPOs: map[string]GPOData{gA: g}})
		var out []Finding
		for _, f := range find(r, gA).Reasons {
			if f.Check == "half-made" {
				out = append(out, f)
			}
		}
		return out
	}
	noMachine := gpo.HalfMade{Code: "sysvol-incomplete", Half: "Machine", Message: "the GPO's SYSVOL folder has no Machine folder"}
	lacksSI := gpo.HalfMade{Code: "si-extension-mismatch", Half: "Machine", Packages: 1,
		Message: "the Machine class store holds 1 package(s), but the extension names lack Software Installation: clients never install them"}
	userForNothing := gpo.HalfMade{Code: "si-extension-mismatch", Half: "User",
		Message: "the User extension names list Software Installation, but its class store holds no package"}

	fs := diagnose(pc(), noMachine, lacksSI, userForNothing)
	if len(fs) != 2 {
		t.Fatalf("computer: want the two Machine findings, got %+v", fs)
	}
	if !hasReason(fs[:1], Problem, "no Machine folder: the client finds none of the machine settings' files") || fs[0].Remedy == nil || fs[0].Remedy.Action != ActionRecoverOrDelete || fs[0].Remedy.GPO != "MIKO CTI" {
		t.Errorf("missing Machine folder: %+v", fs[0])
	}
	if !hasReason(fs[1:], Problem, "clients never install them") || fs[1].Remedy == nil || fs[1].Remedy.Action != ActionRedeployExtensions || fs[1].Remedy.GPO != "MIKO CTI" {
		t.Errorf("extension names lacking Software Installation: %+v", fs[1])
	}
	user := pc()
	user.Scope = User
	fs = diagnose(user, noMachine, userForNothing)
	if len(fs) != 1 || !hasReason(fs, Problem, "runs Software Installation for nothing") || fs[0].Remedy == nil || fs[0].Remedy.Action != ActionRecoverOrDelete {
		t.Errorf("user: want the User finding alone, with gpo delete: %+v", fs)
	}
	if fs := diagnose(pc()); len(fs) != 0 {
		t.Errorf("a complete GPO: %+v", fs)
	}
}
