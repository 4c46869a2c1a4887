package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/domain/smb"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/doctor"
	"github.com/ctitui/ctitui/gpo/si"
	"github.com/ctitui/ctitui/gpo/si/deploy"
)

// TestAdviceKeepsTheTexts: the engine's typed errors, wrapped as the engine
// wraps them, print as ctitui has always printed them.
func TestAdviceKeepsTheTexts(t *testing.T) {
	for _, tc := range []struct {
		path string
		err  error
		want string
	}{
		{"ctitui gpo show", fmt.Errorf("show: %w", gpo.ErrNoGPO), "show: no GPO given: pass its display name or {GUID} (ctitui gpo list shows them)"},
		{"ctitui gpo show", &gpo.NotFoundError{Kind: gpo.KindGPO, Name: "X", Domain: "cti.test"}, `no GPO named "X" in cti.test (ctitui gpo list shows them; names are compared exactly, ignoring case)`},
		{"ctitui gpo show", &gpo.NotFoundError{Kind: gpo.KindGPO, GUID: "{A}", Domain: "cti.test"}, `no GPO {A} in cti.test (ctitui gpo list shows them)`},
		{"ctitui gpo create", &gpo.ExistsError{Kind: gpo.KindGPO, Name: "X", GUID: "{A}"}, `a GPO named "X" already exists ({A}); choose another name, or pass --reuse to use that GPO`},
		{"ctitui gpo link", fmt.Errorf("link: %w", &domain.NotFoundError{Kind: domain.KindOU, Name: "OU=a"}), `link: OU "OU=a" does not exist: check the DN (ctitui ou list shows them)`},
		{"ctitui computer show", &domain.NotFoundError{Kind: domain.KindComputer, Name: "pc.x", Prefix: "pc"}, `computer "pc.x" not found in the domain: check the name (names starting with it: ctitui computer find pc)`},
		{"ctitui pkg add", si.ErrPublishedToComputers, "Published deployment is for User Configuration only: Windows does not publish applications to computers; use Assigned (the guide's choice) or --user-config"},
		{"ctitui deploy", si.ErrPublishedToComputers, "--published is for User Configuration only: Windows does not publish applications to computers; add --user-config or drop --published"},
		{"ctitui pkg upgrade", fmt.Errorf("upgrade: %w", &si.SameProductError{Package: "P", Version: "1", ProductCode: "{C}"}), `upgrade: upgrade of "P" (1) is meaningless: both MSIs have ProductCode {C}; the guide: the new and old packages must differ in ProductCode or UpgradeCode for the upgrade to work. Ask the vendor for a package with a new ProductCode, or use pkg redeploy to push the same product again`},
		{"ctitui deploy", &si.SameProductError{Package: "P", Version: "1", ProductCode: "{C}"}, `upgrade of "P" (1) is meaningless: both MSIs have ProductCode {C}; the guide: the new and old packages must differ in ProductCode or UpgradeCode for the upgrade to work. Ask the vendor for a package with a new ProductCode, or redeploy the package (ctitui pkg redeploy) to push the same product again`},
		{"ctitui pkg add", &si.NotFoundError{Kind: si.KindCategory, Name: "N"}, `no application category "N"; ctitui pkg category list shows them, ctitui pkg category add "N" makes it`},
		{"ctitui pkg show", &si.NotFoundError{Kind: si.KindPackage, Name: "p", GPO: "G"}, `GPO "G" has no package "p"; ctitui pkg list "G" shows them`},
		{"ctitui share upload", fmt.Errorf("x: %w", &smb.ExistsError{Path: `\\h\s\a.msi`, There: 1, Here: 2}), `x: upload to \\h\s\a.msi: a different file already exists at the destination (1 bytes there, 2 here); replace it only on purpose (UploadOptions.Overwrite, ctitui's --overwrite)`},
		{"ctitui share list", &smb.AuthError{Problem: smb.AuthUserNoDomain, User: "u"}, `user "u" has no domain: write user@domain, DOMAIN\user, or pass --domain`},
		{"ctitui doctor", doctor.ErrNoTarget, "name a computer (--computer) or a user (--user) to diagnose"},
		{"ctitui doctor", &doctor.AddressError{Value: "x"}, `--ip "x" is not an IP address (give the computer's address, e.g. 10.1.2.17)`},
		{"ctitui deploy", &deploy.WMIError{Value: "w", Presets: "a, b", Err: errors.New("bad")}, `--wmi "w" is neither a preset (a, b) nor a WQL query: bad`},
		{"ctitui domain info", fmt.Errorf("connect: %w", mustConfigErr(t, domain.Config{})), `connect: no user given: pass --user (user@domain or DOMAIN\user)`},
		{"ctitui domain info", &domain.KerberosError{Code: "KDC_ERR_WRONG_REALM", Problem: domain.ProblemKDCWrongRealm, Name: "R", Advice: "x"}, "the KDC is not for realm R: check --domain and the realm's kdc in krb5.conf (Kerberos KDC_ERR_WRONG_REALM)"},
		{"ctitui gpo show", errors.New("plain"), "plain"},
	} {
		if got := advice(tc.path, tc.err); got != tc.want {
			t.Errorf("%s: %v\n got %s\nwant %s", tc.path, tc.err, got, tc.want)
		}
	}
}

func mustConfigErr(t *testing.T, cfg domain.Config) error {
	_, err := cfg.BindName()
	var ce *domain.ConfigError
	if !errors.As(err, &ce) || ce.Problem != domain.ProblemNoUser {
		t.Fatalf("BindName without a user: %v, want a ConfigError %s", err, domain.ProblemNoUser)
	}
	return ce
}

// TestAdviceNotes: the plan notes read as before.
func TestAdviceNotes(t *testing.T) {
	notes := []string{
		`WARNING: group G has no computers in it (directly or through nested groups), but this GPO's Computer Configuration settings apply to computer accounts only: as it is, the GPO installs nothing anywhere. Add the target computers to G, or use User Configuration.`,
		`packages get the category "C" when added with it or when their categories are set`,
		`"P" is still deployed: clients that have it keep it and never hear of a removal; remove it first if they should uninstall it`,
	}
	adviseNotes(notes)
	want := []string{
		`WARNING: group G has no computers in it (directly or through nested groups), but this GPO's Computer Configuration settings apply to computer accounts only: as it is, the GPO installs nothing anywhere. Add the target computers to G (ctitui group list "G" --members shows its computers), or use User Configuration.`,
		`packages get the category with pkg add --category "C" or pkg category set`,
		`"P" is still deployed: clients that have it keep it and never hear of a removal; pkg remove first if they should uninstall it`,
	}
	for i := range want {
		if notes[i] != want[i] {
			t.Errorf("note %d:\n got %s\nwant %s", i, notes[i], want[i])
		}
	}
}

// TestAdviceNotesClientsUninstall: the fourth plan note (si's Remove plan,
// gpo/si/lifecycle.go: "..., then delete it") reads "then pkg delete" as
// it did before the engine stopped naming commands, and a note no rule
// knows is left as it is.
func TestAdviceNotesClientsUninstall(t *testing.T) {
	notes := []string{
		`clients uninstall Old tool at the next policy processing (computers: at start-up); keep the package object until they have, then delete it`,
		`the GPO's version is bumped`,
	}
	adviseNotes(notes)
	want := []string{
		`clients uninstall Old tool at the next policy processing (computers: at start-up); keep the package object until they have, then pkg delete`,
		`the GPO's version is bumped`,
	}
	for i := range want {
		if notes[i] != want[i] {
			t.Errorf("note %d:\n got %s\nwant %s", i, notes[i], want[i])
		}
	}
}

// TestAdviseReport: the doctor's findings, made by doctor.Diagnose from
// inputs that raise every Remedy action, read after adviseReport as the
// text and JSON reports have always shown them (the wants are the texts
// gpo/doctor wrote itself before its remedies became facts).
func TestAdviseReport(t *testing.T) {
	const (
		domSID = "S-1-5-21-1-2-3"
		gA     = "{AAAAAAAA-0000-0000-0000-000000000001}"
		gC     = "{CCCCCCCC-0000-0000-0000-000000000003}"
		// Authenticated Users Read + Apply Group Policy, as a new GPO.
		dacl = "D:PAI(OA;;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;AU)(A;;LCRPLORC;;;AU)(A;;CCDCLCSWRPWPDTLOSDRCWDWO;;;DA)(A;;CCDCLCSWRPWPDTLOSDRCWDWO;;;SY)"
		dcs  = `\\dc1\Distrib\MikoCTI\`
	)
	sid := secdesc.MustSID(domSID)
	acl, err := secdesc.ParseSDDL(dacl, sid)
	if err != nil {
		t.Fatal(err)
	}
	version := uint32(0x00010003)
	gpoData := func(guid, name string) doctor.GPOData {
		v := version
		return doctor.GPOData{GUID: guid, Name: name, Version: version, SysvolVersion: &v, DACL: acl}
	}
	target := doctor.Target{Name: "SALES-PC03", SID: secdesc.MustSID(domSID + "-1105"), Scope: doctor.Computer,
		Groups: []doctor.Principal{{SID: secdesc.MustSID(domSID + "-515"), Name: "Domain Computers"}},
		OS:     doctor.OSFacts{Name: "Windows Server 2019 Standard", RawVersion: "10.0 (17763)", Version: "10.0.17763", ProductType: 3}}
	root := doctor.SOM{DN: "DC=cti,DC=test", Name: "cti.test", IsDomain: true}
	sales := func(block bool, links ...domain.GPLink) doctor.SOM {
		return doctor.SOM{DN: "OU=Sales,DC=cti,DC=test", Name: "Sales", BlockInheritance: block, Links: links}
	}
	on := domain.GPLink{GUID: gA, Order: 1, Enabled: true}
	moscow := doctor.SOM{DN: "CN=Moscow,CN=Sites,CN=Configuration,DC=cti,DC=test", Name: "Moscow", IsSite: true,
		Links: []domain.GPLink{{GUID: gC, Order: 1, Enabled: true}}}
	ok := doctor.Check{OK: doctor.Yes}
	pkg := func(name string) doctor.PackageData {
		return doctor.PackageData{ID: "{" + name + "}", ObjectGUID: name + "-guid", Name: name, Flags: doctor.ACTFLGAssigned, ScriptName: "A",
			MSIPath: dcs + name + ".msi", ScriptPath: `\\cti.test\SysVol\x.aas`, MSIReadable: ok, Script: ok}
	}

	type finding struct{ text, fix string }
	for _, tc := range []struct {
		name string
		in   func() doctor.Input
		want finding
	}{
		{"disabled link", func() doctor.Input {
			return doctor.Input{Chain: []doctor.SOM{root, sales(false, domain.GPLink{GUID: gA, Order: 1})},
				GPOs: map[string]doctor.GPOData{gA: gpoData(gA, "MIKO CTI")}}
		}, finding{"link 1 on Sales is disabled", `enable the link on Sales (ctitui gpo link "MIKO CTI" "OU=Sales,DC=cti,DC=test")`}},
		{"blocked inheritance", func() doctor.Input {
			r := root
			r.Links = []domain.GPLink{on}
			return doctor.Input{Chain: []doctor.SOM{r, sales(true)}, GPOs: map[string]doctor.GPOData{gA: gpoData(gA, "Domain wide")}}
		}, finding{"link 1 on cti.test is cut off by Block Inheritance on Sales",
			"remove Block Inheritance on Sales (ctitui ou block ... off), enforce the link on cti.test, or link the GPO below the block"}},
		{"computer settings disabled", func() doctor.Input {
			g := gpoData(gA, "MIKO CTI")
			g.Flags = doctor.FlagComputerDisabledBit
			return doctor.Input{Chain: []doctor.SOM{root, sales(false, on)}, GPOs: map[string]doctor.GPOData{gA: g}}
		}, finding{"the GPO's computer settings are disabled", `enable them: ctitui gpo status "MIKO CTI" --computer on`}},
		{"missing WMI filter", func() doctor.Input {
			g := gpoData(gA, "MIKO CTI")
			g.WMIFilterMissing = true
			return doctor.Input{Chain: []doctor.SOM{root, sales(false, on)}, GPOs: map[string]doctor.GPOData{gA: g}}
		}, finding{"the GPO names a WMI filter that does not exist; clients then skip the GPO", `detach it: ctitui gpo wmi "MIKO CTI" --none`}},
		{"WMI filter answers no", func() doctor.Input {
			g := gpoData(gA, "MIKO CTI")
			q := "SELECT * FROM Win32_OperatingSystem WHERE ProductType = 1"
			g.WMIFilterID, g.WMIFilterName, g.WMIFilterQuery, g.WMIFilterQueries = "{F}", "Workstations", q, []string{q}
			return doctor.Input{Chain: []doctor.SOM{root, sales(false, on)}, GPOs: map[string]doctor.GPOData{gA: g}}
		}, finding{`WMI filter "Workstations": probably no (from the computer object: operatingSystem "Windows Server 2019 Standard", operatingSystemVersion "10.0 (17763)"): SELECT * FROM Win32_OperatingSystem WHERE ProductType = 1`,
			`attach a WMI filter that matches this computer, or none (ctitui gpo wmi ... --preset/--none); run the query on the computer: Get-CimInstance -Query "SELECT * FROM Win32_OperatingSystem WHERE ProductType = 1" to confirm`}},
		{"script unreadable", func() doctor.Input {
			g := gpoData(gA, "MIKO CTI")
			p := pkg("Broken")
			p.Script = doctor.Check{OK: doctor.No, Reason: "it does not decode"}
			g.Packages = []doctor.PackageData{p}
			return doctor.Input{Chain: []doctor.SOM{root, sales(false, on)}, GPOs: map[string]doctor.GPOData{gA: g}}
		}, finding{`advertise script \\cti.test\SysVol\x.aas: it does not decode`, "redeploy the package to write a new script (ctitui pkg redeploy)"}},
		{"script not readable by the computer", func() doctor.Input {
			g := gpoData(gA, "MIKO CTI")
			p := pkg("Locked")
			// As gpo/doctor's scriptCheck returns it.
			p.Script = doctor.Check{OK: doctor.No, Reason: "SALES-PC03 may not read it: clients then fail the install (Software Installation error 3)",
				Fix:    "redeploy the package to rewrite the script with permissions computers can read, or reset the GPO folder's permissions",
				Remedy: &doctor.Remedy{Action: doctor.ActionRedeployOrACL}}
			g.Packages = []doctor.PackageData{p}
			return doctor.Input{Chain: []doctor.SOM{root, sales(false, on)}, GPOs: map[string]doctor.GPOData{gA: g}}
		}, finding{`advertise script \\cti.test\SysVol\x.aas: SALES-PC03 may not read it: clients then fail the install (Software Installation error 3)`,
			"redeploy the package (ctitui pkg redeploy) to rewrite the script with permissions computers can read, or reset the GPO folder's permissions"}},
		{"MSI not readable", func() doctor.Input {
			g := gpoData(gA, "MIKO CTI")
			p := pkg("Unreadable")
			p.MSIReadable = doctor.Check{OK: doctor.No, Reason: "Domain Computers have no access to the folder"}
			g.Packages = []doctor.PackageData{p}
			return doctor.Input{Chain: []doctor.SOM{root, sales(false, on)}, GPOs: map[string]doctor.GPOData{gA: g}}
		}, finding{`the MSI at ` + dcs + `Unreadable.msi is not readable by the computer: Domain Computers have no access to the folder`,
			"grant Domain Computers Read & Execute on the share folder (ctitui share upload --set-acl) and check the path"}},
		{"site unknown for a given address", func() doctor.Input {
			return doctor.Input{Chain: []doctor.SOM{root, sales(false, on)},
				GPOs: map[string]doctor.GPOData{gA: gpoData(gA, "MIKO CTI"), gC: gpoData(gC, "Moscow GPO")},
				Site: doctor.SiteData{Candidates: []doctor.SOM{moscow},
					Unknown: "address 10.9.9.9 (given) is in no subnet of any site: a client the DC cannot place skips site-linked GPOs ([MS-GPOL] 3.2.5.1.4), though a DC may instead name its closest site"}}
		}, finding{"which site SALES-PC03 is in cannot be told: address 10.9.9.9 (given with --ip) is in no subnet of any site: a client the DC cannot place skips site-linked GPOs ([MS-GPOL] 3.2.5.1.4), though a DC may instead name its closest site. GPOs are linked to 1 site(s): Moscow",
			"run nltest /dsgetsite on the computer, then ctitui doctor --site NAME (or --ip ADDRESS) to include that site's GPOs"}},
		{"GPO linked to a candidate site", func() doctor.Input {
			return doctor.Input{Chain: []doctor.SOM{root, sales(false, on)},
				GPOs: map[string]doctor.GPOData{gA: gpoData(gA, "MIKO CTI"), gC: gpoData(gC, "Moscow GPO")},
				Site: doctor.SiteData{Candidates: []doctor.SOM{moscow}, Unknown: "the directory does not record it"}}
		}, finding{"linked to site Moscow: it applies only if SALES-PC03 is in that site",
			`run nltest /dsgetsite on the computer; if it names Moscow, ctitui doctor --site "Moscow" shows the full answer`}},
		{"site given", func() doctor.Input {
			return doctor.Input{Chain: []doctor.SOM{moscow, root, sales(false, on)},
				GPOs: map[string]doctor.GPOData{gA: gpoData(gA, "MIKO CTI"), gC: gpoData(gC, "Moscow GPO")},
				Site: doctor.SiteData{Name: "Moscow", How: "given", Given: true}}
		}, finding{"SALES-PC03 is in site Moscow: given with --site", ""}},
		{"address given", func() doctor.Input {
			return doctor.Input{Chain: []doctor.SOM{moscow, root, sales(false, on)},
				GPOs: map[string]doctor.GPOData{gA: gpoData(gA, "MIKO CTI"), gC: gpoData(gC, "Moscow GPO")},
				Site: doctor.SiteData{Name: "Moscow", How: "address 10.1.2.17 (given) is in subnet 10.1.0.0/16", Given: true}}
		}, finding{"SALES-PC03 is in site Moscow: address 10.1.2.17 (given with --ip) is in subnet 10.1.0.0/16", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in()
			in.Target, in.DomainSID = target, sid
			r := doctor.Diagnose(in)
			var before []finding
			r.EachFinding(func(f *doctor.Finding) { before = append(before, finding{f.Text, f.Fix}) })
			adviseReport(&r)
			var got []finding
			r.EachFinding(func(f *doctor.Finding) { got = append(got, finding{f.Text, f.Fix}) })
			if !slices.Contains(got, tc.want) {
				t.Fatalf("no finding\n  %q / %q\namong the advised findings:\n%s", tc.want.text, tc.want.fix, dump(got))
			}
			// The engine's own finding named no ctitui command or flag.
			for _, f := range before {
				if strings.Contains(f.text+f.fix, "ctitui") || strings.Contains(f.text+f.fix, "--") {
					t.Errorf("engine finding names ctitui's commands: %q / %q", f.text, f.fix)
				}
			}
			// The JSON report shows the advised texts.
			var buf bytes.Buffer
			if err := json.NewEncoder(&buf).Encode(r); err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{tc.want.text, tc.want.fix} {
				js, _ := json.Marshal(s)
				if !bytes.Contains(buf.Bytes(), js[1:len(js)-1]) {
					t.Errorf("JSON report lacks %s", js)
				}
			}
		})
	}
}

func dump[T any](xs []T) string {
	var b strings.Builder
	for _, x := range xs {
		fmt.Fprintf(&b, "  %+v\n", x)
	}
	return b.String()
}

// The half-made findings' remedies read as the doctor wrote them before
// the engine stopped naming commands.
func TestAdviseReportHalfMade(t *testing.T) {
	r := &doctor.Report{GPOs: []doctor.GPOReport{{Reasons: []doctor.Finding{
		{Verdict: doctor.Problem, Check: "half-made", Fix: "engine words",
			Remedy: &doctor.Remedy{Action: doctor.ActionRecoverOrDelete, GPO: "MIKO CTI"}},
		{Verdict: doctor.Problem, Check: "half-made", Fix: "engine words",
			Remedy: &doctor.Remedy{Action: doctor.ActionRedeployExtensions, GPO: "MIKO CTI"}},
	}}}}
	adviseReport(r)
	want := []string{
		`if a cut-off run left it, ctitui recover undoes it (when it says so); else ctitui gpo delete "MIKO CTI" and deploy again`,
		`ctitui pkg redeploy "MIKO CTI" PACKAGE writes the extension names again`,
	}
	for i, f := range r.GPOs[0].Reasons {
		if f.Fix != want[i] {
			t.Errorf("finding %d: fix %q, want %q", i, f.Fix, want[i])
		}
	}
}
