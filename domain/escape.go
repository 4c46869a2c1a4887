package domain

import (
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// EscapeDNValue escapes an attribute value for use in a DN (RFC 4514 2.4).
// Beyond the characters RFC 4514 requires, it escapes '=', which Samba's DN
// parser otherwise rejects and AD itself escapes in the DNs it returns.
func EscapeDNValue(v string) string {
	if v == "" {
		return ""
	}
	var b strings.Builder
	for i, r := range v {
		switch {
		case r == 0:
			b.WriteString(`\00`)
			continue
		case (i == 0 && (r == ' ' || r == '#')) || (i == len(v)-1 && r == ' '):
			b.WriteByte('\\')
		case strings.ContainsRune(`"+,;<>\=`, r):
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// EscapeFilterValue escapes a value for an LDAP filter (RFC 4515 3):
// '*', '(', ')', '\', NUL and non-ASCII bytes become \hh.
func EscapeFilterValue(v string) string { return ldap.EscapeFilter(v) }
