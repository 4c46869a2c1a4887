package aas

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestFriendlyLine(t *testing.T) {
	tests := []struct {
		name string
		rec  Record
		want string
	}{
		{"unknown opcode prints values alone", Record{Opcode: 0x77, Args: []Arg{Int(5), ASCII("x"), NullArg()}}, "Opcode119(5,x,)"},
		{"binary prints as Windows Installer logs do", Record{Opcode: 0x77, Args: []Arg{Binary([]byte{1})}}, "Opcode119(BinaryData)"},
		{"ASCII bytes above 0x7F as Latin-1", Record{Opcode: OpActionStart, Args: []Arg{ASCII("caf\xe9")}}, "ActionStart(Name=café)"},
		{"DialogInfo extra arguments", Record{Opcode: OpDialogInfo, Args: []Arg{Int(2), ASCII("a"), ASCII("b")}}, "DialogInfo(Type=2,Argument=a,Argument=b)"},
		{"no arguments", Record{Opcode: OpEnd}, "End()"},
		{"four-argument FeaturePublish from an install log", Record{Opcode: OpFeaturePublish,
			Args: []Arg{ASCII("Main"), NullString(), Int(2), ASCII("comp")}}, "FeaturePublish(Feature=Main,,Absent=2,Component=comp)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FriendlyLine(tt.rec); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseOpFallsBackToUnknown(t *testing.T) {
	tests := []struct {
		name string
		rec  Record
	}{
		{"unknown opcode", Record{Opcode: 0x77}},
		// Windows 2000 era ProductInfo with 13 arguments (ice2k)
		{"short ProductInfo", Record{Opcode: OpProductInfo, Args: make([]Arg, 13)}},
		{"End with two arguments", Record{Opcode: OpEnd, Args: []Arg{Int(0), Int(0)}}},
		{"Header with a string", Record{Opcode: OpHeader, Args: append([]Arg{ASCII("x")}, Header{}.Record().Args[1:]...)}},
		{"Unicode GUID is not the typed ASCII form", Record{Opcode: OpProductPublish, Args: []Arg{Unicode("{X}")}}},
		{"SourceListPublish count mismatch", Record{Opcode: OpSourceListPublish,
			Args: []Arg{NullString(), NullString(), NullString(), NullString(), Int(2), Int(1), NullString(), NullString(), NullString()}}},
		{"four-argument FeaturePublish", Record{Opcode: OpFeaturePublish, Args: []Arg{ASCII("a"), NullArg(), Int(2), ASCII("c")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if op, ok := ParseOp(tt.rec).(Unknown); !ok {
				t.Fatalf("parsed as %T, want Unknown", ParseOp(tt.rec))
			} else if op.Record().Opcode != tt.rec.Opcode {
				t.Fatalf("Unknown holds opcode %d, want %d", op.Record().Opcode, tt.rec.Opcode)
			}
		})
	}
}

func TestParseOpTyped(t *testing.T) {
	tests := []Op{
		DialogInfo{Type: 1, Arguments: []Arg{ASCII("Name")}},
		RollbackInfo{RollbackAction: "Rollback"},
		ActionStart{Name: "PublishProduct", Description: "Publishing product information"},
		UserRegister{Owner: "Admin", Company: "ООО Мико", ProductID: "123"},
		FeaturePublish{Feature: "Child", Parent: "Main", Absent: 1},
		UpgradeCodePublish{UpgradeCode: "{AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}"},
		SourceListPublish{DiskPromptTemplate: "[1]", PackagePath: `\\s\h\a.msi`,
			Disks: []Disk{{DiskID: 1, VolumeName: "V1", DiskPrompt: "D1"}, {DiskID: 2}}, LaunchPath: `\\s\h\`},
	}
	for _, want := range tests {
		t.Run(OpName(want.Record().Opcode), func(t *testing.T) {
			data, err := Encode(want)
			if err != nil {
				t.Fatal(err)
			}
			ops, err := ReadOps(data)
			if err != nil {
				t.Fatal(err)
			}
			if len(ops) != 1 || FriendlyLine(ops[0].Record()) != FriendlyLine(want.Record()) {
				t.Fatalf("got %#v, want %#v", ops, want)
			}
			if _, ok := ops[0].(Unknown); ok {
				t.Fatalf("typed operation came back as Unknown")
			}
		})
	}
}

func TestJSONView(t *testing.T) {
	recs, err := ReadRecords(loadHex(t, "spec-4.2-sample.hex"))
	if err != nil {
		t.Fatal(err)
	}
	recs = append(recs, Record{Opcode: 0x77, Args: []Arg{Binary([]byte{0xAB, 0xCD})}, Offset: 999})
	out, err := json.Marshal(JSONView(recs))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, want string }{
		{"header signature", `{"name":"Signature","type":"int","value":1397708873}`},
		{"product key", `{"name":"ProductKey","type":"ascii","value":"{0F23F7E9-5825-4E00-8A00-40F14FC8E6C2}"}`},
		{"null arguments are labelled", `{"name":"NullArgument1","type":"null-argument"}`},
		{"disk entries are labelled", `{"name":"DiskId[1]","type":"int","value":1}`},
		{"launch path is labelled", `{"name":"LaunchPath","type":"ascii","value":"\\\\AppServerShare1\\Public\\"}`},
		{"record offset and opcode", `{"offset":0,"opcode":2,"name":"Header"`},
		{"binary in hex", `{"type":"binary","value":"abcd"}`},
		{"friendly line", `"friendly":"ProductPublish(PackageKey={5646D4B1-EDED-41C9-B7B1-A1F0C17D9CEE})"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(string(out), tt.want) {
				t.Fatalf("JSON lacks %s", tt.want)
			}
		})
	}
}
