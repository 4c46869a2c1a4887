//go:build linux

package main

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
)

// group create, add and remove through the binary; samba-tool group
// listmembers (not ours) sees what they made.
func TestGroupCommands(t *testing.T) {
	d := testdomain.Require(t, dom)
	bin := buildBinary(t)
	env := d.CtituiEnv()
	ctitui := func(args ...string) string {
		t.Helper()
		out, errOut, code := runCtitui(t, bin, env, args...)
		if code != 0 {
			t.Fatalf("ctitui %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		}
		return out
	}
	samba := func(args ...string) (string, error) { return d.SambaTool(context.Background(), args...) }
	members := func(group string) []string {
		t.Helper()
		out, err := samba("group", "listmembers", group)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range strings.Fields(out) {
			got = append(got, strings.ToUpper(l))
		}
		slices.Sort(got)
		return got
	}
	const name = "CLI_MikoCTI_Test"
	t.Cleanup(func() { samba("group", "delete", name) })
	ou := testdomain.OUDN("Workstations", "Office SPb")

	// The dry run shows the add and the member values, and makes nothing.
	out := ctitui("group", "create", name, "--ou", testdomain.OUDN("Groups"), "--from-ou", ou, "NEW-PC01$", "--dry-run", "--json")
	var dry struct {
		DryRun bool `json:"dryRun"`
		Plan   struct {
			Steps []struct {
				Op      string   `json:"op"`
				Target  string   `json:"target"`
				Details []string `json:"details"`
			} `json:"steps"`
		} `json:"plan"`
		Group struct {
			DN      string   `json:"dn"`
			Members []string `json:"members"`
		} `json:"group"`
	}
	if err := json.Unmarshal([]byte(out), &dry); err != nil || !dry.DryRun || len(dry.Plan.Steps) != 2 ||
		dry.Plan.Steps[0].Op != "ldap add" || len(dry.Plan.Steps[1].Details) != 9 || len(dry.Group.Members) != 9 {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	if _, err := samba("group", "show", name); err == nil {
		t.Fatal("the dry run created the group")
	}

	out = ctitui("group", "create", name, "--ou", testdomain.OUDN("Groups"), "--description", "CLI test", "--from-ou", ou, "NEW-PC01$")
	if !strings.Contains(out, "Done: create global security group") || !strings.Contains(out, "restarts") {
		t.Fatalf("create said:\n%s", out)
	}
	want := []string{"NEW-PC01$"}
	for i := 1; i <= 8; i++ {
		want = append(want, "SPB-PC0"+string(rune('0'+i))+"$")
	}
	slices.Sort(want)
	if got := members(name); !slices.Equal(got, want) {
		t.Fatalf("listmembers after create: %v, want %v", got, want)
	}

	ctitui("group", "add", name, "RDS-01", "--from-ou", testdomain.OUDN("Servers"))
	got := members(name)
	for _, w := range []string{"RDS-01$", "SRV-APP01$", "SRV-FILE01$"} {
		if !slices.Contains(got, w) {
			t.Fatalf("after add: %v lacks %s", got, w)
		}
	}
	ctitui("group", "remove", name, "--from-ou", ou, "rds-01", "--json")
	if got := members(name); !slices.Equal(got, []string{"NEW-PC01$", "SRV-APP01$", "SRV-FILE01$"}) {
		t.Fatalf("after remove: %v", got)
	}

	// A taken name fails before anything is planned, with the way out.
	out, errOut, code := runCtitui(t, bin, env, "group", "create", "MikoCTI_Computers")
	if code == 0 || !strings.Contains(errOut, "already exists") || !strings.Contains(errOut, "ctitui group add") {
		t.Fatalf("clash: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCtitui(t, bin, env, "group", "create", "bad/name")
	if code == 0 || !strings.Contains(errOut, "cannot be a group name") {
		t.Fatalf("bad name: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCtitui(t, bin, env, "group", "add", name)
	if code == 0 || !strings.Contains(errOut, "--from-ou") {
		t.Fatalf("no computers: exit %d\n%s%s", code, out, errOut)
	}
}
