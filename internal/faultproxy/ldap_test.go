package faultproxy

import (
	"slices"
	"strings"
	"testing"

	ber "github.com/go-asn1-ber/asn1-ber"
)

// ldapMsg encodes an LDAP message with asn1-ber (go-ldap's encoder): id,
// an operation, and optionally a paged-results control with cookie.
func ldapMsg(id int64, op *ber.Packet, cookie string) []byte {
	m := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "LDAPMessage")
	m.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, id, "id"))
	m.AppendChild(op)
	if cookie != "" {
		controls := ber.Encode(ber.ClassContext, ber.TypeConstructed, 0, nil, "Controls")
		c := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "Control")
		c.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "1.2.840.113556.1.4.319", "type"))
		c.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, cookie, "value"))
		controls.AppendChild(c)
		m.AppendChild(controls)
	}
	return m.Bytes()
}

func search(base string) *ber.Packet {
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, 3, nil, "Search")
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, base, "base"))
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, 2, "scope"))
	return op
}

func add(dn, value string) *ber.Packet {
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, 8, nil, "Add")
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, dn, "dn"))
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, value, "attrs"))
	return op
}

func TestLDAPClassifierPagesShareAKindAddsDoNot(t *testing.T) {
	c := NewLDAPClassifier()
	page1 := ldapMsg(5, search("CN=Policies,DC=cti,DC=test"), "cookie-1")
	page2 := ldapMsg(6, search("CN=Policies,DC=cti,DC=test"), "cookie-22")
	other := ldapMsg(7, search("DC=cti,DC=test"), "")
	add1 := ldapMsg(8, add("CN=a,DC=cti,DC=test", "x"), "")
	big := ldapMsg(9, add("CN=b,DC=cti,DC=test", strings.Repeat("v", 100<<10)), "")
	kinds := []string{c.Kind(page1), c.Kind(page2), c.Kind(other), c.Kind(add1)}
	if kinds[0] != kinds[1] || !strings.HasPrefix(kinds[0], "search ") {
		t.Errorf("pages of one search: %q", kinds[:2])
	}
	if kinds[2] == kinds[0] || kinds[3] == kinds[0] || !strings.HasPrefix(kinds[3], "add ") {
		t.Errorf("different operations share a kind: %q", kinds)
	}
	// A message split across reads, header split too: every piece is
	// named by it, and the stream stays in step afterwards.
	var got []string
	for _, piece := range [][]byte{big[:3], big[3 : 64<<10], big[64<<10:], add1} {
		got = append(got, c.Kind(piece))
	}
	if got[1] != got[2] || !strings.HasPrefix(got[1], "add") || got[3] != kinds[3] {
		t.Errorf("split message: %q", got)
	}
	// Two messages in one read: the first names the chunk, the second
	// does not throw off the next one.
	if k := c.Kind(slices.Concat(page1, add1)); k != kinds[0] {
		t.Errorf("two in one: %q", k)
	}
	if k := c.Kind(page2); k != kinds[1] {
		t.Errorf("after two in one: %q", k)
	}
}
