package aas

import (
	"strings"
	"testing"
	"time"
)

func testProduct() Product {
	return Product{
		ProductCode:    "{6a9c5b2e-1f3d-4c7a-9e8b-0d1c2b3a4f5e}",
		ProductName:    "MikoCTI Client",
		PackageCode:    "{11111111-2222-3333-4444-555555555555}",
		ProductVersion: "2.5.1234.7",
		Language:       1049,
		UpgradeCode:    "{AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}",
		Features:       []Feature{{Name: "Complete"}, {Name: "Plugins", Parent: "Complete", DisallowAdvertise: true}},
		Icons:          []Icon{{Name: "App.ico", Data: []byte{0, 0, 1, 0, 7}}},
		ProductIcon:    "App.ico",
		Codepage:       1251,
		PackagePath:    `\\srv\Distrib\MikoCTI\MikoCTI.msi`,
		Scope:          ScopeComputer,
		Created:        time.Date(2026, 11, 22, 4, 5, 30, 0, time.UTC),
	}
}

func TestBuildAdvertiseScriptLayout(t *testing.T) {
	userNoUpgrade := testProduct()
	userNoUpgrade.Scope = ScopeUser
	userNoUpgrade.UpgradeCode = ""
	userNoUpgrade.Features = []Feature{{Name: "Main"}}
	cyrillic := testProduct()
	cyrillic.ProductName = "Клиент МИКО"
	cyrillic.Features = nil

	head := func(name string) []string {
		return []string{
			// Timestamp: 2026-11-22 04:05:30 = DOS date 0x5D76, time 0x20AF.
			"Header(Signature=1397708873,Version=500,Timestamp=1568022703,LangId=1049,Platform=0,ScriptType=3,ScriptMajorVersion=21,ScriptMinorVersion=4,ScriptAttributes=0)",
			// Version: 2.5.1234 = 2<<24 | 5<<16 | 1234.
			"ProductInfo(ProductKey={6A9C5B2E-1F3D-4C7A-9E8B-0D1C2B3A4F5E},ProductName=" + name + ",PackageName=MikoCTI.msi,Language=1049,Version=33883346,Assignment=1,ObsoleteArg=0,ProductIcon=App.ico,,PackageCode={11111111-2222-3333-4444-555555555555},,,InstanceType=0,LUASetting=0,RemoteURTInstalls=0,ProductDeploymentFlags=3)",
			"DialogInfo(Type=0,Argument=1049,Argument=1251)",
			"DialogInfo(Type=1,Argument=" + name + ")",
			"RollbackInfo(,RollbackAction=Rollback,RollbackDescription=Rolling back action:,RollbackTemplate=[1],CleanupAction=RollbackCleanup,CleanupDescription=Removing backup files,CleanupTemplate=File: [1])",
			"ActionStart(Name=CreateShortcuts,Description=Creating shortcuts,Template=Shortcut: [1])",
			"IconCreate(Icon=App.ico,Data=BinaryData)",
			"ActionStart(Name=PublishFeatures,Description=Publishing Product Features,Template=Feature: [1])",
		}
	}
	tail := func(upgrade bool) []string {
		lines := []string{
			"ActionStart(Name=PublishProduct,Description=Publishing product information,)",
			"CleanupConfigData()",
			"ProductPublish(PackageKey={11111111-2222-3333-4444-555555555555})",
		}
		if upgrade {
			lines = append(lines, "UpgradeCodePublish(UpgradeCode={AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE})")
		}
		return append(lines,
			`SourceListPublish(,,,,NumberOfDisks=1,1,,,\\srv\Distrib\MikoCTI\)`,
			"SourceListRegisterLastUsed(,)",
			"End(Checksum=0,ProgressTotalHDWord=0,ProgressTotalLDWord=0)")
	}
	join := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}

	tests := []struct {
		name string
		p    Product
		want []string
	}{
		// Assignment is 1 for both scopes, as in the Windows-made scripts.
		{"computer, two features, upgrade code", testProduct(), join(head("MikoCTI Client"), []string{
			"FeaturePublish(Feature=Complete,,Absent=0)",
			"FeaturePublish(Feature=Plugins,Parent=Complete,Absent=1)",
		}, tail(true))},
		{"user, one feature, no upgrade code", userNoUpgrade, join(head("MikoCTI Client"), []string{
			"FeaturePublish(Feature=Main,,Absent=0)",
		}, tail(false))},
		{"cyrillic name, no features", cyrillic, join(head("Клиент МИКО"), tail(true))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := BuildAdvertiseScript(tt.p)
			if err != nil {
				t.Fatal(err)
			}
			recs, err := ReadRecords(data)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range recs {
				got = append(got, FriendlyLine(r))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("script\n got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for _, r := range recs {
				if op, ok := ParseOp(r).(Unknown); ok {
					t.Errorf("builder wrote a record the typed model does not parse back: %s", FriendlyLine(op.Rec))
				}
			}
		})
	}
}

func TestBuildAdvertiseScriptStringTypes(t *testing.T) {
	p := testProduct()
	p.ProductName = "Клиент"
	data, err := BuildAdvertiseScript(p)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := ReadRecords(data)
	if err != nil {
		t.Fatal(err)
	}
	info := recs[1]
	tests := []struct {
		name string
		arg  Arg
		want Kind
	}{
		{"ProductKey is ASCII ([MS-GPSI] 2.2.4.2.2)", info.Args[0], KindASCII},
		{"non-ASCII ProductName is Unicode", info.Args[1], KindUnicode},
		{"ASCII PackageName is ASCII", info.Args[2], KindASCII},
		{"null argument (1)", info.Args[10], KindNullArg},
		{"null argument (2)", info.Args[11], KindNullArg},
		{"PackageCode is ASCII", info.Args[9], KindASCII},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.arg.Kind != tt.want {
				t.Fatalf("kind %s, want %s", tt.arg.Kind, tt.want)
			}
		})
	}
}

func TestBuildAdvertiseScriptRejects(t *testing.T) {
	tests := []struct {
		name    string
		change  func(*Product)
		wantErr string
	}{
		{"bad product code", func(p *Product) { p.ProductCode = "6A9C5B2E-1F3D-4C7A-9E8B-0D1C2B3A4F5E" }, "ProductCode"},
		{"bad package code", func(p *Product) { p.PackageCode = "{1111}" }, "PackageCode"},
		{"bad upgrade code", func(p *Product) { p.UpgradeCode = "{zzzzzzzz-2222-3333-4444-555555555555}" }, "UpgradeCode"},
		{"empty name", func(p *Product) { p.ProductName = "" }, "ProductName is empty"},
		{"version field too big", func(p *Product) { p.ProductVersion = "256.0.0" }, "field 1"},
		{"version build too big", func(p *Product) { p.ProductVersion = "1.2.65536" }, "field 3"},
		{"version not numeric", func(p *Product) { p.ProductVersion = "1.x" }, "field 2"},
		{"version one field", func(p *Product) { p.ProductVersion = "7" }, "major.minor"},
		{"relative path", func(p *Product) { p.PackagePath = `Distrib\a.msi` }, "neither a UNC path"},
		{"forward slashes", func(p *Product) { p.PackagePath = `//srv/share/a.msi` }, "neither a UNC path"},
		{"drive without file", func(p *Product) { p.PackagePath = `C:\share\` }, "does not name a file"},
		{"unnamed icon", func(p *Product) { p.Icons = []Icon{{Data: []byte{1}}} }, "icon with an empty name"},
		{"share without file", func(p *Product) { p.PackagePath = `\\srv\share\` }, "does not name a file"},
		{"server only", func(p *Product) { p.PackagePath = `\\srv\a.msi` }, "does not name a file"},
		{"unknown parent", func(p *Product) { p.Features = []Feature{{Name: "A", Parent: "B"}} }, `parent "B"`},
		{"duplicate feature", func(p *Product) { p.Features = []Feature{{Name: "A"}, {Name: "A"}} }, "listed twice"},
		{"empty feature", func(p *Product) { p.Features = []Feature{{}} }, "empty name"},
		{"self parent", func(p *Product) { p.Features = []Feature{{Name: "A", Parent: "A"}} }, "its own parent"},
		{"no time", func(p *Product) { p.Created = time.Time{} }, "creation time"},
		{"time before 1980", func(p *Product) { p.Created = time.Date(1979, 1, 1, 0, 0, 0, 0, time.UTC) }, "DOS date range"},
		{"unknown scope", func(p *Product) { p.Scope = Scope(9) }, "scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testProduct()
			tt.change(&p)
			_, err := BuildAdvertiseScript(p)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestEncodeVersion(t *testing.T) {
	tests := []struct {
		in   string
		want int32
	}{
		{"1.0.21", 16777237}, // [MS-GPSI] 4.2: Version=16777237
		{"2.5", 2<<24 | 5<<16},
		{"255.255.65535.65535", -1},
		{"0.0.0", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := EncodeVersion(tt.in)
			if err != nil || got != tt.want {
				t.Fatalf("EncodeVersion(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestBuildAdvertiseScriptEmptyFieldsAreNullArguments(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Product)
	}{
		{"computer", func(*Product) {}},
		{"user without upgrade code", func(p *Product) { p.Scope, p.UpgradeCode = ScopeUser, "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testProduct()
			tt.change(&p)
			data, err := BuildAdvertiseScript(p)
			if err != nil {
				t.Fatal(err)
			}
			recs, err := ReadRecords(data)
			if err != nil {
				t.Fatal(err)
			}
			nulls := 0
			for _, r := range recs {
				for i, a := range r.Args {
					switch a.Kind {
					case KindNullString:
						t.Errorf("%s argument %d is a null string (0x0000), want the null argument (0x8000)", RecordName(r), i+1)
					case KindNullArg:
						nulls++
					}
				}
			}
			// ProductInfo 3, RollbackInfo 1, ActionStart PublishProduct 1,
			// SourceListPublish 6, SourceListRegisterLastUsed 2,
			// FeaturePublish of "Complete" 1.
			if nulls != 14 {
				t.Errorf("%d null arguments, want 14", nulls)
			}
		})
	}
}
