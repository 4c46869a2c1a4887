package msi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/gpo/msi"
	"github.com/ctitui/ctitui/internal/testmsi"
)

func TestNotOLE(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":  nil,
		"short":  []byte("MZ"),
		"exe":    append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 600)...),
		"html":   []byte("<html><body>404 Not Found</body></html>"),
		"zipped": append([]byte("PK\x03\x04"), make([]byte, 600)...),
	} {
		_, err := msi.New(bytes.NewReader(data), int64(len(data)))
		if !errors.Is(err, msi.ErrNotOLE) || !strings.Contains(err.Error(), "not an OLE compound file") {
			t.Errorf("%s: got %v, want %q", name, err, msi.ErrNotOLE)
		}
	}
}

func TestOpenMissingFile(t *testing.T) {
	_, err := msi.Open(t.TempDir() + "/absent.msi")
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want a not-exist error", err)
	}
}

// TestTruncated cuts a real package at every sector boundary: each prefix
// must give an error or a package, never a panic, and the cut that loses the
// directory must say the file is damaged.
func TestTruncated(t *testing.T) {
	data, err := os.ReadFile(testmsi.Build(t, "MIKO CTI 4.9.226"))
	if err != nil {
		t.Fatal(err)
	}
	failures := 0
	for n := 0; n < len(data); n += 512 {
		p, err := msi.New(bytes.NewReader(data[:n]), int64(n))
		if err != nil {
			failures++
			continue
		}
		if _, err := msi.Inspect(p, msi.CheckOptions{}); err != nil {
			failures++
		}
	}
	if failures == 0 {
		t.Error("no truncated prefix was rejected")
	}
}

func TestNoPropertyTable(t *testing.T) {
	p := openFixture(t, "no-property-table")
	_, err := msi.Inspect(p, msi.CheckOptions{})
	if !errors.Is(err, msi.ErrNoPropertyTable) || err.Error() != "no Property table" {
		t.Errorf("Inspect: got %v, want %q", err, msi.ErrNoPropertyTable)
	}
	if _, err := p.Identity(); !errors.Is(err, msi.ErrNoPropertyTable) {
		t.Errorf("Identity: got %v", err)
	}
}

func TestNoSuchTable(t *testing.T) {
	p := openFixture(t, "minimal")
	if _, err := p.Table("Nonexistent"); !errors.Is(err, msi.ErrNoTable) {
		t.Errorf("got %v, want ErrNoTable", err)
	}
	// absent optional tables read as no rows
	inis, err := p.IniFiles()
	if err != nil || len(inis) != 0 {
		t.Errorf("IniFiles of a package without the table: %v, %v", inis, err)
	}
}

func TestMikoIdentity(t *testing.T) {
	p := openFixture(t, "MIKO CTI 4.9.226")
	id, err := p.Identity()
	if err != nil {
		t.Fatal(err)
	}
	want := msi.Identity{ProductCode: testmsi.Miko226ProductCode, ProductVersion: "4.9.226", ProductName: "MIKO CTI",
		Manufacturer: "MIKO", UpgradeCode: testmsi.MikoUpgradeCode, PackageCode: p.Summary().PackageCode,
		ProductLanguage: "1049", Platform: "x64"}
	if p.Summary().PackageCode != testmsi.Miko226PackageCode {
		t.Errorf("PackageCode %q, want %q", p.Summary().PackageCode, testmsi.Miko226PackageCode)
	}
	if id != want {
		t.Errorf("identity\n got %+v\nwant %+v", id, want)
	}
	if !strings.HasPrefix(id.PackageCode, "{") || len(id.PackageCode) != 38 {
		t.Errorf("PackageCode %q is not a GUID", id.PackageCode)
	}
	s := p.Summary()
	if s.Subject != "MIKO CTI - телефонная панель" || s.Comments != "Установка через групповые политики" {
		t.Errorf("Cyrillic summary text: Subject %q Comments %q", s.Subject, s.Comments)
	}
	if s.Codepage != 1251 || !slices.Equal(s.Languages(), []int{1049}) || s.Platform() != "x64" || !s.Compressed() || s.PageCount != 500 {
		t.Errorf("summary %+v, languages %v", s, s.Languages())
	}

	r, err := msi.Inspect(p, msi.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.PerMachine || r.AllUsers != "1" || r.ARPProductIcon != "miko.ico" || r.DiskPrompt != "MIKO CTI [1]" || r.InstallPerUser != "" {
		t.Errorf("report: per-machine %v ALLUSERS %q properties %v", r.PerMachine, r.AllUsers, r.Properties)
	}
	var features []string
	for _, f := range r.Features {
		features = append(features, f.Feature+"<"+f.Parent)
	}
	if !slices.Equal(features, []string{"Complete<", "Plugins<Complete", "Documentation<Complete"}) {
		t.Errorf("features %v", features)
	}
	payload := testmsi.Payload(t)
	if len(r.Icons) != 1 || r.Icons[0].Name != "miko.ico" || r.Icons[0].Size != int64(len(payload)) {
		t.Errorf("icons %+v, want miko.ico of %d bytes", r.Icons, len(payload))
	}
	if r.Blocking != 0 {
		t.Errorf("blocking findings: %+v", r.Findings)
	}
}

func TestTypedTables(t *testing.T) {
	p := openFixture(t, "MIKO CTI 4.9.226")
	comps, err := p.Components()
	if err != nil || len(comps) != 3 || comps[0].Component != "Core" || comps[0].ComponentID != "{0E6C2B7A-4F61-4C39-A3A5-0B1B1C3E5A01}" {
		t.Errorf("components %+v %v", comps, err)
	}
	fcs, err := p.FeatureComponents()
	if err != nil || !slices.Contains(fcs, msi.FeatureComponent{Feature: "Documentation", Component: "Docs"}) {
		t.Errorf("feature components %+v %v", fcs, err)
	}
	ups, err := p.Upgrades()
	if err != nil || len(ups) != 2 || ups[0].UpgradeCode != testmsi.MikoUpgradeCode {
		t.Errorf("upgrades %+v %v", ups, err)
	}
	scs, err := p.Shortcuts()
	if err != nil || len(scs) != 1 || scs[0].Name != "MIKO CTI" || scs[0].Icon != "miko.ico" {
		t.Errorf("shortcuts %+v %v", scs, err)
	}
	regs, err := p.Registry()
	if err != nil || len(regs) != 1 || regs[0].Root != msi.RootHKLM || regs[0].Key != `Software\MIKO\CTI` || regs[0].Value != "4.9.226" {
		t.Errorf("registry %+v %v", regs, err)
	}
}

func TestLongProperty(t *testing.T) {
	p := openFixture(t, "long-property")
	props, err := p.PropertyMap()
	if err != nil {
		t.Fatal(err)
	}
	if props["LONGVALUE"] != testmsi.LongPropertyValue() {
		t.Errorf("LONGVALUE: %d bytes, want %d", len(props["LONGVALUE"]), testmsi.LongPropertyLength)
	}
	// the string after the long one must still line up
	if props["AFTERLONG"] != "still readable" {
		t.Errorf("AFTERLONG = %q", props["AFTERLONG"])
	}
}

func TestManyRows(t *testing.T) {
	p := openFixture(t, "many-rows")
	if !p.LongStringRefs() {
		t.Error("a database with more than 65535 strings should use 3-byte string references")
	}
	tab, err := p.Table(testmsi.ManyRowsTable)
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != testmsi.ManyRowsCount {
		t.Fatalf("%d rows, want %d", len(tab.Rows), testmsi.ManyRowsCount)
	}
	last := tab.Rows[len(tab.Rows)-2]
	if last[0].Str != "K69998" || last[1].Str != "value 69998" || last[2].Int != 69998*40000-1400000000 {
		t.Errorf("row 69999: %v", last)
	}
	null := tab.Rows[999]
	if null[1].Kind != msi.Null || null[2].Kind != msi.Null {
		t.Errorf("row 1000 should have null cells: %#v", null)
	}
	props, err := p.PropertyMap()
	if err != nil || props["BEFOREMANY"] != "first" || props["ProductName"] != "Many Rows" {
		t.Errorf("properties %v %v", props, err)
	}
}

// TestReportJSON checks the fields `ctitui msi inspect --json` promises.
func TestReportJSON(t *testing.T) {
	r, err := msi.Inspect(openFixture(t, "MIKO CTI 4.9.241"), msi.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"ProductCode": testmsi.Miko241ProductCode, "ProductVersion": "4.9.241", "ProductName": "MIKO CTI",
		"Manufacturer": "MIKO", "UpgradeCode": testmsi.MikoUpgradeCode, "PackageCode": testmsi.Miko241PackageCode,
		"ProductLanguage": "1049", "Platform": "x64",
	} {
		if m[k] != want {
			t.Errorf("%s = %v, want %q", k, m[k], want)
		}
	}
	props, ok := m["Properties"].(map[string]any)
	if !ok || props["ALLUSERS"] != "1" || len(props) != len(r.Properties) {
		t.Errorf("Properties = %v", m["Properties"])
	}
	if fs, ok := m["Features"].([]any); !ok || len(fs) != 3 {
		t.Errorf("Features = %v", m["Features"])
	}
	if src, ok := m["Source"].(map[string]any); !ok || src["Compressed"] != true || src["AdministrativeImage"] != false {
		t.Errorf("Source = %v", m["Source"])
	}
	if fs, ok := m["Findings"].([]any); !ok || len(fs) != 0 {
		t.Errorf("Findings = %v, want an empty list", m["Findings"])
	}
}
