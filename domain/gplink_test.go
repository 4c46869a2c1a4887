package domain

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseGPLink(t *testing.T) {
	const a = "cn={31B2F340-016D-11D2-945F-00C04FB984F9},cn=policies,cn=system,DC=cti,DC=test"
	const b = "CN={6ac1786c-016f-11d2-945f-00c04fb984f9},CN=Policies,CN=System,DC=cti,DC=test"
	cases := []struct {
		name  string
		value string
		want  []GPLink
		err   string
	}{
		{name: "empty", value: ""},
		{name: "single space (what AD leaves after the last unlink)", value: " "},
		{name: "one enabled link", value: "[LDAP://" + a + ";0]", want: []GPLink{
			{GPODN: a, GUID: "{31B2F340-016D-11D2-945F-00C04FB984F9}", Enabled: true, Order: 1}}},
		{name: "disabled then enforced: the last entry has order 1", value: "[LDAP://" + a + ";1][ldap://" + b + ";2]", want: []GPLink{
			{GPODN: b, GUID: "{6AC1786C-016F-11D2-945F-00C04FB984F9}", Enabled: true, Enforced: true, Order: 1},
			{GPODN: a, GUID: "{31B2F340-016D-11D2-945F-00C04FB984F9}", Enabled: false, Order: 2}}},
		{name: "disabled and enforced", value: "[LDAP://" + a + ";3]", want: []GPLink{
			{GPODN: a, GUID: "{31B2F340-016D-11D2-945F-00C04FB984F9}", Enabled: false, Enforced: true, Order: 1}}},
		{name: "no brackets", value: "LDAP://" + a + ";0", err: "expected '['"},
		{name: "unterminated", value: "[LDAP://" + a + ";0", err: "unterminated"},
		{name: "no options", value: "[LDAP://" + a + "]", err: "no ';<options>'"},
		{name: "options not a number", value: "[LDAP://" + a + ";x]", err: "not a number"},
		{name: "not an LDAP path", value: "[" + a + ";0]", err: "LDAP://"},
		{name: "not a GPO DN", value: "[LDAP://OU=x,DC=cti,DC=test;0]", err: "CN={GUID}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseGPLink(c.value)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestFormatGPLinkRoundTrip(t *testing.T) {
	value := "[LDAP://cn={31B2F340-016D-11D2-945F-00C04FB984F9},cn=policies,cn=system,DC=cti,DC=test;1]" +
		"[LDAP://cn={6AC1786C-016F-11D2-945F-00C04FB984F9},cn=policies,cn=system,DC=cti,DC=test;2]"
	links, err := ParseGPLink(value)
	if err != nil {
		t.Fatal(err)
	}
	if got := FormatGPLink(links); got != value {
		t.Fatalf("FormatGPLink = %q, want %q", got, value)
	}
}
