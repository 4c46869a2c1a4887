package domain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// GPLink is one entry of a container's gPLink attribute: a GPO linked to an
// OU, the domain or a site ([MS-GPOL] 2.2.2).
type GPLink struct {
	// GPODN is the DN of the groupPolicyContainer, as stored in the link.
	GPODN string `json:"gpoDN"`
	// GUID is the GPO's "{GUID}" name, upper-cased.
	GUID string `json:"gpo"`
	// Name is the GPO's display name when the caller resolved it
	// (NameLinks); a link to a GPO that no longer exists keeps it empty.
	Name string `json:"gpoName,omitempty"`
	// Enabled is false when the link is disabled (option bit 0x1).
	Enabled bool `json:"enabled"`
	// Enforced is true when the link is enforced, "No Override" (option bit 0x2).
	Enforced bool `json:"enforced"`
	// Order is GPMC's link order on this container: 1 has the highest
	// precedence.
	Order int `json:"order"`
}

// gPLink option bits ([MS-GPOL] 2.2.2).
const (
	linkOptionDisabled = 0x1
	linkOptionEnforced = 0x2
)

// ParseGPLink splits a gPLink value, "[LDAP://<gpo dn>;<options>]..." into
// links, in link order (Order 1 first). Entries are stored from lowest to highest precedence: GPMC and
// samba-tool put a new link (which gets the last link order) at the front of
// the string, so the last entry has link order 1. Malformed entries are an
// error that quotes them; an empty value is no links.
func ParseGPLink(value string) ([]GPLink, error) {
	value = strings.TrimSpace(value)
	if value == "" || value == " " {
		return nil, nil
	}
	var links []GPLink
	rest := value
	for rest != "" {
		if rest[0] != '[' {
			return nil, fmt.Errorf("gPLink %q: expected '[' at %q", value, rest)
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return nil, fmt.Errorf("gPLink %q: unterminated entry %q", value, rest)
		}
		entry := rest[1:end]
		rest = strings.TrimSpace(rest[end+1:])

		semi := strings.LastIndexByte(entry, ';')
		if semi < 0 {
			return nil, fmt.Errorf("gPLink entry %q: no ';<options>'", entry)
		}
		path, optText := entry[:semi], entry[semi+1:]
		opts, err := strconv.ParseUint(strings.TrimSpace(optText), 10, 32)
		if err != nil {
			return nil, fmt.Errorf("gPLink entry %q: options %q are not a number", entry, optText)
		}
		if len(path) < len("LDAP://") || !strings.EqualFold(path[:len("LDAP://")], "LDAP://") {
			return nil, fmt.Errorf("gPLink entry %q: path does not start with LDAP://", entry)
		}
		dn := path[len("LDAP://"):]
		guid, err := gpoGUIDFromDN(dn)
		if err != nil {
			return nil, fmt.Errorf("gPLink entry %q: %w", entry, err)
		}
		links = append(links, GPLink{
			GPODN:    dn,
			GUID:     guid,
			Enabled:  opts&linkOptionDisabled == 0,
			Enforced: opts&linkOptionEnforced != 0,
		})
	}
	// Return them in link order, highest precedence first, as GPMC lists them.
	slices.Reverse(links)
	for i := range links {
		links[i].Order = i + 1
	}
	return links, nil
}

// FormatGPLink is the inverse of ParseGPLink: links are given in link order
// (Order 1 first) and written lowest precedence first.
func FormatGPLink(links []GPLink) string {
	var b strings.Builder
	for i := len(links) - 1; i >= 0; i-- {
		l := links[i]
		opts := 0
		if !l.Enabled {
			opts |= linkOptionDisabled
		}
		if l.Enforced {
			opts |= linkOptionEnforced
		}
		fmt.Fprintf(&b, "[LDAP://%s;%d]", l.GPODN, opts)
	}
	return b.String()
}

// gpoGUIDFromDN returns "{GUID}" from "cn={guid},cn=policies,...".
func gpoGUIDFromDN(dn string) (string, error) {
	parsed, err := ldap.ParseDN(dn)
	if err != nil {
		return "", fmt.Errorf("GPO DN %q: %w", dn, err)
	}
	if len(parsed.RDNs) == 0 || len(parsed.RDNs[0].Attributes) != 1 ||
		!strings.EqualFold(parsed.RDNs[0].Attributes[0].Type, "cn") {
		return "", fmt.Errorf("GPO DN %q does not start with CN={GUID}", dn)
	}
	cn := parsed.RDNs[0].Attributes[0].Value
	if len(cn) != 38 || cn[0] != '{' || cn[37] != '}' {
		return "", fmt.Errorf("GPO DN %q: %q is not a {GUID}", dn, cn)
	}
	return strings.ToUpper(cn), nil
}
