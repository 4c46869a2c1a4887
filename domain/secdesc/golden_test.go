package secdesc

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"os"
	"reflect"
	"strings"
	"testing"
)

// goldenEntry is one line of testdata/golden.txt: a descriptor samba built,
// with samba's SDDL for it.
type goldenEntry struct {
	name, sddl string
	raw        []byte
}

// readGolden reads testdata/golden.txt.
func readGolden(t testing.TB) []goldenEntry {
	t.Helper()
	f, err := os.Open("testdata/golden.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []goldenEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 3 {
			t.Fatalf("golden.txt: line %q: want 3 tab-separated fields", sc.Text())
		}
		raw, err := hex.DecodeString(fields[2])
		if err != nil {
			t.Fatalf("golden.txt: %s: %v", fields[0], err)
		}
		out = append(out, goldenEntry{fields[0], fields[1], raw})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestGolden replays what the samba oracle established, without samba:
// byte-exact round trips, our parse of samba's SDDL, and our SDDL read back
// by our parser to the same descriptor.
func TestGolden(t *testing.T) {
	dom := testDomain()
	entries := readGolden(t)
	if len(entries) < 50 {
		t.Fatalf("golden.txt has %d entries, want the full samba corpus", len(entries))
	}
	for _, e := range entries {
		t.Run(e.name, func(t *testing.T) {
			sd, err := Decode(e.raw)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			enc, err := sd.Encode()
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if !bytes.Equal(enc, e.raw) {
				t.Fatalf("round trip differs\n got %x\nwant %x", enc, e.raw)
			}
			fromSamba, err := ParseSDDL(e.sddl, dom)
			if err != nil {
				t.Fatalf("ParseSDDL(%q): %v", e.sddl, err)
			}
			if got := sambaStyle(t, fromSamba); !bytes.Equal(got, e.raw) {
				t.Fatalf("parse of samba's SDDL differs\n got %x\nwant %x", got, e.raw)
			}
			ours := sd.SDDL(dom)
			back, err := ParseSDDL(ours, dom)
			if err != nil {
				t.Fatalf("ParseSDDL(our %q): %v", ours, err)
			}
			if got := sambaStyle(t, back); !bytes.Equal(got, e.raw) {
				t.Fatalf("our SDDL %q does not parse back to the same descriptor\n got %x\nwant %x", ours, got, e.raw)
			}
			if !reflect.DeepEqual(back.Owner, sd.Owner) || !reflect.DeepEqual(back.Group, sd.Group) {
				t.Fatalf("owner/group changed through SDDL: %v/%v vs %v/%v", back.Owner, back.Group, sd.Owner, sd.Group)
			}
		})
	}
}
