//go:build linux

package domain

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/internal/testdomain"
)

// dialAdmin connects to the test domain as Administrator over LDAPS.
func dialAdmin(t *testing.T) (*Conn, *testdomain.Domain) {
	t.Helper()
	d := testdomain.Require(t, dom)
	c, err := Dial(context.Background(), Config{
		Domain: testdomain.DNSDomain, DC: d.IP, User: testdomain.AdminUPN,
		Password: d.Password(), CAFile: d.CAFile,
	})
	if err != nil {
		t.Fatalf("dial test domain: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c, d
}

// addOU creates an OU with the fixture's own LDAP connection (not ours) and
// removes it when the test ends.
func addOU(t *testing.T, d *testdomain.Domain, parentDN, name string) string {
	t.Helper()
	conn, err := d.DialLDAP(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	dn := "OU=" + EscapeDNValue(name) + "," + parentDN
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"top", "organizationalUnit"})
	if err := conn.Add(req); err != nil {
		t.Fatalf("add OU %q: %v", dn, err)
	}
	t.Cleanup(func() {
		conn, err := d.DialLDAP(context.Background())
		if err != nil {
			t.Errorf("cleanup: %v", err)
			return
		}
		defer conn.Close()
		if err := conn.Del(ldap.NewDelRequest(dn, []ldap.Control{ldap.NewControlSubtreeDelete()})); err != nil {
			t.Errorf("cleanup: delete %q: %v", dn, err)
		}
	})
	return dn
}

func names(ous []OU) []string {
	var out []string
	for _, o := range ous {
		out = append(out, o.Name)
	}
	return out
}

func TestListOUs(t *testing.T) {
	c, _ := dialAdmin(t)
	ctx := context.Background()
	seed := testdomain.DefaultSeed()
	ous, err := c.ListOUs(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	// The seeded OUs plus the built-in Domain Controllers OU.
	if len(ous) != len(seed.OUs)+1 {
		t.Fatalf("got %d OUs, want %d: %v", len(ous), len(seed.OUs)+1, names(ous))
	}
	pos := map[string]int{}
	for i, o := range ous {
		pos[o.DN] = i
	}
	for _, s := range seed.OUs {
		dn := testdomain.OUDN(s.Path...)
		i, ok := pos[dn]
		if !ok {
			t.Errorf("OU %s missing from the list", dn)
			continue
		}
		if ous[i].BlockInheritance != s.BlockInheritance {
			t.Errorf("%s: blockInheritance = %v, want %v", dn, ous[i].BlockInheritance, s.BlockInheritance)
		}
		if len(s.Path) > 1 {
			if parent := testdomain.OUDN(s.Path[:len(s.Path)-1]...); pos[parent] > i {
				t.Errorf("%s listed before its parent", dn)
			}
		}
	}
	company := ous[pos[testdomain.OUDN("Компания")]]
	if len(company.Links) != 1 || !company.Links[0].Enabled || company.Links[0].Enforced || company.Links[0].Order != 1 {
		t.Fatalf("links on OU=Компания: %+v", company.Links)
	}
	if err := c.NameLinks(ctx, ous); err != nil {
		t.Fatal(err)
	}
	if name := ous[pos[testdomain.OUDN("Компания")]].Links[0].Name; name != seed.LegacyGPO {
		t.Fatalf("link name %q, want %q", name, seed.LegacyGPO)
	}
}

func TestDomainRootHasDefaultDomainPolicy(t *testing.T) {
	c, _ := dialAdmin(t)
	root, err := c.DomainRoot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !root.IsDomain || root.DN != testdomain.BaseDN || root.Name != "cti" {
		t.Fatalf("root = %+v", root)
	}
	const defaultDomainPolicy = "{31B2F340-016D-11D2-945F-00C04FB984F9}"
	if !slices.ContainsFunc(root.Links, func(l GPLink) bool { return l.GUID == defaultDomainPolicy }) {
		t.Fatalf("domain root links %+v lack the Default Domain Policy", root.Links)
	}
}

func TestChildOUsAndHasChildren(t *testing.T) {
	c, _ := dialAdmin(t)
	ctx := context.Background()
	var got []string
	err := c.ChildOUs(ctx, testdomain.OUDN("Компания"), func(page []OU) error {
		got = append(got, names(page)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if want := []string{"Бухгалтерия", "ИТ", "Продажи"}; !slices.Equal(got, want) {
		t.Fatalf("children of Компания: %v, want %v", got, want)
	}
	for dn, want := range map[string]bool{
		testdomain.OUDN("Компания"):                    true, // three children: size limit exceeded
		testdomain.OUDN("Компания", "Продажи"):         true, // exactly one child
		testdomain.OUDN("Archive"):                     false,
		testdomain.OUDN("Lab, R&D + QA"):               false,
		testdomain.OUDN("Workstations"):                true,
		testdomain.OUDN("Servers", "Terminal Servers"): false,
	} {
		has, err := c.HasChildOUs(ctx, dn)
		if err != nil || has != want {
			t.Errorf("HasChildOUs(%s) = %v, %v; want %v", dn, has, err, want)
		}
	}
}

func TestComputerCounts(t *testing.T) {
	c, _ := dialAdmin(t)
	want := map[string]int{
		testdomain.OUDN("Компания"):                   6 + 8 + 3 + 4,
		testdomain.OUDN("Компания", "Продажи"):        8 + 3,
		testdomain.OUDN("Workstations"):               10 + 8,
		testdomain.OUDN("Workstations", "Office SPb"): 8,
		testdomain.OUDN("Lab, R&D + QA"):              2,
		testdomain.OUDN("Archive"):                    0,
	}
	var dns []string
	for dn := range want {
		dns = append(dns, dn)
	}
	got, err := c.ComputerCounts(context.Background(), testdomain.BaseDN, dns)
	if err != nil {
		t.Fatal(err)
	}
	for dn, n := range want {
		if got[dn] != n {
			t.Errorf("computers under %s: got %d, want %d", dn, got[dn], n)
		}
	}
}

func TestPagedListingBeyondOnePage(t *testing.T) {
	c, d := dialAdmin(t)
	parent := addOU(t, d, testdomain.OUDN("Archive"), "Paging test")
	conn, err := d.DialLDAP(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Three of our pages (500 each) and more than AD's MaxPageSize (1000),
	// without the minutes 10,000 OUs would take (that is the benchmark's job).
	const n = 1010
	for i := 0; i < n; i++ {
		req := ldap.NewAddRequest(fmt.Sprintf("OU=child %04d,%s", i, parent), nil)
		req.Attribute("objectClass", []string{"top", "organizationalUnit"})
		if err := conn.Add(req); err != nil {
			t.Fatalf("add child %d: %v", i, err)
		}
	}
	pages, total := 0, 0
	err = c.ChildOUs(context.Background(), parent, func(page []OU) error {
		pages++
		total += len(page)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total != n || pages < 3 {
		t.Fatalf("got %d OUs in %d pages, want %d in at least 3", total, pages, n)
	}
	// Stopping after the first page (a screenful) abandons the rest on the
	// server; the connection stays usable.
	errEnough := errors.New("enough")
	first := 0
	err = c.ChildOUs(context.Background(), parent, func(page []OU) error { first = len(page); return errEnough })
	if !errors.Is(err, errEnough) || first == 0 || first >= n {
		t.Fatalf("early stop: %v after a first page of %d", err, first)
	}
	all, err := c.ListOUs(context.Background(), parent)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != n+1 { // the subtree search includes the base
		t.Fatalf("ListOUs: %d, want %d", len(all), n+1)
	}
}

// TestHostileNames puts filter and DN metacharacters and Cyrillic into names:
// they must be found exactly, never widen a search.
func TestHostileNames(t *testing.T) {
	c, d := dialAdmin(t)
	ctx := context.Background()
	parent := addOU(t, d, testdomain.OUDN("Archive"), "Hostile")
	hostile := []string{`*)(objectClass=*`, `a,b+c`, `back\slash`, `#hash`, `Отдел "кавычки" <угол>;`, `trailing `}
	for _, name := range hostile {
		dn := addOU(t, d, parent, name)
		ou, err := c.ReadOU(ctx, dn)
		if err != nil {
			t.Errorf("ReadOU(%q): %v", dn, err)
			continue
		}
		if ou.Name != name {
			t.Errorf("name %q read back as %q", name, ou.Name)
		}
	}
	var got []string
	if err := c.ChildOUs(ctx, parent, func(p []OU) error { got = append(got, names(p)...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(hostile) {
		t.Fatalf("children of the hostile OU: %q", got)
	}
	// A name that is a filter must not match everything.
	if cs, err := c.FindComputers(ctx, `*)(objectClass=*`); err != nil || len(cs) != 0 {
		t.Fatalf("FindComputers with a filter as name: %d results, %v", len(cs), err)
	}
	if _, err := c.GroupByName(ctx, "*"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("GroupByName(*) = %v, want not found", err)
	}
}

func TestGroups(t *testing.T) {
	c, _ := dialAdmin(t)
	ctx := context.Background()
	groups, err := c.SecurityGroups(ctx, "MikoCTI")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range groups {
		got = append(got, g.Name)
		if !strings.HasPrefix(g.SID, "S-1-5-21-") || g.Scope != "global" {
			t.Errorf("group %+v", g)
		}
	}
	want := []string{"MikoCTI_Blocked", "MikoCTI_Computers", "MikoCTI_Pilot", "MikoCTI_Sales_PCs", "MikoCTI_Users"}
	if !slices.Equal(got, want) {
		t.Fatalf("groups: %v, want %v", got, want)
	}
	g, err := c.GroupByName(ctx, "Бухгалтерия - компьютеры")
	if err != nil {
		t.Fatal(err)
	}
	if cs, err := c.GroupComputers(ctx, g.DN, false); err != nil || len(cs) != 6 {
		t.Fatalf("computers in %s: %d, %v", g.Name, len(cs), err)
	}
	miko, err := c.GroupByName(ctx, "MikoCTI_Computers")
	if err != nil {
		t.Fatal(err)
	}
	direct, err := c.GroupComputers(ctx, miko.DN, false)
	if err != nil {
		t.Fatal(err)
	}
	nested, err := c.GroupComputers(ctx, miko.DN, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(direct) != 9 || len(nested) != 17 {
		t.Fatalf("MikoCTI_Computers: %d direct, %d with nested; want 9 and 17", len(direct), len(nested))
	}
	pilot, err := c.GroupByName(ctx, "MikoCTI_Pilot")
	if err != nil {
		t.Fatal(err)
	}
	if cs, err := c.GroupComputers(ctx, pilot.DN, true); err != nil || len(cs) != 0 {
		t.Fatalf("MikoCTI_Pilot: %d computers, %v", len(cs), err)
	}
}

func TestComputerChainAndGroups(t *testing.T) {
	c, _ := dialAdmin(t)
	ctx := context.Background()
	pc, err := c.ComputerByName(ctx, "sales-pc03.cti.test")
	if err != nil {
		t.Fatal(err)
	}
	if pc.Name != "SALES-PC03" || !pc.Enabled || pc.PrimaryGroupRID != 515 {
		t.Fatalf("computer %+v", pc)
	}
	chain, err := c.OUChain(ctx, pc.DN)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(chain), []string{"cti", "Компания", "Продажи"}; !slices.Equal(got, want) {
		t.Fatalf("OU chain %v, want %v", got, want)
	}
	// A computer in CN=Computers: only the domain root takes links there.
	newPC, err := c.ComputerByName(ctx, "NEW-PC01")
	if err != nil {
		t.Fatal(err)
	}
	if chain, err := c.OUChain(ctx, newPC.DN); err != nil || len(chain) != 1 || !chain[0].IsDomain {
		t.Fatalf("OU chain of NEW-PC01: %v, %v", names(chain), err)
	}
	sids, err := c.TokenGroups(ctx, pc.DN)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := c.GroupsBySID(ctx, sids)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range groups {
		got = append(got, g.Name)
	}
	for _, want := range []string{"Domain Computers", "MikoCTI_Computers", "MikoCTI_Sales_PCs"} {
		if !slices.Contains(got, want) {
			t.Errorf("groups of SALES-PC03 %v lack %s", got, want)
		}
	}
	var nf *NotFoundError
	if _, err := c.ComputerByName(ctx, "NO-SUCH-PC.cti.test"); !errors.As(err, &nf) || nf.Kind != KindComputer || nf.Prefix != "NO-SUCH-PC" || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("unknown computer: %v", err)
	}
}
