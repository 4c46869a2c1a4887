package ui

import (
	"fmt"
	"testing"
)

// BenchmarkListFrame10k is one frame of a 10,000-row table.
func BenchmarkListFrame10k(b *testing.B) {
	st := NewStyles(asciiRenderer(), true)
	var l list
	rows := make([]string, 10000)
	for i := range rows {
		rows[i] = fmt.Sprintf("%-40s %-18s %d links", fmt.Sprintf("GPO number %05d", i), "Enabled", i%7)
	}
	l.SetItems(rows, nil)
	l.SetSize(80, 20)
	l.Select(5000)
	b.ResetTimer()
	for b.Loop() {
		_ = l.View(st, "")
	}
}

// BenchmarkOUTreeFrame10k is a whole console frame (header, tree, details,
// help bar) with 10,000 OUs open under the domain root.
func BenchmarkOUTreeFrame10k(b *testing.B) {
	f := newFakes(false)
	kids := make([]OUNode, 10000)
	for i := range kids {
		kids[i] = OUNode{DN: fmt.Sprintf("OU=Branch %05d,%s", i, fakeRoot), Name: fmt.Sprintf("Branch %05d", i)}
	}
	f.dir.children[fakeRoot] = kids
	d := connected(b, English, f)
	openHome(d, actOUs)
	d.keys("pgdown", "pgdown", "pgdown")
	b.ResetTimer()
	for b.Loop() {
		_ = d.view()
	}
}

// BenchmarkFilter10k is typing one filter character over 10,000 rows.
func BenchmarkFilter10k(b *testing.B) {
	var l list
	rows := make([]string, 10000)
	for i := range rows {
		rows[i] = fmt.Sprintf("SALES-PC%05d", i)
	}
	l.SetItems(rows, nil)
	l.SetSize(80, 20)
	b.ResetTimer()
	for b.Loop() {
		l.filter = "99"
		l.refilter()
	}
}
