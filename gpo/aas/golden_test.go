package aas

import (
	"reflect"
	"testing"
)

// specSampleOps is the script of [MS-GPSI] 4.2 ("Group Policy Log View
// Tool") as typed operations, field by field from the spec's friendly
// representation.
func specSampleOps() []Op {
	const packageCode = "{5646D4B1-EDED-41C9-B7B1-A1F0C17D9CEE}"
	return []Op{
		Header{Signature: HeaderSignature, Version: 400, Timestamp: 922639356, LangID: 1033,
			Platform: 0, ScriptType: 3, ScriptMajorVersion: 21, ScriptMinorVersion: 4, ScriptAttributes: 0},
		ProductInfo{ProductKey: "{0F23F7E9-5825-4E00-8A00-40F14FC8E6C2}",
			ProductName: "Group Policy Log View Tool", PackageName: "gpLogView.msi",
			Language: 1033, Version: 16777237, Assignment: 0, ObsoleteArg: 0,
			PackageCode: packageCode, InstanceType: 0, LUASetting: 0, RemoteURTInstalls: 0,
			ProductDeploymentFlags: 1},
		ProductPublish{PackageKey: packageCode},
		SourceListPublish{Disks: []Disk{{DiskID: 1}}, LaunchPath: `\\AppServerShare1\Public\`},
		End{},
	}
}

func TestSpecSampleEncodesByteForByte(t *testing.T) {
	want := loadHex(t, "spec-4.2-sample.hex")
	got, err := Encode(specSampleOps()...)
	if err != nil {
		t.Fatal(err)
	}
	if d := firstDiff(got, want); d >= 0 {
		t.Fatalf("encoding differs from [MS-GPSI] 4.2 at offset %#x (got %d bytes, want %d)", d, len(got), len(want))
	}
}

func TestSpecSampleDecodesToSpecFriendlyRepresentation(t *testing.T) {
	recs, err := ReadRecords(loadHex(t, "spec-4.2-sample.hex"))
	if err != nil {
		t.Fatal(err)
	}
	want := loadText(t, "spec-4.2-friendly.txt")
	if got := Friendly(recs); got != want {
		t.Fatalf("friendly representation differs from [MS-GPSI] 4.2:\n--- got\n%s--- want\n%s", got, want)
	}
}

func TestSpecSampleParsesToTypedOps(t *testing.T) {
	ops, err := ReadOps(loadHex(t, "spec-4.2-sample.hex"))
	if err != nil {
		t.Fatal(err)
	}
	if want := specSampleOps(); !reflect.DeepEqual(ops, want) {
		t.Fatalf("typed operations:\n got %#v\nwant %#v", ops, want)
	}
}

func TestSpecSampleFields(t *testing.T) {
	ops, err := ReadOps(loadHex(t, "spec-4.2-sample.hex"))
	if err != nil {
		t.Fatal(err)
	}
	h := ops[0].(Header)
	wantStamp, err := DOSTimestamp(mustTime(t, "2007-07-30T11:31:56Z"))
	if err != nil {
		t.Fatal(err)
	}
	if h.Timestamp != wantStamp {
		t.Errorf("Timestamp %d, want %d (2007-07-30 11:31:56 in DOS date/time)", h.Timestamp, wantStamp)
	}
	v, err := EncodeVersion("1.0.21")
	if err != nil {
		t.Fatal(err)
	}
	if pi := ops[1].(ProductInfo); pi.Version != v {
		t.Errorf("Version %d, want %d (1.0.21)", pi.Version, v)
	}
}
