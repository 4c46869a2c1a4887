package aas

import (
	"bytes"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
)

func TestReadRecords(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []Record
	}{
		{"empty script", "", nil},
		// low byte opcode, high byte argument count ([MS-GPSI] 2.2.4.1)
		{"record without arguments", "7700", []Record{{Opcode: 0x77, Args: []Arg{}}}},
		{"unknown opcode keeps raw arguments", "c803" + "0040" + "07000000" + "0380" + "010203" + "0080",
			[]Record{{Opcode: 200, Args: []Arg{Int(7), Binary([]byte{1, 2, 3}), NullArg()}}}},
		{"offsets of consecutive records", "1001" + "0000" + "0301" + "0040" + "00000000",
			[]Record{{Opcode: 16, Args: []Arg{NullString()}}, {Opcode: 3, Args: []Arg{Int(0)}, Offset: 4}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := hex.DecodeString(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ReadRecords(data)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %#v\nwant %#v", got, tt.want)
			}
			back, err := EncodeRecords(got)
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(back) != tt.data {
				t.Fatalf("re-encoded %x, want %s", back, tt.data)
			}
		})
	}
}

func TestReadRecordsErrors(t *testing.T) {
	tests := []struct {
		name, data string
		wantRecs   int
		wantErr    string
	}{
		{"odd trailing byte", "1001" + "0000" + "03", 1, "record at offset 0x4"},
		{"argument count beyond input", "0209" + "0040", 0, "Header record at offset 0x0 announces 9 arguments, only 2 bytes left"},
		{"bad argument names record, argument and offsets", "1001" + "0000" + "0402" + "0000" + "0140", 1,
			"ProductInfo record at offset 0x4, argument 2 (ProductName) at offset 0x8: offset 0x8: type word 0x4001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := hex.DecodeString(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			recs, err := ReadRecords(data)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
			if len(recs) != tt.wantRecs {
				t.Fatalf("%d records decoded before the fault, want %d", len(recs), tt.wantRecs)
			}
		})
	}
}

func TestAppendRecordErrors(t *testing.T) {
	tests := []struct {
		name    string
		rec     Record
		wantErr string
	}{
		{"too many arguments", Record{Opcode: OpDialogInfo, Args: make([]Arg, 256)}, "DialogInfo record has 256 arguments"},
		{"bad argument named", Record{Opcode: OpProductPublish, Args: []Arg{{Kind: KindASCII}}}, "ProductPublish record at offset 0x0, argument 1 (PackageKey) at offset 0x2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := AppendRecord(nil, tt.rec)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestReadScript(t *testing.T) {
	windows := "1001" + "0300" + "616263" + "0301" + "0040" + "00000000" // "abc" without a pad byte
	tests := []struct {
		name       string
		data       string
		wantPadded bool
		wantLines  []string
		wantErr    string
	}{
		{"old layout, padded per the [MS-GPSI] 2.2.4 sentence", "1001" + "0300" + "616263" + "00" + "0301" + "0040" + "00000000", true,
			[]string{"ProductPublish(PackageKey=abc)", "End(Checksum=0)"}, ""},
		{"Windows layout, no pad bytes", windows, false,
			[]string{"ProductPublish(PackageKey=abc)", "End(Checksum=0)"}, ""},
		{"no odd-length data reads as the Windows layout", "1001" + "0200" + "6162" + "0301" + "0040" + "00000000", false,
			[]string{"ProductPublish(PackageKey=ab)", "End(Checksum=0)"}, ""},
		{"damaged either way reports the Windows reading", "1001" + "0500" + "616263", false,
			nil, "ProductPublish record at offset 0x0, argument 1 (PackageKey)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := hex.DecodeString(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			recs, padded, err := ReadScript(data)
			if OldLayout(data) != (padded && err == nil) {
				t.Fatalf("OldLayout %v, ReadScript old layout %v, error %v", OldLayout(data), padded, err)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if padded != tt.wantPadded {
				t.Fatalf("padded %v, want %v", padded, tt.wantPadded)
			}
			var lines []string
			for _, r := range recs {
				lines = append(lines, FriendlyLine(r))
			}
			if !reflect.DeepEqual(lines, tt.wantLines) {
				t.Fatalf("records %q, want %q", lines, tt.wantLines)
			}
		})
	}
}

func TestOldLayoutRoundTrip(t *testing.T) {
	built, err := BuildAdvertiseScript(testProduct())
	if err != nil {
		t.Fatal(err)
	}
	recs, err := ReadRecords(built)
	if err != nil {
		t.Fatal(err)
	}
	old, err := EncodeOldLayout(recs)
	if err != nil {
		t.Fatal(err)
	}
	// RollbackInfo's "[1]" alone makes the two layouts differ.
	if len(old) <= len(built) {
		t.Fatalf("old layout %d bytes, Windows layout %d: no pad byte written", len(old), len(built))
	}
	if OldLayout(built) {
		t.Fatal("the builder's script is reported in the old layout")
	}
	if !OldLayout(old) {
		t.Fatal("the padded script is not reported in the old layout")
	}
	back, isOld, err := ReadScript(old)
	if err != nil || !isOld {
		t.Fatalf("ReadScript: old %v, error %v", isOld, err)
	}
	again, err := EncodeRecords(back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, built) {
		t.Fatalf("old layout read back and re-encoded differs at offset %#x", firstDiff(again, built))
	}
}
