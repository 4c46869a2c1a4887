package si

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/gpo/plan"
)

// Application categories ("Software installation" properties →
// Categories in GPMC) group packages in Add/Remove Programs on clients.
// They are domain-wide categoryRegistration objects ([MS-ADSC]
// categoryRegistration: may contain categoryId, localizedDescription,
// localeID, managedBy; possible superior classStore) in one container,
// and a package lists the ones it belongs to in its categories attribute.
//
// Sources for the formats:
//   - [MS-GPSI] 2.2.3.1.4/2.2.3.1.5 (All Categories Search): the objects
//     are the categoryRegistration children of
//     CN=AppCategories,CN=Default Domain Policy,CN=System,<domain NC>;
//     categoryId is the GUID that is also the object's RDN,
//     localizedDescription "a directory string representing the name of
//     the category".
//   - [MS-GPSI] 2.2.3.2.7 (Category Creation Message): an add of
//     CN=<CategoryId>,CN=AppCategories,... with objectClass
//     categoryRegistration and categoryId, "<CategoryId> is a GUID string,
//     as defined in [RFC4122] section 3"; 2.2.3.2.8 (Category
//     Modification Message) sets localizedDescription; 2.2.3.2.9 deletes.
//   - [MS-GPSI] 2.2.2.4.1: a package's categories attribute is "a set of
//     GUIDs represented by a multivalued directory string attribute".
//   - The AD schema as Samba ships it (setup/ad-schema,
//     MS-AD_Schema_2K8_R2_Attributes.txt): categoryId is an octet string
//     of 16 bytes (a binary GUID, like productCode), categories a
//     Unicode string of at most 36 characters, localizedDescription a
//     multivalued Unicode string. 36 characters is exactly the RFC 4122
//     section 3 form: no braces, lower-case hex. That is the form written
//     here, for the RDN too; reading accepts braces and either case.
//
// No public source we could find shows what the Windows snap-in writes
// into localizedDescription beyond the spec's "the name of the category"
// (the attribute is multivalued, which suggests one value per locale with
// the locale in the text, such as "409 0x0 Accounting"; we found no
// document or open-source code that confirms it). We write the name as the
// spec says, in one place (categoryDescription), and read both the plain
// name and a "<hex LCID> 0x<hex> <name>" value.

// Category is one application category.
type Category struct {
	// ID is categoryId as a GUID string, {UPPER-CASE} like other GUIDs
	// ctitui prints.
	ID   string `json:"id"`
	Name string `json:"name"`
	DN   string `json:"dn"`
	// Descriptions are the localizedDescription values as stored.
	Descriptions []string `json:"localizedDescription,omitempty"`
}

// appCategoriesDN is the categories' container ([MS-GPSI] 2.2.3.1.4).
func (st *Store) appCategoriesDN() string {
	return "CN=AppCategories,CN=Default Domain Policy,CN=System," + st.s.BaseDN()
}

// categoryRef is the RFC 4122 section 3 string of a GUID: no braces,
// lower-case. It is the categories value of a package and the RDN of a
// new categoryRegistration.
func categoryRef(id string) string { return strings.ToLower(strings.Trim(id, "{}")) }

// categoryDescription is the localizedDescription of a new category
// ([MS-GPSI] 2.2.3.2.8: the name of the category).
func categoryDescription(name string) string { return name }

// localizedPrefix matches a "<hex LCID> 0x<hex> " prefix before a name.
var localizedPrefix = regexp.MustCompile(`^[0-9A-Fa-f]{1,8} 0x[0-9A-Fa-f]{1,8} `)

// categoryName picks the name out of localizedDescription values: the
// first non-empty one, without a "<hex LCID> 0x<hex> " prefix.
func categoryName(vals []string) string {
	for _, v := range vals {
		if loc := localizedPrefix.FindStringIndex(v); loc != nil {
			v = v[loc[1]:]
		}
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// checkCategoryName refuses names the snap-in could not show.
func checkCategoryName(name string) error {
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("a category needs a name")
	}
	if name != strings.TrimSpace(name) {
		return fmt.Errorf("category name %q starts or ends with spaces", name)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return fmt.Errorf("category name %q has a control character", name)
		}
	}
	if n := len([]rune(name)); n > 255 {
		return fmt.Errorf("category name is %d characters long; keep it under 256", n)
	}
	return nil
}

// Categories lists the domain's application categories by name ([MS-GPSI]
// 2.2.3.1.4 All Categories Search Request). A domain without the
// AppCategories container has none.
func (st *Store) Categories(ctx context.Context) ([]Category, error) {
	c, err := st.s.Dir(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := c.SearchAll(ctx, st.appCategoriesDN(), ldap.ScopeSingleLevel, "(objectClass=categoryRegistration)",
		[]string{"categoryId", "localizedDescription", "cn"})
	if domain.IsNoSuchObject(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list application categories: %w", err)
	}
	out := make([]Category, 0, len(entries))
	for _, e := range entries {
		id := guidFromBytes(e.GetRawAttributeValue("categoryId"))
		if id == "" {
			// 2.2.3.1.5: categoryId equals the RDN; use it when the
			// attribute is missing.
			if b, err := guidBytes(e.GetAttributeValue("cn")); err == nil {
				id = guidFromBytes(b)
			}
		}
		if id == "" {
			continue // not a category a client could use
		}
		descs := e.GetAttributeValues("localizedDescription")
		out = append(out, Category{ID: id, Name: categoryName(descs), DN: e.DN, Descriptions: descs})
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := strings.ToLower(out[i].Name), strings.ToLower(out[j].Name); a != b {
			return a < b
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// findCategory finds a category by name (case-insensitive, as the snap-in
// compares them) or by GUID.
func findCategory(all []Category, ref string) (Category, bool) {
	if b, err := guidBytes(ref); err == nil {
		id := guidFromBytes(b)
		for _, c := range all {
			if c.ID == id {
				return c, true
			}
		}
	}
	for _, c := range all {
		if strings.EqualFold(c.Name, ref) {
			return c, true
		}
	}
	return Category{}, false
}

// CategoryPlan plans a new category ([MS-GPSI] 2.2.3.2.7 and 2.2.3.2.8 in
// one add: the object with its categoryId and localizedDescription, so
// that there is never a category without a name). The AppCategories
// container is created first when the domain lacks it. A category of the
// same name makes the plan empty.
func (st *Store) CategoryPlan(ctx context.Context, name string) (*plan.Plan, *Category, error) {
	if err := checkCategoryName(name); err != nil {
		return nil, nil, err
	}
	all, err := st.Categories(ctx)
	if err != nil {
		return nil, nil, err
	}
	pl := st.s.NewPlan(fmt.Sprintf("add application category %q", name))
	if c, ok := findCategory(all, name); ok {
		pl.Note("the category %q already exists (%s): nothing to change", c.Name, c.ID)
		return pl, &c, nil
	}
	steps, err := st.appCategoriesSteps(ctx)
	if err != nil {
		return nil, nil, err
	}
	pl.Add(steps...)
	id, err := newGUID()
	if err != nil {
		return nil, nil, err
	}
	raw, err := guidBytes(id)
	if err != nil {
		return nil, nil, err
	}
	cat := &Category{ID: id, Name: name, DN: "CN=" + categoryRef(id) + "," + st.appCategoriesDN(),
		Descriptions: []string{categoryDescription(name)}}
	attr := func(t string, v ...string) ldap.Attribute { return ldap.Attribute{Type: t, Vals: v} }
	pl.Add(st.s.AddObjectStep(cat.DN, []ldap.Attribute{
		attr("objectClass", "top", "categoryRegistration"),
		attr("categoryId", string(raw)),
		attr("localizedDescription", cat.Descriptions...),
	}, map[string]string{"categoryId": id + " (binary GUID)"}))
	pl.Note("packages get the category %q when added with it or when their categories are set", name)
	return pl, cat, nil
}

// appCategoriesSteps create CN=AppCategories under the Default Domain
// Policy container when it is missing. Samba's provision.ldif creates it
// with objectClass top and classStore (and isCriticalSystemObject, which
// only the DC itself may set), and ldapsearch dumps of Windows Server
// domains published in penetration-testing write-ups show the same
// classes and showInAdvancedViewOnly TRUE; ctitui writes those.
func (st *Store) appCategoriesSteps(ctx context.Context) ([]plan.Step, error) {
	c, err := st.s.Dir(ctx)
	if err != nil {
		return nil, err
	}
	_, err = c.Read(ctx, st.appCategoriesDN(), []string{"cn"})
	if err == nil {
		return nil, nil
	}
	if !domain.IsNoSuchObject(err) {
		return nil, fmt.Errorf("read %s: %w", st.appCategoriesDN(), err)
	}
	attr := func(t string, v ...string) ldap.Attribute { return ldap.Attribute{Type: t, Vals: v} }
	return []plan.Step{st.s.AddObjectStep(st.appCategoriesDN(), []ldap.Attribute{
		attr("objectClass", "top", "classStore"),
		attr("showInAdvancedViewOnly", "TRUE"),
	}, nil)}, nil
}

// resolveCategories turns category names or GUIDs into package categories
// values, in the order given, without duplicates.
func (st *Store) resolveCategories(ctx context.Context, refs []string) ([]string, []Category, error) {
	if len(refs) == 0 {
		return nil, nil, nil
	}
	all, err := st.Categories(ctx)
	if err != nil {
		return nil, nil, err
	}
	var vals []string
	var cats []Category
	seen := map[string]bool{}
	for _, ref := range refs {
		c, ok := findCategory(all, ref)
		if !ok {
			return nil, nil, &NotFoundError{Kind: KindCategory, Name: ref}
		}
		if seen[c.ID] {
			continue
		}
		seen[c.ID] = true
		vals = append(vals, categoryRef(c.ID))
		cats = append(cats, c)
	}
	return vals, cats, nil
}

// categoryNames names a package's categories values; a value that is not
// a known category is shown as it is.
func categoryNames(all []Category, vals []string) []string {
	var out []string
	for _, v := range vals {
		if c, ok := findCategory(all, v); ok && c.Name != "" {
			out = append(out, c.Name)
			continue
		}
		out = append(out, v)
	}
	return out
}

// nameCategories fills CategoryNames of the packages from the domain's
// categories, read once.
func (st *Store) nameCategories(ctx context.Context, ps []Package) error {
	need := false
	for _, p := range ps {
		need = need || len(p.Categories) > 0
	}
	if !need {
		return nil
	}
	all, err := st.Categories(ctx)
	if err != nil {
		return err
	}
	for i := range ps {
		ps[i].CategoryNames = categoryNames(all, ps[i].Categories)
	}
	return nil
}

// SetCategoriesPlan replaces a package's categories with refs (names or
// GUIDs; none clears them): a Package Update Message ([MS-GPSI]
// 2.2.3.2.5, which also requires lastUpdateSequence, packageFlags and
// msiScriptName in every update), then the class store confirmation and
// the version bump like every package change.
func (st *Store) SetCategoriesPlan(ctx context.Context, gpoRef, pkgRef string, refs []string) (*plan.Plan, Package, error) {
	g, p, err := st.FindPackage(ctx, gpoRef, pkgRef)
	if err != nil {
		return nil, Package{}, err
	}
	vals, cats, err := st.resolveCategories(ctx, refs)
	if err != nil {
		return nil, p, err
	}
	var names []string
	for _, c := range cats {
		names = append(names, c.Name)
	}
	show := fmt.Sprintf("%s -> %s (%s)", showVals(p.CategoryNames), showVals(names), showVals(vals))
	pl := st.s.NewPlan(fmt.Sprintf("set the categories of %q in %q (%s) to %s", p.Name, g.Name, p.Scope, showVals(names)))
	if sameSet(vals, p.Categories) {
		pl.Note("%q already has exactly these categories: nothing to change", p.Name)
		return pl, p, nil
	}
	cs, err := st.readClassStore(ctx, g, p.half)
	if err != nil {
		return nil, p, err
	}
	lus := updateSequence(st.now())
	flags := strconv.FormatInt(int64(int32(p.Flags)), 10)
	pl.Add(replaceStep(st.s, p.DN, map[string][]string{
		"categories":         vals,
		"lastUpdateSequence": {lus},
		"packageFlags":       {flags},
		"msiScriptName":      {p.ScriptName},
	}, map[string][]string{
		"categories":         p.Categories,
		"lastUpdateSequence": nonEmpty(p.LastUpdate),
		"packageFlags":       {flags},
		"msiScriptName":      {p.ScriptName},
	}, map[string]string{"categories": show}))
	finish, err := st.finishSteps(cs, g, p.half, lus)
	if err != nil {
		return nil, p, err
	}
	pl.Add(finish...)
	return pl, p, nil
}

// sameSet compares categories values as GUIDs, ignoring order and form.
func sameSet(a, b []string) bool {
	norm := func(vals []string) map[string]bool {
		m := map[string]bool{}
		for _, v := range vals {
			m[categoryRef(v)] = true
		}
		return m
	}
	ma, mb := norm(a), norm(b)
	if len(ma) != len(mb) {
		return false
	}
	for k := range ma {
		if !mb[k] {
			return false
		}
	}
	return true
}
