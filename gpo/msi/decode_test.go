package msi

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// encodeStreamName is the inverse of decodeStreamName, written from the same
// description (pairs of alphabet characters in 0x3800+, single ones at
// 0x4800+, tables prefixed with 0x4840), to check round trips.
func encodeStreamName(name string, table bool) string {
	idx := func(c byte) int {
		switch {
		case c >= '0' && c <= '9':
			return int(c - '0')
		case c >= 'A' && c <= 'Z':
			return int(c-'A') + 10
		case c >= 'a' && c <= 'z':
			return int(c-'a') + 36
		case c == '.':
			return 62
		case c == '_':
			return 63
		}
		return -1
	}
	var out []rune
	if table {
		out = append(out, 0x4840)
	}
	for i := 0; i < len(name); i++ {
		a := idx(name[i])
		if a < 0 {
			out = append(out, rune(name[i]))
			continue
		}
		if i+1 < len(name) {
			if b := idx(name[i+1]); b >= 0 {
				out = append(out, rune(0x3800+a+b<<6))
				i++
				continue
			}
		}
		out = append(out, rune(0x4800+a))
	}
	return string(out)
}

func TestDecodeStreamName(t *testing.T) {
	for _, tc := range []struct {
		name  string
		table bool
	}{
		{"Property", true}, {"_StringPool", true}, {"_Columns", true}, {"ManyRows", true},
		{"Icon.miko.ico", false}, {"miko.cab", false}, {"x", false}, {"Binary.New Folder-1", false},
	} {
		enc := encodeStreamName(tc.name, tc.table)
		if enc == tc.name {
			t.Fatalf("%q did not get encoded", tc.name)
		}
		if got := decodeStreamName(enc); got != tc.name {
			t.Errorf("decode(encode(%q)) = %q", tc.name, got)
		}
	}
	if got := decodeStreamName(summaryStream); got != summaryStream {
		t.Errorf("the summary stream name must pass through unchanged, got %q", got)
	}
}

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct {
		in    string
		ok    bool
		limit string
	}{
		{"4.9.226", true, ""},
		{"1.0.0.5", true, ""},
		{"255.255.65535", true, ""},
		{"256.0.0", true, "major version 256 is above 255"},
		{"1.256.0", true, "minor version 256 is above 255"},
		{"1.2.65536", true, "build number 65536 is above 65535"},
		{"", false, ""}, {"1..2", false, ""}, {"1.2.3.4.5", false, ""}, {"v1.2", false, ""}, {"1.-2", false, ""}, {"+1.2", false, ""},
	} {
		v, err := ParseVersion(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseVersion(%q) error %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if !tc.ok {
			continue
		}
		lerr := v.CheckLimits()
		if (lerr == nil && tc.limit != "") || (lerr != nil && lerr.Error() != tc.limit) {
			t.Errorf("%q limits: %v, want %q", tc.in, lerr, tc.limit)
		}
	}
	a, _ := ParseVersion("4.9.226.1")
	b, _ := ParseVersion("4.9.226.7")
	c, _ := ParseVersion("4.10")
	if a.Compare(b) != 0 || a.Compare(c) != -1 || c.Compare(a) != 1 {
		t.Error("Compare must use major.minor.build only")
	}
}

func TestCheckGUID(t *testing.T) {
	if err := checkGUID("{1D6F3E2A-226A-4B6C-8E1F-000000000226}"); err != nil {
		t.Error(err)
	}
	if err := checkGUID("{1d6f3e2a-226a-4b6c-8e1f-000000000226}"); err == nil || !strings.Contains(err.Error(), "lower-case") {
		t.Errorf("lower case: %v", err)
	}
	if err := checkGUID("{1D6F3E2A-226A-4B6C-8E1F0-00000000226}"); err == nil {
		t.Error("misplaced hyphen accepted")
	}
	if err := checkGUID("1D6F3E2A-226A-4B6C-8E1F-000000000226"); err == nil {
		t.Error("missing braces accepted")
	}
}

// pool builds a _StringPool stream: header, then (length, refcount) entries.
func pool(header uint32, entries ...[2]uint16) []byte {
	b := binary.LittleEndian.AppendUint32(nil, header)
	for _, e := range entries {
		b = binary.LittleEndian.AppendUint16(b, e[0])
		b = binary.LittleEndian.AppendUint16(b, e[1])
	}
	return b
}

func TestStringPool(t *testing.T) {
	long := strings.Repeat("L", 0x10005)
	data := "abc" + long + "hello"
	sp, err := parseStringPool(pool(1252|0x80000000, [2]uint16{3, 1}, [2]uint16{0, 0}, [2]uint16{0, 1}, [2]uint16{5, 1}, [2]uint16{5, 2}), []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if sp.codepage != 1252 || sp.refSize != 3 || sp.count() != 5 {
		t.Fatalf("codepage %d refSize %d count %d", sp.codepage, sp.refSize, sp.count())
	}
	for id, want := range []string{"", "abc", "", long, "hello"} {
		if got, err := sp.get(uint32(id)); err != nil || got != want {
			t.Errorf("id %d: %.20q %v", id, got, err)
		}
	}
	if _, err := sp.get(5); err == nil {
		t.Error("id past the pool accepted")
	}

	for name, tc := range map[string]struct {
		pool []byte
		data string
		want string
	}{
		"past data":    {pool(0, [2]uint16{3, 1}, [2]uint16{4, 1}), "abcdef", "runs past the end"},
		"cut long":     {pool(0, [2]uint16{3, 1}, [2]uint16{0, 1}), "abc", "length entry is missing"},
		"huge claimed": {pool(0, [2]uint16{0, 0xffff}, [2]uint16{0xffff, 1}), "abc", "runs past the end"},
	} {
		if _, err := parseStringPool(tc.pool, []byte(tc.data)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", name, err, tc.want)
		}
	}
}

func TestCp1251Pool(t *testing.T) {
	// "Привет" in Windows-1251
	sp, err := parseStringPool(pool(1251, [2]uint16{6, 1}), []byte{0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2})
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := sp.get(1); s != "Привет" {
		t.Errorf("got %q", s)
	}
}

func TestDecodeTable(t *testing.T) {
	sp, err := parseStringPool(pool(0, [2]uint16{1, 1}, [2]uint16{1, 1}), []byte("ab"))
	if err != nil {
		t.Fatal(err)
	}
	cols := []Column{
		{Name: "Key", Number: 1, Type: typeValid | typeString | typeKey | 72},
		{Name: "Short", Number: 2, Type: typeValid | typeNullable | 2},
		{Name: "Long", Number: 3, Type: typeValid | typeNullable | 4},
		{Name: "Data", Number: 4, Type: typeValid | typeString | typeNullable},
	}
	le16 := binary.LittleEndian.AppendUint16
	le32 := binary.LittleEndian.AppendUint32
	// two rows, column by column
	var data []byte
	data = le16(le16(data, 1), 2)                // Key: "a", "b"
	data = le16(le16(data, 0x8000-5), 0)         // Short: -5, null
	data = le32(le32(data, 0), 0x80000000+70000) // Long: null, 70000
	data = le16(le16(data, 0), 0)                // Data: binary, named after the key
	tab, err := decodeTable("T", cols, data, sp)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"a", "-5", "", "T.a"}, {"b", "", "70000", "T.b"}}
	for i, r := range tab.Rows {
		for j, v := range r {
			if v.String() != want[i][j] {
				t.Errorf("row %d col %d: %q, want %q", i, j, v.String(), want[i][j])
			}
		}
	}
	if tab.Rows[1][1].Kind != Null || tab.Rows[0][3].Kind != Stream {
		t.Errorf("kinds: %#v", tab.Rows)
	}
	if got := []string{cols[0].Type.String(), cols[1].Type.String(), cols[2].Type.String(), cols[3].Type.String()}; strings.Join(got, " ") != "s72 I2 I4 V0" {
		t.Errorf("type strings %v", got)
	}

	if _, err := decodeTable("T", cols, data[:len(data)-1], sp); err == nil || !strings.Contains(err.Error(), "not a whole number") {
		t.Errorf("ragged stream: %v", err)
	}
	bad := append([]byte{}, data...)
	binary.LittleEndian.PutUint16(bad, 9)
	if _, err := decodeTable("T", cols, bad, sp); err == nil || !strings.Contains(err.Error(), "string id 9") {
		t.Errorf("dangling string id: %v", err)
	}
}

func TestParseSchemaRejects(t *testing.T) {
	sp, err := parseStringPool(pool(0, [2]uint16{1, 2}, [2]uint16{1, 1}), []byte("TC"))
	if err != nil {
		t.Fatal(err)
	}
	tables := binary.LittleEndian.AppendUint16(nil, 1) // table "T"
	// _Columns with one row: T, number 3 (should be 1), name C, type i2
	var cols []byte
	cols = binary.LittleEndian.AppendUint16(cols, 1)
	cols = binary.LittleEndian.AppendUint16(cols, 0x8000+3)
	cols = binary.LittleEndian.AppendUint16(cols, 2)
	cols = binary.LittleEndian.AppendUint16(cols, 0x8000+uint16(typeValid|2))
	if _, err := parseSchema(tables, cols, sp); err == nil || !strings.Contains(err.Error(), "has number 3") {
		t.Errorf("got %v", err)
	}
	if _, err := parseSchema(tables, nil, sp); err == nil || !strings.Contains(err.Error(), "no columns") {
		t.Errorf("table without columns: %v", err)
	}
}

func TestCheckPropertySet(t *testing.T) {
	hdr := make([]byte, 48)
	binary.LittleEndian.PutUint16(hdr, 0xFFFE)
	binary.LittleEndian.PutUint32(hdr[24:], 1)
	copy(hdr[28:], summaryFMTID)
	binary.LittleEndian.PutUint32(hdr[44:], 48)
	set := binary.LittleEndian.AppendUint32(nil, 16)
	set = binary.LittleEndian.AppendUint32(set, 1)
	set = binary.LittleEndian.AppendUint32(set, 2)       // PID 2
	set = binary.LittleEndian.AppendUint32(set, 0x10000) // far away
	if err := checkPropertySet(append(hdr, set...)); err == nil || !strings.Contains(err.Error(), "past the end") {
		t.Errorf("got %v", err)
	}
	if _, err := parseSummary(hdr[:20]); err == nil {
		t.Error("short stream accepted")
	}
}

func TestDamagedCompoundFile(t *testing.T) {
	// a valid signature followed by a header with sector shift 7
	hdr := make([]byte, 512)
	binary.LittleEndian.PutUint64(hdr, cfbSignature)
	binary.LittleEndian.PutUint16(hdr[26:], 3)
	binary.LittleEndian.PutUint16(hdr[30:], 7)
	_, err := New(bytes.NewReader(hdr), int64(len(hdr)))
	if err == nil || !strings.Contains(err.Error(), "damaged compound file") || errors.Is(err, ErrNotOLE) {
		t.Errorf("got %v, want a damaged compound file error", err)
	}
}

func TestDecodeSummaryText(t *testing.T) {
	cp1251 := []byte{0xD2, 0xE5, 0xEB, 0xE5, 0xF4, 0xEE, 0xED} // "Телефон" as Windows writes it
	if got := decodeSummaryText(cp1251, 1251); got != "Телефон" {
		t.Errorf("cp1251: %q", got)
	}
	if got := decodeSummaryText([]byte("Телефон"), 1251); got != "Телефон" {
		t.Errorf("UTF-8 written by msitools: %q", got)
	}
	if got := decodeSummaryText([]byte{0xFF, 'a'}, 0); got != "\uFFFDa" {
		t.Errorf("unknown code page: %q", got)
	}
}
