//go:build linux

package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// Categories through the binary: list, add (dry run, real, again), a
// package added with --category, pkg list/show naming it, pkg category
// set clearing it. ldbsearch (not ours) confirms the directory.
func TestPkgCategoryThroughTheBinary(t *testing.T) {
	d := testdomain.Require(t, dom)
	bin := buildBinary(t)
	env := d.CtituiEnv()
	run := func(args ...string) string {
		t.Helper()
		out, errOut, code := runCtitui(t, bin, env, args...)
		if code != 0 {
			t.Fatalf("ctitui %s: exit %d\n%s\n%s", strings.Join(args, " "), code, out, errOut)
		}
		return out
	}
	const appCategories = "CN=AppCategories,CN=Default Domain Policy,CN=System," + testdomain.BaseDN
	ldbsearch := func(base, filter string, attrs ...string) string {
		t.Helper()
		cmd := exec.Command("ldbsearch", append([]string{"-H", filepath.Join(d.Dir, "private", "sam.ldb"), "-b", base, "-s", "sub", filter}, attrs...)...)
		cmd.Env = d.ToolEnv()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("ldbsearch: %v\n%s", err, out)
		}
		return string(out)
	}
	const name = "Телефония (cli)"

	var cats []struct{ ID, Name, DN string }
	if err := json.Unmarshal([]byte(run("pkg", "category", "list", "--json")), &cats); err != nil || len(cats) != 0 {
		t.Fatalf("seed categories: %v %+v", err, cats)
	}

	var dry struct {
		DryRun bool `json:"dryRun"`
		Plan   struct {
			Steps []struct{ Op, Target string } `json:"steps"`
		} `json:"plan"`
		Category struct{ ID, DN string } `json:"category"`
	}
	if err := json.Unmarshal([]byte(run("pkg", "category", "add", name, "--dry-run", "--json")), &dry); err != nil {
		t.Fatal(err)
	}
	if !dry.DryRun || len(dry.Plan.Steps) != 1 || dry.Plan.Steps[0].Op != "ldap add" || !strings.HasSuffix(dry.Category.DN, ","+appCategories) {
		t.Fatalf("dry run: %+v", dry)
	}
	if out := ldbsearch(appCategories, "(objectClass=categoryRegistration)", "cn"); strings.Contains(out, "dn:") {
		t.Fatalf("the dry run made a category:\n%s", out)
	}

	out := run("pkg", "category", "add", name)
	if !strings.Contains(out, "Done: add application category") || !strings.Contains(out, "Category \""+name+"\": {") {
		t.Fatalf("category add output:\n%s", out)
	}
	// The seed domain has no categories and the tests share it: remove
	// whatever this test made, with ldbdel.
	defer func() {
		var dns []string
		for _, l := range strings.Split(ldbsearch(appCategories, "(objectClass=categoryRegistration)", "cn"), "\n") {
			if dn, ok := strings.CutPrefix(l, "dn: "); ok {
				dns = append(dns, dn)
			}
		}
		if len(dns) == 0 {
			return
		}
		cmd := exec.Command("ldbdel", append([]string{"-H", filepath.Join(d.Dir, "private", "sam.ldb")}, dns...)...)
		cmd.Env = d.ToolEnv()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("remove the test's category: %v\n%s", err, out)
		}
	}()
	if out := ldbsearch(appCategories, "(objectClass=categoryRegistration)", "localizedDescription"); !strings.Contains(out, "localizedDescription:") {
		t.Fatalf("ldbsearch finds no category:\n%s", out)
	}
	if err := json.Unmarshal([]byte(run("pkg", "category", "list", "--json")), &cats); err != nil || len(cats) != 1 || cats[0].Name != name {
		t.Fatalf("categories after add: %v %+v", err, cats)
	}
	if out := run("pkg", "category", "add", strings.ToUpper(name)); !strings.Contains(out, "nothing to change") {
		t.Fatalf("second add:\n%s", out)
	}
	if out := run("pkg", "category", "list"); !strings.Contains(out, name) || !strings.Contains(out, cats[0].ID) {
		t.Fatalf("category list:\n%s", out)
	}

	// A package in it.
	local := testmsi.Build(t, "MIKO CTI 4.9.226")
	folder := `\\` + d.IP + `\` + testdomain.DistribShare + `\MikoCTI-categories`
	run("share", "upload", local, folder, "--set-acl", "--overwrite")
	msi := folder + `\` + filepath.Base(local)
	const gpoName = "CLI categories"
	run("gpo", "create", gpoName)
	defer run("gpo", "delete", gpoName)
	if _, errOut, code := runCtitui(t, bin, env, "pkg", "add", gpoName, msi, "--category", "No such"); code == 0 || !strings.Contains(errOut, "pkg category add") {
		t.Fatalf("unknown category: exit %d, %s", code, errOut)
	}
	var added struct {
		Package struct {
			Name          string   `json:"name"`
			DN            string   `json:"dn"`
			CategoryNames []string `json:"categoryNames"`
		} `json:"package"`
	}
	if err := json.Unmarshal([]byte(run("pkg", "add", gpoName, msi, "--category", name, "--json")), &added); err != nil {
		t.Fatal(err)
	}
	if len(added.Package.CategoryNames) != 1 || added.Package.CategoryNames[0] != name {
		t.Fatalf("pkg add --json: %+v", added)
	}
	if out := ldbsearch(added.Package.DN, "(objectClass=packageRegistration)", "categories"); !strings.Contains(out, "categories: "+strings.ToLower(strings.Trim(cats[0].ID, "{}"))) {
		t.Fatalf("ldbsearch of the package:\n%s", out)
	}
	var list []struct {
		Name          string   `json:"name"`
		Categories    []string `json:"categories"`
		CategoryNames []string `json:"categoryNames"`
	}
	if err := json.Unmarshal([]byte(run("pkg", "list", gpoName, "--json", "--no-check")), &list); err != nil || len(list) != 1 ||
		len(list[0].CategoryNames) != 1 || list[0].CategoryNames[0] != name {
		t.Fatalf("pkg list --json: %v %+v", err, list)
	}
	if out := run("pkg", "show", gpoName, added.Package.Name); !strings.Contains(out, "Categories") || !strings.Contains(out, name) {
		t.Fatalf("pkg show:\n%s", out)
	}
	if out := run("pkg", "list", gpoName, "--no-check"); !strings.Contains(out, "categories "+name) {
		t.Fatalf("pkg list:\n%s", out)
	}

	// Cleared with pkg category set and no categories.
	run("pkg", "category", "set", gpoName, added.Package.Name)
	if out := ldbsearch(added.Package.DN, "(objectClass=packageRegistration)", "categories"); strings.Contains(out, "categories:") {
		t.Fatalf("categories left after set with none:\n%s", out)
	}
}
