package si

import (
	"context"
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/plan"
)

// appSchemaVersion is the class store confirmation value ([MS-GPSI]
// 2.2.3.2.4: 1740).
const appSchemaVersion = "1740"

// Store manages the Software Installation settings of a domain's GPOs
// through one gpo.Session.
type Store struct {
	s *gpo.Session
	// now gives the time for lastUpdateSequence and script headers.
	now func() time.Time
}

// New returns a Store on s.
func New(s *gpo.Session) *Store { return &Store{s: s, now: time.Now} }

// Session is the underlying GPO session.
func (st *Store) Session() *gpo.Session { return st.s }

// scopedDN is the GPO half's container ([MS-GPSI] 2.2.3.2.1 "scoped GPO
// DN").
func scopedDN(g gpo.GPO, h gpo.Half) string {
	if h == gpo.User {
		return "CN=User," + g.DN
	}
	return "CN=Machine," + g.DN
}

func classStoreDN(g gpo.GPO, h gpo.Half) string { return "CN=Class Store," + scopedDN(g, h) }
func packagesDN(g gpo.GPO, h gpo.Half) string   { return "CN=Packages," + classStoreDN(g, h) }

// halfFolder is the SYSVOL folder name of a half.
func halfFolder(h gpo.Half) string {
	if h == gpo.User {
		return "User"
	}
	return "Machine"
}

// applicationsRel is the folder of the half's advertise scripts relative
// to the SYSVOL share.
func (st *Store) applicationsRel(g gpo.GPO, h gpo.Half) string {
	return st.s.SysvolRel(g.GUID) + `\` + halfFolder(h) + `\Applications`
}

// scriptUNC is msiScriptPath: the script's path through the domain's
// SYSVOL, as clients open it (2.2.3.2.3).
func (st *Store) scriptUNC(g gpo.GPO, h gpo.Half, file string) string {
	d := st.s.DNSDomain()
	return `\\` + d + `\SysVol\` + d + `\Policies\` + g.GUID + `\` + halfFolder(h) + `\Applications\` + file
}

// scriptRel turns an msiScriptPath back into a path on our SYSVOL share,
// or "" when it is not under this domain's SYSVOL.
func (st *Store) scriptRel(unc string) string {
	d := st.s.DNSDomain()
	prefix := `\\` + d + `\sysvol\`
	if !strings.HasPrefix(strings.ToLower(unc), prefix) {
		return ""
	}
	return unc[len(prefix):]
}

// newGUID is a random GUID in upper case with braces (uuid_create,
// [C706]).
func newGUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make a GUID: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return strings.ToUpper(fmt.Sprintf("{%x-%x-%x-%x-%x}", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])), nil
}

// classStore is what exists of a half's class store.
type classStore struct {
	exists, packages bool
	schema, lus      []string
}

func (st *Store) readClassStore(ctx context.Context, g gpo.GPO, h gpo.Half) (classStore, error) {
	c, err := st.s.Dir(ctx)
	if err != nil {
		return classStore{}, err
	}
	var cs classStore
	e, err := c.Read(ctx, classStoreDN(g, h), []string{"appSchemaVersion", "lastUpdateSequence"})
	if domain.IsNoSuchObject(err) {
		return cs, nil
	}
	if err != nil {
		return cs, err
	}
	cs.exists = true
	cs.schema, cs.lus = e.GetAttributeValues("appSchemaVersion"), e.GetAttributeValues("lastUpdateSequence")
	if _, err := c.Read(ctx, packagesDN(g, h), []string{"cn"}); err == nil {
		cs.packages = true
	} else if !domain.IsNoSuchObject(err) {
		return cs, err
	}
	return cs, nil
}

// containerSteps create the class store and its packages container when
// missing ([MS-GPSI] 2.2.3.2.1, 2.2.3.2.2).
func (st *Store) containerSteps(cs classStore, g gpo.GPO, h gpo.Half) []plan.Step {
	attr := func(t string, v ...string) ldap.Attribute { return ldap.Attribute{Type: t, Vals: v} }
	var steps []plan.Step
	if !cs.exists {
		steps = append(steps, st.s.AddObjectStep(classStoreDN(g, h), []ldap.Attribute{
			attr("objectClass", "top", "classStore"),
			attr("description", "Application Store"),
		}, nil))
	}
	if !cs.packages {
		steps = append(steps, st.s.AddObjectStep(packagesDN(g, h), []ldap.Attribute{
			attr("objectClass", "top", "classStore"),
			attr("description", "Application Packages"),
		}, nil))
	}
	return steps
}

// finishSteps end every change of a half: the class store confirmation
// ([MS-GPSI] 2.2.3.2.4: appSchemaVersion and a new lastUpdateSequence on
// CN=Class Store), the Software Installation extension names of the half
// ([MS-GPSI] 1.9, [MS-GPOL] 2.2.4) and the version bump ([MS-GPOL]
// 3.3.4.5).
func (st *Store) finishSteps(cs classStore, g gpo.GPO, h gpo.Half, lus string) ([]plan.Step, error) {
	steps := []plan.Step{replaceStep(st.s, classStoreDN(g, h),
		map[string][]string{"appSchemaVersion": {appSchemaVersion}, "lastUpdateSequence": {lus}},
		map[string][]string{"appSchemaVersion": cs.schema, "lastUpdateSequence": cs.lus}, nil)}
	tool := gpo.ToolSoftwareInstallationComputer
	if h == gpo.User {
		tool = gpo.ToolSoftwareInstallationUser
	}
	ext, ok, err := st.s.ExtensionStep(g, h, gpo.CSESoftwareInstallation, tool)
	if err != nil {
		return nil, err
	}
	if ok {
		steps = append(steps, ext)
	}
	return append(steps, st.s.VersionBumpSteps(g, h)...), nil
}

// readPackages reads the packages of a half.
func (st *Store) readPackages(ctx context.Context, g gpo.GPO, h gpo.Half) ([]Package, error) {
	c, err := st.s.Dir(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := c.SearchAll(ctx, packagesDN(g, h), ldap.ScopeSingleLevel, "(objectClass=packageRegistration)", packageAttributes())
	if domain.IsNoSuchObject(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]Package, 0, len(entries))
	for _, e := range entries {
		p, err := packageFromEntry(e)
		if err != nil {
			return nil, err
		}
		p.GPOName = g.Name
		out = append(out, p)
	}
	return out, nil
}

// uniqueName makes name unique among the half's packages the way the
// Software Installation snap-in does: "Name", then "Name (2)", "Name (3)"...
func uniqueName(name string, existing []Package) string {
	taken := map[string]bool{}
	for _, p := range existing {
		taken[strings.ToLower(p.Name)] = true
	}
	if !taken[strings.ToLower(name)] {
		return name
	}
	for i := 2; ; i++ {
		n := name + " (" + strconv.Itoa(i) + ")"
		if !taken[strings.ToLower(n)] {
			return n
		}
	}
}

// FindPackage finds a package of a GPO by name, objectGUID or RDN GUID,
// in either half.
func (st *Store) FindPackage(ctx context.Context, gpoRef, ref string) (gpo.GPO, Package, error) {
	g, err := st.s.Find(ctx, gpoRef)
	if err != nil {
		return gpo.GPO{}, Package{}, err
	}
	var matches []Package
	for _, h := range []gpo.Half{gpo.Computer, gpo.User} {
		ps, err := st.readPackages(ctx, g, h)
		if err != nil {
			return g, Package{}, err
		}
		for _, p := range ps {
			r := strings.Trim(strings.ToUpper(ref), "{}")
			if strings.EqualFold(p.Name, ref) || strings.Trim(p.ID, "{}") == r || strings.Trim(strings.ToUpper(p.RDN), "{}") == r {
				matches = append(matches, p)
			}
		}
	}
	switch len(matches) {
	case 0:
		return g, Package{}, &NotFoundError{Kind: KindPackage, Name: ref, GPO: g.Name}
	case 1:
		if err := st.nameCategories(ctx, matches); err != nil {
			return g, Package{}, err
		}
		return g, matches[0], nil
	}
	var ids []string
	for _, p := range matches {
		ids = append(ids, p.ID+" ("+p.Scope+")")
	}
	return g, Package{}, fmt.Errorf("GPO %q has %d packages named %q: %s; give the id", g.Name, len(matches), ref, strings.Join(ids, ", "))
}
