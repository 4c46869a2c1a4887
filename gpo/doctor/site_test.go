package doctor

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/secdesc"
)

func siteSOM(name string, links ...domain.GPLink) SOM {
	return SOM{DN: "CN=" + name + ",CN=Sites,CN=Configuration,DC=cti,DC=test", Name: name, IsSite: true, Links: links}
}

func TestSiteKnownTakesItsPlaceInPrecedence(t *testing.T) {
	root := SOM{DN: "DC=cti,DC=test", Name: "cti.test", IsDomain: true, Links: []domain.GPLink{link(gA, 1, true, false)}}
	sales := SOM{DN: "OU=Sales,DC=cti,DC=test", Name: "Sales", Links: []domain.GPLink{link(gB, 1, true, false)}}
	cases := []struct {
		name    string
		site    SOM
		sales   SOM
		want    map[string]int // GUID → precedence, 0 = does not apply
		blocked bool
	}{
		{name: "a site link has the lowest precedence",
			site: siteSOM("Moscow", link(gC, 1, true, false)), sales: sales,
			want: map[string]int{gB: 1, gA: 2, gC: 3}},
		{name: "an enforced site link wins over everything",
			site: siteSOM("Moscow", link(gC, 1, true, true)), sales: sales,
			want: map[string]int{gC: 1, gB: 2, gA: 3}},
		{name: "Block Inheritance on the OU cuts the site link off",
			site:  siteSOM("Moscow", link(gC, 1, true, false)),
			sales: SOM{DN: sales.DN, Name: "Sales", BlockInheritance: true, Links: sales.Links},
			want:  map[string]int{gB: 1, gA: 0, gC: 0}, blocked: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := Input{Target: pc(), DomainSID: secdesc.MustSID(testDomainSID),
				Chain: []SOM{tc.site, root, tc.sales},
				Site:  SiteData{Name: "Moscow", How: "given", Given: true},
				GPOs: map[string]GPOData{gA: mkGPO(t, gA, "A", defaultDACL), gB: mkGPO(t, gB, "B", defaultDACL),
					gC: mkGPO(t, gC, "Site GPO", defaultDACL)}}
			r := Diagnose(in)
			for guid, p := range tc.want {
				got := find(r, guid)
				if got.GUID == "" {
					t.Fatalf("%s not in the report: %+v", guid, r.GPOs)
				}
				if got.Precedence != p || got.Applies != (p > 0) {
					t.Errorf("%s: applies %v precedence %d, want %d; %+v", guid, got.Applies, got.Precedence, p, got.Reasons)
				}
			}
			c := find(r, gC)
			if c.LinkedAt != "site Moscow" {
				t.Errorf("site GPO linked at %q, want %q", c.LinkedAt, "site Moscow")
			}
			if tc.blocked && !hasReason(c.Reasons, Problem, "Block Inheritance on Sales") {
				t.Errorf("blocked site link: want the block named, got %+v", c.Reasons)
			}
			// The site is not an OU: the OU chain stays domain-down.
			if strings.Join(r.Chain, ">") != "cti.test>Sales" {
				t.Errorf("ouChain %v, want the domain and Sales only", r.Chain)
			}
			if r.Site == nil || !r.Site.Known || r.Site.Name != "Moscow" || !hasReason(r.Site.Reasons, Info, "Moscow: given") || r.Site.Reasons[0].Remedy == nil || r.Site.Reasons[0].Remedy.Action != ActionSiteGiven {
				t.Errorf("site report %+v, want Moscow, known, with how", r.Site)
			}
		})
	}
}

func TestSiteUnknownReportsCandidates(t *testing.T) {
	root := SOM{DN: "DC=cti,DC=test", Name: "cti.test", IsDomain: true}
	sales := SOM{DN: "OU=Sales,DC=cti,DC=test", Name: "Sales", Links: []domain.GPLink{link(gB, 1, true, false)}}
	siteGPO := mkGPO(t, gC, "MIKO CTI (site)", filteredDACL)
	siteGPO.Packages = []PackageData{{ID: "{P1}", ObjectGUID: "p1", Name: "MIKO CTI 4.9.226", Flags: ACTFLGAssigned,
		ScriptName: "A", MSIPath: `\\dc1\Distrib\miko.msi`, MSIReadable: Check{OK: Yes}, Script: Check{OK: Yes}}}
	blockedOU := SOM{DN: sales.DN, Name: "Sales", BlockInheritance: true, Links: sales.Links}

	cases := []struct {
		name      string
		chain     []SOM
		target    Target
		verdict   Verdict // of the site GPO's decisive reason after the caveat
		text      string
		pkgReport bool
	}{
		{name: "the computer passes filtering: cannot tell, with what the client would do",
			chain: []SOM{root, sales}, target: pc(), verdict: OK, text: "Apply Group Policy granted", pkgReport: true},
		{name: "the computer is not in the filtering group: it would not apply anywhere",
			chain: []SOM{root, sales},
			target: Target{Name: "IT-PC01", SID: secdesc.MustSID(pcSID), Scope: Computer,
				Groups: []Principal{{secdesc.MustSID(testDomainSID + "-515"), "Domain Computers"}}},
			verdict: Problem, text: "add IT-PC01 to MikoCTI_Computers"},
		{name: "Block Inheritance cuts the site link off in any site",
			chain: []SOM{root, blockedOU}, target: pc(), verdict: Problem, text: "Block Inheritance on Sales"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := Input{Target: tc.target, DomainSID: secdesc.MustSID(testDomainSID), Chain: tc.chain,
				Names: map[string]string{mikoSID: "MikoCTI_Computers"},
				Site: SiteData{Unknown: "the directory does not record it",
					Candidates: []SOM{siteSOM("Moscow", link(gC, 1, true, false))}},
				GPOs: map[string]GPOData{gB: mkGPO(t, gB, "B", defaultDACL), gC: siteGPO}}
			r := Diagnose(in)
			c := find(r, gC)
			if c.GUID == "" {
				t.Fatalf("site GPO missing from the report: %+v", r.GPOs)
			}
			if c.Applies || c.OnlyInSite != "Moscow" || c.Precedence != 0 {
				t.Errorf("site GPO: applies %v onlyInSite %q precedence %d, want false, Moscow, 0", c.Applies, c.OnlyInSite, c.Precedence)
			}
			if len(c.Reasons) == 0 || c.Reasons[0].Verdict != CannotTell || c.Reasons[0].Check != "site" ||
				!strings.Contains(c.Reasons[0].Fix, "nltest /dsgetsite") {
				t.Errorf("first reason %+v, want a cannot-tell site caveat with nltest", c.Reasons)
			}
			if !hasReason(c.Reasons[1:], tc.verdict, tc.text) {
				t.Errorf("want %s %q among %+v", tc.verdict, tc.text, c.Reasons)
			}
			// The OU's own GPO is unaffected by the unknown site.
			if b := find(r, gB); !b.Applies || b.Precedence != 1 {
				t.Errorf("OU GPO: applies %v precedence %d, want precedence 1; %+v", b.Applies, b.Precedence, b.Reasons)
			}
			var pkg *PackageReport
			for i := range r.Packages {
				if r.Packages[i].ID == "{P1}" {
					pkg = &r.Packages[i]
				}
			}
			if tc.pkgReport {
				if pkg == nil || pkg.Action != ActionUnknown || !hasReason(pkg.Reasons, CannotTell, "the client would install it") {
					t.Errorf("site package %+v, want cannot tell with \"would install\"", pkg)
				}
			} else if pkg != nil {
				t.Errorf("package of a GPO that would not apply anyway is reported: %+v", pkg)
			}
			if r.Site == nil || r.Site.Known || !hasReason(r.Site.Reasons, CannotTell, "Moscow") {
				t.Errorf("site report %+v, want a cannot-tell naming Moscow", r.Site)
			}
			if !strings.Contains(strings.Join(r.ClientChecks, "\n"), "nltest /dsgetsite") {
				t.Errorf("client checks %v lack nltest /dsgetsite", r.ClientChecks)
			}
			var text bytes.Buffer
			if err := r.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(text.String(), "CANNOT TELL: applies only in site Moscow") {
				t.Errorf("text report lacks the site state:\n%s", text.String())
			}
		})
	}
}

func TestNoSiteLinksNoSiteReport(t *testing.T) {
	in := Input{Target: pc(), DomainSID: secdesc.MustSID(testDomainSID),
		Chain: []SOM{{DN: "DC=cti,DC=test", Name: "cti.test", IsDomain: true, Links: []domain.GPLink{link(gA, 1, true, false)}}},
		GPOs:  map[string]GPOData{gA: mkGPO(t, gA, "A", defaultDACL)}}
	r := Diagnose(in)
	if r.Site != nil {
		t.Errorf("site report %+v, want none when no site has links", r.Site)
	}
	for _, c := range r.ClientChecks {
		if strings.Contains(c, "nltest") {
			t.Errorf("client checks mention the site without site links: %v", r.ClientChecks)
		}
	}
}

func TestSiteOfIPLongestPrefix(t *testing.T) {
	sites := []domain.Site{
		{Name: "Moscow", Subnets: []string{"10.0.0.0/8"}},
		{Name: "SPb", Subnets: []string{"10.2.0.0/16", "2001:db8::/32"}},
	}
	cases := []struct{ ip, site, subnet string }{
		{"10.1.2.3", "Moscow", "10.0.0.0/8"},
		{"10.2.9.9", "SPb", "10.2.0.0/16"},
		{"::ffff:10.2.0.1", "SPb", "10.2.0.0/16"},
		{"2001:db8::17", "SPb", "2001:db8::/32"},
		{"192.168.1.1", "", ""},
	}
	for _, tc := range cases {
		s, sn, ok := domain.SiteOfIP(sites, netip.MustParseAddr(tc.ip))
		if ok != (tc.site != "") || s.Name != tc.site || sn != tc.subnet {
			t.Errorf("%s: got %q %q %v, want %q %q", tc.ip, s.Name, sn, ok, tc.site, tc.subnet)
		}
	}
}
