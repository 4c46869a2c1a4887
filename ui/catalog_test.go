package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestCatalogsHaveSameKeys(t *testing.T) {
	en, ru := catalogEN(), catalogRU()
	for k := range en {
		if _, ok := ru[k]; !ok {
			t.Errorf("key %q is in the English catalog but not in the Russian one", k)
		}
	}
	for k := range ru {
		if _, ok := en[k]; !ok {
			t.Errorf("key %q is in the Russian catalog but not in the English one", k)
		}
	}
}

// TestCodeUsesOnlyCatalogKeys reads the sources for literal keys so that a
// key used in code but missing from the catalogs fails here, not on screen.
func TestCodeUsesOnlyCatalogKeys(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?:\.T\(|bind\([a-zA-Z.]+, "[^"]*", )"([a-z_]+\.[a-z_.0-9]+)"`)
	en := catalogEN()
	used := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used++
			if _, ok := en[m[1]]; !ok {
				t.Errorf("%s uses key %q, which the catalogs lack", f, m[1])
			}
		}
	}
	for i := 0; i < stCount; i++ {
		if _, ok := en["wiz.step"+string(rune('0'+i))]; !ok {
			t.Errorf("step %d has no name in the catalogs", i)
		}
	}
	if used < 100 {
		t.Fatalf("found only %d key uses: the pattern no longer matches the code", used)
	}
}

func TestFormatArgumentsMatch(t *testing.T) {
	verbs := regexp.MustCompile(`%[-0-9.]*[dsvfq]`)
	en, ru := catalogEN(), catalogRU()
	for k, e := range en {
		if a, b := len(verbs.FindAllString(e, -1)), len(verbs.FindAllString(ru[k], -1)); a != b {
			t.Errorf("%s: English has %d format verbs, Russian %d", k, a, b)
		}
	}
}

func TestDetectLang(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		flag string
		env  map[string]string
		want Lang
	}{
		{"", map[string]string{"LANG": "ru_RU.UTF-8"}, Russian},
		{"", map[string]string{"LC_ALL": "C", "LANG": "ru_RU.UTF-8"}, English},
		{"ru", map[string]string{"LANG": "en_US.UTF-8"}, Russian},
		{"", map[string]string{}, English},
	}
	for _, c := range cases {
		if got := DetectLang(c.flag, env(c.env)); got != c.want {
			t.Errorf("DetectLang(%q, %v) = %s, want %s", c.flag, c.env, got, c.want)
		}
	}
}

// TestComputedKeysExist covers keys built at run time, which the source
// scan cannot see.
func TestComputedKeysExist(t *testing.T) {
	for _, lang := range []Lang{English, Russian} {
		tx := NewText(lang)
		for _, g := range []GPO{{}, {UserEnabled: true}, {ComputerEnabled: true}, {UserEnabled: true, ComputerEnabled: true}} {
			for _, short := range []bool{false, true} {
				if s := gpoStatus(tx, g, short); strings.HasPrefix(s, "[") {
					t.Errorf("%s: status %+v short=%v has no text: %s", lang, g, short, s)
				}
			}
		}
		for _, st := range []string{"active", "removing", "orphaned"} {
			if s := stateText(tx, st); strings.HasPrefix(s, "[") {
				t.Errorf("%s: state %s has no text", lang, st)
			}
		}
		for i := 0; i < stCount; i++ {
			if s := tx.T(fmt.Sprintf("wiz.step%d", i)); strings.HasPrefix(s, "[") {
				t.Errorf("%s: step %d has no name", lang, i)
			}
		}
	}
}
