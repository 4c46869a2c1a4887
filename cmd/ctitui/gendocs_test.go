//go:build linux

package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// renderMan formats a page with man-db's man -l, as a user's man would, and
// fails on any warning groff or man gives.
func renderMan(t *testing.T, page string) string {
	t.Helper()
	if _, err := exec.LookPath("man"); err != nil {
		t.Fatalf("man (man-db) is needed to check the pages: %v", err)
	}
	cmd := exec.Command("man", "--warnings", "-l", page)
	cmd.Env = append(os.Environ(), "MANWIDTH=200", "LC_ALL=C.UTF-8", "MAN_KEEP_FORMATTING=0")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("man -l %s: %v\n%s", page, err, errOut.String())
	}
	if errOut.Len() > 0 {
		t.Errorf("man -l %s warns:\n%s", page, errOut.String())
	}
	// Strip overstrike bold/underline, which man keeps when it thinks it
	// writes to a terminal.
	s := out.String()
	for strings.Contains(s, "\b") {
		i := strings.Index(s, "\b")
		s = s[:i-1] + s[i+1:]
	}
	return s
}

func TestManPages(t *testing.T) {
	root := newRootCmd(io.Discard, io.Discard)
	dir := t.TempDir()
	if err := writeManPages(root, dir, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	pages := pagedCommands(root)
	if len(pages) < 10 {
		t.Fatalf("only %d command pages", len(pages))
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(pages)+1 {
		t.Errorf("%d pages written, want ctitui.1 and %d command pages", len(entries), len(pages))
	}

	top := renderMan(t, filepath.Join(dir, "ctitui.1"))
	for _, want := range []string{
		"2026-12-04", "--password-file", "CTITUI_PASSWORD", "--version",
		// The console's keys: shared ones from ui's key map and each screen's.
		"Every screen", "ctrl+r", "reload", "Manage deployed packages", "immediately uninstall",
		"block inheritance on/off", "ctitui-gpo(1)",
		// Step 6's new group and step 7's SDDL key (issue 16).
		"new group", "toggle computer", "folder SDDL",
	} {
		if !strings.Contains(top, want) {
			t.Errorf("ctitui(1) lacks %q", want)
		}
	}
	for _, c := range pages {
		text := renderMan(t, filepath.Join(dir, "ctitui-"+c.Name()+".1"))
		// Every command of the group is on its page with its flags.
		for _, leaf := range leafCommands(c) {
			if !strings.Contains(text, leaf.CommandPath()) {
				t.Errorf("ctitui-%s(1) lacks %q", c.Name(), leaf.CommandPath())
			}
			leaf.LocalFlags().VisitAll(func(f *pflag.Flag) {
				if !f.Hidden && f.Name != "help" && !strings.Contains(text, "--"+f.Name) {
					t.Errorf("ctitui-%s(1) lacks %s's flag --%s", c.Name(), leaf.CommandPath(), f.Name)
				}
			})
		}
	}
	// Backslashes of UNC paths and hyphens survive roff.
	pkg := renderMan(t, filepath.Join(dir, "ctitui-pkg.1"))
	if !strings.Contains(pkg, `'\\server\share\folder\product.msi'`) {
		t.Errorf("ctitui-pkg(1) mangles the UNC path of pkg add:\n%s", pkg)
	}
}

func TestCompletions(t *testing.T) {
	root := newRootCmd(io.Discard, io.Discard)
	dir := t.TempDir()
	if err := writeCompletions(root, dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ctitui.bash", "_ctitui", "ctitui.fish"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Contains(b, []byte("ctitui")) {
			t.Errorf("%s: %v, %d bytes", name, err, len(b))
		}
	}
	// bash itself parses the bash completion.
	if out, err := exec.Command("bash", "-n", filepath.Join(dir, "ctitui.bash")).CombinedOutput(); err != nil {
		t.Errorf("bash -n ctitui.bash: %v\n%s", err, out)
	}
}

// Every key ui binds is in ctitui(1): the screens' keys are listed by
// hand in screenKeys, so a key added to a screen (step 6's new group, step
// 7's SDDL) must be added there too. Read from ui's source, which binds
// each with bind(t, "label", "catalog.key", ...).
func TestManPagesListEveryKey(t *testing.T) {
	listed := map[string]bool{}
	for _, s := range screenKeys() {
		for _, k := range s.keys {
			listed[k[1]] = true
		}
	}
	// Keys that only say enter or esc does what the screen is about; the
	// shared enter and esc lines cover them.
	obvious := map[string]bool{
		"filter.done": true, "dist.pick": true, "gpo.switch": true, "pick.choose": true, "doctor.run": true,
		"connect.key": true, "connect.cancel": true, "ou.choose": true, "pkg.upgrade_pick": true,
		"pkg.upgrade_cancel": true, "manage.upgrade_go": true,
	}
	bindCall := regexp.MustCompile(`bind\((?:\w+\.)?t, "[^"]*", "([^"]+)"`)
	files, err := filepath.Glob(filepath.Join("..", "..", "ui", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("ui sources: %v, %d files", err, len(files))
	}
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range bindCall.FindAllStringSubmatch(string(src), -1) {
			k := m[1]
			found++
			if !strings.HasPrefix(k, "key.") && !listed[k] && !obvious[k] {
				t.Errorf("%s binds a key described by %q, which ctitui(1) does not list (cmd/ctitui/gendocs.go screenKeys)", filepath.Base(f), k)
			}
		}
	}
	if found < 40 {
		t.Fatalf("only %d bind calls found in ui: the pattern no longer matches", found)
	}
}
