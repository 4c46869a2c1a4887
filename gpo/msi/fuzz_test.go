package msi

import (
	"bytes"
	"encoding/binary"
	"os"
	"testing"

	"github.com/ctitui/ctitui/internal/testmsi"
)

// The fuzz targets feed arbitrary bytes to each decoder. None may panic,
// hang or allocate beyond the limits; errors are fine. Seed corpora are in
// testdata/fuzz; FuzzOpen also starts from real packages of the corpus.

func FuzzOpen(f *testing.F) {
	for _, name := range []string{"minimal", "ts-findings"} {
		b, err := os.ReadFile(testmsi.Build(f, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := New(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		for _, n := range p.TableNames() {
			_, _ = p.Table(n)
		}
		if r, err := Inspect(p, CheckOptions{}); err == nil && r.Properties == nil {
			t.Error("Inspect succeeded without properties")
		}
		_, _ = p.Identity()
	})
}

func FuzzStringPool(f *testing.F) {
	f.Add(pool(1252, [2]uint16{3, 1}, [2]uint16{0, 0}, [2]uint16{5, 2}), []byte("abchello"))
	// a long-string entry pair; the data is too short for it, which keeps the
	// seed small (a real one needs 64 KB) and still reaches the long path
	f.Add(pool(0x80000000, [2]uint16{0, 1}, [2]uint16{4, 1}), []byte("abcd"))
	f.Fuzz(func(t *testing.T, p, data []byte) {
		sp, err := parseStringPool(p, data)
		if err != nil {
			return
		}
		total := 0
		for id := range sp.count() {
			if _, err := sp.get(uint32(id)); err != nil {
				t.Fatalf("id %d of %d: %v", id, sp.count(), err)
			}
			total += int(sp.spans[id].n)
		}
		if total > len(data) {
			t.Fatalf("strings cover %d bytes of %d", total, len(data))
		}
	})
}

// FuzzTable decodes arbitrary table data against an arbitrary schema: types
// gives one 16-bit column type per two bytes (at most 8 columns).
func FuzzTable(f *testing.F) {
	var row []byte
	row = binary.LittleEndian.AppendUint16(row, 1)
	row = binary.LittleEndian.AppendUint16(row, 0x8005)
	row = binary.LittleEndian.AppendUint32(row, 0x80000007)
	types := binary.LittleEndian.AppendUint16(nil, uint16(typeValid|typeString|typeKey|72))
	types = binary.LittleEndian.AppendUint16(types, uint16(typeValid|2))
	types = binary.LittleEndian.AppendUint16(types, uint16(typeValid|typeNullable|4))
	f.Add(false, types, row)
	f.Add(true, binary.LittleEndian.AppendUint16(types, uint16(typeValid|typeString)), append(row, 1, 0, 0, 0, 0))
	f.Fuzz(func(t *testing.T, long bool, types, data []byte) {
		hdr := uint32(0)
		if long {
			hdr = 0x80000000
		}
		sp, err := parseStringPool(pool(hdr, [2]uint16{1, 1}, [2]uint16{2, 1}, [2]uint16{0, 0}), []byte("abc"))
		if err != nil {
			t.Fatal(err)
		}
		var cols []Column
		for i := 0; i+1 < len(types) && len(cols) < 8; i += 2 {
			cols = append(cols, Column{Name: "C", Number: len(cols) + 1, Type: ColumnType(binary.LittleEndian.Uint16(types[i:]))})
		}
		tab, err := decodeTable("T", cols, data, sp)
		if err != nil {
			return
		}
		for _, r := range tab.Rows {
			if len(r) != len(cols) {
				t.Fatalf("row of %d cells for %d columns", len(r), len(cols))
			}
		}
	})
}

func FuzzSummary(f *testing.F) {
	p, err := Open(testmsi.Build(f, "MIKO CTI 4.9.226"))
	if err != nil {
		f.Fatal(err)
	}
	b, err := p.c.read(summaryStream, maxSummaryBytes)
	p.Close()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := parseSummary(b)
		if err == nil && s.Codepage < 0 {
			t.Errorf("negative code page %d", s.Codepage)
		}
	})
}
