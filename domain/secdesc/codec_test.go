package secdesc

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestDecodeRoundTrip decodes hand-built descriptors with every kind of
// irregularity the codec must preserve and checks both the decoded fields
// and the byte-exact re-encoding.
func TestDecodeRoundTrip(t *testing.T) {
	allowSY := rawACE(0x00, 0x00, 0, "00000010", hexSY)
	tests := []struct {
		name  string
		raw   []byte
		check func(t *testing.T, sd *SecurityDescriptor)
	}{
		{
			name: "windows layout: SACL, DACL, owner, group",
			raw: rawSD(0x8014, []rawPart{
				{part: PartSACL, bytes: rawACL(2, -1, -1, [][]byte{rawACE(0x02, 0x40, 0, "00000010", hexWD)}, "")},
				{part: PartDACL, bytes: rawACL(2, -1, -1, [][]byte{allowSY}, "")},
				{part: PartOwner, bytes: unhex(hexSY)},
				{part: PartGroup, bytes: unhex(hexBA)},
			}, ""),
			check: func(t *testing.T, sd *SecurityDescriptor) {
				if got := sd.String(); got != "O:SYG:BAD:(A;;GA;;;SY)S:(AU;SA;GA;;;WD)" {
					t.Errorf("SDDL = %s", got)
				}
			},
		},
		{
			name: "samba layout with gaps and a tail",
			raw: rawSD(0x8004, []rawPart{
				{part: PartOwner, gap: "deadbeef", bytes: unhex(hexBA)},
				{part: PartGroup, gap: "00", bytes: unhex(hexBA)},
				{part: PartDACL, gap: "000000", bytes: rawACL(2, -1, -1, [][]byte{allowSY}, "")},
			}, "cafe"),
			check: func(t *testing.T, sd *SecurityDescriptor) {
				if sd.Owner.String() != "S-1-5-32-544" || len(sd.DACL.ACEs) != 1 {
					t.Errorf("decoded %s", sd)
				}
			},
		},
		{
			name: "ACE padding and ACL trailer, revision and Sbz kept",
			raw: rawSD(0x8004, []rawPart{{part: PartDACL, bytes: func() []byte {
				acl := rawACL(4, -1, -1, [][]byte{rawACE(0x00, 0x02, 0, "00000010", hexSY, "00000000")}, "0102030405")
				acl[1], acl[6], acl[7] = 0x7f, 0x11, 0x22
				return acl
			}()}}, ""),
			check: func(t *testing.T, sd *SecurityDescriptor) {
				acl := sd.DACL
				if acl.Revision != 4 || acl.Sbz1 != 0x7f || acl.Sbz2 != 0x2211 {
					t.Errorf("ACL header = rev %d sbz1 %#x sbz2 %#x", acl.Revision, acl.Sbz1, acl.Sbz2)
				}
				if !bytes.Equal(acl.Trailer, unhex("0102030405")) || !bytes.Equal(acl.ACEs[0].ExtraData, unhex("00000000")) {
					t.Errorf("trailer %x, ACE extra %x", acl.Trailer, acl.ACEs[0].ExtraData)
				}
			},
		},
		{
			name: "object ACEs: both GUIDs, inherited only, none, unknown flag bit",
			raw: rawSD(0x8004, []rawPart{{part: PartDACL, bytes: rawACL(4, -1, -1, [][]byte{
				rawACE(0x05, 0x02, 0, "00010000", "03000000", hexApplyGP, "867a96bfe60dd011a28500aa003049e2", hexAU),
				rawACE(0x06, 0x0a, 0, "10000000", "02000000", "867a96bfe60dd011a28500aa003049e2", hexWD),
				rawACE(0x05, 0x00, 0, "00010000", "00000000", hexAU),
				rawACE(0x07, 0x40, 0, "20000000", "05000000", hexApplyGP, hexWD),
			}, "")}}, ""),
			check: func(t *testing.T, sd *SecurityDescriptor) {
				want := "D:(OA;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;bf967a86-0de6-11d0-a285-00aa003049e2;AU)" +
					"(OD;CIIO;RP;;bf967a86-0de6-11d0-a285-00aa003049e2;WD)(OA;;CR;;;AU)(OU;SA;WP;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;WD)"
				if got := sd.String(); got != want {
					t.Errorf("SDDL\n got %s\nwant %s", got, want)
				}
				if sd.DACL.ACEs[3].ObjectFlags != 5 {
					t.Errorf("object flags = %#x, want 5 kept", sd.DACL.ACEs[3].ObjectFlags)
				}
			},
		},
		{
			name: "callback ACE with a conditional expression, and unknown ACE types",
			raw: rawSD(0x8004, []rawPart{{part: PartDACL, bytes: rawACL(2, -1, -1, [][]byte{
				rawACE(0x09, 0x00, 0, "a9001200", hexAU, "61727478", "f8000000"), // "artx" + Exists-like opcode + pad
				rawACE(0x14, 0x03, 0, "0102030405060708"),
				rawACE(0xee, 0x00, 0, ""),
				rawACE(0x12, 0x00, 0, "00000000", hexWD, "0000000000000000"),
			}, "")}}, ""),
			check: func(t *testing.T, sd *SecurityDescriptor) {
				aces := sd.DACL.ACEs
				if !bytes.Equal(aces[0].ExtraData, unhex("61727478f8000000")) || aces[0].SID.String() != "S-1-5-11" {
					t.Errorf("callback ACE = %+v", aces[0])
				}
				if !bytes.Equal(aces[1].Body, unhex("0102030405060708")) || aces[2].Body != nil {
					t.Errorf("opaque ACEs = %+v %+v", aces[1], aces[2])
				}
				got := sd.String()
				want := "D:(XA;;0x1200a9;;;AU;#61727478f8000000)(0x14;OICI;#0102030405060708)(0xEE;;#)(RA;;;;;WD;#0000000000000000)"
				if got != want {
					t.Errorf("SDDL\n got %s\nwant %s", got, want)
				}
				back, err := ParseSDDL(got, SID{})
				if err != nil {
					t.Fatalf("ParseSDDL(%s): %v", got, err)
				}
				enc, _ := back.Encode()
				orig, _ := sd.EncodeLayout(WindowsLayout())
				if !bytes.Equal(enc, orig) {
					t.Errorf("SDDL extension forms do not round-trip\n got %x\nwant %x", enc, orig)
				}
			},
		},
		{
			name: "NULL DACL: present flag, no offset",
			raw:  rawSD(0x8004, nil, ""),
			check: func(t *testing.T, sd *SecurityDescriptor) {
				if !sd.HasNullDACL() || sd.String() != "D:NO_ACCESS_CONTROL" {
					t.Errorf("HasNullDACL %v, SDDL %s", sd.HasNullDACL(), sd)
				}
			},
		},
		{
			name: "empty descriptor with resource manager bits",
			raw:  func() []byte { b := rawSD(0xc000, nil, ""); b[1] = 0x5a; return b }(),
			check: func(t *testing.T, sd *SecurityDescriptor) {
				if sd.Sbz1 != 0x5a || sd.Control != RMControlValid|SelfRelative || sd.String() != "" {
					t.Errorf("decoded %+v", sd)
				}
			},
		},
		{
			name: "DACL with zero ACEs and DACL pointer without the present flag",
			raw:  rawSD(0x8000, []rawPart{{part: PartDACL, bytes: rawACL(2, -1, -1, nil, "")}}, ""),
			check: func(t *testing.T, sd *SecurityDescriptor) {
				if sd.DACL == nil || len(sd.DACL.ACEs) != 0 || sd.String() != "D:" {
					t.Errorf("decoded %s", sd)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sd, err := Decode(tt.raw)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			tt.check(t, sd)
			enc, err := sd.Encode()
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if !bytes.Equal(enc, tt.raw) {
				t.Fatalf("round trip differs\n got %x\nwant %x", enc, tt.raw)
			}
		})
	}
}

// TestDecodeOverlappingParts: owner and group sharing bytes decode, and
// re-encode in Windows layout to an equivalent descriptor.
func TestDecodeOverlappingParts(t *testing.T) {
	raw := rawSD(0x8000, []rawPart{{part: PartOwner, bytes: unhex(hexSY)}}, "")
	copy(raw[8:12], raw[4:8]) // group offset = owner offset
	sd, err := Decode(raw)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if sd.String() != "O:SYG:SY" {
		t.Fatalf("SDDL = %s", sd)
	}
	enc, err := sd.Encode()
	if err != nil {
		t.Fatal(err)
	}
	want := rawSD(0x8000, []rawPart{{part: PartOwner, bytes: unhex(hexSY)}, {part: PartGroup, bytes: unhex(hexSY)}}, "")
	if !bytes.Equal(enc, want) {
		t.Fatalf("re-encoded\n got %x\nwant %x", enc, want)
	}
}

// TestDecodeErrors checks that malformed input is refused with an error
// naming the field and offset at fault.
func TestDecodeErrors(t *testing.T) {
	dacl := func(acl []byte) []byte { return rawSD(0x8004, []rawPart{{part: PartDACL, bytes: acl}}, "") }
	tests := []struct {
		name    string
		raw     []byte
		wantErr error
		wantMsg []string
	}{
		{"short header", unhex("0100 0480 00000000"), ErrTruncated, []string{"header needs 20 bytes, have 8"}},
		{"revision 2", func() []byte { b := rawSD(0x8000, nil, ""); b[0] = 2; return b }(), ErrMalformed, []string{"Revision 2 at offset 0"}},
		{"offset into header", func() []byte { b := rawSD(0x8000, nil, "00000000"); b[4] = 8; return b }(), ErrMalformed, []string{"OffsetOwner 8 at offset 4"}},
		{"offset past end", func() []byte { b := rawSD(0x8000, nil, ""); b[12] = 0x40; return b }(), ErrMalformed, []string{"OffsetSacl 64 at offset 12"}},
		{"SID too many sub-authorities", rawSD(0x8000, []rawPart{{part: PartGroup, bytes: unhex("0110 000000000005" + strings.Repeat("00000000", 16))}}, ""), ErrMalformed, []string{"OffsetGroup 20", "SubAuthorityCount 16 at offset 1"}},
		{"SID truncated", rawSD(0x8000, []rawPart{{part: PartOwner, bytes: unhex("0105 000000000005 15000000")}}, ""), ErrTruncated, []string{"OffsetOwner 20", "needs 28 bytes, have 12"}},
		{"AclSize below header", dacl(rawACL(2, 4, 0, nil, "00000000")), ErrMalformed, []string{"OffsetDacl 20", "AclSize 4 at offset 2"}},
		{"AclSize past end", dacl(rawACL(2, 200, 0, nil, "")), ErrTruncated, []string{"AclSize 200 at offset 2"}},
		{"AceCount cannot fit", dacl(rawACL(2, -1, 1000, nil, "")), ErrMalformed, []string{"AceCount 1000 at offset 4"}},
		{"AceSize below header", dacl(rawACL(2, -1, -1, [][]byte{rawACE(0, 0, 2, "")}, "")), ErrMalformed, []string{"ACE #0 at offset 8", "AceSize 2 at offset 2"}},
		{"AceSize past ACL", dacl(rawACL(2, -1, -1, [][]byte{rawACE(0, 0, 0, "00000010", hexSY), rawACE(0, 0, 64, "00000010")}, "")), ErrTruncated, []string{"ACE #1 at offset 28", "AceSize 64"}},
		{"object ACE truncated GUID", dacl(rawACL(4, -1, -1, [][]byte{rawACE(5, 0, 0, "00010000", "01000000", "8ffdaced")}, "")), ErrTruncated, []string{"ACCESS_ALLOWED_OBJECT ACE", "ObjectType at offset 12"}},
		{"allowed ACE without SID", dacl(rawACL(2, -1, -1, [][]byte{rawACE(0, 0, 0, "00000010")}, "")), ErrTruncated, []string{"ACCESS_ALLOWED ACE: SID at offset 8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(tt.raw)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			for _, m := range tt.wantMsg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
			if n := strings.Count(err.Error(), "secdesc:"); n != 1 {
				t.Errorf("error %q has the package prefix %d times", err, n)
			}
		})
	}
}

// TestEncodeBuiltDescriptor: a descriptor built in code uses the Windows
// layout; edits to a decoded one keep its layout.
func TestEncodeBuiltDescriptor(t *testing.T) {
	sy, ba := MustSID("S-1-5-18"), MustSID("S-1-5-32-544")
	sd := New()
	sd.Owner, sd.Group = &sy, &ba
	sd.SetDACL(NewACL(ACE{Type: AccessAllowed, Mask: GenericAll, SID: sy}))
	sd.SetSACL(NewACL(ACE{Type: SystemAudit, Flags: SuccessfulAccess, Mask: GenericAll, SID: MustSID("S-1-1-0")}))
	got, err := sd.Encode()
	if err != nil {
		t.Fatal(err)
	}
	want := rawSD(0x8014, []rawPart{
		{part: PartSACL, bytes: rawACL(2, -1, -1, [][]byte{rawACE(0x02, 0x40, 0, "00000010", hexWD)}, "")},
		{part: PartDACL, bytes: rawACL(2, -1, -1, [][]byte{rawACE(0x00, 0x00, 0, "00000010", hexSY)}, "")},
		{part: PartOwner, bytes: unhex(hexSY)},
		{part: PartGroup, bytes: unhex(hexBA)},
	}, "")
	if !bytes.Equal(got, want) {
		t.Fatalf("built descriptor\n got %x\nwant %x", got, want)
	}

	// Edit a decoded samba-layout descriptor: the order and gap stay, the
	// added SACL goes last.
	raw := rawSD(0x8004, []rawPart{
		{part: PartOwner, bytes: unhex(hexSY)},
		{part: PartDACL, gap: "ffff", bytes: rawACL(2, -1, -1, [][]byte{rawACE(0, 0, 0, "00000010", hexSY)}, "")},
	}, "")
	dec, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	dec.DACL.ACEs = append(dec.DACL.ACEs, ACE{Type: AccessAllowed, Mask: DSGenericRead, SID: MustSID("S-1-5-11")})
	dec.SetSACL(NewACL())
	got, err = dec.Encode()
	if err != nil {
		t.Fatal(err)
	}
	want = rawSD(0x8014, []rawPart{
		{part: PartOwner, bytes: unhex(hexSY)},
		{part: PartDACL, gap: "ffff", bytes: rawACL(2, -1, -1, [][]byte{rawACE(0, 0, 0, "00000010", hexSY), rawACE(0, 0, 0, "94000200", hexAU)}, "")},
		{part: PartSACL, bytes: rawACL(2, -1, -1, nil, "")},
	}, "")
	if !bytes.Equal(got, want) {
		t.Fatalf("edited descriptor\n got %x\nwant %x", got, want)
	}
}

// TestEncodeLimits: sizes that do not fit the 16-bit fields are refused.
func TestEncodeLimits(t *testing.T) {
	tests := []struct {
		name string
		acl  *ACL
		want string
	}{
		{"ACE too big", NewACL(ACE{Type: AccessAllowedCallback, SID: MustSID("S-1-1-0"), ExtraData: make([]byte, 70000)}), "AceSize holds at most 65535"},
		{"ACL too big", NewACL(func() []ACE {
			aces := make([]ACE, 4000)
			for i := range aces {
				aces[i] = ACE{Type: AccessAllowed, SID: MustSID("S-1-5-21-1-2-3-4")}
			}
			return aces
		}()...), "AclSize holds at most 65535"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sd := New()
			sd.SetDACL(tt.acl)
			_, err := sd.Encode()
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
