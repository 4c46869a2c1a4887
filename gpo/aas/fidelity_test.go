package aas

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ctitui/ctitui/gpo/msi"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// The Windows-made scripts of testdata/fidelity (README there): the same
// MSI deployed from two folders by a Windows Server's Group Policy
// Management Editor.
var windowsScripts = []struct {
	file, packagePath string
}{
	{"mysql-installer-8ACF1166.aas", `C:\share\mysql-installer-web-community-8.0.13.0 -ohno.msi`},
	{"mysql-installer-009F869C.aas", `\\l0sslab-client\share\mysql-installer-web-community-8.0.13.0 -ohno.msi`},
}

const mysqlPackageCode = "{60D8EB5B-1A20-49CF-A125-96A554175C9B}"

func readFidelity(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "fidelity", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// windowsIcon returns the icon bytes a Windows-made script carries, found
// with the independent decoder (independent_test.go), so that the package
// reader is not its own witness.
func windowsIcon(t testing.TB, script []byte) (name string, data []byte) {
	t.Helper()
	recs, err := specDecode(script)
	if err != nil {
		t.Fatalf("independent decoder: %v", err)
	}
	for _, r := range recs {
		if r.Opcode == 0x43 && len(r.Args) == 2 {
			return r.Args[0].Text, r.Args[1].Data
		}
	}
	t.Fatal("no 0x43 record in the Windows-made script")
	return "", nil
}

// buildStandIn builds, with wixl and msibuild, an MSI carrying what the
// original MySQL Installer MSI must have held (testdata/fidelity/
// mysql-installer.wxs), with the icon bytes of the Windows-made script.
// queries are extra msibuild -q statements.
func buildStandIn(t *testing.T, queries ...string) string {
	t.Helper()
	wixl := testmsi.RequireTool(t, "wixl")
	msibuild := testmsi.RequireTool(t, "msibuild")
	dir := t.TempDir()
	iconName, icon := windowsIcon(t, readFidelity(t, windowsScripts[0].file))
	files := map[string][]byte{
		"mysql-installer.wxs": readFidelity(t, "mysql-installer.wxs"),
		iconName:              icon,
		"payload.txt":         []byte("stand-in payload\n"),
	}
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(tool string, args ...string) {
		t.Helper()
		cmd := exec.Command(tool, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", filepath.Base(tool), strings.Join(args, " "), err, out)
		}
	}
	run(wixl, "-o", "standin.msi", "mysql-installer.wxs")
	// wixl writes a random package code; the scripts carry this one.
	run(msibuild, "standin.msi", "-s", "MySQL Installer - Community", "Oracle Corporation", "Intel;1033", mysqlPackageCode)
	for _, q := range queries {
		run(msibuild, "standin.msi", "-q", q)
	}
	// msitools' own reader confirms what the stand-in carries.
	msiinfo := testmsi.RequireTool(t, "msiinfo")
	info := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(msiinfo, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("msiinfo %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	path := filepath.Join(dir, "standin.msi")
	if sum := info("suminfo", path); !strings.Contains(sum, mysqlPackageCode) || !strings.Contains(sum, "Intel;1033") {
		t.Fatalf("msiinfo suminfo of the stand-in:\n%s", sum)
	}
	if props := info("export", path, "Property"); !strings.Contains(props, "ARPPRODUCTICON\tInstallerIcon.exe") {
		t.Fatalf("msiinfo export Property of the stand-in:\n%s", props)
	}
	return path
}

// headerTime returns the time of a script's header timestamp ([MS-GPSI]
// 2.2.4.2.1: (DOSDate << 16) | DOSTime).
func headerTime(t testing.TB, script []byte) time.Time {
	t.Helper()
	recs, err := specDecode(script)
	if err != nil || len(recs) == 0 || recs[0].Opcode != 2 || len(recs[0].Args) < 3 {
		t.Fatalf("no header: %v", err)
	}
	v := uint32(recs[0].Args[2].Int)
	date, clock := v>>16, v&0xFFFF
	return time.Date(int(date>>9)+1980, time.Month(date>>5&0xF), int(date&0x1F),
		int(clock>>11), int(clock>>5&0x3F), int(clock&0x1F)*2, 0, time.UTC)
}

// TestBuilderReproducesWindowsScripts is the proof of the builder: for the
// stand-in MSI at each original's path, BuildFromMSI gives the
// Windows-made script byte for byte. The header timestamp is the only byte
// that depends on when a script is written; the test gives the builder
// the original's time, so the whole file compares.
func TestBuilderReproducesWindowsScripts(t *testing.T) {
	pkg, err := msi.Open(buildStandIn(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pkg.Close()
	for _, ws := range windowsScripts {
		t.Run(ws.file, func(t *testing.T) {
			want := readFidelity(t, ws.file)
			got, err := BuildFromMSI(pkg, ws.packagePath, ScopeComputer, headerTime(t, want))
			if err != nil {
				t.Fatal(err)
			}
			if d := firstDiff(got, want); d >= 0 {
				t.Fatalf("differs from the Windows-made script at offset %#x (got %d bytes, want %d):\n got %x\nwant %x\n%s",
					d, len(got), len(want), window(got, d), window(want, d), describeOffset(t, want, d))
			}
		})
	}
}

// TestBuilderIgnoresScopeLikeWindows: Windows writes Assignment 1 and the
// same records under User\Applications (fidelity README), so the user
// scope gives the same bytes.
func TestBuilderIgnoresScopeLikeWindows(t *testing.T) {
	pkg, err := msi.Open(buildStandIn(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pkg.Close()
	want := readFidelity(t, windowsScripts[1].file)
	got, err := BuildFromMSI(pkg, windowsScripts[1].packagePath, ScopeUser, headerTime(t, want))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("user scope differs from the Windows-made script at offset %#x", firstDiff(got, want))
	}
}

// TestFeaturePublishDisallowAdvertise: the features of a package that
// authors them AllowAdvertise="no" (Attributes bit 8) are published with
// 1, as in the Windows-made scripts of such packages (fidelity README);
// wixl ignores the attribute, msibuild sets it.
func TestFeaturePublishDisallowAdvertise(t *testing.T) {
	pkg, err := msi.Open(buildStandIn(t, "UPDATE `Feature` SET `Attributes` = 8 WHERE `Feature` = 'ProductFeature'"))
	if err != nil {
		t.Fatal(err)
	}
	defer pkg.Close()
	got, err := BuildFromMSI(pkg, windowsScripts[1].packagePath, ScopeComputer, time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := specDecode(got)
	if err != nil {
		t.Fatal(err)
	}
	var published []string
	for _, r := range recs {
		if r.Opcode == 0x41 {
			published = append(published, r.Args[0].Text+"="+r.Args[2].typeAndValue())
		}
	}
	if want := []string{"ProductFeature=int 1"}; !reflect.DeepEqual(published, want) {
		t.Fatalf("FeaturePublish %q, want %q", published, want)
	}
}

func (a specArg) typeAndValue() string {
	if a.Type == "int" {
		return fmt.Sprintf("int %d", a.Int)
	}
	return a.Type
}

// TestWindowsScriptsReadByBothDecoders: the package reader and the
// independent decoder, neither with a pad-byte option, read the
// Windows-made scripts to the same records; the reader reports the
// Windows layout and names every record (no "Opcode<n>").
func TestWindowsScriptsReadByBothDecoders(t *testing.T) {
	for _, ws := range windowsScripts {
		t.Run(ws.file, func(t *testing.T) {
			data := readFidelity(t, ws.file)
			want, err := specDecode(data)
			if err != nil {
				t.Fatalf("independent decoder: %v", err)
			}
			recs, old, err := ReadScript(data)
			if err != nil || old {
				t.Fatalf("ReadScript: old layout %v, error %v", old, err)
			}
			if got := asSpecRecords(recs); !reflect.DeepEqual(got, want) {
				t.Fatalf("readers disagree")
			}
			var names []string
			for _, r := range recs {
				name := RecordName(r)
				if strings.HasPrefix(name, "Opcode") {
					t.Errorf("record at offset %#x is not named: %s", r.Offset, name)
				}
				if _, unknown := ParseOp(r).(Unknown); unknown {
					t.Errorf("record at offset %#x (%s) does not parse to its typed operation", r.Offset, name)
				}
				names = append(names, name)
			}
			wantNames := []string{"Header", "ProductInfo", "DialogInfo", "DialogInfo", "RollbackInfo",
				"ActionStart", "IconCreate", "ActionStart", "FeaturePublish", "ActionStart", "CleanupConfigData",
				"ProductPublish", "UpgradeCodePublish", "SourceListPublish", "SourceListRegisterLastUsed", "End"}
			if !reflect.DeepEqual(names, wantNames) {
				t.Fatalf("records %q\nwant %q", names, wantNames)
			}
		})
	}
}

// window returns up to 16 bytes of b from 8 before off.
func window(b []byte, off int) []byte {
	lo := max(0, off-8)
	return b[lo:min(len(b), off+8)]
}

// describeOffset names the record of want that holds off, for the failure
// message.
func describeOffset(t testing.TB, want []byte, off int) string {
	recs, err := ReadRecords(want)
	if err != nil {
		return ""
	}
	for i := len(recs) - 1; i >= 0; i-- {
		if recs[i].Offset <= off {
			return "in the Windows-made record " + FriendlyLine(recs[i])
		}
	}
	return ""
}

// TestBuilderDerivesCodepagePlatformAndFeaturesFromTheMSI: the values the
// Windows-made scripts show in other forms in other scripts (database code
// page 1252 in DialogInfo, Header Platform 0x00090000 for x64, fidelity
// README) come from the MSI, not from constants: the stand-in made x64
// (summary template) with code page 1252 (_ForceCodepage) and a second,
// child feature gives the Windows-made script with exactly those
// arguments changed and one FeaturePublish more, in the Feature table's
// row order as msitools' own reader lists it.
func TestBuilderDerivesCodepagePlatformAndFeaturesFromTheMSI(t *testing.T) {
	path := buildStandIn(t, "INSERT INTO `Feature` (`Feature`, `Feature_Parent`, `Title`, `Display`, `Level`, `Attributes`) "+
		"VALUES ('Documentation', 'ProductFeature', 'Docs', 2, 1, 0)")
	dir := filepath.Dir(path)
	msibuild := testmsi.RequireTool(t, "msibuild")
	if err := os.WriteFile(filepath.Join(dir, "_ForceCodepage.idt"), []byte("\r\n\r\n1252\t_ForceCodepage\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{path, "-i", filepath.Join(dir, "_ForceCodepage.idt")},
		{path, "-s", "MySQL Installer - Community", "Oracle Corporation", "x64;1033", mysqlPackageCode},
	} {
		if out, err := exec.Command(msibuild, args...).CombinedOutput(); err != nil {
			t.Fatalf("msibuild %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	// msitools' reader says what the stand-in now holds.
	msiinfo := testmsi.RequireTool(t, "msiinfo")
	info := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(msiinfo, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("msiinfo %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	if sum := info("suminfo", path); !strings.Contains(sum, "x64;1033") {
		t.Fatalf("msiinfo suminfo: no x64 template\n%s", sum)
	}
	if cp := info("export", path, "_ForceCodepage"); !strings.Contains(cp, "1252\t_ForceCodepage") {
		t.Fatalf("msiinfo export _ForceCodepage: %q", cp)
	}
	var tableOrder []string // Feature column of each row, as msiinfo lists them
	for i, line := range strings.Split(strings.ReplaceAll(info("export", path, "Feature"), "\r", ""), "\n") {
		if f := strings.Split(line, "\t"); i >= 3 && len(f) > 1 && f[0] != "" {
			tableOrder = append(tableOrder, f[0]+"<"+f[1])
		}
	}

	if len(tableOrder) != 2 {
		t.Fatalf("msiinfo export Feature: rows %q, want ProductFeature and Documentation", tableOrder)
	}

	pkg, err := msi.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer pkg.Close()
	windows := readFidelity(t, windowsScripts[1].file)
	got, err := BuildFromMSI(pkg, windowsScripts[1].packagePath, ScopeComputer, headerTime(t, windows))
	if err != nil {
		t.Fatal(err)
	}
	gotRecs, err := specDecode(got)
	if err != nil {
		t.Fatal(err)
	}
	want, err := specDecode(windows)
	if err != nil {
		t.Fatal(err)
	}
	// The Windows-made records with what the changed MSI decides.
	want[0].Args[4] = specArg{Type: "int", Int: 0x00090000} // Header Platform: AMD64 (9) << 16
	want[2].Args[2] = specArg{Type: "int", Int: 1252}       // DialogInfo(0, LangId, code page)
	var published []string
	for i, r := range want {
		if r.Opcode == 0x41 {
			child := specRecord{Opcode: 0x41, Args: []specArg{{Type: "ascii", Text: "Documentation"},
				{Type: "ascii", Text: "ProductFeature"}, {Type: "int", Int: 0}}}
			want = append(want[:i+1], append([]specRecord{child}, want[i+1:]...)...)
			break
		}
	}
	for _, r := range gotRecs {
		if r.Opcode == 0x41 {
			parent := r.Args[1].Text
			published = append(published, r.Args[0].Text+"<"+parent)
		}
	}
	if !reflect.DeepEqual(published, tableOrder) {
		t.Errorf("FeaturePublish order %q, msiinfo lists the Feature rows %q", published, tableOrder)
	}
	if !reflect.DeepEqual(gotRecs, want) {
		for i := range min(len(gotRecs), len(want)) {
			if !reflect.DeepEqual(gotRecs[i], want[i]) {
				t.Fatalf("record %d: got %+v\nwant %+v", i, gotRecs[i], want[i])
			}
		}
		t.Fatalf("got %d records, want %d", len(gotRecs), len(want))
	}
}
