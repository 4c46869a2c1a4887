package aas

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzRead feeds arbitrary bytes to the reader (ReadScript, so both the
// Windows layout and the old, padded one). It must never panic, and whatever it
// decodes must encode again and decode to the same records;
// the friendly and JSON views must render any decoded record. Allocation
// is bounded because every length is checked against the remaining input
// before use (see cursor).
func FuzzRead(f *testing.F) {
	f.Add(loadHex(f, "spec-4.2-sample.hex"))
	p := testProduct()
	built, err := BuildAdvertiseScript(p)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(built)
	f.Add([]byte{0x02, 0x09, 0x00, 0xC0, 0xFF, 0xFF, 0xFF, 0xFF})
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, old, readErr := ReadScript(data)
		if strict, strictErr := ReadRecords(data); !old && (strictErr == nil) != (readErr == nil) {
			t.Fatalf("ReadScript Windows-layout reading disagrees with ReadRecords: %v vs %v (%d records)", readErr, strictErr, len(strict))
		}
		if old && readErr != nil {
			t.Fatalf("ReadScript reports the old layout with an error: %v", readErr)
		}
		_ = Friendly(recs)
		if _, err := json.Marshal(JSONView(recs)); err != nil {
			t.Fatalf("JSON view: %v", err)
		}
		for _, r := range recs {
			_ = ParseOp(r)
		}
		again, err := EncodeRecords(recs)
		if err != nil {
			t.Fatalf("re-encoding decoded records: %v", err)
		}
		back, err := ReadRecords(again)
		if err != nil {
			t.Fatalf("decoding re-encoded records: %v", err)
		}
		if !reflect.DeepEqual(stripOffsets(back), stripOffsets(recs)) {
			t.Fatalf("records changed after a round trip (read error was %v)", readErr)
		}
	})
}

// stripOffsets returns recs without their file offsets, which differ when
// a script is re-encoded in canonical form.
func stripOffsets(recs []Record) []Record {
	out := make([]Record, len(recs))
	for i, r := range recs {
		r.Offset = 0
		out[i] = r
	}
	return out
}
