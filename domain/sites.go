package domain

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// Site is an Active Directory site: a scope of management above the domain
// whose GPO links apply to the computers located in it ([MS-GPOL] 3.2.5.1.4).
type Site struct {
	DN   string `json:"dn"`
	Name string `json:"name"`
	// Links are the GPOs linked to the site, in link order.
	Links []GPLink `json:"links"`
	// Subnets are the site's subnet objects' names in CIDR notation
	// ("10.1.0.0/16"), sorted.
	Subnets []string `json:"subnets"`
}

// SitesDN is the container of the site and subnet objects
// ([MS-ADTS] 6.1.1.2.2: CN=Sites under the configuration naming context).
func (c *Conn) SitesDN() string {
	return "CN=Sites," + c.root.ConfigurationNamingContext
}

// Sites reads every site of the forest with its GPO links and subnets.
// Subnets live in CN=Subnets,CN=Sites and name their site in siteObject
// ([MS-ADTS] 6.1.1.2.2.2).
func (c *Conn) Sites(ctx context.Context) ([]Site, error) {
	entries, err := c.SearchAll(ctx, c.SitesDN(), ldap.ScopeWholeSubtree,
		"(|(objectClass=site)(objectClass=subnet))", []string{"cn", "objectClass", "gPLink", "siteObject"})
	if err != nil {
		return nil, fmt.Errorf("read sites under %s: %w", c.SitesDN(), err)
	}
	var sites []Site
	bySite := map[string]int{}
	type subnet struct{ name, siteDN string }
	var subnets []subnet
	for _, e := range entries {
		classes := e.GetAttributeValues("objectClass")
		switch {
		case slices.ContainsFunc(classes, func(s string) bool { return strings.EqualFold(s, "site") }):
			links, err := ParseGPLink(e.GetAttributeValue("gPLink"))
			if err != nil {
				return nil, fmt.Errorf("site %s: %w", e.DN, err)
			}
			if links == nil {
				links = []GPLink{}
			}
			key, err := normalizeDN(e.DN)
			if err != nil {
				return nil, fmt.Errorf("site %s: %w", e.DN, err)
			}
			bySite[key] = len(sites)
			sites = append(sites, Site{DN: e.DN, Name: e.GetAttributeValue("cn"), Links: links, Subnets: []string{}})
		default:
			subnets = append(subnets, subnet{e.GetAttributeValue("cn"), e.GetAttributeValue("siteObject")})
		}
	}
	for _, sn := range subnets {
		if sn.siteDN == "" {
			continue // a subnet not yet assigned to a site places nobody
		}
		key, err := normalizeDN(sn.siteDN)
		if err != nil {
			continue
		}
		if i, ok := bySite[key]; ok {
			sites[i].Subnets = append(sites[i].Subnets, sn.name)
		}
	}
	for i := range sites {
		slices.Sort(sites[i].Subnets)
	}
	slices.SortFunc(sites, func(a, b Site) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return sites, nil
}

// SiteOfIP finds the site an address belongs to the way a DC answers a
// client's DsrGetSiteName ([MS-NRPC] 3.5.4.3.6, [MS-ADTS] 6.3.3): the subnet
// with the longest prefix containing the address wins. ok is false when no
// subnet contains it.
func SiteOfIP(sites []Site, ip netip.Addr) (site Site, subnet string, ok bool) {
	best := -1
	ip = ip.Unmap()
	for _, s := range sites {
		for _, sn := range s.Subnets {
			p, err := netip.ParsePrefix(sn)
			if err != nil || !p.Contains(ip) {
				continue
			}
			if p.Bits() > best {
				best, site, subnet, ok = p.Bits(), s, sn, true
			}
		}
	}
	return site, subnet, ok
}
