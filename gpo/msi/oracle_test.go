package msi_test

import (
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctitui/ctitui/gpo/msi"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// The oracle: for every package of the corpus, what this reader decodes must
// equal what msitools prints. msiinfo is libmsi, a separate implementation
// of the same format, so agreement on every table of every package checks
// stream names, the string pool (long strings, 3-byte references), the
// schema and the cell encoding at once.

func msiinfo(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(testmsi.RequireTool(t, "msiinfo"), args...)
	// export writes the data of binary columns as files under the current
	// directory (e.g. Icon/Icon.miko.ico); keep them out of the source tree
	cmd.Dir = t.TempDir()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("msiinfo %s: %v", strings.Join(args, " "), err)
	}
	return strings.ReplaceAll(string(out), "\r\n", "\n")
}

func openFixture(t *testing.T, name string) *msi.Package {
	t.Helper()
	p, err := msi.Open(testmsi.Build(t, name))
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func TestOracleSummary(t *testing.T) {
	for _, name := range testmsi.Names() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := openFixture(t, name)
			want := map[string]string{}
			for _, line := range strings.Split(msiinfo(t, "suminfo", testmsi.Build(t, name)), "\n") {
				if k, v, ok := strings.Cut(line, ": "); ok {
					want[k] = v
				}
			}
			s := p.Summary()
			withHex := func(n int) string { return strconv.Itoa(n) + " (" + strconv.FormatInt(int64(n), 16) + ")" }
			// msiinfo prints times with ctime() in the local zone
			ctime := func(tm time.Time) string {
				if tm.IsZero() {
					return ""
				}
				return tm.Local().Format("Mon Jan _2 15:04:05 2006")
			}
			got := map[string]string{
				"Title":                  s.Title,
				"Subject":                s.Subject,
				"Author":                 s.Author,
				"Keywords":               s.Keywords,
				"Comments":               s.Comments,
				"Template":               s.Template,
				"Revision number (UUID)": s.PackageCode,
				"Created":                ctime(s.Created),
				"Last saved":             ctime(s.LastSaved),
				"Version":                withHex(s.PageCount),
				"Source":                 withHex(s.WordCount),
				"Application":            s.AppName,
				"Security":               withHex(s.Security),
			}
			for k, v := range got {
				w, ok := want[k]
				if !ok && v == "" {
					continue // msiinfo omits absent properties
				}
				if v != w {
					t.Errorf("%s: ours %q, msiinfo %q", k, v, w)
				}
			}
		})
	}
}

// exportTable parses `msiinfo export FILE TABLE`: column names, column
// types, table name and keys, then one line per row.
func exportTable(t *testing.T, path, table string) (names, types []string, rows [][]string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(msiinfo(t, "export", path, table), "\n"), "\n")
	if len(lines) < 3 {
		t.Fatalf("msiinfo export %s: %d lines", table, len(lines))
	}
	for _, l := range lines[3:] {
		rows = append(rows, strings.Split(l, "\t"))
	}
	return strings.Split(lines[0], "\t"), strings.Split(lines[1], "\t"), rows
}

func TestOracleTables(t *testing.T) {
	for _, name := range testmsi.Names() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := testmsi.Build(t, name)
			p := openFixture(t, name)
			var want []string
			for _, tn := range strings.Fields(msiinfo(t, "tables", path)) {
				// virtual tables libmsi adds for its SQL interface
				if tn != "_SummaryInformation" && tn != "_ForceCodepage" {
					want = append(want, tn)
				}
			}
			got := p.TableNames()
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("tables: ours %v, msiinfo %v", got, want)
			}
			if name == "many-rows" {
				// libmsi needs about 0.6 s per export of this database (and
				// msidump -t 30 s), so check the big table and Property here;
				// TestOracleTyped covers Feature and Media, and the other
				// fixtures cover every table.
				got = []string{testmsi.ManyRowsTable, "Property"}
			}
			for _, tn := range got {
				tab, err := p.Table(tn)
				if err != nil {
					t.Fatalf("table %s: %v", tn, err)
				}
				names, types, rows := exportTable(t, path, tn)
				var gotNames, gotTypes []string
				for _, c := range tab.Columns {
					gotNames = append(gotNames, c.Name)
					gotTypes = append(gotTypes, c.Type.String())
				}
				if !slices.Equal(gotNames, names) || !slices.Equal(gotTypes, types) {
					t.Errorf("%s columns: ours %v %v, msiinfo %v %v", tn, gotNames, gotTypes, names, types)
					continue
				}
				if len(tab.Rows) != len(rows) {
					t.Errorf("%s: ours %d rows, msiinfo %d", tn, len(tab.Rows), len(rows))
					continue
				}
				for i, r := range tab.Rows {
					var cells []string
					for _, v := range r {
						cells = append(cells, v.String())
					}
					if !slices.Equal(cells, rows[i]) {
						t.Errorf("%s row %d: ours %.200q, msiinfo %.200q", tn, i+1, cells, rows[i])
						break
					}
				}
			}
		})
	}
}

// TestOracleTyped compares the typed Property, Feature and Media views,
// which the console and the GPO code use, with msiinfo's export.
func TestOracleTyped(t *testing.T) {
	for _, name := range testmsi.Names() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := testmsi.Build(t, name)
			p := openFixture(t, name)

			if p.HasTable("Property") {
				props, err := p.Properties()
				if err != nil {
					t.Fatal(err)
				}
				_, _, rows := exportTable(t, path, "Property")
				if len(props) != len(rows) {
					t.Fatalf("Property: ours %d rows, msiinfo %d", len(props), len(rows))
				}
				for i, pr := range props {
					if pr.Name != rows[i][0] || pr.Value != rows[i][1] {
						t.Errorf("Property row %d: ours %s=%.80q, msiinfo %s=%.80q", i+1, pr.Name, pr.Value, rows[i][0], rows[i][1])
					}
				}
			}

			features, err := p.Features()
			if err != nil {
				t.Fatal(err)
			}
			_, _, rows := exportTable(t, path, "Feature")
			if len(features) != len(rows) {
				t.Fatalf("Feature: ours %d rows, msiinfo %d", len(features), len(rows))
			}
			for i, f := range features {
				got := []string{f.Feature, f.Parent, f.Title, f.Description, itoaOrEmpty(f.Display, rows[i][4]), strconv.Itoa(f.Level), f.Directory, strconv.Itoa(f.Attributes)}
				if !slices.Equal(got, rows[i]) {
					t.Errorf("Feature row %d: ours %q, msiinfo %q", i+1, got, rows[i])
				}
			}

			media, err := p.Media()
			if err != nil {
				t.Fatal(err)
			}
			if !p.HasTable("Media") {
				return
			}
			_, _, rows = exportTable(t, path, "Media")
			if len(media) != len(rows) {
				t.Fatalf("Media: ours %d rows, msiinfo %d", len(media), len(rows))
			}
			for i, m := range media {
				got := []string{strconv.Itoa(m.DiskID), strconv.Itoa(m.LastSequence), m.DiskPrompt, m.Cabinet, m.VolumeLabel, m.Source}
				if !slices.Equal(got, rows[i]) {
					t.Errorf("Media row %d: ours %q, msiinfo %q", i+1, got, rows[i])
				}
			}
		})
	}
}

// itoaOrEmpty formats a nullable integer column of a typed row: the typed
// view reads null as 0, msiinfo prints it as an empty field.
func itoaOrEmpty(n int, exported string) string {
	if n == 0 && exported == "" {
		return ""
	}
	return strconv.Itoa(n)
}
