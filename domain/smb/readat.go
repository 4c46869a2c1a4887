package smb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"
	"time"

	smb2 "github.com/cloudsoda/go-smb2"
)

// RemoteFile is a file on a share opened for random reads: an io.ReaderAt
// over SMB2 READ requests ([MS-SMB2] 2.2.19) at the offsets asked for, so
// that a reader which needs a few parts of a large file (an MSI's
// directory and tables, not its cabinets) neither downloads nor holds the
// rest. It is safe for concurrent use by the readers of io.ReaderAt.
type RemoteFile struct {
	share *Share
	rel   string
	file  *smb2.File
	size  int64
	// ctx is what the handle's requests run under; cancel ends it with
	// a cause (errStalled when one read got no answer in time).
	ctx     context.Context
	cancel  context.CancelCauseFunc
	timeout time.Duration

	closeOnce sync.Once
	closeErr  error
}

// OpenReaderAt opens rel for reading at any offset. Unlike ReadFile it has
// no size limit and reads nothing until asked. Each ReadAt is bounded by the
// share's timeout (a request without an answer means a dead server or
// link), not the whole life of the handle, which may stay open while the
// caller works between reads. ctx cancels every read; Close releases the
// handle.
func (s *Share) OpenReaderAt(ctx context.Context, rel string) (*RemoteFile, error) {
	if err := checkRel(rel); err != nil {
		return nil, err
	}
	// go-smb2 binds a handle's requests to the context of the share value
	// it was opened from, so the handle gets one context for its life,
	// cancelled by ctx or by the per-request timer below.
	hctx, cancel := context.WithCancelCause(ctx)
	f := &RemoteFile{share: s, rel: rel, ctx: hctx, cancel: cancel, timeout: s.timeout}
	stop := f.guard()
	file, err := s.fs.WithContext(hctx).Open(rel)
	var fi fs.FileInfo
	if err == nil {
		fi, err = file.Stat()
		if err != nil {
			file.Close()
		}
	}
	stop()
	if err != nil {
		cancel(context.Canceled)
		return nil, fmt.Errorf("open %s: %w", s.Path(rel), f.explain(explain(err)))
	}
	if fi.IsDir() {
		file.Close()
		cancel(context.Canceled)
		return nil, fmt.Errorf("open %s: a folder, not a file", s.Path(rel))
	}
	f.file, f.size = file, fi.Size()
	return f, nil
}

// guard starts the timer of one request; the returned func stops it.
func (f *RemoteFile) guard() func() {
	t := time.AfterFunc(f.timeout, func() { f.cancel(errStalled) })
	return func() { t.Stop() }
}

// Size is the file's size when it was opened.
func (f *RemoteFile) Size() int64 { return f.size }

// ReadAt reads len(b) bytes at off (io.ReaderAt). A read that gets no answer
// within the share's timeout ends the handle: later reads fail too.
func (f *RemoteFile) ReadAt(b []byte, off int64) (int, error) {
	if err := f.ctx.Err(); err != nil {
		return 0, fmt.Errorf("read %s: %w", f.share.Path(f.rel), f.explain(err))
	}
	stop := f.guard()
	n, err := f.file.ReadAt(b, off)
	stop()
	if err != nil && !errors.Is(err, io.EOF) {
		return n, fmt.Errorf("read %s at %d: %w", f.share.Path(f.rel), off, f.explain(explain(err)))
	}
	return n, err
}

func (f *RemoteFile) explain(err error) error {
	if errors.Is(context.Cause(f.ctx), errStalled) {
		return fmt.Errorf("%w: the file server did not answer for %s; check the network and the server", err, f.timeout)
	}
	return err
}

// Close releases the handle ([MS-SMB2] 2.2.15 CLOSE). After a
// cancellation or a stall no request can be sent on it any more; the
// server then releases it when the tree is disconnected ([MS-SMB2]
// 3.3.5.8), which Share.Close does.
func (f *RemoteFile) Close() error {
	f.closeOnce.Do(func() {
		if f.ctx.Err() == nil {
			stop := f.guard()
			f.closeErr = f.file.Close()
			stop()
		}
		f.cancel(context.Canceled)
	})
	if f.closeErr != nil {
		return fmt.Errorf("close %s: %w", f.share.Path(f.rel), f.explain(explain(f.closeErr)))
	}
	return nil
}
