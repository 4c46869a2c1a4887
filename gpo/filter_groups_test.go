//go:build linux

package gpo

import (
	"slices"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
)

func TestFilterChangeOnlyMerges(t *testing.T) {
	ch := FilterChange{Only: "A", OnlyGroups: []string{"B", " a ", "", "C", "b"}}
	if got := ch.only(); !slices.Equal(got, []string{"A", "B", "C"}) {
		t.Fatalf("only() = %q", got)
	}
	if got := (FilterChange{}).only(); len(got) != 0 {
		t.Fatalf("empty change: %q", got)
	}
}

// Two groups (the computers of two offices) are both the only ones the
// GPO applies to; the group without computers gets its own warning; a
// second run changes nothing.
func TestFilterOnlySeveralGroups(t *testing.T) {
	s, d := openAdmin(t)
	ctx := t.Context()
	c := createGPO(t, s, "filtering two groups", testdomain.OUDN("Компания", "Продажи"))
	ch := FilterChange{OnlyGroups: []string{"MikoCTI_Sales_PCs", "MikoCTI_Pilot"}}
	p, err := s.FilterPlan(ctx, c.GUID, ch)
	if err != nil {
		t.Fatal(err)
	}
	warned := func(n string) bool { return strings.Contains(n, "WARNING: group MikoCTI_Pilot has no computers") }
	if !slices.ContainsFunc(p.Notes, warned) {
		t.Fatalf("no warning for the empty group: %v", p.Notes)
	}
	if slices.ContainsFunc(p.Notes, func(n string) bool { return strings.Contains(n, "group MikoCTI_Sales_PCs has no computers") }) {
		t.Fatalf("a warning for the group with computers: %v", p.Notes)
	}
	mustApply(t, p, nil)
	g, err := s.Show(ctx, c.GUID)
	if err != nil {
		t.Fatal(err)
	}
	if got := g.AppliesTo(); !slices.Equal(got, []string{"MikoCTI_Pilot", "MikoCTI_Sales_PCs"}) {
		t.Fatalf("applies to %v", got)
	}
	checkWithSamba(t, d, c.GUID)
	p, err = s.FilterPlan(ctx, c.GUID, ch)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Empty() {
		t.Fatalf("second run is not empty: %d steps", len(p.Steps))
	}
	// Only one of them again: the other loses Apply.
	p, err = s.FilterPlan(ctx, c.GUID, FilterChange{Only: "MikoCTI_Sales_PCs"})
	mustApply(t, p, err)
	if g, err = s.Show(ctx, c.GUID); err != nil {
		t.Fatal(err)
	}
	if got := g.AppliesTo(); !slices.Equal(got, []string{"MikoCTI_Sales_PCs"}) {
		t.Fatalf("applies to %v after --only one group", got)
	}
}
