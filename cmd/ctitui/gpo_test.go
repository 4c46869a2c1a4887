//go:build linux

package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/internal/testdomain"
)

// The gpo commands end to end through the binary, checked with samba-tool.
func TestGPOCommands(t *testing.T) {
	d := testdomain.Require(t, dom)
	bin := buildBinary(t)
	env := d.CtituiEnv()
	ou := testdomain.OUDN("Workstations", "Office SPb")
	ctitui := func(args ...string) string {
		t.Helper()
		out, errOut, code := runCtitui(t, bin, env, args...)
		if code != 0 {
			t.Fatalf("ctitui %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		}
		return out
	}
	samba := func(args ...string) string {
		t.Helper()
		out, err := d.SambaTool(context.Background(), args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	const name = "CLI GPO – Телефония"

	// The dry run prints the plan and creates nothing.
	out := ctitui("gpo", "create", name, "--link", ou, "--dry-run", "--json")
	var dry struct {
		DryRun bool `json:"dryRun"`
		Plan   struct {
			Steps []struct{ Op, Target string } `json:"steps"`
		} `json:"plan"`
	}
	if err := json.Unmarshal([]byte(out), &dry); err != nil || !dry.DryRun || len(dry.Plan.Steps) != 9 {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	if strings.Contains(samba("gpo", "listall"), name) {
		t.Fatal("the dry run created the GPO")
	}

	out = ctitui("gpo", "create", name, "--link", ou, "--json")
	var created struct {
		GUID  string `json:"guid"`
		DN    string `json:"dn"`
		Path  string `json:"path"`
		Links []struct {
			Container string `json:"container"`
		} `json:"links"`
	}
	if err := json.Unmarshal([]byte(out), &created); err != nil || created.GUID == "" || created.DN == "" ||
		!strings.HasPrefix(created.Path, `\\cti.test\SysVol\`) || len(created.Links) != 1 || created.Links[0].Container != ou {
		t.Fatalf("create --json: %v\n%s", err, out)
	}
	if !strings.Contains(samba("gpo", "getlink", ou), created.GUID) {
		t.Fatal("samba-tool does not see the link")
	}

	_, errOut, code := runCtitui(t, bin, env, "gpo", "create", name)
	if code == 0 || !strings.Contains(errOut, "already exists") {
		t.Fatalf("duplicate: exit %d %s", code, errOut)
	}

	ctitui("gpo", "link", created.GUID, ou, "--enforced")
	ctitui("gpo", "status", name, "--user", "off")
	out = ctitui("gpo", "filter", name, "--only", "RDS_Hosts")
	if !strings.Contains(out, "MS16-072") {
		t.Fatalf("filter --only does not explain MS16-072:\n%s", out)
	}
	ctitui("gpo", "wmi", name, "--preset", "servers")
	ctitui("gpo", "bump", name, "--computer")
	// Office SPb is seeded with Block Inheritance: turn it off and back on,
	// checking each time with the fixture's own LDAP connection, and leave
	// it as the other tests of this package expect it.
	ctitui("ou", "block", ou, "off")
	if got := gPOptions(t, d, ou); got != "0" && got != "" {
		t.Fatalf("after ou block off: gPOptions = %q", got)
	}
	ctitui("ou", "block", ou, "on")
	if got := gPOptions(t, d, ou); got != "1" {
		t.Fatalf("after ou block on: gPOptions = %q, want 1", got)
	}

	out = ctitui("gpo", "show", created.GUID, "--json")
	var shown struct {
		Status        string   `json:"status"`
		AppliesTo     []string `json:"appliesTo"`
		WMIFilterName string   `json:"wmiFilterName"`
		Version       struct {
			Computer int `json:"computer"`
		} `json:"version"`
		VersionMismatch bool `json:"versionMismatch"`
		Links           []struct {
			Enforced bool `json:"enforced"`
		} `json:"links"`
	}
	if err := json.Unmarshal([]byte(out), &shown); err != nil {
		t.Fatal(err, out)
	}
	if shown.Status != "user settings disabled" || len(shown.AppliesTo) != 1 || shown.AppliesTo[0] != "RDS_Hosts" ||
		shown.WMIFilterName != "Servers" || shown.Version.Computer != 1 || shown.VersionMismatch ||
		len(shown.Links) != 1 || !shown.Links[0].Enforced {
		t.Fatalf("show: %+v\n%s", shown, out)
	}
	if out := samba("gpo", "aclcheck"); strings.Contains(out, "Invalid") {
		t.Fatalf("aclcheck: %s", out)
	}
	if !strings.Contains(ctitui("gpo", "list"), created.GUID) {
		t.Fatal("gpo list lacks the GPO")
	}

	ctitui("gpo", "delete", name)
	if strings.Contains(samba("gpo", "listall"), created.GUID) {
		t.Fatal("still listed after delete")
	}
	ctitui("gpo", "wmi-filter", "delete", "Servers")
}

// gPOptions reads an OU's gPOptions with the fixture's LDAP connection.
func gPOptions(t *testing.T, d *testdomain.Domain, dn string) string {
	t.Helper()
	conn, err := d.DialLDAP(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	res, err := conn.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"gPOptions"}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("read gPOptions of %s: %v", dn, err)
	}
	return res.Entries[0].GetAttributeValue("gPOptions")
}
