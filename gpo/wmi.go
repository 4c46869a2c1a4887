package gpo

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/gpo/plan"
)

// WQLQuery is one query of a WMI filter.
type WQLQuery struct {
	Language  string `json:"language"`
	Namespace string `json:"namespace"`
	Query     string `json:"query"`
}

// WMIFilter is an msWMI-Som object ([MS-GPOL] 2.2.8; the guide's
// "Фильтры WMI").
type WMIFilter struct {
	ID          string     `json:"id"`
	DN          string     `json:"dn"`
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Queries     []WQLQuery `json:"queries"`
	Author      string     `json:"author,omitempty"`
	Created     string     `json:"created,omitempty"`
	Changed     string     `json:"changed,omitempty"`
	// UsedBy are the GUIDs of GPOs that use the filter.
	UsedBy []string `json:"usedBy"`
}

// Preset is a ready-made filter from the guide.
type Preset struct {
	Key, Name, Description, Query string
	// Note is what the admin should know when choosing it.
	Note string
}

// Win10ServersNote: the guide's filter tests the kernel version, which
// Windows Server 2016, 2019, 2022 and 2025 share with Windows 10 and 11
// (Win32_OperatingSystem.Version 10.0.x).
const Win10ServersNote = "Version LIKE '10.%' also matches Windows Server 2016 and later (the same kernel version 10.0): " +
	"to reach workstations only, use the preset win10-workstations (Version LIKE '10.%' AND ProductType = 1)"

// Presets are the WMI filters the guide suggests.
func Presets() []Preset {
	return []Preset{
		{Key: "win10", Name: "Windows 10/11", Description: "Windows 10 and 11 (and Server 2016 and later: same kernel version 10.0)",
			Query: "SELECT * FROM Win32_OperatingSystem WHERE Version LIKE '10.%'", Note: Win10ServersNote},
		{Key: "win10-workstations", Name: "Windows 10/11 workstations", Description: "Windows 10 and 11 client editions only (ProductType 1: not Server 2016 and later)",
			Query: "SELECT * FROM Win32_OperatingSystem WHERE Version LIKE '10.%' AND ProductType = 1"},
		{Key: "workstations", Name: "Workstations", Description: "Client editions of Windows (ProductType 1)",
			Query: "SELECT * FROM Win32_OperatingSystem WHERE ProductType = 1"},
		{Key: "servers", Name: "Servers", Description: "Member servers (ProductType 3; domain controllers are 2)",
			Query: "SELECT * FROM Win32_OperatingSystem WHERE ProductType = 3"},
	}
}

// PresetByKey finds a preset by its key.
func PresetByKey(key string) (Preset, error) {
	for _, p := range Presets() {
		if strings.EqualFold(p.Key, key) {
			return p, nil
		}
	}
	var keys []string
	for _, p := range Presets() {
		keys = append(keys, p.Key)
	}
	return Preset{}, fmt.Errorf("no WMI filter preset %q; presets are %s", key, strings.Join(keys, ", "))
}

// wmiNamespace is where Win32_OperatingSystem and friends live.
const wmiNamespace = `root\CIMv2`

// ValidateWQL does the checks a typo would fail: one SELECT ... FROM
// <class> statement, optionally WHERE, with balanced quotes and
// parentheses. Whether the class and properties exist is known only on
// the client; a wrong filter makes the GPO apply nowhere, so the admin
// should test it there (Get-CimInstance -Query "...").
func ValidateWQL(q string) error {
	q = strings.TrimSpace(q)
	fields := strings.Fields(q)
	if len(fields) < 4 || !strings.EqualFold(fields[0], "SELECT") {
		return fmt.Errorf("WQL %q: must read SELECT <properties> FROM <class> [WHERE ...]", q)
	}
	from := slices.IndexFunc(fields, func(f string) bool { return strings.EqualFold(f, "FROM") })
	if from < 2 || from+1 >= len(fields) {
		return fmt.Errorf("WQL %q: no FROM <class>", q)
	}
	class := fields[from+1]
	for _, r := range class {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
			return fmt.Errorf("WQL %q: %q is not a WMI class name", q, class)
		}
	}
	if rest := fields[from+2:]; len(rest) > 0 && !strings.EqualFold(rest[0], "WHERE") {
		return fmt.Errorf("WQL %q: expected WHERE after the class, found %q", q, rest[0])
	} else if len(rest) == 1 {
		return fmt.Errorf("WQL %q: WHERE without a condition", q)
	}
	depth, quote := 0, rune(0)
	for _, r := range q {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '(':
			depth++
		case r == ')':
			if depth--; depth < 0 {
				return fmt.Errorf("WQL %q: ')' without '('", q)
			}
		}
	}
	if quote != 0 {
		return fmt.Errorf("WQL %q: unterminated %c string", q, quote)
	}
	if depth != 0 {
		return fmt.Errorf("WQL %q: unbalanced parentheses", q)
	}
	return nil
}

// FormatParm2 encodes queries as msWMI-Parm2: "<count>;" then per query
// "<len language>;<len namespace>;<len query>;<language>;<namespace>;<query>;"
// (lengths in characters, as GPMC writes them).
func FormatParm2(qs []WQLQuery) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d;", len(qs))
	for _, q := range qs {
		fmt.Fprintf(&b, "%d;%d;%d;%s;%s;%s;", len([]rune(q.Language)), len([]rune(q.Namespace)), len([]rune(q.Query)),
			q.Language, q.Namespace, q.Query)
	}
	return b.String()
}

// ParseParm2 decodes msWMI-Parm2.
func ParseParm2(v string) ([]WQLQuery, error) {
	r := []rune(v)
	pos := 0
	num := func() (int, error) {
		end := slices.Index(r[pos:], ';')
		if end < 0 {
			return 0, fmt.Errorf("msWMI-Parm2 %q: expected a number and ';' at %d", v, pos)
		}
		n, err := strconv.Atoi(string(r[pos : pos+end]))
		if err != nil || n < 0 {
			return 0, fmt.Errorf("msWMI-Parm2 %q: %q is not a length", v, string(r[pos:pos+end]))
		}
		pos += end + 1
		return n, nil
	}
	field := func(n int) (string, error) {
		if pos+n >= len(r) || r[pos+n] != ';' {
			return "", fmt.Errorf("msWMI-Parm2 %q: field of %d characters at %d does not end with ';'", v, n, pos)
		}
		s := string(r[pos : pos+n])
		pos += n + 1
		return s, nil
	}
	count, err := num()
	if err != nil {
		return nil, err
	}
	var out []WQLQuery
	for i := 0; i < count; i++ {
		var lens [3]int
		for j := range lens {
			if lens[j], err = num(); err != nil {
				return nil, err
			}
		}
		var q WQLQuery
		for j, dst := range []*string{&q.Language, &q.Namespace, &q.Query} {
			if *dst, err = field(lens[j]); err != nil {
				return nil, err
			}
		}
		out = append(out, q)
	}
	return out, nil
}

// wmiContainer is CN=SOM,CN=WMIPolicy,CN=System,<domain>.
func (s *Session) wmiContainer() string { return "CN=SOM,CN=WMIPolicy,CN=System," + s.BaseDN() }

// wqlFilterValue is gPCWQLFilter for a filter: "[<dns domain>;{ID};0]".
func (s *Session) wqlFilterValue(id string) string { return "[" + s.dnsDomain + ";" + id + ";0]" }

// parseWQLFilterRef returns the filter ID of a gPCWQLFilter value.
func parseWQLFilterRef(v string) (string, error) {
	parts := strings.Split(strings.Trim(strings.TrimSpace(v), "[]"), ";")
	if len(parts) < 2 || normalizeGUID(parts[1]) == "" {
		return "", fmt.Errorf("gPCWQLFilter %q is not [domain;{ID};0]", v)
	}
	return normalizeGUID(parts[1]), nil
}

// WMIFilters lists the domain's WMI filters and which GPOs use them.
func (s *Session) WMIFilters(ctx context.Context) ([]WMIFilter, error) {
	c, err := s.Dir(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := c.SearchAll(ctx, s.wmiContainer(), ldap.ScopeSingleLevel, "(objectClass=msWMI-Som)",
		[]string{"msWMI-ID", "msWMI-Name", "msWMI-Parm1", "msWMI-Parm2", "msWMI-Author", "msWMI-CreationDate", "msWMI-ChangeDate"})
	if err != nil {
		if domain.IsNoSuchObject(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("list WMI filters: %w", err)
	}
	users, err := c.SearchAll(ctx, s.policiesDN(), ldap.ScopeSingleLevel, "(&(objectClass=groupPolicyContainer)(gPCWQLFilter=*))",
		[]string{"cn", "gPCWQLFilter"})
	if err != nil {
		return nil, fmt.Errorf("list GPOs with WMI filters: %w", err)
	}
	out := make([]WMIFilter, 0, len(entries))
	for _, e := range entries {
		f := WMIFilter{
			ID: strings.ToUpper(e.GetAttributeValue("msWMI-ID")), DN: e.DN,
			Name: e.GetAttributeValue("msWMI-Name"), Description: e.GetAttributeValue("msWMI-Parm1"),
			Author: e.GetAttributeValue("msWMI-Author"), Created: e.GetAttributeValue("msWMI-CreationDate"),
			Changed: e.GetAttributeValue("msWMI-ChangeDate"), UsedBy: []string{},
		}
		f.Queries, _ = ParseParm2(e.GetAttributeValue("msWMI-Parm2"))
		for _, u := range users {
			if id, err := parseWQLFilterRef(u.GetAttributeValue("gPCWQLFilter")); err == nil && strings.EqualFold(id, f.ID) {
				f.UsedBy = append(f.UsedBy, strings.ToUpper(u.GetAttributeValue("cn")))
			}
		}
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b WMIFilter) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out, nil
}

// FindWMIFilter finds a filter by {ID} or name.
func (s *Session) FindWMIFilter(ctx context.Context, ref string) (WMIFilter, error) {
	all, err := s.WMIFilters(ctx)
	if err != nil {
		return WMIFilter{}, err
	}
	id := normalizeGUID(ref)
	var found []WMIFilter
	for _, f := range all {
		if (id != "" && f.ID == id) || strings.EqualFold(f.Name, ref) {
			found = append(found, f)
		}
	}
	switch len(found) {
	case 0:
		return WMIFilter{}, &NotFoundError{Kind: KindWMIFilter, Name: ref}
	case 1:
		return found[0], nil
	default:
		return WMIFilter{}, fmt.Errorf("%d WMI filters are named %q; give the {ID}", len(found), ref)
	}
}

// wmiTimestamp is the msWMI-CreationDate/ChangeDate form
// (yyyyMMddHHmmss.ffffff-000, UTC).
func wmiTimestamp(t time.Time) string { return t.UTC().Format("20060102150405") + ".000000-000" }

// createFilterSteps makes a new msWMI-Som and returns it.
func (s *Session) createFilterStep(name, description, query string) (plan.Step, WMIFilter, error) {
	if err := ValidateWQL(query); err != nil {
		return plan.Step{}, WMIFilter{}, err
	}
	id, err := newGUID()
	if err != nil {
		return plan.Step{}, WMIFilter{}, err
	}
	now := wmiTimestamp(time.Now())
	f := WMIFilter{ID: id, DN: "CN=" + id + "," + s.wmiContainer(), Name: name, Description: description,
		Queries: []WQLQuery{{Language: "WQL", Namespace: wmiNamespace, Query: strings.TrimSpace(query)}},
		Author:  s.ep.LDAP.User, Created: now, Changed: now, UsedBy: []string{}}
	a := attrs(
		[]string{"objectClass", "top", "msWMI-Som"},
		[]string{"msWMI-ID", f.ID},
		[]string{"msWMI-Name", f.Name},
		[]string{"msWMI-Parm2", FormatParm2(f.Queries)},
		[]string{"msWMI-CreationDate", now},
		[]string{"msWMI-ChangeDate", now},
		// GPMC hides filters from the default views of ADUC.
		[]string{"showInAdvancedViewOnly", "TRUE"},
	)
	if f.Description != "" {
		a = append(a, ldap.Attribute{Type: "msWMI-Parm1", Vals: []string{f.Description}})
	}
	if f.Author != "" {
		a = append(a, ldap.Attribute{Type: "msWMI-Author", Vals: []string{f.Author}})
	}
	return s.addObject(f.DN, a), f, nil
}

// CreateWMIFilterPlan plans a new WMI filter. Names must be unique, as in
// GPMC.
func (s *Session) CreateWMIFilterPlan(ctx context.Context, name, description, query string) (*plan.Plan, WMIFilter, error) {
	all, err := s.WMIFilters(ctx)
	if err != nil {
		return nil, WMIFilter{}, err
	}
	for _, f := range all {
		if strings.EqualFold(f.Name, name) {
			return nil, WMIFilter{}, fmt.Errorf("a WMI filter named %q already exists (%s); pick another name", name, f.ID)
		}
	}
	st, f, err := s.createFilterStep(name, description, query)
	if err != nil {
		return nil, WMIFilter{}, err
	}
	p := s.newPlan(fmt.Sprintf("create WMI filter %q %s", name, f.ID))
	p.Add(st)
	return p, f, nil
}

// DeleteWMIFilterPlan detaches a filter from every GPO that uses it, then
// deletes it: a GPO pointing at a missing filter is not applied at all by
// Windows clients.
func (s *Session) DeleteWMIFilterPlan(ctx context.Context, ref string) (*plan.Plan, error) {
	f, err := s.FindWMIFilter(ctx, ref)
	if err != nil {
		return nil, err
	}
	p := s.newPlan(fmt.Sprintf("delete WMI filter %q %s", f.Name, f.ID))
	for _, guid := range f.UsedBy {
		cur, err := s.readAttr(ctx, s.gpoDN(guid), "gPCWQLFilter")
		if err != nil {
			return nil, err
		}
		st := s.modifyAttrs(s.gpoDN(guid), attrChange{Attr: "gPCWQLFilter", Old: cur})
		st.Effect = plan.Widens // the GPO applies wherever its filter did not
		p.Add(st)
	}
	p.Add(plan.Step{
		Op: "ldap delete", Target: f.DN, Irreversible: true, Effect: plan.Prepares,
		Do: func(ctx context.Context) error {
			c, err := s.Dir(ctx)
			if err != nil {
				return err
			}
			return c.Delete(ctx, f.DN)
		},
	})
	return p, nil
}

// WMIChoice says which filter a GPO should use.
type WMIChoice struct {
	// Preset is a Presets key; Query a custom WQL; Filter an existing
	// filter's name or {ID}; None detaches. Exactly one is set.
	Preset, Query, Filter string
	None                  bool
	// Name names a filter made for Query (default: the query itself).
	Name string
}

// SetWMIPlan attaches a WMI filter to a GPO (gPCWQLFilter), making the
// filter first when a preset or query has none yet (an existing filter with
// the same query is reused), or detaches it.
func (s *Session) SetWMIPlan(ctx context.Context, ref string, ch WMIChoice) (*plan.Plan, error) {
	g, err := s.Find(ctx, ref)
	if err != nil {
		return nil, err
	}
	cur, err := s.readAttr(ctx, g.DN, "gPCWQLFilter")
	if err != nil {
		return nil, err
	}
	if ch.None {
		p := s.newPlan(fmt.Sprintf("detach the WMI filter from %q %s", g.Name, g.GUID))
		if cur == "" {
			p.Note("%s has no WMI filter", g.Name)
			return p, nil
		}
		st := s.modifyAttrs(g.DN, attrChange{Attr: "gPCWQLFilter", Old: cur})
		st.Effect = plan.Widens
		p.Add(st)
		return p, nil
	}
	var f WMIFilter
	var create *plan.Step
	var notes []string
	switch {
	case ch.Filter != "":
		if f, err = s.FindWMIFilter(ctx, ch.Filter); err != nil {
			return nil, err
		}
	default:
		name, desc, query := ch.Name, "", ch.Query
		if ch.Preset != "" {
			pr, err := PresetByKey(ch.Preset)
			if err != nil {
				return nil, err
			}
			name, desc, query = pr.Name, pr.Description, pr.Query
			if pr.Note != "" {
				notes = append(notes, pr.Note)
			}
		}
		if err := ValidateWQL(query); err != nil {
			return nil, err
		}
		if name == "" {
			name = query
		}
		all, err := s.WMIFilters(ctx)
		if err != nil {
			return nil, err
		}
		for _, x := range all {
			if len(x.Queries) == 1 && strings.EqualFold(strings.TrimSpace(x.Queries[0].Query), strings.TrimSpace(query)) {
				f = x
				break
			}
		}
		if f.ID == "" {
			for _, x := range all {
				if strings.EqualFold(x.Name, name) {
					return nil, &ExistsError{Kind: KindWMIFilter, Name: name}
				}
			}
			st, nf, err := s.createFilterStep(name, desc, query)
			if err != nil {
				return nil, err
			}
			f, create = nf, &st
		}
	}
	p := s.newPlan(fmt.Sprintf("use WMI filter %q %s on %q %s", f.Name, f.ID, g.Name, g.GUID))
	for _, n := range notes {
		p.Note("%s", n)
	}
	if create != nil {
		p.Add(*create)
	}
	want := s.wqlFilterValue(f.ID)
	if cur == want {
		p.Note("%s already uses %s", g.Name, f.Name)
		return p, nil
	}
	st := s.modifyAttrs(g.DN, attrChange{Attr: "gPCWQLFilter", Old: cur, New: want})
	// A filter narrows; swapping one filter for another may also let in
	// computers the old one kept out, so it counts as widening.
	st.Effect = plan.Narrows
	if cur != "" {
		st.Effect = plan.Widens
	}
	p.Add(st)
	if len(f.Queries) > 0 {
		p.Note("the GPO now applies only where the filter's query returns something; test it on a client: Get-CimInstance -Query \"%s\"", f.Queries[0].Query)
	}
	return p, nil
}

// attrs is a shorthand for ldap.Attribute lists in add requests: each
// pair is the attribute name followed by its values.
func attrs(pairs ...[]string) []ldap.Attribute {
	out := make([]ldap.Attribute, 0, len(pairs))
	for _, p := range pairs {
		out = append(out, ldap.Attribute{Type: p[0], Vals: p[1:]})
	}
	return out
}
