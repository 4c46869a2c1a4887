package msi_test

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctitui/ctitui/gpo/msi"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// The oracles for transforms are code that is not ours, run through
// python3-gi (testdata/mst_oracle.py): libgsf, the compound file library of
// libmsi, lists our streams and their bytes; libmsi opens the transform
// (which loads its string pool) and reads its summary information; CPython's
// codecs give the code page bytes of non-ASCII values. The bytes of the table
// stream are checked against the layout of the transform Wine's
// dlls/msi/tests/db.c (test_try_transform) builds by hand and applies with
// MsiDatabaseApplyTransform, a test that passes on Windows.
//
// libmsi applying our transforms is apply_linux_test.go: Debian's libmsi
// cannot apply any transform (msi_table_apply_transform, libmsi/table.c,
// names each table strdup(name + 1), one byte into the three-byte UTF-8
// table prefix U+4840: "Couldn't find id for \xa1\x80Property"), so that
// test builds it with the one line fixed. libmsi does not validate
// transforms (libmsi-database.c applies any file with the transform class
// id), so the refusal of a transform made for another product is checked
// with msi.TransformInfo.Check, on the flags libmsi reads
// back from our summary information.

type oracleStream struct {
	Name []uint16 `json:"name"`
	Data string   `json:"data"` // hex
}

type oracleResult struct {
	Streams []oracleStream    `json:"streams"`
	Summary map[string]any    `json:"summary"`
	Encoded map[string]string `json:"encoded"` // "CP=VALUE" -> hex
}

func requirePython(t *testing.T) string {
	t.Helper()
	const py = "/usr/bin/python3"
	msg := "python3-gi with gir1.2-libmsi-1.0 and gir1.2-gsf-1 reads the transforms in these tests (apt-get install python3-gi gir1.2-libmsi-1.0 gir1.2-gsf-1)"
	if err := exec.Command(py, "-c", "import gi; gi.require_version('Libmsi', '1.0'); gi.require_version('Gsf', '1'); from gi.repository import Libmsi, Gsf").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(msg + ": " + err.Error())
		}
		t.Skip(msg + "; skipping because CI is not set")
	}
	return py
}

func mstOracle(t *testing.T, mst string, encode ...string) oracleResult {
	t.Helper()
	cmd := exec.Command(requirePython(t), append([]string{"testdata/mst_oracle.py", mst}, encode...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("mst_oracle.py: %v\n%s", err, stderr.String())
	}
	var r oracleResult
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("mst_oracle.py output: %v\n%s", err, b)
	}
	return r
}

// stream returns the bytes libgsf read for the stream with the raw name.
func (r oracleResult) stream(t *testing.T, raw []uint16) []byte {
	t.Helper()
	for _, s := range r.Streams {
		if slices.Equal(s.Name, raw) {
			b, err := hex.DecodeString(s.Data)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("libgsf finds no stream %04x in %v", raw, r.Streams)
	return nil
}

// Raw names of the streams, as Wine's test transform spells them
// (dlls/msi/tests/db.c name9 and name5; _StringData packed the same way).
var (
	rawProperty   = []uint16{0x4840, 0x4559, 0x44f2, 0x4568, 0x4737}
	rawStringPool = []uint16{0x4840, 0x3f3f, 0x4577, 0x446c, 0x3e6a, 0x44b2, 0x482f}
	rawStringData = []uint16{0x4840, 0x3f3f, 0x4577, 0x446c, 0x3b6a, 0x45e4, 0x4824}
)

func writeTransform(t *testing.T, base *msi.Package, set []msi.Property, remove []string, opt msi.TransformOptions) string {
	t.Helper()
	tc, err := msi.PropertyChanges(base, set, remove)
	if err != nil {
		t.Fatalf("PropertyChanges: %v", err)
	}
	var buf bytes.Buffer
	if err := msi.CreateTransform(&buf, base, []msi.TableChange{tc}, opt); err != nil {
		t.Fatalf("CreateTransform: %v", err)
	}
	path := filepath.Join(t.TempDir(), "out.mst")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTransformReadByOthers(t *testing.T) {
	created := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	const cyrillic = "Оператор колл-центра №1"
	for _, tc := range []struct {
		fixture string
		set     []msi.Property
		remove  []string
		// the Property stream and string pool in the layout of Wine's
		// Windows-tested transform, when the test spells them out
		wantProperty, wantPool []byte
		wantData               string
	}{
		{fixture: "MIKO CTI 4.9.226",
			set:    []msi.Property{{Name: "NEWPROP", Value: "1"}, {Name: "ARPHELPLINK", Value: "x"}},
			remove: []string{"ARPPRODUCTICON"},
			// add (mask 0x0201: two cells) NEWPROP=1, change (mask 0x0002:
			// column 2) ARPHELPLINK=x, remove (mask 0) ARPPRODUCTICON;
			// string ids 1..5 in order of use
			wantProperty: []byte{0x01, 0x02, 1, 0, 2, 0, 0x02, 0x00, 3, 0, 4, 0, 0x00, 0x00, 5, 0},
			wantPool:     []byte{0, 0, 0, 0, 7, 0, 1, 0, 1, 0, 1, 0, 11, 0, 1, 0, 1, 0, 1, 0, 14, 0, 1, 0},
			wantData:     "NEWPROP1ARPHELPLINKxARPPRODUCTICON"},
		{fixture: "MIKO CTI 4.9.241", set: []msi.Property{{Name: "SERVERADDRESS", Value: "10.0.0.5"}, {Name: "AUTOUPDATE", Value: "0"}}},
		{fixture: "MIKO CTI 4.9.226 cp1251", set: []msi.Property{{Name: "OPERATORNAME", Value: cyrillic}, {Name: "ALLUSERS", Value: "2"}}},
		{fixture: "minimal", set: []msi.Property{{Name: "LICENSEKEY", Value: "AAAA-BBBB"}}},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			base := openFixture(t, tc.fixture)
			mst := writeTransform(t, base, tc.set, tc.remove, msi.TransformOptions{Validation: msi.DefaultValidation, Created: created})
			var encode []string
			for _, p := range tc.set {
				encode = append(encode, strconv.Itoa(base.Codepage())+"="+p.Value)
			}
			if base.Codepage() == 0 {
				encode = nil
			}
			r := mstOracle(t, mst, encode...)

			// libgsf: exactly our streams, with the names Wine's test gives
			// them
			if len(r.Streams) != 4 {
				t.Errorf("libgsf lists %d streams, want 4 (summary, Property, _StringPool, _StringData): %v", len(r.Streams), r.Streams)
			}
			prop, pool, data := r.stream(t, rawProperty), r.stream(t, rawStringPool), r.stream(t, rawStringData)
			if tc.wantProperty != nil {
				if !bytes.Equal(prop, tc.wantProperty) || !bytes.Equal(pool, tc.wantPool) || string(data) != tc.wantData {
					t.Errorf("layout:\nProperty    % x\n       want % x\n_StringPool % x\n       want % x\n_StringData %q, want %q",
						prop, tc.wantProperty, pool, tc.wantPool, data, tc.wantData)
				}
			}
			if cp := int(binary.LittleEndian.Uint32(pool) &^ 0x80000000); cp != base.Codepage() {
				t.Errorf("string pool code page %d, the base's %d", cp, base.Codepage())
			}
			// CPython's cp1251 codec gives the bytes our pool holds
			for _, e := range encode {
				want, _ := hex.DecodeString(r.Encoded[e])
				if !bytes.Contains(data, want) {
					t.Errorf("_StringData % x does not hold %s as CPython encodes it (% x)", data, e, want)
				}
			}

			// libmsi opened it and reads our summary information
			id, err := base.Identity()
			if err != nil {
				t.Fatal(err)
			}
			wantRev := id.ProductCode + id.ProductVersion + ";" + id.ProductCode + id.ProductVersion + ";" + id.UpgradeCode
			if r.Summary["RevNumber"] != wantRev {
				t.Errorf("RevNumber read by libmsi: %v, want %s", r.Summary["RevNumber"], wantRev)
			}
			if cc, _ := r.Summary["CharCount"].(float64); int(cc) != int(msi.DefaultValidation)<<16 {
				t.Errorf("CharCount read by libmsi: %v, want %#x", r.Summary["CharCount"], int(msi.DefaultValidation)<<16)
			}
			if r.Summary["Template"] != base.Summary().Template || r.Summary["LastAuthor"] != base.Summary().Template ||
				r.Summary["Title"] != "Transform" || r.Summary["AppName"] != "ctitui" {
				t.Errorf("summary read by libmsi: %v", r.Summary)
			}

			// msiinfo and msidump read it as a compound document
			if si := msiinfo(t, "suminfo", mst); !strings.Contains(si, wantRev) || !strings.Contains(si, "Title: Transform") {
				t.Errorf("msiinfo suminfo:\n%s", si)
			}
			dir := t.TempDir()
			if b, err := exec.Command(testmsi.RequireTool(t, "msidump"), "-s", "-d", dir, mst).CombinedOutput(); err != nil {
				t.Fatalf("msidump -s: %v\n%s", err, b)
			}
			if _, err := os.Stat(filepath.Join(dir, "_Streams", "\x05SummaryInformation")); err != nil {
				t.Errorf("msidump -s: %v", err)
			}

			// our reader decodes what it wrote
			info, err := msi.OpenTransform(mst, nil)
			if err != nil {
				t.Fatal(err)
			}
			before, err := base.PropertyMap()
			if err != nil {
				t.Fatal(err)
			}
			names, values, ops := info.PropertyEdits()
			if len(names) != len(tc.set)+len(tc.remove) {
				t.Errorf("decoded %d property edits, want %d: %v", len(names), len(tc.set)+len(tc.remove), names)
			}
			for _, p := range tc.set {
				wantOp := msi.RowInsert
				if _, ok := before[p.Name]; ok {
					wantOp = msi.RowUpdate
				}
				if values[p.Name] != p.Value || ops[p.Name] != wantOp {
					t.Errorf("decoded %s: %v %q, want %v %q", p.Name, ops[p.Name], values[p.Name], wantOp, p.Value)
				}
			}
			for _, n := range tc.remove {
				if ops[n] != msi.RowDelete {
					t.Errorf("%s: decoded as %v, want remove", n, ops[n])
				}
			}
			if info.BaseProductCode != id.ProductCode || info.BaseVersion != id.ProductVersion || info.UpgradeCode != id.UpgradeCode ||
				info.TargetProductCode != id.ProductCode || info.Validation != msi.DefaultValidation ||
				info.Codepage != base.Codepage() || !info.Summary.Created.Equal(created) {
				t.Errorf("decoded summary: %+v", info)
			}
			if why, err := info.Check(base); err != nil || len(why) != 0 {
				t.Errorf("the transform does not apply to its own base: %v %v", why, err)
			}
		})
	}
}

// A transform made for 4.9.226 is refused by 4.9.241 (another ProductCode
// and version) when product validation is on, and accepted without it.
func TestTransformValidation(t *testing.T) {
	old := openFixture(t, "MIKO CTI 4.9.226")
	newer := openFixture(t, "MIKO CTI 4.9.241")
	mst := writeTransform(t, old, []msi.Property{{Name: "SERVERADDRESS", Value: "pbx"}}, nil,
		msi.TransformOptions{Validation: msi.DefaultValidation})

	// libmsi reads our flags
	r := mstOracle(t, mst)
	cc, _ := r.Summary["CharCount"].(float64)
	flags := msi.Validation(uint32(cc) >> 16)
	if flags&msi.ValidateProduct == 0 || flags&msi.ValidateUpgradeCode == 0 {
		t.Fatalf("libmsi reads validation %#x from our transform", flags)
	}

	info, err := msi.OpenTransform(mst, old)
	if err != nil {
		t.Fatal(err)
	}
	if info.Validation != flags {
		t.Errorf("our reader: validation %#x, libmsi %#x", info.Validation, flags)
	}
	why, err := info.Check(newer)
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(why, "\n")
	if !strings.Contains(joined, "ProductCode is "+testmsi.Miko241ProductCode) || !strings.Contains(joined, "ProductVersion is 4.9.241") {
		t.Errorf("4.9.241 not refused for its ProductCode and version: %q", joined)
	}
	if strings.Contains(joined, "UpgradeCode") {
		t.Errorf("same UpgradeCode reported as different: %q", joined)
	}

	// product validation only, without versions: still refused, for the
	// ProductCode alone
	mst2 := writeTransform(t, old, []msi.Property{{Name: "SERVERADDRESS", Value: "pbx"}}, nil,
		msi.TransformOptions{Validation: msi.ValidateProduct})
	info2, err := msi.OpenTransform(mst2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if why, _ := info2.Check(newer); len(why) != 1 || !strings.Contains(why[0], "ProductCode") {
		t.Errorf("product validation: %q", why)
	}
	// no validation: applies
	mst3 := writeTransform(t, old, []msi.Property{{Name: "SERVERADDRESS", Value: "pbx"}}, nil, msi.TransformOptions{})
	info3, err := msi.OpenTransform(mst3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if why, _ := info3.Check(newer); len(why) != 0 {
		t.Errorf("without validation: %q", why)
	}
	// a row conflict is an error Windows reports unless told to ignore it:
	// a transform made from minimal that adds ARPHELPLINK, checked against
	// MIKO CTI, which has it (validation off, so only the row conflicts)
	minimal := openFixture(t, "minimal")
	addLink := writeTransform(t, minimal, []msi.Property{{Name: "ARPHELPLINK", Value: "https://example.org"}}, nil, msi.TransformOptions{})
	info4, err := msi.OpenTransform(addLink, nil)
	if err != nil {
		t.Fatal(err)
	}
	if why, _ := info4.Check(minimal); len(why) != 0 {
		t.Errorf("ARPHELPLINK added to its own base: %q", why)
	}
	if why, _ := info4.Check(old); len(why) != 1 || !strings.Contains(why[0], "exists in the package") {
		t.Errorf("adding an existing row: %q", why)
	}
	// told to ignore that error, it applies
	ignoring := writeTransform(t, minimal, []msi.Property{{Name: "ARPHELPLINK", Value: "https://example.org"}}, nil,
		msi.TransformOptions{Ignore: msi.IgnoreAddExistingRow})
	info5, err := msi.OpenTransform(ignoring, nil)
	if err != nil {
		t.Fatal(err)
	}
	if why, _ := info5.Check(old); len(why) != 0 {
		t.Errorf("ignored conflict still reported: %q", why)
	}
}

func TestTransformRefuses(t *testing.T) {
	miko := openFixture(t, "MIKO CTI 4.9.226")
	for _, tc := range []struct {
		set    []msi.Property
		remove []string
		want   string
	}{
		{set: []msi.Property{{Name: "DiskPrompt", Value: "x"}}, want: "not a public property"},
		{set: []msi.Property{{Name: "1ABC", Value: "x"}}, want: "must start with a letter"},
		{set: []msi.Property{{Name: "A-B", Value: "x"}}, want: "letters, digits, underscores"},
		{set: []msi.Property{{Name: "EMPTY", Value: ""}}, want: "remove the property instead"},
		{set: []msi.Property{{Name: "X", Value: "1"}, {Name: "X", Value: "2"}}, want: "given twice"},
		{remove: []string{"NOSUCHPROPERTY"}, want: "nothing to remove"},
		{set: []msi.Property{{Name: "X", Value: "1"}}, remove: []string{"X"}, want: "both set and removed"},
	} {
		_, err := msi.PropertyChanges(miko, tc.set, tc.remove)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: got %v, want %q", tc.set, tc.remove, err, tc.want)
		}
	}
	// Cyrillic cannot be stored in a database whose code page has no Cyrillic
	minimal := openFixture(t, "minimal")
	if cp := minimal.Codepage(); cp == 1251 || cp == 65001 {
		t.Fatalf("minimal fixture has code page %d; the test needs one without Cyrillic", cp)
	}
	tc, err := msi.PropertyChanges(minimal, []msi.Property{{Name: "NAME", Value: "Оператор"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = msi.CreateTransform(&bytes.Buffer{}, minimal, []msi.TableChange{tc}, msi.TransformOptions{})
	if !errors.Is(err, msi.ErrNotInCodepage) {
		t.Errorf("Cyrillic into code page %d: %v", minimal.Codepage(), err)
	}
	// an MSI is not a transform
	if _, err := msi.OpenTransform(testmsi.Build(t, "minimal"), nil); !errors.Is(err, msi.ErrNotTransform) {
		t.Errorf("MSI opened as a transform: %v", err)
	}
}
