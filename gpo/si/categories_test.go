//go:build linux

package si

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/internal/testdomain"
)

// specGUID formats a binary GUID the way [MS-DTYP] 2.3.4.2 lays it out
// (Data1..Data3 little-endian), as RFC 4122 section 3 text: written here
// from the specs, sharing no code with the product.
func specGUID(t *testing.T, raw string) string {
	t.Helper()
	b := []byte(raw)
	if len(b) != 16 {
		t.Fatalf("binary GUID of %d bytes", len(b))
	}
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x", binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint16(b[4:]),
		binary.LittleEndian.Uint16(b[6:]), b[8:10], b[10:])
}

// appCategories is the categories' container of the test domain.
const appCategories = "CN=AppCategories,CN=Default Domain Policy,CN=System," + testdomain.BaseDN

// removeCategories deletes the categories a test made: the seed domain
// has none, and the tests of this package share it.
func removeCategories(t *testing.T, st *Store, ids ...string) {
	t.Helper()
	ctx := testCtx(t)
	c, err := st.s.Dir(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if err := c.DeleteTree(ctx, "CN="+categoryRef(id)+","+appCategories); err != nil {
			t.Errorf("remove category %s: %v", id, err)
		}
	}
}

// Categories are made and read as [MS-GPSI] 2.2.3.1.4-2.2.3.2.8 say,
// given to a package when it is added and changed afterwards; ldbsearch
// reads every object back.
func TestCategoriesAsTheSpecSays(t *testing.T) {
	st, d := openStore(t)
	ctx := testCtx(t)
	g := newGPO(t, st, "SI categories")
	unc, local := publishMSI(t, d, st, "MIKO CTI 4.9.226", "Categories")
	if n := len(ldb(t, d, appCategories, "one", "(objectClass=categoryRegistration)", "cn")); n != 0 {
		t.Fatalf("the seed domain has %d categories, want none", n)
	}

	p, tel, err := st.CategoryPlan(ctx, "Телефония")
	mustApply(t, p, err)
	p, crm, err := st.CategoryPlan(ctx, "CRM & Sales")
	mustApply(t, p, err)
	defer removeCategories(t, st, tel.ID, crm.ID)

	// The object as ldbsearch reads it from sam.ldb.
	obj := one(t, ldb(t, d, appCategories, "one", "(localizedDescription=Телефония)", "objectClass", "categoryId", "localizedDescription", "cn"), "category")
	if !slices.Contains(obj["objectclass"], "categoryRegistration") {
		t.Errorf("objectClass = %v", obj["objectclass"])
	}
	// Samba's ldb prints categoryId as GUID text, like objectGUID; raw
	// bytes are decoded here.
	id := strings.ToLower(obj["categoryid"][0])
	if len(id) != 36 {
		id = specGUID(t, obj["categoryid"][0])
	}
	if obj["cn"][0] != id {
		t.Errorf("RDN %q, want the categoryId %s in RFC 4122 form (2.2.3.2.7)", obj["cn"][0], id)
	}
	if !strings.EqualFold("{"+id+"}", tel.ID) {
		t.Errorf("categoryId %s, plan said %s", id, tel.ID)
	}
	if got := obj["localizeddescription"]; len(got) != 1 || got[0] != "Телефония" {
		t.Errorf("localizedDescription = %q", got)
	}

	// Adding it again (in another case) changes nothing.
	p, again, err := st.CategoryPlan(ctx, "телефония")
	if err != nil || !p.Empty() || again.ID != tel.ID {
		t.Fatalf("second add: err %v, %d steps, id %s (want %s)", err, len(p.Steps), again.ID, tel.ID)
	}
	if _, _, err := st.CategoryPlan(ctx, " padded"); err == nil {
		t.Errorf("a name with leading spaces was accepted")
	}

	cats, err := st.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cats) != 2 || cats[0].Name != "CRM & Sales" || cats[1].Name != "Телефония" || cats[1].ID != tel.ID {
		t.Fatalf("Categories() = %+v", cats)
	}

	// A package with a category that does not exist is refused.
	o := DefaultOptions(false)
	o.Categories = []string{"No such category"}
	var nf *NotFoundError
	if _, _, err := st.AddPlan(ctx, AddRequest{GPO: g.GUID, Half: gpo.Computer, MSIPath: unc, LocalMSI: local, Options: o}); !errors.As(err, &nf) ||
		!errors.Is(err, ErrNotFound) || nf.Kind != KindCategory || nf.Name != "No such category" {
		t.Fatalf("unknown category: %v", err)
	}

	// Added with a category by name: categories holds its GUID string.
	o.Categories = []string{"телефония"}
	p, added, err := st.AddPlan(ctx, AddRequest{GPO: g.GUID, Half: gpo.Computer, MSIPath: unc, LocalMSI: local, Options: o})
	mustApply(t, p, err)
	if !slices.Equal(added.CategoryNames, []string{"Телефония"}) {
		t.Errorf("added.CategoryNames = %v", added.CategoryNames)
	}
	pkg := one(t, ldb(t, d, added.DN, "base", "(objectClass=*)", "categories"), "package")
	if got := pkg["categories"]; len(got) != 1 || got[0] != id {
		t.Fatalf("categories = %q, want [%s]", got, id)
	}
	_, found, err := st.FindPackage(ctx, g.GUID, added.Name)
	if err != nil || !slices.Equal(found.CategoryNames, []string{"Телефония"}) {
		t.Fatalf("FindPackage: %v, names %v", err, found.CategoryNames)
	}

	// Changed afterwards: both categories, then none; each change is a
	// package update with the class store confirmation and a version bump.
	version := func() string {
		return one(t, ldb(t, d, g.DN, "base", "(objectClass=*)", "versionNumber"), "GPO")["versionnumber"][0]
	}
	v0 := version()
	p, _, err = st.SetCategoriesPlan(ctx, g.GUID, added.Name, []string{crm.ID, "Телефония"})
	mustApply(t, p, err)
	pkg = one(t, ldb(t, d, added.DN, "base", "(objectClass=*)", "categories", "lastUpdateSequence"), "package")
	want := []string{categoryRef(crm.ID), id}
	got := slices.Clone(pkg["categories"])
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("categories after set = %q, want %q", got, want)
	}
	if v1 := version(); v1 == v0 {
		t.Errorf("versionNumber stayed %s after changing the categories", v1)
	}
	list, err := st.List(ctx, g.GUID, false)
	if err != nil || len(list) != 1 || !slices.Equal(list[0].CategoryNames, []string{"CRM & Sales", "Телефония"}) {
		t.Fatalf("List: %v, %+v", err, list)
	}
	p, _, err = st.SetCategoriesPlan(ctx, g.GUID, added.Name, []string{"Телефония", crm.Name})
	if err != nil || !p.Empty() {
		t.Fatalf("the same set again: err %v, %d steps", err, len(p.Steps))
	}
	p, _, err = st.SetCategoriesPlan(ctx, g.GUID, added.Name, nil)
	mustApply(t, p, err)
	if got := one(t, ldb(t, d, added.DN, "base", "(objectClass=*)", "categories"), "package")["categories"]; len(got) != 0 {
		t.Fatalf("categories after clearing = %q", got)
	}

	pl, _, err := st.s.DeletePlan(ctx, g.GUID)
	mustApply(t, pl, err)
}

// ldbTool runs an ldb tool (not ours) on the DC's database.
func ldbTool(t *testing.T, d *testdomain.Domain, tool string, args ...string) {
	t.Helper()
	cmd := exec.Command(tool, append([]string{"-H", filepath.Join(d.Dir, "private", "sam.ldb")}, args...)...)
	cmd.Env = d.ToolEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", tool, args, err, out)
	}
}

// A domain without the AppCategories container gets it with the first
// category, as Samba's provisioning makes it (classStore). The seed's
// container is moved aside with ldbrename for the test and put back.
func TestCategoryContainerMadeWhenMissing(t *testing.T) {
	st, d := openStore(t)
	ctx := testCtx(t)
	const aside = "CN=AppCategories-seed,CN=Default Domain Policy,CN=System," + testdomain.BaseDN
	seed := one(t, ldb(t, d, appCategories, "base", "(objectClass=*)", "objectGUID"), "seed container")
	ldbTool(t, d, "ldbrename", appCategories, aside)
	restored := false
	restore := func() {
		if restored {
			return
		}
		restored = true
		c, err := st.s.Dir(context.Background())
		if err == nil {
			err = c.DeleteTree(context.Background(), appCategories)
		}
		if err != nil && !strings.Contains(err.Error(), "No Such Object") {
			t.Errorf("remove the test's container: %v", err)
		}
		ldbTool(t, d, "ldbrename", aside, appCategories)
	}
	defer restore()

	if cats, err := st.Categories(ctx); err != nil || len(cats) != 0 {
		t.Fatalf("without the container: %v, %v", cats, err)
	}
	p, cat, err := st.CategoryPlan(ctx, "Без контейнера")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Steps) != 2 || p.Steps[0].Target != appCategories || p.Steps[1].Target != cat.DN {
		t.Fatalf("plan: %+v", p.Steps)
	}
	mustApply(t, p, err)
	cont := one(t, ldb(t, d, appCategories, "base", "(objectClass=*)", "objectClass", "showInAdvancedViewOnly"), "new container")
	if !slices.Contains(cont["objectclass"], "classStore") || strings.Join(cont["showinadvancedviewonly"], "") != "TRUE" {
		t.Errorf("new container: %v", cont)
	}
	if cats, err := st.Categories(ctx); err != nil || len(cats) != 1 || cats[0].Name != "Без контейнера" {
		t.Fatalf("after the add: %+v, %v", cats, err)
	}

	restore()
	back := one(t, ldb(t, d, appCategories, "base", "(objectClass=*)", "objectGUID"), "seed container back")
	if back["objectguid"][0] != seed["objectguid"][0] {
		t.Fatalf("seed container not restored: objectGUID %v, was %v", back["objectguid"], seed["objectguid"])
	}
}
