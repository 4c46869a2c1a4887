package domain

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain/secdesc"
)

// Group is a security group.
type Group struct {
	DN          string `json:"dn"`
	Name        string `json:"name"`
	SID         string `json:"sid"`
	Description string `json:"description,omitempty"`
	// Scope is "global", "domain local" or "universal" ([MS-ADTS] 2.2.12).
	Scope string `json:"scope"`
}

// Computer is a computer account.
type Computer struct {
	DN          string `json:"dn"`
	Name        string `json:"name"`
	DNSHostName string `json:"dnsHostName,omitempty"`
	SID         string `json:"sid"`
	OS          string `json:"operatingSystem,omitempty"`
	OSVersion   string `json:"operatingSystemVersion,omitempty"`
	Enabled     bool   `json:"enabled"`
	// PrimaryGroupRID is 515 (Domain Computers) for ordinary computers.
	PrimaryGroupRID uint32 `json:"primaryGroupRID"`
}

// Group types ([MS-ADTS] 2.2.12).
const (
	groupTypeGlobal      = 0x00000002
	groupTypeDomainLocal = 0x00000004
	groupTypeUniversal   = 0x00000008
	groupTypeSecurity    = 0x80000000
)

// matchingRuleInChain makes a memberOf/member filter follow nested groups
// (LDAP_MATCHING_RULE_IN_CHAIN, [MS-ADTS] 3.1.1.3.4.4.3).
const matchingRuleInChain = "1.2.840.113556.1.4.1941"

func groupAttributes() []string {
	return []string{"cn", "sAMAccountName", "objectSid", "description", "groupType"}
}

func computerAttributes() []string {
	return []string{"cn", "dNSHostName", "objectSid", "operatingSystem", "operatingSystemVersion", "userAccountControl", "primaryGroupID"}
}

func groupFromEntry(e *ldap.Entry) Group {
	gt, _ := strconv.ParseInt(e.GetAttributeValue("groupType"), 10, 64)
	scope := "global"
	switch {
	case gt&groupTypeDomainLocal != 0:
		scope = "domain local"
	case gt&groupTypeUniversal != 0:
		scope = "universal"
	}
	name := e.GetAttributeValue("sAMAccountName")
	if name == "" {
		name = e.GetAttributeValue("cn")
	}
	return Group{
		DN:          e.DN,
		Name:        name,
		SID:         sidString(e.GetRawAttributeValue("objectSid")),
		Description: e.GetAttributeValue("description"),
		Scope:       scope,
	}
}

func computerFromEntry(e *ldap.Entry) Computer {
	uac, _ := strconv.ParseUint(e.GetAttributeValue("userAccountControl"), 10, 32)
	pg, _ := strconv.ParseUint(e.GetAttributeValue("primaryGroupID"), 10, 32)
	return Computer{
		DN:          e.DN,
		Name:        e.GetAttributeValue("cn"),
		DNSHostName: e.GetAttributeValue("dNSHostName"),
		SID:         sidString(e.GetRawAttributeValue("objectSid")),
		OS:          e.GetAttributeValue("operatingSystem"),
		OSVersion:   e.GetAttributeValue("operatingSystemVersion"),
		// 0x2 ACCOUNTDISABLE ([MS-ADTS] 2.2.16).
		Enabled:         uac&0x2 == 0,
		PrimaryGroupRID: uint32(pg),
	}
}

// sidString renders a binary objectSid; an undecodable one is shown as such
// rather than failing the whole listing.
func sidString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	sid, _, err := secdesc.DecodeSID(b)
	if err != nil {
		return "(bad SID)"
	}
	return sid.String()
}

// SecurityGroups lists security groups whose name contains nameContains
// (all when empty), sorted by name.
func (c *Conn) SecurityGroups(ctx context.Context, nameContains string) ([]Group, error) {
	filter := fmt.Sprintf("(&(objectClass=group)(groupType:1.2.840.113556.1.4.803:=%d)", uint32(groupTypeSecurity))
	if nameContains != "" {
		v := ldap.EscapeFilter(nameContains)
		filter += "(|(sAMAccountName=*" + v + "*)(cn=*" + v + "*))"
	}
	filter += ")"
	entries, err := c.SearchAll(ctx, c.root.DefaultNamingContext, ldap.ScopeWholeSubtree, filter, groupAttributes())
	if err != nil {
		return nil, fmt.Errorf("list security groups: %w", err)
	}
	groups := make([]Group, 0, len(entries))
	for _, e := range entries {
		groups = append(groups, groupFromEntry(e))
	}
	slices.SortFunc(groups, func(a, b Group) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return groups, nil
}

// GroupByName finds one security group by its name (sAMAccountName or cn).
func (c *Conn) GroupByName(ctx context.Context, name string) (Group, error) {
	v := ldap.EscapeFilter(name)
	entries, err := c.SearchAll(ctx, c.root.DefaultNamingContext, ldap.ScopeWholeSubtree,
		"(&(objectClass=group)(|(sAMAccountName="+v+")(cn="+v+")))", groupAttributes())
	if err != nil {
		return Group{}, fmt.Errorf("find group %q: %w", name, err)
	}
	switch len(entries) {
	case 0:
		return Group{}, &NotFoundError{Kind: KindGroup, Name: name}
	case 1:
		return groupFromEntry(entries[0]), nil
	}
	return Group{}, fmt.Errorf("%d groups are named %q: give the group's DN instead", len(entries), name)
}

// GroupComputers lists the computers in a group: direct members only, or
// also those in nested groups.
func (c *Conn) GroupComputers(ctx context.Context, groupDN string, nested bool) ([]Computer, error) {
	rule := ""
	if nested {
		rule = ":" + matchingRuleInChain + ":"
	}
	filter := "(&(objectCategory=computer)(memberOf" + rule + "=" + ldap.EscapeFilter(groupDN) + "))"
	entries, err := c.SearchAll(ctx, c.root.DefaultNamingContext, ldap.ScopeWholeSubtree, filter, computerAttributes())
	if err != nil {
		return nil, fmt.Errorf("computers in %q: %w", groupDN, err)
	}
	return sortedComputers(entries), nil
}

func sortedComputers(entries []*ldap.Entry) []Computer {
	out := make([]Computer, 0, len(entries))
	for _, e := range entries {
		out = append(out, computerFromEntry(e))
	}
	slices.SortFunc(out, func(a, b Computer) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out
}

// FindComputers lists computers whose name starts with prefix (a trailing $
// or a DNS suffix is ignored: "PC-17", "pc-17$", "pc-17.corp.example.com").
func (c *Conn) FindComputers(ctx context.Context, prefix string) ([]Computer, error) {
	name := computerNameOf(prefix)
	v := ldap.EscapeFilter(name)
	entries, err := c.SearchAll(ctx, c.root.DefaultNamingContext, ldap.ScopeWholeSubtree,
		"(&(objectCategory=computer)(|(cn="+v+"*)(dNSHostName="+v+"*)))", computerAttributes())
	if err != nil {
		return nil, fmt.Errorf("find computers %q: %w", prefix, err)
	}
	return sortedComputers(entries), nil
}

// ComputersIn lists the computers directly in the container dn, or in
// everything under it when recursive, sorted by name. A container that
// does not exist is an error, not an empty list.
func (c *Conn) ComputersIn(ctx context.Context, dn string, recursive bool) ([]Computer, error) {
	if _, err := c.Read(ctx, dn, []string{"objectClass"}); err != nil {
		return nil, err
	}
	scope := ldap.ScopeSingleLevel
	if recursive {
		scope = ldap.ScopeWholeSubtree
	}
	entries, err := c.SearchAll(ctx, dn, scope, "(objectCategory=computer)", computerAttributes())
	if err != nil {
		return nil, fmt.Errorf("computers in %q: %w", dn, err)
	}
	return sortedComputers(entries), nil
}

func computerNameOf(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, "$")
	if i := strings.IndexByte(s, '.'); i > 0 {
		s = s[:i]
	}
	return s
}

// ComputerByName finds exactly one computer by name.
func (c *Conn) ComputerByName(ctx context.Context, name string) (Computer, error) {
	n := computerNameOf(name)
	v := ldap.EscapeFilter(n)
	entries, err := c.SearchAll(ctx, c.root.DefaultNamingContext, ldap.ScopeWholeSubtree,
		"(&(objectCategory=computer)(|(cn="+v+")(sAMAccountName="+ldap.EscapeFilter(n+"$")+")))", computerAttributes())
	if err != nil {
		return Computer{}, fmt.Errorf("find computer %q: %w", name, err)
	}
	switch len(entries) {
	case 0:
		return Computer{}, &NotFoundError{Kind: KindComputer, Name: name, Prefix: n}
	case 1:
		return computerFromEntry(entries[0]), nil
	}
	return Computer{}, fmt.Errorf("%d computers are named %q", len(entries), name)
}

// OUChain returns the OUs (and the domain root first) that contain dn, from
// the domain root down to its parent: the path Group Policy walks.
func (c *Conn) OUChain(ctx context.Context, dn string) ([]OU, error) {
	parsed, err := ldap.ParseDN(dn)
	if err != nil {
		return nil, fmt.Errorf("OU chain of %q: %w", dn, err)
	}
	rootKey, err := normalizeDN(c.root.DefaultNamingContext)
	if err != nil {
		return nil, err
	}
	var chain []OU
	for i := len(parsed.RDNs) - 1; i >= 1; i-- {
		ancestor := &ldap.DN{RDNs: parsed.RDNs[i:]}
		key := rdnsKey(ancestor.RDNs)
		if len(key) < len(rootKey) {
			continue // above the domain (DC=com)
		}
		isOU := strings.EqualFold(parsed.RDNs[i].Attributes[0].Type, "OU")
		if key != rootKey && !isOU {
			continue // CN=Computers and other containers take no GPO links
		}
		ou, err := c.ReadOU(ctx, ancestor.String())
		if err != nil {
			return nil, fmt.Errorf("OU chain of %q: %w", dn, err)
		}
		chain = append(chain, ou)
	}
	return chain, nil
}

// TokenGroups returns the SIDs of every security group an account is in,
// nested memberships and the primary group included, as the DC computes them
// for the account's logon token ([MS-ADTS] 3.1.1.4.5.19 tokenGroups).
func (c *Conn) TokenGroups(ctx context.Context, dn string) ([]secdesc.SID, error) {
	res, err := c.search(ctx, ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases,
		0, 0, false, "(objectClass=*)", []string{"tokenGroups"}, nil))
	if err != nil {
		return nil, fmt.Errorf("groups of %q: %w", dn, err)
	}
	if len(res.Entries) != 1 {
		return nil, fmt.Errorf("groups of %q: object not found", dn)
	}
	var sids []secdesc.SID
	for _, raw := range res.Entries[0].GetRawAttributeValues("tokenGroups") {
		sid, _, err := secdesc.DecodeSID(raw)
		if err != nil {
			return nil, fmt.Errorf("groups of %q: %w", dn, err)
		}
		sids = append(sids, sid)
	}
	return sids, nil
}

// GroupsBySID resolves group SIDs to groups in the domain; SIDs that are
// not domain groups (BUILTIN, well-known) are left out.
func (c *Conn) GroupsBySID(ctx context.Context, sids []secdesc.SID) ([]Group, error) {
	if len(sids) == 0 {
		return nil, nil
	}
	var b strings.Builder
	b.WriteString("(&(objectClass=group)(|")
	for _, s := range sids {
		raw, err := s.MarshalBinary()
		if err != nil {
			return nil, err
		}
		b.WriteString("(objectSid=")
		b.WriteString(escapeBinaryFilter(raw))
		b.WriteString(")")
	}
	b.WriteString("))")
	entries, err := c.SearchAll(ctx, c.root.DefaultNamingContext, ldap.ScopeWholeSubtree, b.String(), groupAttributes())
	if err != nil {
		return nil, fmt.Errorf("resolve group SIDs: %w", err)
	}
	groups := make([]Group, 0, len(entries))
	for _, e := range entries {
		groups = append(groups, groupFromEntry(e))
	}
	slices.SortFunc(groups, func(a, b Group) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return groups, nil
}

// escapeBinaryFilter writes every byte as \hh, the safe form for binary
// values such as SIDs in a filter (RFC 4515 section 3).
func escapeBinaryFilter(b []byte) string {
	const hexDigits = "0123456789abcdef"
	out := make([]byte, 0, 3*len(b))
	for _, c := range b {
		out = append(out, '\\', hexDigits[c>>4], hexDigits[c&0xf])
	}
	return string(out)
}

// User is a user account.
type User struct {
	DN          string `json:"dn"`
	Name        string `json:"name"` // sAMAccountName
	DisplayName string `json:"displayName,omitempty"`
	SID         string `json:"sid"`
	Enabled     bool   `json:"enabled"`
}

// UserByName finds one user by logon name (sAMAccountName, DOMAIN\name or
// a UPN).
func (c *Conn) UserByName(ctx context.Context, name string) (User, error) {
	n := strings.TrimSpace(name)
	if i := strings.LastIndexByte(n, '\\'); i >= 0 {
		n = n[i+1:]
	}
	v := ldap.EscapeFilter(n)
	filter := "(&(objectCategory=person)(objectClass=user)(|(sAMAccountName=" + v + ")(userPrincipalName=" + v + ")))"
	entries, err := c.SearchAll(ctx, c.root.DefaultNamingContext, ldap.ScopeWholeSubtree, filter,
		[]string{"sAMAccountName", "displayName", "objectSid", "userAccountControl"})
	if err != nil {
		return User{}, fmt.Errorf("find user %q: %w", name, err)
	}
	switch len(entries) {
	case 0:
		return User{}, fmt.Errorf("user %q not found in the domain: check the logon name", name)
	case 1:
	default:
		return User{}, fmt.Errorf("%d users match %q", len(entries), name)
	}
	e := entries[0]
	uac, _ := strconv.ParseUint(e.GetAttributeValue("userAccountControl"), 10, 32)
	return User{DN: e.DN, Name: e.GetAttributeValue("sAMAccountName"), DisplayName: e.GetAttributeValue("displayName"),
		SID: sidString(e.GetRawAttributeValue("objectSid")), Enabled: uac&0x2 == 0}, nil
}
