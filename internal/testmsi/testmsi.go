// Package testmsi builds the MSI packages that tests use, from the WiX
// sources in testdata, with wixl (and msibuild for what wixl cannot
// express). Packages are built at test time, never committed: each is built
// once into a cache directory keyed by a hash of everything that goes into
// it, and reused by later test runs and by parallel test processes.
package testmsi

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

//go:embed testdata
var sources embed.FS

// fixture says how to build one package.
type fixture struct {
	wxs     string            // WiX source in testdata
	arch    string            // wixl -a, empty for the default (x86)
	defines map[string]string // wixl -D name=value
	// imports are .idt files in testdata imported with msibuild -i after
	// wixl, for tables wixl has no elements for (Environment, IniFile).
	imports []string
	// generated are .idt tables built in Go and imported the same way, for
	// content too big to keep in the repository.
	generated func() map[string]string
	// summary, when set, are the arguments of msibuild -s (subject, author,
	// template, package code): wixl always writes the template language
	// 1033 and a random package code.
	summary []string
	// queries are SQL statements run with msibuild -q last, to add rows with
	// attributes wixl cannot set or to remove rows wixl always writes.
	queries []string
}

// MIKO CTI codes of the guide's example product.
const (
	MikoUpgradeCode     = "{5C4B6F1D-8B2A-4E0C-9E55-3A6F1E2D7C41}"
	Miko226ProductCode  = "{1D6F3E2A-226A-4B6C-8E1F-000000000226}"
	Miko241ProductCode  = "{1D6F3E2A-241A-4B6C-8E1F-000000000241}"
	Miko226PackageCode  = "{5F1E7B7C-0226-4A44-9E0B-8A0F1C2D3E26}"
	Miko241PackageCode  = "{5F1E7B7C-0241-4A44-9E0B-8A0F1C2D3E41}"
	mikoSubject         = "MIKO CTI - телефонная панель"
	LongPropertyLength  = 70000
	ManyRowsCount       = 70000
	ManyRowsTable       = "ManyRows"
	longPropertyPattern = "0123456789abcdefghijklmnopqrstuvwxyz"
)

// fixtures is the corpus. Names are what Build takes.
func fixtures() map[string]fixture {
	return map[string]fixture{
		"minimal":       {wxs: "minimal.wxs"},
		"multi-feature": {wxs: "multi-feature.wxs"},
		"MIKO CTI 4.9.226": {wxs: "miko-cti.wxs", arch: "x64",
			defines: map[string]string{"ProductVersion": "4.9.226", "ProductCode": Miko226ProductCode},
			summary: []string{mikoSubject, "MIKO", "x64;1049", Miko226PackageCode}},
		"MIKO CTI 4.9.241": {wxs: "miko-cti.wxs", arch: "x64",
			defines: map[string]string{"ProductVersion": "4.9.241", "ProductCode": Miko241ProductCode},
			summary: []string{mikoSubject, "MIKO", "x64;1049", Miko241PackageCode}},
		// 4.9.226 with the database code page set to 1251 (wixl leaves the
		// string pool neutral whatever Codepage says), for Cyrillic values
		// stored through the code page
		"MIKO CTI 4.9.226 cp1251": {wxs: "miko-cti.wxs", arch: "x64",
			defines: map[string]string{"ProductVersion": "4.9.226", "ProductCode": Miko226ProductCode},
			imports: []string{"cp1251._ForceCodepage.idt"},
			summary: []string{mikoSubject, "MIKO", "x64;1049", Miko226PackageCode}},
		"long-property": {wxs: "long-property.wxs",
			defines: map[string]string{"LongValue": LongPropertyValue()}},
		"many-rows": {wxs: "many-rows.wxs", generated: manyRows},
		"ts-findings": {wxs: "ts-findings.wxs",
			imports: []string{"ts-findings.Environment.idt", "ts-findings.IniFile.idt"},
			queries: []string{
				// 17426 = 0x4412: TSAware | InScript (deferred) | EXE from an installed file
				"INSERT INTO CustomAction (Action, Type, Source, Target) VALUES ('TSAwareProfile', 17426, 'Tool', '/tsaware')",
			}},
		"per-user": {wxs: "per-user.wxs", imports: []string{"per-user.Registry.idt"}},
		"no-property-table": {wxs: "minimal.wxs",
			queries: []string{"DROP TABLE Property"}},
		"broken-identity": {wxs: "broken-identity.wxs",
			queries: []string{
				// libmsi's DELETE with OR removed only the first match, so
				// one statement per property
				"DELETE FROM Property WHERE Property='ProductCode'",
				"DELETE FROM Property WHERE Property='UpgradeCode'",
			}},
	}
}

// Names lists every fixture, sorted.
func Names() []string {
	var names []string
	for n := range fixtures() {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// LongPropertyValue is the LONGVALUE property of the long-property fixture.
func LongPropertyValue() string {
	return strings.Repeat(longPropertyPattern, LongPropertyLength/len(longPropertyPattern)+1)[:LongPropertyLength]
}

// manyRows generates a table with ManyRowsCount rows of distinct strings,
// 4-byte integers and nulls.
func manyRows() map[string]string {
	var b strings.Builder
	b.WriteString("Key\tText\tNumber\ns72\tL255\tI4\n" + ManyRowsTable + "\tKey\n")
	for i := range ManyRowsCount {
		switch {
		case i%1000 == 999:
			fmt.Fprintf(&b, "K%05d\t\t\n", i) // null string and null integer
		default:
			fmt.Fprintf(&b, "K%05d\tvalue %05d\t%d\n", i, i, i*40000-1400000000)
		}
	}
	return map[string]string{ManyRowsTable + ".idt": b.String()}
}

// Build returns the path of the named fixture, building it on first use.
// Without wixl (or msibuild) it fails the test when the CI environment
// variable is set and skips it, saying why, otherwise.
func Build(t testing.TB, name string) string {
	t.Helper()
	f, ok := fixtures()[name]
	if !ok {
		t.Fatalf("testmsi: no fixture %q (have %s)", name, strings.Join(Names(), ", "))
	}
	wixl := RequireTool(t, "wixl")
	msibuild := ""
	if f.needsMsibuild() {
		msibuild = RequireTool(t, "msibuild")
	}
	path, err := build(name, f, wixl, msibuild)
	if err != nil {
		t.Fatalf("testmsi: build %q: %v", name, err)
	}
	return path
}

// BuildFile builds the named fixture outside a test (make demo puts the
// MIKO CTI packages on the demo domain's share) and returns its path.
func BuildFile(name string) (string, error) {
	f, ok := fixtures()[name]
	if !ok {
		return "", fmt.Errorf("testmsi: no fixture %q (have %s)", name, strings.Join(Names(), ", "))
	}
	tools := []string{"wixl"}
	if f.needsMsibuild() {
		tools = append(tools, "msibuild")
	}
	paths := make([]string, 2)
	for i, tool := range tools {
		p, err := exec.LookPath(tool)
		if err != nil {
			return "", fmt.Errorf("testmsi: %s not found in PATH; install the Debian packages wixl and msitools", tool)
		}
		paths[i] = p
	}
	return build(name, f, paths[0], paths[1])
}

func (f fixture) needsMsibuild() bool {
	return len(f.imports) > 0 || len(f.queries) > 0 || f.generated != nil || f.summary != nil
}

// RequireTool returns the path of an msitools/wixl program, failing the
// test under CI and skipping it otherwise when the program is missing.
func RequireTool(t testing.TB, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err == nil {
		return p
	}
	msg := fmt.Sprintf("testmsi: %s not found in PATH; it builds the test MSI packages (Debian/Ubuntu: apt-get install wixl msitools)", tool)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg + "; skipping because CI is not set")
	return ""
}

// CacheDir is where built packages are kept: CTITUI_TESTMSI_CACHE if set,
// else ctitui-testmsi in the user cache directory.
func CacheDir() (string, error) {
	if d := os.Getenv("CTITUI_TESTMSI_CACHE"); d != "" {
		return d, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory (set CTITUI_TESTMSI_CACHE): %w", err)
	}
	return filepath.Join(base, "ctitui-testmsi"), nil
}

// inputs collects the files handed to the build tools, by name.
func inputs(f fixture) (map[string][]byte, []string, error) {
	files := make(map[string][]byte)
	read := func(name string) error {
		b, err := fs.ReadFile(sources, "testdata/"+name)
		if err != nil {
			return err
		}
		files[name] = b
		return nil
	}
	// every source may refer to the payload
	if err := read("payload.txt"); err != nil {
		return nil, nil, err
	}
	if err := read(f.wxs); err != nil {
		return nil, nil, err
	}
	idts := slices.Clone(f.imports)
	for _, n := range f.imports {
		if err := read(n); err != nil {
			return nil, nil, err
		}
	}
	if f.generated != nil {
		gen := f.generated()
		for _, n := range slices.Sorted(maps.Keys(gen)) {
			files[n] = []byte(gen[n])
			idts = append(idts, n)
		}
	}
	return files, idts, nil
}

// cacheKey hashes everything that determines the package, including the
// wixl version, so a changed source or tool gives a new package.
func cacheKey(name string, f fixture, files map[string][]byte, idts []string, wixl string) (string, error) {
	ver, err := exec.Command(wixl, "--version").Output()
	if err != nil {
		return "", fmt.Errorf("wixl --version: %w", err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "fixture %q arch %q wixl %q\n", name, f.arch, ver)
	for _, k := range slices.Sorted(maps.Keys(f.defines)) {
		fmt.Fprintf(h, "define %q=%q\n", k, f.defines[k])
	}
	for _, n := range slices.Sorted(maps.Keys(files)) {
		fmt.Fprintf(h, "file %q %d\n", n, len(files[n]))
		h.Write(files[n])
	}
	fmt.Fprintf(h, "imports %q queries %q summary %q\n", idts, f.queries, f.summary)
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// build makes the package unless the cache has it. It builds in a private
// temporary directory and renames the result into place, so concurrent test
// processes never see a half-written file; if two build at once, both
// results are equivalent and the last rename wins.
func build(name string, f fixture, wixl, msibuild string) (string, error) {
	files, idts, err := inputs(f)
	if err != nil {
		return "", err
	}
	key, err := cacheKey(name, f, files, idts, wixl)
	if err != nil {
		return "", err
	}
	dir, err := CacheDir()
	if err != nil {
		return "", err
	}
	final := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+"-"+key+".msi")
	if _, err := os.Stat(final); err == nil {
		return final, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(tmp, n), b, 0o644); err != nil {
			return "", err
		}
	}
	args := []string{"-o", "out.msi"}
	if f.arch != "" {
		args = append(args, "-a", f.arch)
	}
	for _, k := range slices.Sorted(maps.Keys(f.defines)) {
		args = append(args, "-D", k+"="+f.defines[k])
	}
	args = append(args, f.wxs)
	if err := run(tmp, wixl, args...); err != nil {
		return "", err
	}
	for _, idt := range idts {
		if err := run(tmp, msibuild, "out.msi", "-i", idt); err != nil {
			return "", err
		}
	}
	if f.summary != nil {
		if err := run(tmp, msibuild, append([]string{"out.msi", "-s"}, f.summary...)...); err != nil {
			return "", err
		}
	}
	for _, q := range f.queries {
		if err := run(tmp, msibuild, "out.msi", "-q", q); err != nil {
			return "", err
		}
	}
	if err := os.Rename(filepath.Join(tmp, "out.msi"), final); err != nil {
		return "", err
	}
	return final, nil
}

func run(dir, tool string, args ...string) error {
	cmd := exec.Command(tool, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		// the define of long-property is 70 KB; keep the message readable
		shown := strings.Join(args, " ")
		if len(shown) > 300 {
			shown = shown[:300] + "..."
		}
		return fmt.Errorf("%s %s: %w\n%s", filepath.Base(tool), shown, err, out)
	}
	return nil
}

// BuildLarge returns a copy of the named fixture with an extra stream of
// size bytes, "big.cab", standing in for the embedded cabinet of a large real
// package. It is cached like the fixtures; the benchmark of the reader uses
// it to show that inspecting a package does not depend on its size.
func BuildLarge(t testing.TB, name string, size int64) string {
	t.Helper()
	base := Build(t, name)
	msibuild := RequireTool(t, "msibuild")
	path, err := buildLarge(base, size, msibuild)
	if err != nil {
		t.Fatalf("testmsi: build %q with a %d-byte cabinet: %v", name, size, err)
	}
	return path
}

func buildLarge(base string, size int64, msibuild string) (string, error) {
	// base is content-addressed, so its name keys the large copy too
	stem := strings.TrimSuffix(filepath.Base(base), ".msi")
	final := filepath.Join(filepath.Dir(base), fmt.Sprintf("%s-cab%d.msi", stem, size))
	if _, err := os.Stat(final); err == nil {
		return final, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(base), "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	b, err := os.ReadFile(base)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(tmp, "out.msi"), b, 0o644); err != nil {
		return "", err
	}
	cab, err := os.Create(filepath.Join(tmp, "big.cab"))
	if err != nil {
		return "", err
	}
	// the content does not matter to the reader, which never opens the
	// stream; Truncate gives the size without writing it twice
	if err := cab.Truncate(size); err != nil {
		cab.Close()
		return "", err
	}
	if err := cab.Close(); err != nil {
		return "", err
	}
	if err := run(tmp, msibuild, "out.msi", "-a", "big.cab", "big.cab"); err != nil {
		return "", err
	}
	if err := os.Rename(filepath.Join(tmp, "out.msi"), final); err != nil {
		return "", err
	}
	return final, nil
}

// Payload is the content of every file (and the icon) the fixtures install.
func Payload(t testing.TB) []byte {
	t.Helper()
	b, err := fs.ReadFile(sources, "testdata/payload.txt")
	if err != nil {
		t.Fatalf("testmsi: %v", err)
	}
	return b
}
