package domain

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// OU is a node of the tree GPOs are linked to: an organizational unit, or the
// domain itself at the root.
type OU struct {
	DN          string `json:"dn"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// BlockInheritance is gPOptions bit 0x1 ([MS-GPOL] 2.2.2).
	BlockInheritance bool `json:"blockInheritance"`
	// Links are the GPOs linked here, in link order.
	Links []GPLink `json:"links"`
	// IsDomain marks the domain root node.
	IsDomain bool `json:"isDomain,omitempty"`
}

// ouAttributes are the attributes a tree node needs.
func ouAttributes() []string {
	return []string{"ou", "dc", "description", "gPLink", "gPOptions", "objectClass"}
}

func ouFromEntry(e *ldap.Entry) (OU, error) {
	links, err := ParseGPLink(e.GetAttributeValue("gPLink"))
	if err != nil {
		return OU{}, fmt.Errorf("%s: %w", e.DN, err)
	}
	opts, _ := strconv.Atoi(e.GetAttributeValue("gPOptions"))
	o := OU{
		DN:               e.DN,
		Name:             e.GetAttributeValue("ou"),
		Description:      e.GetAttributeValue("description"),
		BlockInheritance: opts&1 != 0,
		Links:            links,
	}
	if slices.ContainsFunc(e.GetAttributeValues("objectClass"), func(c string) bool { return strings.EqualFold(c, "domainDNS") }) {
		o.IsDomain = true
		o.Name = e.GetAttributeValue("dc")
	}
	if o.Links == nil {
		o.Links = []GPLink{}
	}
	return o, nil
}

// DomainRoot reads the domain object: the root of the OU tree, with the
// links of the domain-level GPOs.
func (c *Conn) DomainRoot(ctx context.Context) (OU, error) {
	return c.ReadOU(ctx, c.root.DefaultNamingContext)
}

// ReadOU reads one OU (or the domain root) by DN.
func (c *Conn) ReadOU(ctx context.Context, dn string) (OU, error) {
	res, err := c.search(ctx, ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases,
		0, 0, false, "(|(objectClass=organizationalUnit)(objectClass=domainDNS))", ouAttributes(), nil))
	if err != nil {
		if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
			return OU{}, &NotFoundError{Kind: KindOU, Name: dn}
		}
		return OU{}, fmt.Errorf("read OU %q: %w", dn, err)
	}
	if len(res.Entries) != 1 {
		return OU{}, fmt.Errorf("%q is not an OU or the domain: GPOs can be linked only there", dn)
	}
	return ouFromEntry(res.Entries[0])
}

// ChildOUs streams the OUs directly under parentDN, a page at a time, so a
// tree can show the first ones while the rest arrive.
func (c *Conn) ChildOUs(ctx context.Context, parentDN string, page func([]OU) error) error {
	return c.SearchPages(ctx, parentDN, ldap.ScopeSingleLevel, "(objectClass=organizationalUnit)", ouAttributes(),
		func(entries []*ldap.Entry) error {
			ous := make([]OU, 0, len(entries))
			for _, e := range entries {
				o, err := ouFromEntry(e)
				if err != nil {
					return err
				}
				ous = append(ous, o)
			}
			return page(ous)
		})
}

// ListOUs returns every OU under base (the domain when empty), parents before
// their children, siblings by name.
func (c *Conn) ListOUs(ctx context.Context, base string) ([]OU, error) {
	if base == "" {
		base = c.root.DefaultNamingContext
	}
	entries, err := c.SearchAll(ctx, base, ldap.ScopeWholeSubtree, "(objectClass=organizationalUnit)", ouAttributes())
	if err != nil {
		if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
			return nil, fmt.Errorf("base %q does not exist: check the DN", base)
		}
		return nil, err
	}
	ous := make([]OU, 0, len(entries))
	for _, e := range entries {
		o, err := ouFromEntry(e)
		if err != nil {
			return nil, err
		}
		ous = append(ous, o)
	}
	sortTree(ous)
	return ous, nil
}

// sortTree orders DNs so that a parent precedes its children and siblings are
// sorted by name: compare the RDN values from the root down.
func sortTree(ous []OU) {
	keys := make(map[string][]string, len(ous))
	for _, o := range ous {
		keys[o.DN] = treeKey(o.DN)
	}
	slices.SortStableFunc(ous, func(a, b OU) int {
		return slices.CompareFunc(keys[a.DN], keys[b.DN], func(x, y string) int {
			return strings.Compare(strings.ToLower(x), strings.ToLower(y))
		})
	})
}

func treeKey(dn string) []string {
	parsed, err := ldap.ParseDN(dn)
	if err != nil {
		return []string{dn}
	}
	key := make([]string, 0, len(parsed.RDNs))
	for i := len(parsed.RDNs) - 1; i >= 0; i-- {
		var parts []string
		for _, a := range parsed.RDNs[i].Attributes {
			parts = append(parts, a.Value)
		}
		key = append(key, strings.Join(parts, "+"))
	}
	return key
}

// HasChildOUs says whether an OU has OUs under it, asking for at most one.
func (c *Conn) HasChildOUs(ctx context.Context, dn string) (bool, error) {
	res, err := c.search(ctx, ldap.NewSearchRequest(dn, ldap.ScopeSingleLevel, ldap.NeverDerefAliases,
		1, 0, false, "(objectClass=organizationalUnit)", []string{"1.1"}, nil))
	switch {
	case ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("look for OUs under %q: %w", dn, err)
	}
	return len(res.Entries) > 0, nil
}

// ComputerCounts counts computer accounts under each of the given OUs (whole
// subtree, as an admin reads "this OU has 12 computers") with one paged
// search under base, not one per OU.
func (c *Conn) ComputerCounts(ctx context.Context, base string, ouDNs []string) (map[string]int, error) {
	counts := make(map[string]int, len(ouDNs))
	byKey := make(map[string]string, len(ouDNs))
	for _, dn := range ouDNs {
		key, err := normalizeDN(dn)
		if err != nil {
			return nil, fmt.Errorf("count computers: %w", err)
		}
		byKey[key] = dn
		counts[dn] = 0
	}
	err := c.SearchPages(ctx, base, ldap.ScopeWholeSubtree, "(objectCategory=computer)", []string{"1.1"},
		func(entries []*ldap.Entry) error {
			for _, e := range entries {
				parsed, err := ldap.ParseDN(e.DN)
				if err != nil {
					return fmt.Errorf("count computers: bad DN %q from the server: %w", e.DN, err)
				}
				// Walk up the computer's ancestors: O(depth) per computer.
				for i := 1; i < len(parsed.RDNs); i++ {
					if dn, ok := byKey[rdnsKey(parsed.RDNs[i:])]; ok {
						counts[dn]++
					}
				}
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return counts, nil
}

// normalizeDN gives a comparison key for a DN: attribute types and values
// case-folded, escaping normalized by parsing.
func normalizeDN(dn string) (string, error) {
	parsed, err := ldap.ParseDN(dn)
	if err != nil {
		return "", fmt.Errorf("bad DN %q: %w", dn, err)
	}
	return rdnsKey(parsed.RDNs), nil
}

func rdnsKey(rdns []*ldap.RelativeDN) string {
	var b strings.Builder
	for i, r := range rdns {
		if i > 0 {
			b.WriteByte(0) // never inside a value, unlike ','
		}
		for j, a := range r.Attributes {
			if j > 0 {
				b.WriteByte(1)
			}
			b.WriteString(strings.ToLower(a.Type))
			b.WriteByte('=')
			b.WriteString(strings.ToLower(a.Value))
		}
	}
	return b.String()
}

// NameLinks fills in the display name of every linked GPO with one search of
// CN=Policies. Links to GPOs that do not exist (left behind by a deletion
// that missed them) keep an empty name.
func (c *Conn) NameLinks(ctx context.Context, ous []OU) error {
	entries, err := c.SearchAll(ctx, "CN=Policies,CN=System,"+c.root.DefaultNamingContext, ldap.ScopeSingleLevel,
		"(objectClass=groupPolicyContainer)", []string{"cn", "displayName"})
	if err != nil {
		return fmt.Errorf("read GPO names: %w", err)
	}
	names := make(map[string]string, len(entries))
	for _, e := range entries {
		names[strings.ToUpper(e.GetAttributeValue("cn"))] = e.GetAttributeValue("displayName")
	}
	for i := range ous {
		for j := range ous[i].Links {
			ous[i].Links[j].Name = names[ous[i].Links[j].GUID]
		}
	}
	return nil
}
