//go:build linux

package main

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/ui"
)

// BenchmarkTreeChildren10k measures, through the console's directory
// adapter, how soon the OU tree gets the first page of a container of
// 10,000 OUs (first-page-ms) and how long the whole container takes
// (all-ms). Run by hand; filling the container takes a minute or two:
//
//	go test -run '^$' -bench TreeChildren10k -benchtime 5x ./cmd/ctitui/
func BenchmarkTreeChildren10k(b *testing.B) {
	d := testdomain.Require(b, dom)
	ctx := context.Background()
	parent, err := d.BulkOUs(ctx, "Bench10k", 10000)
	if err != nil {
		b.Fatal(err)
	}
	c, err := domain.Dial(ctx, domain.Config{Domain: testdomain.DNSDomain, DC: d.IP,
		User: testdomain.AdminUPN, Password: d.Password(), CAFile: d.CAFile})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	dir := &tuiDirectory{c: c}
	errFirst := errors.New("first page")
	var first, all time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		err := dir.Children(ctx, parent, func([]ui.OUNode) error { return errFirst })
		if !errors.Is(err, errFirst) {
			b.Fatalf("first page: %v", err)
		}
		first += time.Since(start)

		start = time.Now()
		n := 0
		if err := dir.Children(ctx, parent, func(p []ui.OUNode) error { n += len(p); return nil }); err != nil {
			b.Fatal(err)
		}
		all += time.Since(start)
		if n != 10000 {
			b.Fatalf("%d children, want 10000", n)
		}
	}
	b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "first-page-ms")
	b.ReportMetric(float64(all.Milliseconds())/float64(b.N), "all-ms")
}
