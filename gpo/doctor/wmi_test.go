package doctor

import (
	"strings"
	"testing"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/secdesc"
)

func TestOSFactsAndWQL(t *testing.T) {
	win10 := osFactsOf("Windows 10 Pro", "10.0 (19045)", false)
	win10Name := osFactsOf("Windows 10 Pro", "", false)
	srv2019 := osFactsOf("Windows Server 2019 Standard", "10.0 (17763)", false)
	dc := osFactsOf("Windows Server 2022 Datacenter", "10.0 (20348)", true)
	win7 := osFactsOf("Windows 7 Professional", "6.1 (7601)", false)
	none := osFactsOf("", "", false)
	if win10.Version != "10.0.19045" || win10.ProductType != 1 || srv2019.ProductType != 3 || dc.ProductType != 2 ||
		win10Name.Version != "10.0" || !win10Name.Partial {
		t.Fatalf("facts: %+v %+v %+v %+v %+v", win10, srv2019, dc, win10Name, win7)
	}
	const (
		preset       = "SELECT * FROM Win32_OperatingSystem WHERE Version LIKE '10.%'"
		workstations = "SELECT * FROM Win32_OperatingSystem WHERE Version LIKE '10.%' AND ProductType = 1"
	)
	for _, c := range []struct {
		q    string
		f    OSFacts
		want Tri
	}{
		{preset, win10, Yes},
		{preset, win10Name, Yes},
		{preset, srv2019, Yes}, // the guide's filter reaches servers too
		{preset, win7, No},
		{preset, none, Unknown},
		{workstations, win10, Yes},
		{workstations, srv2019, No},
		{workstations, win10Name, Yes},
		{"select * from win32_operatingsystem where producttype = 3", srv2019, Yes},
		{"SELECT * FROM Win32_OperatingSystem WHERE ProductType <> 1", win10, No},
		{"SELECT * FROM Win32_OperatingSystem WHERE ProductType = 2 OR ProductType = 3", dc, Yes},
		{"SELECT * FROM Win32_OperatingSystem WHERE Version >= '10.0.22000'", win10, No},
		{"SELECT * FROM Win32_OperatingSystem WHERE Version >= '10.0.22000'", win10Name, Unknown},
		{"SELECT * FROM Win32_OperatingSystem WHERE Version LIKE '10.0.22%'", win10Name, Unknown},
		{"SELECT * FROM Win32_OperatingSystem WHERE Version LIKE '6.1%' OR Version LIKE '10.%'", win7, Yes},
		{"SELECT * FROM Win32_OperatingSystem WHERE Version NOT LIKE '6.%'", win7, No},
		{"SELECT * FROM Win32_OperatingSystem", none, Yes},
		{"SELECT * FROM Win32_ComputerSystem WHERE Model = 'X'", win10, Unknown},
		{"SELECT * FROM Win32_OperatingSystem WHERE (Version LIKE '10.%')", win10, Unknown},
		{"SELECT * FROM Win32_OperatingSystem WHERE Caption LIKE '%Pro%'", win10, Unknown},
		{"SELECT * FROM Win32_OperatingSystem WHERE Version LIKE '10.%' AND OSArchitecture = '64-bit'", win10, Unknown},
		{"SELECT * FROM Win32_OperatingSystem WHERE Version LIKE '6.%' AND OSArchitecture = '64-bit'", win10, No},
	} {
		if got := evalWQL(c.q, c.f); got != c.want {
			t.Errorf("%s on %+v: %s, want %s", c.q, c.f, got, c.want)
		}
	}
}

// The doctor answers the guide's filter from the computer object: a
// Server 2019 passes the win10 preset (and the report says so), and fails
// the workstations-only variant.
func TestWMIFromComputerObject(t *testing.T) {
	srv := pc()
	srv.OS = osFactsOf("Windows Server 2019 Standard", "10.0 (17763)", false)
	mk := func(q string) map[string]GPOData {
		g := mkGPO(t, gA, "MIKO CTI", defaultDACL)
		g.WMIFilterID, g.WMIFilterName, g.WMIFilterQuery, g.WMIFilterQueries = "{F}", "filter", q, []string{q}
		return map[string]GPOData{gA: g}
	}
	chain := []SOM{{DN: "DC=cti,DC=test", Name: "cti.test", IsDomain: true},
		{DN: "OU=Sales,DC=cti,DC=test", Name: "Sales", Links: []domain.GPLink{link(gA, 1, true, false)}}}
	run := func(q string) GPOReport {
		return find(Diagnose(Input{Target: srv, DomainSID: secdesc.MustSID(testDomainSID), Chain: chain, GPOs: mk(q),
			Names: map[string]string{mikoSID: "MikoCTI_Computers"}}), gA)
	}
	g := run("SELECT * FROM Win32_OperatingSystem WHERE Version LIKE '10.%'")
	if !g.Applies || !hasReason(g.Reasons, OK, "probably yes (from the computer object: operatingSystem \"Windows Server 2019 Standard\"") {
		t.Fatalf("win10 preset on a server: %+v", g)
	}
	g = run("SELECT * FROM Win32_OperatingSystem WHERE Version LIKE '10.%' AND ProductType = 1")
	if g.Applies || !hasReason(g.Reasons, Problem, "probably no") {
		t.Fatalf("workstations only on a server: %+v", g)
	}
	g = run("SELECT * FROM Win32_Processor WHERE AddressWidth = 64")
	if !g.Applies || !hasReason(g.Reasons, CannotTell, "only the client can evaluate it") ||
		!strings.Contains(g.Reasons[len(g.Reasons)-1].Fix+strings.Join(fixes(g), ""), "Get-CimInstance") {
		t.Fatalf("other class: %+v", g)
	}
}

func fixes(g GPOReport) []string {
	var out []string
	for _, r := range g.Reasons {
		out = append(out, r.Fix)
	}
	return out
}
