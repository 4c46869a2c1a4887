package enginetext

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// engine is what the rule covers, relative to this directory.
var engine = []string{"../../domain", "../../gpo"}

var (
	// A flag: two dashes then a letter (or a %s verb making one), at the
	// start of a string or after a space, bracket or quote.
	flagRE = regexp.MustCompile(`(^|[\s("'\x60])--[a-z%]`)
	// A command line: ctitui followed by one of its commands, or a noun and
	// a verb of the command tree standing alone ("pkg redeploy").
	nouns     = `gpo|pkg|share|ou|group|computer|doctor|deploy|msi|aas|profile|recover|directory|domain`
	verbs     = `add|list|remove|delete|set|link|unlink|upload|redeploy|category|filter|wmi|wmi-filter|status|block|find|inspect|dump|build|create|upgrade|members`
	ctituiRE  = regexp.MustCompile(`\bctitui('s)? ((` + nouns + `) (` + verbs + `)\b|(doctor|deploy|recover)\b)`)
	commandRE = regexp.MustCompile(`(^|[\s("'\x60])(` + nouns + `) (` + verbs + `)\b`)
)

// offence is why s names the CLI, or "".
func offence(s string) string {
	switch {
	case flagRE.MatchString(s):
		return "names a flag"
	case ctituiRE.MatchString(s):
		return "names a ctitui command"
	case commandRE.MatchString(s):
		return "names a command"
	}
	return ""
}

func TestOffence(t *testing.T) {
	for s, want := range map[string]bool{
		"pass --reuse to use that GPO":                               true,
		"enable them: ctitui gpo status %q --%s on":                  true,
		"(ctitui gpo list shows them)":                               true,
		"packages get the category with pkg add --category":          true,
		"redeploy the package (ctitui pkg redeploy)":                 true,
		"replace it only on purpose (ctitui's --overwrite)":          true,
		"then ctitui doctor --site NAME":                             true,
		"the journal names a step kind %q this ctitui does not know": false,
		"(&(objectClass=groupPolicyContainer)(cn=%s))":               false,
		"bump the GPO version":                                       false,
		"a GPO named %q already exists (%s)":                         false,
		"x--y":                                                       false,
	} {
		if got := offence(s) != ""; got != want {
			t.Errorf("offence(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestEngineNamesNoCLI fails on every string literal of the engine's
// non-test files that names a flag or a command.
func TestEngineNamesNoCLI(t *testing.T) {
	files := 0
	for _, root := range engine {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if d.Name() == "testdata" {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			files++
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Errorf("%s: %v", fset.Position(lit.Pos()), err)
					return true
				}
				if why := offence(s); why != "" {
					t.Errorf("%s: %s: %q", fset.Position(lit.Pos()), why, s)
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 50 {
		t.Fatalf("read only %d engine files: is the walk rooted right?", files)
	}
}
