package smb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"

	smb2 "github.com/cloudsoda/go-smb2"
)

// firstError keeps the first error of many goroutines and cancels the rest.
type firstError struct {
	mu     sync.Mutex
	err    error
	cancel context.CancelFunc
}

func (f *firstError) set(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err == nil {
		f.err = err
		f.cancel()
	}
}

func (f *firstError) get() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// errContentDiffers marks a read-back chunk that is not what the local file
// holds.
var errContentDiffers = errors.New("the file on the share differs from the local file")

// writeVerifyParallel copies size bytes from src to dst and reads each
// chunk back through check (another handle on the same file, ideally on
// another connection) as soon as its write is acknowledged, comparing it
// with what was sent. Writes and reads run in two independent pipelines, up to
// parallel requests of chunk bytes each ([MS-SMB2] 3.2.4.7, 3.2.4.6; each
// request carries its own offset, so the server may complete them in any
// order). The writer never waits for the reader except for free buffers, so
// both directions of the link stay busy and the check costs little time on
// top of the write; in lock-step (write then read per buffer) the
// directions would take turns. sum gets the bytes sent, in order; when
// every chunk matched it is also the SHA-256 of the file on the server.
func writeVerifyParallel(ctx context.Context, dst, check *smb2.File, src io.Reader, size int64, chunk, parallel int, sum hash.Hash, m *meter) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fail := &firstError{cancel: cancel}
	type piece struct {
		sent, back []byte
		n          int
		at         int64
	}
	// Twice as many buffers as writes in flight: the other half waits
	// for, or is in, its read.
	free := make(chan *piece, 2*parallel)
	for range 2 * parallel {
		free <- &piece{sent: make([]byte, chunk), back: make([]byte, chunk)}
	}
	written := make(chan *piece, 2*parallel)
	var readers sync.WaitGroup
	for range parallel {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for p := range written {
				if fail.get() == nil {
					if err := readBack(check, p.sent[:p.n], p.back[:p.n], p.at); err != nil {
						fail.set(err)
					} else {
						m.add(p.n)
					}
				}
				free <- p
			}
		}()
	}
	writing := make(chan struct{}, parallel)
	var writers sync.WaitGroup
	for off := int64(0); off < size; {
		var p *piece
		select {
		case p = <-free:
		case <-ctx.Done():
		}
		if p == nil {
			break
		}
		p.n, p.at = int(min(int64(chunk), size-off)), off
		if _, err := io.ReadFull(src, p.sent[:p.n]); err != nil {
			fail.set(fmt.Errorf("read local file at offset %d: %w (did it change while uploading?)", off, err))
			break
		}
		sum.Write(p.sent[:p.n])
		select {
		case writing <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		writers.Add(1)
		go func(p *piece) {
			defer writers.Done()
			defer func() { <-writing }()
			if _, err := dst.WriteAt(p.sent[:p.n], p.at); err != nil {
				fail.set(fmt.Errorf("write at offset %d: %w", p.at, explain(err)))
				free <- p
				return
			}
			written <- p
		}(p)
		off += int64(p.n)
	}
	writers.Wait()
	close(written)
	readers.Wait()
	if err := fail.get(); err != nil {
		return err
	}
	return ctx.Err()
}

// readBack reads the range just written at offset at into back and
// compares it with sent.
func readBack(check *smb2.File, sent, back []byte, at int64) error {
	got, err := check.ReadAt(back, at)
	if err == io.EOF || err == nil && got != len(back) {
		return fmt.Errorf("read back at offset %d: the server has %d of the %d bytes just written", at, got, len(back))
	}
	if err != nil {
		return fmt.Errorf("read back at offset %d: %w", at, explain(err))
	}
	if !bytes.Equal(sent, back) {
		return fmt.Errorf("read back at offset %d: %w", at, errContentDiffers)
	}
	return nil
}

// readParallel reads size bytes of remote with up to parallel READ requests
// outstanding ([MS-SMB2] 3.2.4.6) and feeds them to sum in file order. With
// local set, each chunk is also compared with the same range of local; the
// first difference ends the read with errContentDiffers. A match of every
// chunk means sum is the SHA-256 of both files, without hashing the local
// one separately.
func readParallel(ctx context.Context, remote *smb2.File, local io.ReaderAt, size int64, chunk, parallel int, sum hash.Hash, m *meter) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fail := &firstError{cancel: cancel}
	type piece struct {
		remote, local []byte
		err           error
	}
	pool := make(chan piece, parallel+1)
	for range parallel + 1 {
		p := piece{remote: make([]byte, chunk)}
		if local != nil {
			p.local = make([]byte, chunk)
		}
		pool <- p
	}
	queue := make(chan chan piece, parallel)
	go func() {
		defer close(queue)
		for off := int64(0); off < size; {
			var p piece
			select {
			case p = <-pool:
			case <-ctx.Done():
				return
			}
			n := int(min(int64(chunk), size-off))
			out := make(chan piece, 1)
			queue <- out
			go func(p piece, n int, at int64) {
				p.remote = p.remote[:n]
				p.err = readChunk(remote, local, p.remote, p.local, at)
				out <- p
			}(p, n, off)
			off += int64(n)
		}
	}()
	for out := range queue {
		p := <-out
		if p.err != nil {
			fail.set(p.err)
		}
		if fail.get() == nil {
			sum.Write(p.remote)
			m.add(len(p.remote))
		}
		p.remote = p.remote[:cap(p.remote)]
		pool <- p
	}
	if err := fail.get(); err != nil {
		return err
	}
	return ctx.Err()
}

// readChunk reads len(buf) bytes at offset at from remote and, with local
// set, compares them with the same range of local (read into scratch).
func readChunk(remote *smb2.File, local io.ReaderAt, buf, scratch []byte, at int64) error {
	got, err := remote.ReadAt(buf, at)
	if err == io.EOF || err == nil && got != len(buf) {
		return fmt.Errorf("read back: the file ends before offset %d", at+int64(len(buf)))
	}
	if err != nil {
		return fmt.Errorf("read back at offset %d: %w", at, explain(err))
	}
	if local == nil {
		return nil
	}
	scratch = scratch[:len(buf)]
	if _, err := local.ReadAt(scratch, at); err != nil {
		return fmt.Errorf("read local file at offset %d: %w (did it change while uploading?)", at, err)
	}
	if !bytes.Equal(buf, scratch) {
		return fmt.Errorf("at offset %d: %w", at, errContentDiffers)
	}
	return nil
}
