package gpo

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/gpo/plan"
)

// Link is one link of a GPO to a container (an OU or the domain).
type Link struct {
	Container string `json:"container"`
	Enabled   bool   `json:"enabled"`
	Enforced  bool   `json:"enforced"`
	// Order is the link order on the container: 1 has the highest
	// precedence.
	Order int `json:"order"`
}

// LinkOptions say how a link should be. Nil fields keep what an existing
// link has (a new link is enabled and not enforced); Order 0 keeps the
// position (a new link gets the last one, as GPMC does).
type LinkOptions struct {
	Enabled  *bool
	Enforced *bool
	Order    int
}

// allLinks reads every gPLink of the domain's OUs and the domain root, and
// of the forest's sites (in the configuration partition, [MS-GPOL]
// 3.2.5.1.4), indexed by GPO GUID: a GPO another admin linked to a site must
// show that link, and deleting the GPO must not leave it dangling.
func (s *Session) allLinks(ctx context.Context) (map[string][]Link, error) {
	c, err := s.Dir(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := c.SearchAll(ctx, s.BaseDN(), ldap.ScopeWholeSubtree,
		"(&(|(objectClass=organizationalUnit)(objectClass=domainDNS))(gPLink=*))", []string{"gPLink"})
	if err != nil {
		return nil, fmt.Errorf("read links: %w", err)
	}
	sites, err := c.SearchAll(ctx, c.SitesDN(), ldap.ScopeSingleLevel, "(&(objectClass=site)(gPLink=*))", []string{"gPLink"})
	if err != nil {
		return nil, fmt.Errorf("read site links: %w", err)
	}
	entries = append(entries, sites...)
	out := map[string][]Link{}
	for _, e := range entries {
		links, err := domain.ParseGPLink(e.GetAttributeValue("gPLink"))
		if err != nil {
			// One damaged gPLink must not hide every other link.
			continue
		}
		for _, l := range links {
			out[l.GUID] = append(out[l.GUID], Link{Container: e.DN, Enabled: l.Enabled, Enforced: l.Enforced, Order: l.Order})
		}
	}
	for k := range out {
		slices.SortFunc(out[k], func(a, b Link) int { return strings.Compare(a.Container, b.Container) })
	}
	return out, nil
}

// container is a link target as read for a change: its raw gPLink (the
// optimistic modify deletes exactly this value) and gPOptions.
type container struct {
	DN        string
	GPLink    string
	GPOptions string
	Links     []domain.GPLink
	IsSite    bool
}

func (s *Session) readContainer(ctx context.Context, dn string) (container, error) {
	c, err := s.Dir(ctx)
	if err != nil {
		return container{}, err
	}
	e, err := c.Read(ctx, dn, []string{"gPLink", "gPOptions", "objectClass"})
	if err != nil {
		if domain.IsNoSuchObject(err) {
			return container{}, &domain.NotFoundError{Kind: domain.KindOU, Name: dn}
		}
		return container{}, err
	}
	// GPOs link to OUs, the domain and sites, the scopes of management of
	// [MS-GPOL] 3.2.5.1.4-3.2.5.1.5.
	classes := e.GetAttributeValues("objectClass")
	is := func(class string) bool {
		return slices.ContainsFunc(classes, func(c string) bool { return strings.EqualFold(c, class) })
	}
	if !is("organizationalUnit") && !is("domainDNS") && !is("site") {
		return container{}, fmt.Errorf("%q is not an OU, the domain or a site: GPOs can be linked only there", dn)
	}
	ct := container{DN: e.DN, GPLink: e.GetAttributeValue("gPLink"), GPOptions: e.GetAttributeValue("gPOptions"), IsSite: is("site")}
	if ct.Links, err = domain.ParseGPLink(ct.GPLink); err != nil {
		return container{}, fmt.Errorf("%s: %w; fix or clear the gPLink attribute first", dn, err)
	}
	return ct, nil
}

// linkDN is the GPO path as GPMC writes it into gPLink.
func (s *Session) linkDN(guid string) string {
	return "cn=" + guid + ",cn=policies,cn=system," + s.BaseDN()
}

// linkStep changes a container's gPLink from what was read to links.
func (s *Session) linkStep(ct container, links []domain.GPLink) plan.Step {
	st := s.modifyAttrs(ct.DN, attrChange{Attr: "gPLink", Old: ct.GPLink, New: domain.FormatGPLink(links)})
	st.Effect = linkEffect(ct.Links, links)
	return st
}

// linkEffect classifies a gPLink change: a link that is new, enabled or
// enforced now, or a new link order (precedence, [MS-GPOL] 3.2.5.1.4),
// widens; only removed, disabled or no longer enforced links narrow.
func linkEffect(old, next []domain.GPLink) plan.Effect {
	find := func(ls []domain.GPLink, guid string) int {
		return slices.IndexFunc(ls, func(l domain.GPLink) bool { return strings.EqualFold(l.GUID, guid) })
	}
	narrows := false
	var kept []string // GUIDs in both, in the new order
	for _, n := range next {
		at := find(old, n.GUID)
		if at < 0 {
			if n.Enabled {
				return plan.Widens
			}
			continue
		}
		o := old[at]
		if (n.Enabled && !o.Enabled) || (n.Enforced && !o.Enforced) {
			return plan.Widens
		}
		narrows = narrows || (!n.Enabled && o.Enabled) || (!n.Enforced && o.Enforced)
		kept = append(kept, n.GUID)
	}
	prev := -1
	for _, g := range kept {
		at := find(old, g)
		if at < prev {
			return plan.Widens // the same links in another order
		}
		prev = at
	}
	narrows = narrows || len(kept) < len(old)
	if narrows {
		return plan.Narrows
	}
	return plan.Prepares
}

// withLink returns the container's links with guid linked as opts says,
// and whether anything changed.
func (s *Session) withLink(ct container, guid string, opts LinkOptions) ([]domain.GPLink, bool, error) {
	links := slices.Clone(ct.Links)
	at := slices.IndexFunc(links, func(l domain.GPLink) bool { return strings.EqualFold(l.GUID, guid) })
	var l domain.GPLink
	if at < 0 {
		l = domain.GPLink{GPODN: s.linkDN(guid), GUID: guid, Enabled: true}
	} else {
		l = links[at]
		links = slices.Delete(links, at, at+1)
	}
	if opts.Enabled != nil {
		l.Enabled = *opts.Enabled
	}
	if opts.Enforced != nil {
		l.Enforced = *opts.Enforced
	}
	pos := len(links) // new links: last in link order
	if at >= 0 {
		pos = at
	}
	if opts.Order > 0 {
		if opts.Order > len(links)+1 {
			return nil, false, fmt.Errorf("link order %d on %s: there are only %d links there, so 1..%d", opts.Order, ct.DN, len(links)+1, len(links)+1)
		}
		pos = opts.Order - 1
	}
	links = slices.Insert(links, pos, l)
	for i := range links {
		links[i].Order = i + 1
	}
	return links, domain.FormatGPLink(links) != domain.FormatGPLink(ct.Links) || at < 0, nil
}

// LinkPlan links a GPO to an OU or the domain, or changes an existing
// link (enabled, enforced, order).
func (s *Session) LinkPlan(ctx context.Context, ref, containerDN string, opts LinkOptions) (*plan.Plan, error) {
	g, err := s.Find(ctx, ref)
	if err != nil {
		return nil, err
	}
	ct, err := s.readContainer(ctx, containerDN)
	if err != nil {
		return nil, err
	}
	links, changed, err := s.withLink(ct, g.GUID, opts)
	if err != nil {
		return nil, err
	}
	p := s.newPlan(fmt.Sprintf("link %q %s to %s", g.Name, g.GUID, ct.DN))
	if changed {
		p.Add(s.linkStep(ct, links))
	}
	return p, nil
}

// UnlinkPlan removes a GPO's link from a container.
func (s *Session) UnlinkPlan(ctx context.Context, ref, containerDN string) (*plan.Plan, error) {
	g, err := s.Find(ctx, ref)
	if err != nil {
		return nil, err
	}
	ct, err := s.readContainer(ctx, containerDN)
	if err != nil {
		return nil, err
	}
	p := s.newPlan(fmt.Sprintf("unlink %q %s from %s", g.Name, g.GUID, ct.DN))
	kept := slices.DeleteFunc(slices.Clone(ct.Links), func(l domain.GPLink) bool { return strings.EqualFold(l.GUID, g.GUID) })
	if len(kept) == len(ct.Links) {
		p.Note("%s is not linked to %s: nothing to do", g.Name, ct.DN)
		return p, nil
	}
	p.Add(s.linkStep(ct, kept))
	return p, nil
}

// unlinkEverywhere are the steps that remove every link of guid.
func (s *Session) unlinkEverywhere(ctx context.Context, guid string) ([]plan.Step, error) {
	all, err := s.allLinks(ctx)
	if err != nil {
		return nil, err
	}
	var steps []plan.Step
	for _, l := range all[guid] {
		ct, err := s.readContainer(ctx, l.Container)
		if err != nil {
			return nil, err
		}
		kept := slices.DeleteFunc(slices.Clone(ct.Links), func(x domain.GPLink) bool { return strings.EqualFold(x.GUID, guid) })
		steps = append(steps, s.linkStep(ct, kept))
	}
	return steps, nil
}

// BlockInheritancePlan sets or clears Block Inheritance on an OU
// (gPOptions bit 0x1, [MS-GPOL] 2.2.2), keeping any other bits.
func (s *Session) BlockInheritancePlan(ctx context.Context, ouDN string, block bool) (*plan.Plan, error) {
	ct, err := s.readContainer(ctx, ouDN)
	if err != nil {
		return nil, err
	}
	if ct.IsSite {
		// Nothing is above a site to block ([MS-GPOL] 2.2.2 defines the
		// bit for OUs and the domain).
		return nil, fmt.Errorf("%s is a site: Block Inheritance is set on an OU or the domain", ct.DN)
	}
	cur, _ := strconv.Atoi(ct.GPOptions)
	next := cur &^ 1
	if block {
		next |= 1
	}
	word := map[bool]string{true: "on", false: "off"}[block]
	p := s.newPlan(fmt.Sprintf("Block Inheritance %s on %s", word, ct.DN))
	if cur == next {
		p.Note("Block Inheritance is already %s on %s", word, ct.DN)
		return p, nil
	}
	st := s.modifyAttrs(ct.DN, attrChange{Attr: "gPOptions", Old: ct.GPOptions, New: strconv.Itoa(next)})
	// Blocking keeps the GPOs above from the OU; clearing lets them in.
	st.Effect = map[bool]plan.Effect{true: plan.Narrows, false: plan.Widens}[block]
	p.Add(st)
	if block {
		p.Note("GPOs linked above %s no longer apply to it unless their link is enforced", ct.DN)
	}
	return p, nil
}

// newPlan starts a plan whose rollback reconnects first.
func (s *Session) newPlan(title string) *plan.Plan {
	p := plan.New(title)
	p.BeforeUndo = s.recoverAfterFailure
	return p
}
