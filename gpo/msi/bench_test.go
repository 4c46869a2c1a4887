package msi_test

import (
	"io"
	"os"
	"sync/atomic"
	"testing"

	"github.com/ctitui/ctitui/gpo/msi"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// countingReader counts the bytes the reader asks for, to show that a
// package is inspected without reading its cabinet.
type countingReader struct {
	r io.ReaderAt
	n atomic.Int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// BenchmarkInspectLarge inspects a 300 MB package, almost all of it an
// embedded cabinet: open, summary, string pool, schema, Property, Feature,
// Media, Upgrade, Icon and every table the pre-flight checks use. The issue's
// budget is under 50 ms and under 20 MB per inspection; see ns/op, B/op and
// read-B/op (bytes read from the file).
func BenchmarkInspectLarge(b *testing.B) {
	const size = 300 << 20
	path := testmsi.BuildLarge(b, "MIKO CTI 4.9.226", size)
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		b.Fatal(err)
	}
	if st.Size() < size {
		b.Fatalf("%s is only %d bytes", path, st.Size())
	}
	var read int64
	b.ReportAllocs()
	for b.Loop() {
		cr := &countingReader{r: f}
		p, err := msi.New(cr, st.Size())
		if err != nil {
			b.Fatal(err)
		}
		r, err := msi.Inspect(p, msi.CheckOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if r.ProductCode != testmsi.Miko226ProductCode {
			b.Fatalf("ProductCode %q", r.ProductCode)
		}
		read += cr.n.Load()
	}
	b.ReportMetric(float64(read)/float64(b.N), "read-B/op")
	b.ReportMetric(float64(st.Size()), "file-B")
}
