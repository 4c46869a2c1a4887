package secdesc

import (
	"bytes"
	"testing"
)

// FuzzParseSDDL: ParseSDDL never panics; what it accepts encodes, renders
// to SDDL that parses to the same binary, and decodes back to the same
// descriptor. Seeds: testdata/corpus.sddl and the SDDL of the golden
// corpus.
func FuzzParseSDDL(f *testing.F) {
	for _, c := range readCorpusSDDL(f) {
		f.Add(c.sddl)
	}
	for _, e := range readGolden(f) {
		f.Add(e.sddl)
	}
	dom := testDomain()
	f.Fuzz(func(t *testing.T, text string) {
		sd, err := ParseSDDL(text, dom)
		if err != nil {
			return
		}
		enc, err := sd.Encode()
		if err != nil {
			// Only descriptors too large for the 16-bit size fields.
			return
		}
		rendered := sd.SDDL(dom)
		again, err := ParseSDDL(rendered, dom)
		if err != nil {
			t.Fatalf("ParseSDDL(%q) rendered %q, which does not parse: %v", text, rendered, err)
		}
		enc2, err := again.Encode()
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("%q rendered as %q encodes differently (err %v)\n got %x\nwant %x", text, rendered, err, enc2, enc)
		}
		dec, err := Decode(enc)
		if err != nil {
			t.Fatalf("Decode of the encoding of %q: %v", text, err)
		}
		if dec.SDDL(dom) != rendered {
			t.Fatalf("%q: decoded binary renders %q, parsed renders %q", text, dec.SDDL(dom), rendered)
		}
	})
}
