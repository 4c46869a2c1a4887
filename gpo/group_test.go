//go:build linux

package gpo

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/internal/testdomain"
)

func TestValidateGroupName(t *testing.T) {
	for _, ok := range []string{"MikoCTI_Computers", "Бухгалтерия - компьютеры", "a", "PCs (pilot) #2", strings.Repeat("я", 64)} {
		if err := ValidateGroupName(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "  ", " lead", "trail ", "a/b", `a\b`, "a,b", "a+b", "a=b", "a;b", "a:b", "a|b", "a*b",
		"a?b", "a<b", "a>b", `a"b`, "a[b]", "dot.", "...", ". .", "tab\tx", strings.Repeat("x", 65)} {
		err := ValidateGroupName(bad)
		var ne *GroupNameError
		if !errors.As(err, &ne) {
			t.Errorf("%q accepted (%v)", bad, err)
		}
	}
}

// samba-tool group listmembers prints the members' sAMAccountNames.
func listMembers(t *testing.T, d *testdomain.Domain, group string) []string {
	t.Helper()
	var out []string
	for _, l := range strings.Split(sambaTool(t, d, "group", "listmembers", group), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, strings.ToUpper(l))
		}
	}
	slices.Sort(out)
	return out
}

// A group made by ctitui in an OU, filled from an OU and by names, then
// emptied again: samba-tool sees it as a global security group with the
// members we put in; a name in use is refused before anything is planned.
func TestGroupCreateAddRemove(t *testing.T) {
	s, d := openAdmin(t)
	ctx := t.Context()
	const name = "CTI test group"
	t.Cleanup(func() { sambaTool(t, d, "group", "delete", name) })

	comps, err := s.ResolveComputers(ctx, ComputerSelection{FromOU: testdomain.OUDN("Servers"), Recursive: false})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(comps); !slices.Equal(got, []string{"SRV-APP01", "SRV-FILE01"}) {
		t.Fatalf("one level of Servers: %v", got)
	}
	comps, err = s.ResolveComputers(ctx, ComputerSelection{FromOU: testdomain.OUDN("Servers"), Recursive: true, Names: []string{"rds-01$", "LAB-PC01"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(comps); !slices.Equal(got, []string{"LAB-PC01", "RDS-01", "RDS-02", "RDS-03", "SRV-APP01", "SRV-FILE01"}) {
		t.Fatalf("Servers recursive plus names: %v", got)
	}

	p, g, err := s.CreateGroupPlan(ctx, NewGroupSpec{Name: name, OU: testdomain.OUDN("Groups"), Description: "made by the test"}, nil)
	mustApply(t, p, err)
	if g.DN != "CN="+name+","+testdomain.OUDN("Groups") {
		t.Fatalf("dn %s", g.DN)
	}
	show := sambaTool(t, d, "group", "show", name)
	for _, want := range []string{"groupType: -2147483646", "sAMAccountName: " + name, "description: made by the test"} {
		if !strings.Contains(show, want) {
			t.Fatalf("samba-tool group show lacks %q:\n%s", want, show)
		}
	}
	if got := listMembers(t, d, name); len(got) != 0 {
		t.Fatalf("new group has members %v", got)
	}

	p, err = s.MembersPlan(ctx, name, comps, false)
	mustApply(t, p, err)
	want := []string{"LAB-PC01$", "RDS-01$", "RDS-02$", "RDS-03$", "SRV-APP01$", "SRV-FILE01$"}
	if got := listMembers(t, d, name); !slices.Equal(got, want) {
		t.Fatalf("listmembers %v, want %v", got, want)
	}
	if !slices.Contains(p.Notes, RestartNote) {
		t.Fatalf("no restart note: %v", p.Notes)
	}
	// Again: nothing to do, and it says which are in already.
	p, err = s.MembersPlan(ctx, name, comps[:2], false)
	if err != nil || !p.Empty() || !strings.Contains(strings.Join(p.Notes, "\n"), "already in "+name+": LAB-PC01, RDS-01") {
		t.Fatalf("second add: empty %v, notes %v, %v", p != nil && p.Empty(), p.Notes, err)
	}
	p, err = s.MembersPlan(ctx, name, comps[1:4], true)
	mustApply(t, p, err)
	if got := listMembers(t, d, name); !slices.Equal(got, []string{"LAB-PC01$", "SRV-APP01$", "SRV-FILE01$"}) {
		t.Fatalf("after remove: %v", got)
	}

	// Clashes: an existing group (by sAMAccountName or cn), a computer's
	// sAMAccountName, and the new group itself.
	for _, taken := range []struct {
		name  string
		group bool
	}{{"MikoCTI_Computers", true}, {"RDS-01$", false}, {name, true}} {
		_, err := s.CheckNewGroup(ctx, NewGroupSpec{Name: taken.name})
		var ge *GroupExistsError
		if !errors.As(err, &ge) || ge.IsGroup != taken.group {
			t.Errorf("%q: %v", taken.name, err)
		}
	}
	// The default container is CN=Users.
	dn, err := s.CheckNewGroup(ctx, NewGroupSpec{Name: "CTI not made"})
	if err != nil || dn != "CN=CTI not made,CN=Users,"+testdomain.BaseDN {
		t.Fatalf("default container: %q, %v", dn, err)
	}
	if _, err := s.CheckNewGroup(ctx, NewGroupSpec{Name: "x", OU: "OU=Nowhere," + testdomain.BaseDN}); err == nil {
		t.Fatal("a missing OU was accepted")
	}
	if _, err := s.ResolveComputers(ctx, ComputerSelection{FromOU: testdomain.OUDN("Archive")}); err == nil {
		t.Fatal("an OU without computers gave no error")
	}
}

func names(cs []domain.Computer) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}
