package domain

import (
	"testing"

	"github.com/go-ldap/ldap/v3"
)

func TestEscapeDNValueRoundTrips(t *testing.T) {
	cases := map[string]string{
		"plain":             "plain",
		"Бухгалтерия":       "Бухгалтерия",
		"a,b+c":             `a\,b\+c`,
		`back\slash`:        `back\\slash`,
		"*)(objectClass=*":  `*)(objectClass\=*`,
		"#hash":             `\#hash`,
		" lead and trail ":  `\ lead and trail\ `,
		`q"uote<a>;`:        `q\"uote\<a\>\;`,
		"nul\x00byte":       `nul\00byte`,
		"mid # and mid  sp": "mid # and mid  sp",
	}
	for in, want := range cases {
		got := EscapeDNValue(in)
		if got != want {
			t.Errorf("EscapeDNValue(%q) = %q, want %q", in, got, want)
			continue
		}
		dn, err := ldap.ParseDN("OU=" + got + ",DC=cti,DC=test")
		if err != nil {
			t.Errorf("ParseDN of escaped %q: %v", in, err)
			continue
		}
		if v := dn.RDNs[0].Attributes[0].Value; v != in {
			t.Errorf("round trip of %q gave %q", in, v)
		}
	}
}
