//go:build linux

package gpo

import (
	"context"
	"errors"
	"io/fs"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/internal/testdomain"
)

// createGPO makes a GPO through the engine and returns what it made.
func createGPO(t *testing.T, s *Session, name string, linkTo ...string) *Created {
	t.Helper()
	p, c, err := s.CreatePlan(context.Background(), name, CreateOptions{LinkTo: linkTo})
	mustApply(t, p, err)
	return c
}

// smbList lists a SYSVOL folder with smbclient, a client that is not ours.
func smbList(t *testing.T, d *testdomain.Domain, rel string) string {
	t.Helper()
	cmd := exec.Command("smbclient", "-A", d.AuthFile, "//"+d.IP+"/sysvol", "-c", "ls "+strings.ReplaceAll(rel, `\`, "/")+"/*")
	cmd.Env = d.ToolEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("smbclient ls %s: %v\n%s", rel, err, out)
	}
	return string(out)
}

func TestCreateLinkAsGPMCDoes(t *testing.T) {
	s, d := openAdmin(t)
	ctx := context.Background()
	ou := testdomain.OUDN("Компания", "Бухгалтерия")
	name := "MIKO CTI - Установка телефонной панели"
	c := createGPO(t, s, name, ou)

	if !regexp.MustCompile(`^\{[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}\}$`).MatchString(c.GUID) {
		t.Fatalf("GUID %q is not an upper-case braced v4 GUID", c.GUID)
	}
	if want := `\\cti.test\SysVol\cti.test\Policies\` + c.GUID; c.Path != want {
		t.Fatalf("path %q, want %q", c.Path, want)
	}

	// The directory object, read with the fixture's own LDAP client.
	conn, err := d.DialLDAP(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	res, err := conn.Search(ldapBase(c.DN, "displayName", "gPCFileSysPath", "gPCFunctionalityVersion", "flags", "versionNumber", "objectClass"))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("read %s: %v", c.DN, err)
	}
	e := res.Entries[0]
	for attr, want := range map[string]string{"displayName": name, "gPCFileSysPath": c.Path,
		"gPCFunctionalityVersion": "2", "flags": "0", "versionNumber": "0"} {
		if got := e.GetAttributeValue(attr); got != want {
			t.Errorf("%s = %q, want %q", attr, got, want)
		}
	}
	for _, child := range []string{"CN=User,", "CN=Machine,"} {
		if _, err := conn.Search(ldapBase(child+c.DN, "cn")); err != nil {
			t.Errorf("%s%s: %v", child, c.DN, err)
		}
	}

	// SYSVOL, listed by smbclient: Machine and User with that case, GPT.INI.
	list := smbList(t, d, `cti.test\Policies\`+c.GUID)
	for _, want := range []string{"Machine", "User", "GPT.INI"} {
		if !strings.Contains(list, want) {
			t.Errorf("SYSVOL folder lacks %s:\n%s", want, list)
		}
	}
	sh, err := s.SysVol(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gpt, err := sh.ReadFile(ctx, s.gpoRel(c.GUID)+`\GPT.INI`)
	if err != nil || string(gpt) != "[General]\r\nVersion=0\r\n" {
		t.Fatalf("GPT.INI = %q, %v", gpt, err)
	}

	checkWithSamba(t, d, c.GUID)
	if got := getlinkGUIDs(t, d, ou); !slices.Contains(got, c.GUID) {
		t.Fatalf("samba-tool gpo getlink %s: %v lacks %s", ou, got, c.GUID)
	}

	g, err := s.Show(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if g.GUID != c.GUID || g.VersionMismatch() || g.SysvolVersion == nil || len(g.Links) != 1 || g.Links[0].Container != ou {
		t.Fatalf("show: %+v", g)
	}
	if got := g.AppliesTo(); !slices.Equal(got, []string{"Authenticated Users"}) {
		t.Fatalf("a new GPO applies to %v, want Authenticated Users", got)
	}

	// A second GPO of the same name is refused, with the way out named.
	var ee *ExistsError
	if _, _, err := s.CreatePlan(ctx, name, CreateOptions{}); !errors.As(err, &ee) || !errors.Is(err, ErrExists) || ee.Kind != KindGPO || ee.Name != name || ee.GUID == "" {
		t.Fatalf("duplicate name: %v", err)
	}
	p, again, err := s.CreatePlan(ctx, name, CreateOptions{Reuse: true, LinkTo: []string{ou}})
	if err != nil || again.GUID != c.GUID || !again.Reused || !p.Empty() {
		t.Fatalf("reuse: %+v %v, steps %d", again, err, len(p.Steps))
	}
}

func TestLinksOrderEnforceBlock(t *testing.T) {
	s, d := openAdmin(t)
	ctx := context.Background()
	ou := testdomain.OUDN("Workstations", "Office Moscow")
	a := createGPO(t, s, "links A", ou)
	b := createGPO(t, s, "links B", ou)

	// GPMC gives a new link the last link order; samba-tool lists the
	// string front to back, which is lowest precedence first.
	if got := getlinkGUIDs(t, d, ou); !slices.Equal(got, []string{b.GUID, a.GUID}) {
		t.Fatalf("getlink order %v, want B (order 2) then A (order 1)", got)
	}
	on, off := true, false
	p, err := s.LinkPlan(ctx, b.GUID, ou, LinkOptions{Order: 1, Enforced: &on, Enabled: &off})
	mustApply(t, p, err)
	if got := getlinkGUIDs(t, d, ou); !slices.Equal(got, []string{a.GUID, b.GUID}) {
		t.Fatalf("after --order 1 for B: %v", got)
	}
	out := sambaTool(t, d, "gpo", "getlink", ou)
	if !strings.Contains(out, "GPLINK_OPT_ENFORCE") || !strings.Contains(out, "GPLINK_OPT_DISABLE") {
		t.Fatalf("samba-tool does not see B enforced and disabled:\n%s", out)
	}
	if _, err := s.LinkPlan(ctx, b.GUID, ou, LinkOptions{Order: 5}); err == nil {
		t.Fatal("order 5 of 2 links accepted")
	}
	if _, err := s.LinkPlan(ctx, b.GUID, "CN=Computers,"+testdomain.BaseDN, LinkOptions{}); err == nil || !strings.Contains(err.Error(), "not an OU") {
		t.Fatalf("link to a plain container: %v", err)
	}
	if _, err := s.LinkPlan(ctx, b.GUID, "OU=Nowhere,"+testdomain.BaseDN, LinkOptions{}); !errors.Is(err, domain.ErrNotFound) || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("link to a missing OU: %v", err)
	}

	// The domain root takes links too.
	p, err = s.LinkPlan(ctx, a.GUID, testdomain.BaseDN, LinkOptions{})
	mustApply(t, p, err)
	g, err := s.Show(ctx, a.GUID)
	if err != nil || len(g.Links) != 2 {
		t.Fatalf("links of A across the domain: %+v %v", g.Links, err)
	}
	p, err = s.UnlinkPlan(ctx, a.GUID, testdomain.BaseDN)
	mustApply(t, p, err)
	if got := getlinkGUIDs(t, d, testdomain.BaseDN); slices.Contains(got, a.GUID) {
		t.Fatalf("still linked to the domain: %v", got)
	}

	p, err = s.BlockInheritancePlan(ctx, ou, true)
	mustApply(t, p, err)
	if out := sambaTool(t, d, "gpo", "getinheritance", ou); !strings.Contains(out, "BLOCK") {
		t.Fatalf("getinheritance after block: %s", out)
	}
	p, err = s.BlockInheritancePlan(ctx, ou, false)
	mustApply(t, p, err)
	if out := sambaTool(t, d, "gpo", "getinheritance", ou); strings.Contains(out, "BLOCK") {
		t.Fatalf("getinheritance after unblock: %s", out)
	}
	checkWithSamba(t, d, a.GUID)
}

func TestStatusFilteringWMI(t *testing.T) {
	s, d := openAdmin(t)
	ctx := context.Background()
	c := createGPO(t, s, "filtering", testdomain.OUDN("Компания", "Продажи"))

	off := false
	p, err := s.StatusPlan(ctx, c.GUID, &off, nil)
	mustApply(t, p, err)
	if out := sambaTool(t, d, "gpo", "show", c.GUID); !strings.Contains(out, "MACHINE_DISABLE") {
		t.Fatalf("samba-tool gpo show after computer off:\n%s", out)
	}
	on := true
	p, err = s.StatusPlan(ctx, c.GUID, &on, nil)
	mustApply(t, p, err)

	p, err = s.FilterPlan(ctx, c.GUID, FilterChange{Only: "MikoCTI_Computers"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(p.Notes, MS16072Note) {
		t.Fatalf("--only did not explain MS16-072: %v", p.Notes)
	}
	mustApply(t, p, nil)
	g, err := s.Show(ctx, c.GUID)
	if err != nil {
		t.Fatal(err)
	}
	if got := g.AppliesTo(); !slices.Equal(got, []string{"MikoCTI_Computers"}) {
		t.Fatalf("applies to %v", got)
	}
	i := slices.IndexFunc(g.Filtering, func(x Trustee) bool { return x.SID == secdesc.SIDAuthenticatedUsers })
	if i < 0 || !g.Filtering[i].Read || g.Filtering[i].Apply {
		t.Fatalf("Authenticated Users must keep Read without Apply: %+v", g.Filtering)
	}
	checkWithSamba(t, d, c.GUID)

	// The group reaches the files under the folder too (propagated ACL).
	group, err := s.resolveGroup(ctx, "MikoCTI_Computers")
	if err != nil {
		t.Fatal(err)
	}
	sh, _ := s.SysVol(ctx)
	sd, err := sh.Security(ctx, s.gpoRel(c.GUID)+`\GPT.INI`)
	if err != nil {
		t.Fatal(err)
	}
	if dec := secdesc.Evaluate(sd, secdesc.NetworkLogonToken(group.SID), secdesc.FileReadRequest()); !dec.Granted {
		t.Fatalf("members of the group cannot read GPT.INI: %s", sd.SDDL(s.DomainSID()))
	}

	// A group without computers gets a warning: the GPO has computer settings on.
	p, err = s.FilterPlan(ctx, c.GUID, FilterChange{Add: []string{"MikoCTI_Pilot"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(p.Notes, func(n string) bool { return strings.Contains(n, "MikoCTI_Pilot has no computers") }) {
		t.Fatalf("no warning for an empty group: %v", p.Notes)
	}
	mustApply(t, p, nil)
	p, err = s.FilterPlan(ctx, c.GUID, FilterChange{Remove: []string{"MikoCTI_Pilot"}})
	mustApply(t, p, err)
	checkWithSamba(t, d, c.GUID)

	// WMI: a preset makes the filter once and is reused by the next GPO.
	p, err = s.SetWMIPlan(ctx, c.GUID, WMIChoice{Preset: "win10"})
	mustApply(t, p, err)
	g, _ = s.Show(ctx, c.GUID)
	if g.WMIFilterName != "Windows 10/11" {
		t.Fatalf("WMI filter %q (%s)", g.WMIFilterName, g.WMIFilter)
	}
	other := createGPO(t, s, "filtering 2")
	p, err = s.SetWMIPlan(ctx, other.GUID, WMIChoice{Preset: "win10"})
	if err != nil || len(p.Steps) != 1 {
		t.Fatalf("second use of a preset should only attach: %v, %d steps", err, len(p.Steps))
	}
	mustApply(t, p, nil)
	f, err := s.FindWMIFilter(ctx, "Windows 10/11")
	if err != nil || len(f.UsedBy) != 2 || f.Queries[0].Query != "SELECT * FROM Win32_OperatingSystem WHERE Version LIKE '10.%'" {
		t.Fatalf("filter %+v %v", f, err)
	}
	if _, err := s.SetWMIPlan(ctx, c.GUID, WMIChoice{Query: "SELEC * FROM x"}); err == nil {
		t.Fatal("bad WQL accepted")
	}
	p, err = s.SetWMIPlan(ctx, c.GUID, WMIChoice{None: true})
	mustApply(t, p, err)
	p, err = s.DeleteWMIFilterPlan(ctx, f.ID)
	mustApply(t, p, err)
	if g, _ := s.Show(ctx, other.GUID); g.WMIFilter != "" {
		t.Fatalf("deleting the filter left it on %s: %q", other.GUID, g.WMIFilter)
	}
	checkWithSamba(t, d, other.GUID)
}

func TestVersionBumpAndMismatch(t *testing.T) {
	s, d := openAdmin(t)
	ctx := context.Background()
	c := createGPO(t, s, "versions")
	v, err := s.BumpVersion(ctx, c.GUID, Computer)
	if err != nil || v != 1 {
		t.Fatalf("computer bump: %v %v", v, err)
	}
	v, err = s.BumpVersion(ctx, c.GUID, User)
	if err != nil || v != 1<<16|1 {
		t.Fatalf("user bump: %v %v", v, err)
	}
	g, err := s.Show(ctx, c.GUID)
	if err != nil || g.Version != v || g.VersionMismatch() {
		t.Fatalf("after bumps: %+v %v", g, err)
	}
	if out := sambaTool(t, d, "gpo", "show", c.GUID); !strings.Contains(out, "65537") {
		t.Fatalf("samba-tool sees another version:\n%s", out)
	}

	sh, _ := s.SysVol(ctx)
	if err := sh.WriteFile(ctx, s.gpoRel(c.GUID)+`\GPT.INI`, []byte("[General]\r\nVersion=7\r\n")); err != nil {
		t.Fatal(err)
	}
	g, _ = s.Show(ctx, c.GUID)
	if !g.VersionMismatch() || *g.SysvolVersion != 7 {
		t.Fatalf("mismatch not detected: %+v", g)
	}
	// The next bump heals it: GPT.INI follows the directory.
	if _, err := s.BumpVersion(ctx, c.GUID, Computer); err != nil {
		t.Fatal(err)
	}
	if g, _ = s.Show(ctx, c.GUID); g.VersionMismatch() {
		t.Fatalf("still mismatched after a bump: %+v", g)
	}
	checkWithSamba(t, d, c.GUID)
}

// Two admins bumping one GPO at the same time lose no increment: the
// directory's delete-old/add-new modify lets only one of them win each
// round, the other re-reads and retries.
func TestConcurrentBumpsLoseNothing(t *testing.T) {
	s, d := openAdmin(t)
	ctx := context.Background()
	c := createGPO(t, s, "concurrent bumps")
	const perBumper = 8
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for range 2 {
		// Bumps need SYSVOL: connect to it while the directory connects.
		ep := adminEndpoints(d)
		ep.PrefetchSysVol = true
		other, err := Open(ctx, ep)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perBumper {
				if _, err := other.BumpVersion(ctx, c.GUID, Computer); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	g, err := s.Show(ctx, c.GUID)
	if err != nil {
		t.Fatal(err)
	}
	if g.Version.Computer() != 2*perBumper || g.VersionMismatch() {
		t.Fatalf("after 2x%d concurrent bumps: directory %v, SYSVOL %v", perBumper, g.Version, g.SysvolVersion)
	}
	checkWithSamba(t, d, c.GUID)
}

func TestDelete(t *testing.T) {
	s, d := openAdmin(t)
	ctx := context.Background()
	ou := testdomain.OUDN("Servers")
	c := createGPO(t, s, "to delete", ou, testdomain.BaseDN)
	p, err := s.FilterPlan(ctx, c.GUID, FilterChange{Add: []string{"RDS_Hosts"}})
	mustApply(t, p, err)
	// Another admin linked it to the site as well (samba-tool, as GPMC
	// would): the GPO shows the link, and deleting the GPO removes it.
	site := "CN=Default-First-Site-Name,CN=Sites,CN=Configuration," + testdomain.BaseDN
	sambaTool(t, d, "gpo", "setlink", site, c.GUID)
	shown, err := s.Show(ctx, c.GUID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(shown.Links, func(l Link) bool { return strings.EqualFold(l.Container, site) }) {
		t.Fatalf("site link not shown: %+v", shown.Links)
	}
	p, _, err = s.DeletePlan(ctx, "to delete")
	mustApply(t, p, err)

	if _, err := s.Find(ctx, c.GUID); err == nil {
		t.Fatal("GPO still in the directory")
	}
	sh, _ := s.SysVol(ctx)
	for _, rel := range []string{s.gpoRel(c.GUID), s.gpoRel(c.GUID) + deletingSuffix} {
		if _, err := sh.Stat(ctx, rel); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("%s left behind: %v", rel, err)
		}
	}
	for _, dn := range []string{ou, testdomain.BaseDN, site} {
		if got := getlinkGUIDs(t, d, dn); slices.Contains(got, c.GUID) {
			t.Fatalf("link left on %s", dn)
		}
	}

	// samba-tool can delete a GPO we created.
	ours := createGPO(t, s, "deleted by samba-tool", ou)
	sambaTool(t, d, "gpo", "del", ours.GUID)
	if _, err := s.Find(ctx, ours.GUID); err == nil {
		t.Fatal("samba-tool gpo del left our GPO")
	}
}

// TestSiteLink links a GPO to a site as GPMC's Sites node does; samba-tool
// reads the link back, and Block Inheritance is refused on a site.
func TestSiteLink(t *testing.T) {
	s, d := openAdmin(t)
	ctx := context.Background()
	site := "CN=Default-First-Site-Name,CN=Sites,CN=Configuration," + testdomain.BaseDN
	c := createGPO(t, s, "site linked")
	t.Cleanup(func() {
		if p, _, err := s.DeletePlan(context.Background(), c.GUID); err == nil {
			_, _ = p.Apply(context.Background())
		}
	})
	p, err := s.LinkPlan(ctx, c.GUID, site, LinkOptions{})
	mustApply(t, p, err)
	if got := getlinkGUIDs(t, d, site); !slices.Contains(got, c.GUID) {
		t.Fatalf("samba-tool gpo getlink %s: %v, want %s", site, got, c.GUID)
	}
	p, err = s.UnlinkPlan(ctx, c.GUID, site)
	mustApply(t, p, err)
	if got := getlinkGUIDs(t, d, site); slices.Contains(got, c.GUID) {
		t.Fatalf("link left on the site: %v", got)
	}
	if _, err := s.BlockInheritancePlan(ctx, site, true); err == nil || !strings.Contains(err.Error(), "is a site") {
		t.Fatalf("Block Inheritance on a site: err = %v", err)
	}
}
