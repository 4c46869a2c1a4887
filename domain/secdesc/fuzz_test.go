package secdesc

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzDecode: Decode never panics; whatever it accepts encodes, and the
// encoding decodes to the same descriptor and encodes to the same bytes.
// Input Decode accepts with non-overlapping parts must round-trip byte for
// byte. Seeds: testdata/fuzz/FuzzDecode plus the golden corpus.
func FuzzDecode(f *testing.F) {
	for _, e := range readGolden(f) {
		f.Add(e.raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		sd, err := Decode(raw)
		if err != nil {
			return
		}
		_ = sd.SDDL(testDomain())
		enc, err := sd.Encode()
		if err != nil {
			// Only sizes past the 16-bit fields can fail, and decoded
			// sizes always fit.
			t.Fatalf("Encode of a decoded descriptor: %v", err)
		}
		if sd.found != nil && !bytes.Equal(enc, raw) {
			t.Fatalf("round trip differs\n got %x\nwant %x", enc, raw)
		}
		again, err := Decode(enc)
		if err != nil {
			t.Fatalf("Decode of our own encoding %x: %v", enc, err)
		}
		if !sameContent(sd, again) {
			t.Fatalf("decode→encode→decode changed the descriptor\nfirst  %+v\nsecond %+v", sd, again)
		}
		enc2, err := again.Encode()
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("second encode differs (err %v)\n got %x\nwant %x", err, enc2, enc)
		}
	})
}

// sameContent compares two descriptors ignoring the recorded layout.
func sameContent(a, b *SecurityDescriptor) bool {
	x, y := *a, *b
	x.found, y.found = nil, nil
	return reflect.DeepEqual(x, y)
}
