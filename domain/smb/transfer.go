package smb

import (
	"context"
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

// writeParallel copies size bytes from src to dst, keeping up to parallel
// WRITE requests of chunk bytes outstanding at once ([MS-SMB2] 3.2.4.7; the
// server may complete them in any order, each carries its own offset). What
// is read from src is fed to sum in order.
func writeParallel(ctx context.Context, dst *smb2.File, src io.Reader, size int64, chunk, parallel int, sum hash.Hash, m *meter) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fail := &firstError{cancel: cancel}
	bufs := make(chan []byte, parallel)
	for range parallel {
		bufs <- make([]byte, chunk)
	}
	var wg sync.WaitGroup
	for off := int64(0); off < size; {
		var buf []byte
		select {
		case buf = <-bufs:
		case <-ctx.Done():
		}
		if buf == nil {
			break
		}
		n := int(min(int64(chunk), size-off))
		if _, err := io.ReadFull(src, buf[:n]); err != nil {
			fail.set(fmt.Errorf("read local file at offset %d: %w (did it change while uploading?)", off, err))
			break
		}
		sum.Write(buf[:n])
		wg.Add(1)
		go func(b []byte, at int64) {
			defer wg.Done()
			defer func() { bufs <- b[:cap(b)] }()
			if _, err := dst.WriteAt(b, at); err != nil {
				fail.set(fmt.Errorf("write at offset %d: %w", at, explain(err)))
				return
			}
			m.add(len(b))
		}(buf[:n], off)
		off += int64(n)
	}
	wg.Wait()
	if err := fail.get(); err != nil {
		return err
	}
	return ctx.Err()
}

// readParallel reads size bytes of src with up to parallel READ requests
// outstanding and feeds them to sum in file order.
func readParallel(ctx context.Context, src *smb2.File, size int64, chunk, parallel int, sum hash.Hash, m *meter) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fail := &firstError{cancel: cancel}
	type piece struct {
		buf []byte
		err error
	}
	bufs := make(chan []byte, parallel+1)
	for range parallel + 1 {
		bufs <- make([]byte, chunk)
	}
	queue := make(chan chan piece, parallel)
	go func() {
		defer close(queue)
		for off := int64(0); off < size; {
			var buf []byte
			select {
			case buf = <-bufs:
			case <-ctx.Done():
				return
			}
			n := int(min(int64(chunk), size-off))
			out := make(chan piece, 1)
			queue <- out
			go func(b []byte, at int64) {
				got, err := src.ReadAt(b, at)
				if err == nil && got != len(b) || err == io.EOF {
					err = fmt.Errorf("file ends before offset %d: it is shorter than written", at+int64(len(b)))
				}
				out <- piece{buf: b[:got], err: err}
			}(buf[:n], off)
			off += int64(n)
		}
	}()
	for out := range queue {
		p := <-out
		if p.err != nil {
			fail.set(fmt.Errorf("read back: %w", explain(p.err)))
		}
		if fail.get() == nil {
			sum.Write(p.buf)
			m.add(len(p.buf))
		}
		bufs <- p.buf[:cap(p.buf)]
	}
	if err := fail.get(); err != nil {
		return err
	}
	return ctx.Err()
}
