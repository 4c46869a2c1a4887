//go:build linux

package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
)

func TestOUListJSON(t *testing.T) {
	d := testdomain.Require(t, dom)
	bin := buildBinary(t)
	seed := testdomain.DefaultSeed()
	// Connection flags after the command's own flags, settings partly from env.
	out, errOut, code := runCtitui(t, bin, []string{"CTITUI_CA_FILE=" + d.CAFile},
		"ou", "list", "--json", "--counts", "--dc", d.IP, "--user", testdomain.AdminUPN, "--password-file", d.PasswordFile)
	if code != 0 {
		t.Fatalf("ou list: exit %d: %s", code, errOut)
	}
	var ous []struct {
		DN               string `json:"dn"`
		Name             string `json:"name"`
		BlockInheritance bool   `json:"blockInheritance"`
		Computers        *int   `json:"computers"`
		Links            []struct {
			GPO      string `json:"gpo"`
			Name     string `json:"gpoName"`
			Enabled  bool   `json:"enabled"`
			Enforced bool   `json:"enforced"`
		} `json:"links"`
	}
	if err := json.Unmarshal([]byte(out), &ous); err != nil {
		t.Fatalf("ou list --json: %v\n%s", err, out)
	}
	if want := liveCounts(t, d)["ous"]; len(ous) != want {
		t.Fatalf("%d OUs, want %d", len(ous), want)
	}
	byDN := map[string]int{}
	for i, o := range ous {
		byDN[o.DN] = i
		if o.Links == nil || o.Computers == nil {
			t.Errorf("%s: links or computers missing in JSON", o.DN)
		}
	}
	spb := ous[byDN[testdomain.OUDN("Workstations", "Office SPb")]]
	if !spb.BlockInheritance || *spb.Computers != 8 {
		t.Errorf("Office SPb: %+v", spb)
	}
	// Other tests may link more GPOs; the seeded link must be there as made.
	company := ous[byDN[testdomain.OUDN("Компания")]]
	legacy := false
	for _, l := range company.Links {
		if l.Name == seed.LegacyGPO {
			legacy = strings.HasPrefix(l.GPO, "{") && l.Enabled && !l.Enforced
		}
	}
	if !legacy {
		t.Errorf("Компания links lack %q as seeded: %+v", seed.LegacyGPO, company.Links)
	}

	// Text form: a tree, Block Inheritance spelled out.
	out, errOut, code = runCtitui(t, bin, d.CtituiEnv(), "ou", "list", "--base", testdomain.OUDN("Workstations"))
	if code != 0 {
		t.Fatalf("ou list --base: exit %d: %s", code, errOut)
	}
	// The tree, links aside (other tests link GPOs here).
	var tree []string
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, " link ") {
			tree = append(tree, line)
		}
	}
	want := "Workstations\n  Office Moscow\n  Office SPb  [Block Inheritance]\n"
	if strings.Join(tree, "\n") != want {
		t.Fatalf("ou list --base Workstations:\n%s\nwant:\n%s", out, want)
	}
	_, errOut, code = runCtitui(t, bin, d.CtituiEnv(), "ou", "list", "--base", "OU=Nope,"+testdomain.BaseDN)
	if code != 1 || !strings.Contains(errOut, "does not exist") {
		t.Fatalf("missing base: exit %d, %q", code, errOut)
	}
}

func TestComputerShowAndGroupList(t *testing.T) {
	d := testdomain.Require(t, dom)
	bin := buildBinary(t)
	out, errOut, code := runCtitui(t, bin, d.CtituiEnv(), "computer", "show", "SALES-PC02")
	if code != 0 {
		t.Fatalf("computer show: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Компания", "Продажи", "MikoCTI_Computers", "MikoCTI_Sales_PCs", "Domain Computers"} {
		if !strings.Contains(out, want) {
			t.Errorf("computer show lacks %q:\n%s", want, out)
		}
	}
	out, errOut, code = runCtitui(t, bin, d.CtituiEnv(), "group", "list", "MikoCTI_Computers", "--members", "--json")
	if code != 0 {
		t.Fatalf("group list: exit %d: %s", code, errOut)
	}
	var groups []struct {
		Name      string            `json:"name"`
		Computers []json.RawMessage `json:"computers"`
	}
	if err := json.Unmarshal([]byte(out), &groups); err != nil || len(groups) != 1 || len(groups[0].Computers) != 17 {
		t.Fatalf("group list --members: %v %+v", err, groups)
	}
}
