package aas

import (
	"bytes"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
)

func TestArgEncoding(t *testing.T) {
	long := strings.Repeat("a", 0x4000)
	tests := []struct {
		name string
		arg  Arg
		want string // hex
	}{
		// [MS-GPSI] 2.2.4.1: "Null string (all types) 0x0 Absent."
		{"null string", NullString(), "0000"},
		// "Null argument 0x8000 Absent."
		{"null argument", NullArg(), "0080"},
		// "32-bit signed integer 0x4000", little-endian ([MS-GPSI] 2.2.4)
		{"int", Int(1033), "0040" + "09040000"},
		{"negative int", Int(-2), "0040" + "feffffff"},
		// "ASCII char string 0x0 + length of string", even length: no pad
		{"ascii even", ASCII("ab"), "0200" + "6162"},
		// odd length: no pad byte, as every Windows-made script (the
		// [MS-GPSI] 2.2.4 sentence about padding does not match them)
		{"ascii odd unpadded", ASCII("abc"), "0300" + "616263"},
		{"ascii empty is null string", ASCII(""), "0000"},
		// "binary stream 0x8000 + byte count", unpadded like ASCII
		{"binary odd unpadded", Binary([]byte{1, 2, 3}), "0380" + "010203"},
		{"binary even", Binary([]byte{0xAA, 0xBB}), "0280" + "aabb"},
		{"binary empty is null argument", Binary(nil), "0080"},
		// "Unicode string 0xC000 + length of Unicode string", length in
		// characters, UTF-16LE, never padded
		{"unicode", Unicode("Яa"), "02c0" + "2f04" + "6100"},
		{"unicode surrogate pair counts two units", Unicode("𝄞"), "02c0" + "34d81edd"},
		{"unicode empty is null string", Unicode(""), "0000"},
		{"text ascii", Text("x.msi"), "0500" + "782e6d7369"},
		{"text cyrillic", Text("Ж"), "01c0" + "1604"},
		// 0x3FFF is the longest short form
		{"ascii 0x3fff", ASCII(long[:0x3FFF]), "ff3f" + strings.Repeat("61", 0x3FFF)},
		// over 0x3FFF: 0xC000, then (length + DataType<<16)
		{"ascii extended", ASCII(long), "00c0" + "00400000" + strings.Repeat("61", 0x4000)},
		// the Windows-made scripts carry a 48,514-byte icon as 00c0 82bd0080
		{"binary extended", Binary(bytes.Repeat([]byte{7}, 0x4001)), "00c0" + "01400080" + strings.Repeat("07", 0x4001)},
		{"unicode extended", Unicode(long), "00c0" + "004000c0" + strings.Repeat("6100", 0x4000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := appendArg(nil, tt.arg)
			if err != nil {
				t.Fatal(err)
			}
			if h := hex.EncodeToString(got); h != tt.want {
				if len(h) > 80 {
					h, tt.want = h[:80]+"...", tt.want[:min(80, len(tt.want))]+"..."
				}
				t.Fatalf("encoding\n got %s\nwant %s", h, tt.want)
			}
			c := &cursor{data: got}
			back, err := c.readArg()
			if err != nil {
				t.Fatal(err)
			}
			if c.remaining() != 0 {
				t.Fatalf("decoding left %d bytes", c.remaining())
			}
			if !reflect.DeepEqual(back, tt.arg) {
				t.Fatalf("decoded %#v, want %#v", back, tt.arg)
			}
		})
	}
}

func TestArgDecodingErrors(t *testing.T) {
	tests := []struct {
		name, data, wantErr string
	}{
		{"no type word", "00", "need 2 bytes"},
		{"truncated int", "004001", "integer argument at offset 0x0"},
		{"undefined 0x4xxx type", "0140", "type word 0x4001 is not a defined argument type"},
		{"ascii longer than input", "0500616263", "need 5 bytes of data, 3 left"},
		{"binary longer than input", "0480aabb", "need 4 bytes of data, 2 left"},
		{"unicode longer than input", "03c06100", "need 3 characters, 2 bytes left"},
		{"extended without size", "00c0", "extended size argument at offset 0x0"},
		{"extended int type", "00c001000040", "is not a string or stream type"},
		{"extended huge length", "00c0ffffff3f", "need 1073741823 bytes of data, 0 left"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := hex.DecodeString(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			_, err = (&cursor{data: data}).readArg()
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestArgEncodingErrors(t *testing.T) {
	tests := []struct {
		name string
		arg  Arg
	}{
		{"unknown kind", Arg{Kind: Kind(42)}},
		{"raw empty ascii", Arg{Kind: KindASCII}},
		{"raw empty binary", Arg{Kind: KindBinary}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if b, err := appendArg(nil, tt.arg); err == nil {
				t.Fatalf("encoded %x, want an error", b)
			}
		})
	}
}

func TestOldLayoutArgDecoding(t *testing.T) {
	// The old (padded) layout: an odd-length string is followed by a pad
	// byte that only the padded cursor skips.
	data, err := hex.DecodeString("0300616263" + "00")
	if err != nil {
		t.Fatal(err)
	}
	c := &cursor{data: data, padded: true}
	a, err := c.readArg()
	if err != nil || a.Str != "abc" || c.remaining() != 0 {
		t.Fatalf("padded reading: %#v, %v, %d bytes left", a, err, c.remaining())
	}
	if _, err := (&cursor{data: data[:5], padded: true}).readArg(); err == nil || !strings.Contains(err.Error(), "need 4 bytes of data, 3 left") {
		t.Fatalf("padded reading without its pad byte: error %v", err)
	}
}
