package si

import (
	"errors"
	"io"
	"sync"
)

// Block cache geometry: the MSI reader's reads are small (sectors of 512
// or 4096 bytes, [MS-CFB] 2.2) and clustered (header, FAT, directory and
// the streams it is asked for lie close together in a package written by
// wixl or Windows Installer), so one 64 KiB block answers many of them.
// 64 blocks bound the cache to 4 MiB however large the file is.
const (
	cacheBlock  = 64 << 10
	cacheBlocks = 64
)

// blockCache is an io.ReaderAt that reads its source in aligned blocks and
// keeps the most recently used ones. Over SMB it turns the reader's many
// small reads into few round trips (each uncached read is one SMB2 READ
// request and its answer).
type blockCache struct {
	src  io.ReaderAt
	size int64

	mu     sync.Mutex
	blocks map[int64]*cachedBlock
	tick   uint64
	// fetches counts reads from src, for tests and measurements.
	fetches int
}

type cachedBlock struct {
	data []byte
	used uint64
}

func newBlockCache(src io.ReaderAt, size int64) *blockCache {
	return &blockCache{src: src, size: size, blocks: make(map[int64]*cachedBlock)}
}

// ReadAt implements io.ReaderAt.
func (c *blockCache) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("blockCache.ReadAt: negative offset")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for n < len(p) {
		at := off + int64(n)
		if at >= c.size {
			return n, io.EOF
		}
		b, err := c.block(at / cacheBlock)
		if err != nil {
			return n, err
		}
		n += copy(p[n:], b[at%cacheBlock:])
	}
	return n, nil
}

// block returns block i, reading it when not cached and evicting the
// least recently used block when the cache is full.
func (c *blockCache) block(i int64) ([]byte, error) {
	c.tick++
	if b, ok := c.blocks[i]; ok {
		b.used = c.tick
		return b.data, nil
	}
	start := i * cacheBlock
	buf := make([]byte, min(cacheBlock, c.size-start))
	if len(c.blocks) >= cacheBlocks {
		var oldest int64
		var used uint64
		first := true
		for k, b := range c.blocks {
			if first || b.used < used {
				oldest, used, first = k, b.used, false
			}
		}
		if old := c.blocks[oldest].data; cap(old) >= len(buf) {
			buf = old[:len(buf)]
		}
		delete(c.blocks, oldest)
	}
	c.fetches++
	// io.ReaderAt may answer a read that ends at the end of the file
	// with io.EOF; a short read is an error (the file shrank).
	if n, err := c.src.ReadAt(buf, start); n < len(buf) || err != nil && !errors.Is(err, io.EOF) {
		if err == nil || errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	c.blocks[i] = &cachedBlock{data: buf, used: c.tick}
	return buf, nil
}
