package si

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

// countingReaderAt counts the reads that reach the source.
type countingReaderAt struct {
	r     io.ReaderAt
	reads int
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	c.reads++
	return c.r.ReadAt(p, off)
}

// The cache answers every read exactly like the source, across block
// boundaries, at the end of the file and after evictions.
func TestBlockCacheMatchesSource(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// Not a multiple of the block size: the last block is short.
	data := make([]byte, cacheBlocks*cacheBlock*2+12345)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	src := &countingReaderAt{r: bytes.NewReader(data)}
	c := newBlockCache(src, int64(len(data)))
	for i := 0; i < 5000; i++ {
		off := rng.Int64N(int64(len(data)) + 10)
		n := rng.IntN(3*cacheBlock) + 1
		got := make([]byte, n)
		gn, gerr := c.ReadAt(got, off)
		want := make([]byte, n)
		wn, werr := bytes.NewReader(data).ReadAt(want, off)
		if gn != wn || !bytes.Equal(got[:gn], want[:wn]) {
			t.Fatalf("read %d at %d: got %d bytes, want %d (or different content)", n, off, gn, wn)
		}
		if (gerr == nil) != (werr == nil) || gerr != nil && !errors.Is(gerr, io.EOF) {
			t.Fatalf("read %d at %d: error %v, want %v", n, off, gerr, werr)
		}
	}
	if len(c.blocks) > cacheBlocks {
		t.Fatalf("cache holds %d blocks, bound is %d", len(c.blocks), cacheBlocks)
	}
}

// Small clustered reads, as the MSI reader makes them, cost one source
// read per block.
func TestBlockCacheCoalescesSmallReads(t *testing.T) {
	data := make([]byte, 4*cacheBlock)
	src := &countingReaderAt{r: bytes.NewReader(data)}
	c := newBlockCache(src, int64(len(data)))
	buf := make([]byte, 512)
	for off := int64(0); off < int64(len(data)); off += 512 {
		if _, err := c.ReadAt(buf, off); err != nil {
			t.Fatal(err)
		}
	}
	if src.reads != 4 {
		t.Fatalf("%d sector reads reached the source %d times, want 4 (one per block)", len(data)/512, src.reads)
	}
}

// A source shorter than announced is an error, not zeros.
func TestBlockCacheShortSource(t *testing.T) {
	c := newBlockCache(bytes.NewReader(make([]byte, 100)), 1000)
	if _, err := c.ReadAt(make([]byte, 10), 500); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("read past a shrunk source: %v, want io.ErrUnexpectedEOF", err)
	}
}
