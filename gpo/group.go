package gpo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/gpo/plan"
)

// Filtering groups: the guide's security filtering step ("Добавьте группу
// безопасности, содержащую только целевые компьютеры (например,
// MikoCTI_Computers)") needs a group holding exactly the target computers.
// These plans make one as ADUC's "New Object - Group" does with its
// defaults, and change its computer members.

// DefaultGroupName is the guide's example filtering group (section
// "Фильтрация по группам безопасности", item 4). The Russian guide uses the
// same Latin name.
const DefaultGroupName = "MikoCTI_Computers"

// groupTypeGlobalSecurity is ADUC's default group type, Global + Security:
// GROUP_TYPE_ACCOUNT_GROUP (0x00000002) | GROUP_TYPE_SECURITY_ENABLED
// (0x80000000) ([MS-ADTS] 2.2.12), as the signed 32-bit integer LDAP
// carries it.
const groupTypeGlobalSecurity = "-2147483646"

// usersContainerWKGUID is GUID_USERS_CONTAINER_W, the well-known object
// CN=Users of a domain ([MS-ADTS] 6.1.1.4): where ADUC and samba-tool put
// a group when no OU is given.
const usersContainerWKGUID = "a9d1ca15768811d1aded00c04fd8d5cd"

// maxGroupName is the longest name we accept: the group's cn is its name,
// and cn (Common-Name) has rangeUpper 64 ([MS-ADA1] 2.110), below
// sAMAccountName's 256.
const maxGroupName = 64

// badNameChars may not appear in a sAMAccountName (SAM-Account-Name in the
// AD schema documentation; NetGroupAdd's GROUP_INFO_0 remarks add the
// comma and control characters 1-31).
const badNameChars = "\"/\\[]:;|=,+*?<>"

// GroupNameError says why a name cannot be a new group's name.
type GroupNameError struct {
	Name   string
	Reason string
}

func (e *GroupNameError) Error() string {
	return fmt.Sprintf("%q cannot be a group name: %s", e.Name, e.Reason)
}

// GroupExistsError is a name already taken: by a group, a user or a
// computer (sAMAccountName is unique in the domain), or by another object
// with that name in the same container.
type GroupExistsError struct {
	Name string
	// DN is the object that holds the name.
	DN string
	// IsGroup tells an existing group (which could be used instead) from
	// another kind of object.
	IsGroup bool
}

func (e *GroupExistsError) Error() string {
	if e.IsGroup {
		return fmt.Sprintf("a group named %q already exists: %s", e.Name, e.DN)
	}
	return fmt.Sprintf("the name %q is taken by %s", e.Name, e.DN)
}

// ValidateGroupName checks a new group's name against the sAMAccountName
// rules: 1 to 64 characters (cn's limit), none of " / \ [ ] : ; | = , + * ?
// < > or control characters, not ending with a period, not only periods
// and spaces.
func ValidateGroupName(name string) error {
	fail := func(reason string) error { return &GroupNameError{Name: name, Reason: reason} }
	if strings.TrimSpace(name) == "" {
		return fail("it is empty")
	}
	if name != strings.TrimSpace(name) {
		return fail("it starts or ends with a space")
	}
	if n := utf8.RuneCountInString(name); n > maxGroupName {
		return fail(fmt.Sprintf("it has %d characters, at most %d are allowed", n, maxGroupName))
	}
	for _, r := range name {
		if r < 32 || r == 127 {
			return fail("it contains a control character")
		}
		if strings.ContainsRune(badNameChars, r) {
			return fail(fmt.Sprintf("it contains %q; these are not allowed: %s", r, badNameChars))
		}
	}
	if strings.HasSuffix(name, ".") {
		return fail("it ends with a period")
	}
	if strings.Trim(name, ". ") == "" {
		return fail("it is only periods and spaces")
	}
	return nil
}

// NewGroupSpec is a group to create.
type NewGroupSpec struct {
	Name string
	// OU is the container's DN; empty means the domain's Users container.
	OU          string
	Description string
}

// NewGroup is the group a plan creates.
type NewGroup struct {
	Name        string `json:"name"`
	DN          string `json:"dn"`
	Description string `json:"description,omitempty"`
	Scope       string `json:"scope"`
	// Members are the computers it is created with.
	Members []string `json:"members,omitempty"`
}

// usersContainer finds CN=Users through its well-known GUID, so a renamed
// or moved container is still found.
func (s *Session) usersContainer(ctx context.Context) (string, error) {
	c, err := s.Dir(ctx)
	if err != nil {
		return "", err
	}
	e, err := c.Read(ctx, "<WKGUID="+usersContainerWKGUID+","+s.BaseDN()+">", []string{"distinguishedName"})
	if err != nil {
		return "", fmt.Errorf("find the domain's Users container: %w", err)
	}
	return e.DN, nil
}

// CheckNewGroup validates spec (the name's rules, the container, name
// clashes) and returns the new group's DN. A taken name is a
// *GroupExistsError, a bad one a *GroupNameError.
func (s *Session) CheckNewGroup(ctx context.Context, spec NewGroupSpec) (string, error) {
	if err := ValidateGroupName(spec.Name); err != nil {
		return "", err
	}
	c, err := s.Dir(ctx)
	if err != nil {
		return "", err
	}
	parent := strings.TrimSpace(spec.OU)
	if parent == "" {
		if parent, err = s.usersContainer(ctx); err != nil {
			return "", err
		}
	} else if _, err := c.Read(ctx, parent, []string{"objectClass"}); err != nil {
		return "", err
	}
	dn := "CN=" + domain.EscapeDNValue(spec.Name) + "," + parent
	v := ldap.EscapeFilter(spec.Name)
	// sAMAccountName is unique across the domain's users, computers and
	// groups ([MS-SAMR] 3.1.1.6); a group whose cn has the name elsewhere
	// would make the name ambiguous for filtering, which finds groups by
	// either.
	entries, err := c.SearchAll(ctx, s.BaseDN(), ldap.ScopeWholeSubtree,
		"(|(sAMAccountName="+v+")(&(objectClass=group)(cn="+v+")))", []string{"objectClass"})
	if err != nil {
		return "", err
	}
	// The RDN must be free in the container, whatever holds it.
	if e, err := c.Read(ctx, dn, []string{"objectClass"}); err == nil {
		entries = append(entries, e)
	} else if !domain.IsNoSuchObject(err) {
		return "", err
	}
	if len(entries) > 0 {
		e := entries[0]
		return "", &GroupExistsError{Name: spec.Name, DN: e.DN, IsGroup: slices.ContainsFunc(e.GetAttributeValues("objectClass"),
			func(c string) bool { return strings.EqualFold(c, "group") })}
	}
	return dn, nil
}

// CreateGroupSteps are the steps that create a global security group as
// ADUC does and put computers in it, for a plan of the caller's.
func (s *Session) CreateGroupSteps(ctx context.Context, spec NewGroupSpec, computers []domain.Computer) ([]plan.Step, NewGroup, error) {
	dn, err := s.CheckNewGroup(ctx, spec)
	if err != nil {
		return nil, NewGroup{}, err
	}
	g := NewGroup{Name: spec.Name, DN: dn, Description: spec.Description, Scope: "global"}
	attrs := []ldap.Attribute{
		{Type: "objectClass", Vals: []string{"top", "group"}},
		{Type: "cn", Vals: []string{spec.Name}},
		{Type: "sAMAccountName", Vals: []string{spec.Name}},
		{Type: "groupType", Vals: []string{groupTypeGlobalSecurity}},
	}
	if d := strings.TrimSpace(spec.Description); d != "" {
		attrs = append(attrs, ldap.Attribute{Type: "description", Vals: []string{d}})
	}
	steps := []plan.Step{s.addGroupStep(dn, attrs)}
	if len(computers) > 0 {
		// Members of a group nothing refers to yet change no GPO.
		m := s.memberStep(dn, computers, false)
		m.Effect = plan.Prepares
		steps = append(steps, m)
		for _, c := range computers {
			g.Members = append(g.Members, c.Name)
		}
	}
	return steps, g, nil
}

// addGroupStep is AddObjectStep with one difference: when the add fails
// because the object exists (someone made it between the check and the
// run), the undo leaves that object alone: it is not ours.
func (s *Session) addGroupStep(dn string, attrs []ldap.Attribute) plan.Step {
	st := s.AddObjectStep(dn, attrs, map[string]string{"groupType": groupTypeGlobalSecurity + " (0x80000002: global, security)"})
	do, undo := st.Do, st.Undo
	notOurs := false
	st.Do = func(ctx context.Context) error {
		err := do(ctx)
		notOurs = err != nil && domain.IsAlreadyExists(err)
		return err
	}
	st.Undo = func(ctx context.Context) error {
		if notOurs {
			return nil
		}
		return undo(ctx)
	}
	return st
}

// CreateGroupPlan creates a group, with computers in it when given.
func (s *Session) CreateGroupPlan(ctx context.Context, spec NewGroupSpec, computers []domain.Computer) (*plan.Plan, NewGroup, error) {
	steps, g, err := s.CreateGroupSteps(ctx, spec, computers)
	if err != nil {
		return nil, NewGroup{}, err
	}
	p := s.newPlan(fmt.Sprintf("create global security group %q in %s", g.Name, parentOf(g.DN)))
	p.Add(steps...)
	if len(computers) == 0 {
		p.Note("the group has no computers yet: a GPO filtered to it applies to no computer until computers are added")
	} else {
		p.Note("%s", RestartNote)
	}
	return p, g, nil
}

// RestartNote is the trap of a new membership.
const RestartNote = "a computer picks up a new group membership only when it restarts: its Kerberos ticket, " +
	"which carries its groups, is issued at startup. gpupdate /force alone does not apply a GPO filtered to the " +
	"group on a computer that was just added; restart it (then gpupdate /force is not needed)."

func parentOf(dn string) string {
	parsed, err := ldap.ParseDN(dn)
	if err != nil || len(parsed.RDNs) < 2 {
		return dn
	}
	_, rest, _ := strings.Cut(dn, ",")
	return rest
}

// MembersPlan adds computers to an existing group, or removes them
// (remove). Computers already as asked are named in a note and left out;
// when all are, the plan is empty.
func (s *Session) MembersPlan(ctx context.Context, group string, computers []domain.Computer, remove bool) (*plan.Plan, error) {
	if len(computers) == 0 {
		return nil, errors.New("no computers given")
	}
	c, err := s.Dir(ctx)
	if err != nil {
		return nil, err
	}
	g, err := c.GroupByName(ctx, group)
	if err != nil {
		return nil, err
	}
	present, err := s.membersAmong(ctx, g.DN, computerDNs(computers))
	if err != nil {
		return nil, err
	}
	var todo []domain.Computer
	var already []string
	for _, comp := range computers {
		if present[strings.ToLower(comp.DN)] != remove {
			already = append(already, comp.Name)
			continue
		}
		todo = append(todo, comp)
	}
	verb, prep := "add", "to"
	if remove {
		verb, prep = "remove", "from"
	}
	p := s.newPlan(fmt.Sprintf("%s %d computer(s) %s group %q", verb, len(todo), prep, g.Name))
	if len(already) > 0 {
		if remove {
			p.Note("not in %s, nothing to remove: %s", g.Name, strings.Join(already, ", "))
		} else {
			p.Note("already in %s: %s", g.Name, strings.Join(already, ", "))
		}
	}
	if len(todo) == 0 {
		return p, nil
	}
	p.Add(s.memberStep(g.DN, todo, remove))
	if remove {
		p.Note("a computer keeps the group in its Kerberos ticket until it restarts: GPOs filtered to the group still apply to it until then")
	} else {
		p.Note("%s", RestartNote)
	}
	return p, nil
}

func computerDNs(cs []domain.Computer) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.DN
	}
	return out
}

// membersAmong says which of dns are direct members of the group
// (lower-cased DN -> true). It asks for the members' memberOf rather than
// reading the group's member attribute, which a DC returns in ranges of
// 1500 values for large groups ([MS-ADTS] 3.1.1.3.1.3.3).
func (s *Session) membersAmong(ctx context.Context, groupDN string, dns []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(dns) == 0 {
		return out, nil
	}
	c, err := s.Dir(ctx)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("(&(memberOf=" + ldap.EscapeFilter(groupDN) + ")(|")
	for _, dn := range dns {
		b.WriteString("(distinguishedName=" + ldap.EscapeFilter(dn) + ")")
	}
	b.WriteString("))")
	entries, err := c.SearchAll(ctx, s.BaseDN(), ldap.ScopeWholeSubtree, b.String(), []string{"distinguishedName"})
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		out[strings.ToLower(e.DN)] = true
	}
	return out, nil
}

// memberStep adds the computers to the group's member attribute (or
// deletes them, remove). When it runs it changes only the values not
// already as asked, and remembers them; undo reverts those that are still
// as it left them, so a change whose reply was lost is undone too, and a
// value someone else set is not.
func (s *Session) memberStep(groupDN string, computers []domain.Computer, remove bool) plan.Step {
	sign, inverse := "+ ", "remove the added members"
	if remove {
		sign, inverse = "- ", "add the removed members back"
	}
	var details []string
	for _, c := range computers {
		details = append(details, "member: "+sign+c.DN)
	}
	var sent []string
	modify := func(ctx context.Context, dns []string, del bool) error {
		if len(dns) == 0 {
			return nil
		}
		c, err := s.Dir(ctx)
		if err != nil {
			return err
		}
		req := ldap.NewModifyRequest(groupDN, nil)
		if del {
			req.Delete("member", dns)
		} else {
			req.Add("member", dns)
		}
		return c.Modify(ctx, req)
	}
	// pick returns the dns whose membership is not yet wantIn.
	pick := func(ctx context.Context, dns []string, wantIn bool) ([]string, error) {
		present, err := s.membersAmong(ctx, groupDN, dns)
		if err != nil {
			return nil, err
		}
		var out []string
		for _, dn := range dns {
			if present[strings.ToLower(dn)] != wantIn {
				out = append(out, dn)
			}
		}
		return out, nil
	}
	// A computer added to a group gets the GPOs filtered to it; one
	// removed loses them.
	effect := plan.Widens
	if remove {
		effect = plan.Narrows
	}
	return plan.Step{
		Op: "ldap modify", Target: groupDN, Details: details, Inverse: inverse, Effect: effect,
		Do: func(ctx context.Context) error {
			todo, err := pick(ctx, computerDNs(computers), !remove)
			if err != nil {
				return err
			}
			sent = todo
			return modify(ctx, todo, remove)
		},
		Undo: func(ctx context.Context) error {
			back, err := pick(ctx, sent, remove)
			if err != nil {
				return err
			}
			return modify(ctx, back, !remove)
		},
	}
}

// ComputerSelection names computers: by name (PC-01, PC-01$), and/or all
// those in an OU (directly, or also below it when Recursive).
type ComputerSelection struct {
	Names     []string
	FromOU    string
	Recursive bool
}

// ResolveComputers finds the selected computers, each once, sorted by name.
func (s *Session) ResolveComputers(ctx context.Context, sel ComputerSelection) ([]domain.Computer, error) {
	c, err := s.Dir(ctx)
	if err != nil {
		return nil, err
	}
	var out []domain.Computer
	seen := map[string]bool{}
	add := func(comp domain.Computer) {
		if k := strings.ToLower(comp.DN); !seen[k] {
			seen[k] = true
			out = append(out, comp)
		}
	}
	for _, n := range sel.Names {
		if strings.TrimSpace(n) == "" {
			continue
		}
		comp, err := c.ComputerByName(ctx, n)
		if err != nil {
			return nil, err
		}
		add(comp)
	}
	if ou := strings.TrimSpace(sel.FromOU); ou != "" {
		comps, err := c.ComputersIn(ctx, ou, sel.Recursive)
		if err != nil {
			return nil, err
		}
		if len(comps) == 0 {
			where := "directly in"
			if sel.Recursive {
				where = "in or under"
			}
			return nil, fmt.Errorf("no computers %s %s", where, ou)
		}
		for _, comp := range comps {
			add(comp)
		}
	}
	slices.SortFunc(out, func(a, b domain.Computer) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return out, nil
}
