package smb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	smb2 "github.com/cloudsoda/go-smb2"

	"github.com/ctitui/ctitui/domain/secdesc"
)

// maxSmallFile bounds ReadFile: it is for GPT.INI, scripts and the like;
// large files go through Upload and its verification.
const maxSmallFile = 64 << 20

// Share is a connected share ([MS-SMB2] tree connect). Names passed to its
// methods are relative to the share, with backslashes ("MikoCTI\app.msi",
// "" for the share root); Path.Rel gives them.
type Share struct {
	client  *Client
	name    string
	fs      *smb2.Share
	timeout time.Duration
	closed  atomic.Bool

	// levelMu guards the share-level permissions, read once per mount
	// when a check first needs them (see shareAdmits).
	levelMu    sync.Mutex
	levelRead  bool
	level      *secdesc.SecurityDescriptor
	levelKnown bool
}

// Name is the share name.
func (s *Share) Name() string { return s.name }

// Path returns the UNC path of rel on this share.
func (s *Share) Path(rel string) string {
	if rel == "" {
		return `\\` + s.client.server + `\` + s.name
	}
	return `\\` + s.client.server + `\` + s.name + `\` + rel
}

// Close disconnects from the share.
func (s *Share) Close() error {
	if s.closed.Swap(true) || s.client.closed.Load() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	if err := s.fs.WithContext(ctx).Umount(); err != nil {
		return fmt.Errorf("disconnect from %s: %w", s.Path(""), err)
	}
	return nil
}

// with returns the share bound to ctx, limited to the share's timeout.
func (s *Share) with(ctx context.Context) (*smb2.Share, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	return s.fs.WithContext(ctx), cancel
}

// checkRel validates a relative name before it goes on the wire.
func checkRel(rel string) error {
	if rel == "" {
		return nil
	}
	for _, part := range strings.Split(rel, `\`) {
		if err := CheckName(part); err != nil {
			return fmt.Errorf("path %q: %w", rel, err)
		}
	}
	return nil
}

// Stat returns what the server says about rel. A missing file gives an error
// for which errors.Is(err, fs.ErrNotExist) holds.
func (s *Share) Stat(ctx context.Context, rel string) (fs.FileInfo, error) {
	if err := checkRel(rel); err != nil {
		return nil, err
	}
	f, cancel := s.with(ctx)
	defer cancel()
	fi, err := f.Stat(rel)
	if err != nil {
		return nil, fmt.Errorf("stat %s: %w", s.Path(rel), explain(err))
	}
	return fi, nil
}

// ReadDir lists a folder.
func (s *Share) ReadDir(ctx context.Context, rel string) ([]fs.FileInfo, error) {
	if err := checkRel(rel); err != nil {
		return nil, err
	}
	f, cancel := s.with(ctx)
	defer cancel()
	list, err := f.ReadDir(rel)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", s.Path(rel), explain(err))
	}
	return list, nil
}

// MkdirAll creates rel and every missing parent, like mkdir \\srv\share\a\b.
// An existing folder is fine; an existing file in the way is an error.
func (s *Share) MkdirAll(ctx context.Context, rel string) error {
	if err := checkRel(rel); err != nil {
		return err
	}
	if rel == "" {
		return nil
	}
	f, cancel := s.with(ctx)
	defer cancel()
	parts := strings.Split(rel, `\`)
	for i := range parts {
		dir := strings.Join(parts[:i+1], `\`)
		err := f.Mkdir(dir, 0o755)
		if err == nil || !errors.Is(err, fs.ErrExist) {
			if err != nil {
				return fmt.Errorf("create folder %s: %w", s.Path(dir), explain(err))
			}
			continue
		}
		fi, statErr := f.Stat(dir)
		if statErr != nil {
			return fmt.Errorf("create folder %s: exists but cannot be read: %w", s.Path(dir), explain(statErr))
		}
		if !fi.IsDir() {
			return fmt.Errorf("create folder %s: a file with that name is in the way; rename or remove it", s.Path(dir))
		}
	}
	return nil
}

// ReadFile reads a small file whole (at most 64 MiB).
func (s *Share) ReadFile(ctx context.Context, rel string) ([]byte, error) {
	if err := checkRel(rel); err != nil {
		return nil, err
	}
	f, cancel := s.with(ctx)
	defer cancel()
	file, err := f.Open(rel)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", s.Path(rel), explain(err))
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxSmallFile+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", s.Path(rel), explain(err))
	}
	if len(data) > maxSmallFile {
		return nil, fmt.Errorf("read %s: larger than %d MiB; this call is for small files", s.Path(rel), maxSmallFile>>20)
	}
	return data, nil
}

// WriteFile creates or replaces a small file with data.
func (s *Share) WriteFile(ctx context.Context, rel string, data []byte) error {
	if err := checkRel(rel); err != nil {
		return err
	}
	if rel == "" {
		return errors.New("write file: no file name")
	}
	f, cancel := s.with(ctx)
	defer cancel()
	file, err := f.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("create %s: %w", s.Path(rel), explain(err))
	}
	if _, err := file.Write(data); err != nil {
		file.Close()
		return fmt.Errorf("write %s: %w", s.Path(rel), explain(err))
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("close %s: %w", s.Path(rel), explain(err))
	}
	return nil
}

// Remove deletes a file or an empty folder.
func (s *Share) Remove(ctx context.Context, rel string) error {
	if err := checkRel(rel); err != nil {
		return err
	}
	if rel == "" {
		return errors.New("remove: refusing to remove the share root")
	}
	f, cancel := s.with(ctx)
	defer cancel()
	if err := f.Remove(rel); err != nil {
		return fmt.Errorf("remove %s: %w", s.Path(rel), explain(err))
	}
	return nil
}

// Rename moves oldRel to newRel on the same share, replacing a file at newRel
// (SMB2 SET_INFO FileRenameInformation with ReplaceIfExists, [MS-FSCC]
// 2.4.42.2). Callers that must not replace check first.
func (s *Share) Rename(ctx context.Context, oldRel, newRel string) error {
	if err := checkRel(oldRel); err != nil {
		return err
	}
	if err := checkRel(newRel); err != nil {
		return err
	}
	f, cancel := s.with(ctx)
	defer cancel()
	if err := f.Rename(oldRel, newRel); err != nil {
		return fmt.Errorf("rename %s to %s: %w", s.Path(oldRel), newRel, explain(err))
	}
	return nil
}
