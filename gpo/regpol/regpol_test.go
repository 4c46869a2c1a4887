package regpol

import (
	"encoding/hex"
	"errors"
	"testing"
)

// samba is what Samba's own NDR type writes (python3-samba,
// samba.dcerpc.preg, ndr_pack of a preg.file with two entries:
// UserPolicyMode = 2 and a REG_SZ "Привет"); see internal/testdomain for
// the same at run time.
const samba = "50526567010000005b0053006f006600740077006100720065005c0050006f006c00690063006900650073005c004d006900630072006f0073006f00660074005c00570069006e0064006f00770073005c00530079007300740065006d0000003b00550073006500720050006f006c006900630079004d006f006400650000003b00040000003b00040000003b00020000005d005b0053006f006600740077006100720065005c0050006f006c00690063006900650073005c00540065007300740000003b004e0061006d00650000003b00010000003b000e0000003b001f044004380432043504420400005d00"

func TestParseSambaFile(t *testing.T) {
	b, err := hex.DecodeString(samba)
	if err != nil {
		t.Fatal(err)
	}
	es, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 {
		t.Fatalf("%d entries", len(es))
	}
	e, ok := Lookup(es, `software\policies\microsoft\windows\system\`, "userpolicymode")
	if v, isDW := e.DWORD(); !ok || !isDW || v != 2 {
		t.Fatalf("UserPolicyMode: %+v %v", e, ok)
	}
	if s, ok := es[1].String(); !ok || s != "Привет" || es[1].Key != `Software\Policies\Test` || es[1].Value != "Name" {
		t.Fatalf("second entry %+v %q", es[1], s)
	}
	// A cut file is refused with ErrFormat, never a panic; only the cuts
	// at an entry's end (after the header, after the first entry) leave a
	// valid shorter file.
	valid := 0
	for n := 0; n < len(b); n++ {
		_, err := Parse(b[:n])
		if err == nil {
			valid++
		} else if !errors.Is(err, ErrFormat) {
			t.Fatalf("cut at %d: %v", n, err)
		}
	}
	if valid != 2 {
		t.Fatalf("%d cuts parsed, want 2", valid)
	}
	if es, err := Parse(b[:8]); err != nil || len(es) != 0 {
		t.Fatalf("header only: %v %v", es, err)
	}
}

func TestLookupSkipsInstructions(t *testing.T) {
	es := []Entry{
		{Key: `Software\Policies\Microsoft\Windows\System`, Value: "UserPolicyMode", Type: RegDWORD, Data: []byte{1, 0, 0, 0}},
		{Key: `Software\Policies\Microsoft\Windows\System`, Value: "**del.UserPolicyMode", Type: RegSZ, Data: []byte{' ', 0, 0, 0}},
	}
	if e, ok := Lookup(es, `Software\Policies\Microsoft\Windows\System`, "UserPolicyMode"); !ok || e.Data[0] != 1 {
		t.Fatalf("%+v %v", e, ok)
	}
}

func FuzzParse(f *testing.F) {
	b, _ := hex.DecodeString(samba)
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) { Parse(data) })
}
