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
		// What SDDL can say survives rendering and parsing.
		text := sd.SDDL(testDomain())
		back, err := ParseSDDL(text, testDomain())
		if err != nil {
			t.Fatalf("ParseSDDL(our own %q): %v", text, err)
		}
		if want, got := sddlContent(sd), sddlContent(back); !sameContent(want, got) {
			t.Fatalf("SDDL %q does not parse back to the descriptor\nwant %+v\n got %+v", text, want, got)
		}
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

// sddlContent returns a copy of sd without what SDDL does not carry:
// control bits other than present/P/AR/AI (and those of an ACL that is not
// rendered), Sbz fields, ACL revisions (recomputed) and trailers, unknown
// object ACE flags and filler after the SID of ACEs that SDDL writes
// field by field.
func sddlContent(sd *SecurityDescriptor) *SecurityDescriptor {
	c := &SecurityDescriptor{Revision: sd.Revision, Control: SelfRelative, Owner: sd.Owner, Group: sd.Group}
	if sd.DACL != nil || sd.Control&DACLPresent != 0 {
		c.Control |= DACLPresent | sd.Control&dACLControlSDDLFlags
		c.DACL = aclSDDLContent(sd.DACL)
	}
	if sd.SACL != nil || sd.Control&SACLPresent != 0 {
		c.Control |= SACLPresent | sd.Control&sACLControlSDDLFlags
		c.SACL = aclSDDLContent(sd.SACL)
	}
	return c
}

// aclSDDLContent is sddlContent for one ACL.
func aclSDDLContent(acl *ACL) *ACL {
	if acl == nil {
		return nil
	}
	aces := make([]ACE, 0, len(acl.ACEs))
	for _, a := range acl.ACEs {
		if _, hasToken := aceTypeSDDL(a.Type); hasToken {
			a.ObjectFlags = a.objectFlagsOnWire() & (ObjectTypePresent | InheritedObjectTypePresent)
			if !a.Type.IsCallback() && a.Type != SystemResourceAttribute {
				a.ExtraData = nil
			}
		}
		aces = append(aces, a)
	}
	return NewACL(aces...)
}

// sameContent compares two descriptors ignoring the recorded layout.
func sameContent(a, b *SecurityDescriptor) bool {
	x, y := *a, *b
	x.found, y.found = nil, nil
	return reflect.DeepEqual(x, y)
}
