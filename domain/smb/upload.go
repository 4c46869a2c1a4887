package smb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	smb2 "github.com/cloudsoda/go-smb2"
)

// Defaults for UploadOptions. 1 MiB is the largest write Windows servers
// accept whatever they announce (go-smb2 caps at it too). 32 in flight
// (32 MiB, far below the credits Samba and Windows grant) keep a LAN or
// loopback link busy; on loopback 16 and 32 measure the same within noise,
// the limit there being the CPU that signing takes (BenchmarkSigningMAC).
const (
	defaultChunk    = 1 << 20
	defaultParallel = 32
)

// UploadOptions tune Upload.
type UploadOptions struct {
	// Overwrite replaces an existing file with different content. Without
	// it such a file is an error; a file with the same content is never
	// rewritten.
	Overwrite bool
	// Progress receives events while bytes move (every 200 ms and at the
	// end of each phase). It is called from one goroutine at a time and
	// should return quickly (a bubbletea program's Send is fine).
	Progress func(Progress)
	// Parallel is how many chunks are in flight at once; 0 means 32.
	Parallel int
	// Chunk is the size of each read or write request; 0 means 1 MiB.
	Chunk int
}

// UploadResult says what Upload did.
type UploadResult struct {
	// Path is the UNC path of the uploaded file.
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// Seconds is the whole upload: look at the destination, write and
	// read back, rename.
	Seconds float64 `json:"seconds"`
	// MBPerSecond is Size in MB (10^6 bytes) over Seconds.
	MBPerSecond float64 `json:"mbPerSecond"`
	// Unchanged is true when the destination already held the same bytes
	// and nothing was written.
	Unchanged bool `json:"unchanged"`
	// Replaced is true when a different file was overwritten.
	Replaced bool `json:"replaced"`
}

// ErrDifferentFileExists is returned when the destination holds other
// content and UploadOptions.Overwrite is not set.
var ErrDifferentFileExists = errors.New("a different file already exists at the destination")

// Upload copies the local file to destRel on the share.
//
// The bytes go to a temporary name in the destination folder; every chunk
// is read back and compared as soon as the server acknowledges it, the size
// is checked after closing, and only then is the file renamed, so a client
// computer never installs from half a file or a damaged one. A destination that
// already holds the same bytes is left alone (Unchanged); one with other
// bytes is replaced only with Overwrite.
func (s *Share) Upload(ctx context.Context, local, destRel string, opts UploadOptions) (UploadResult, error) {
	begin := time.Now()
	if err := checkRel(destRel); err != nil {
		return UploadResult{}, err
	}
	if destRel == "" {
		return UploadResult{}, errors.New("upload: no destination file name")
	}
	opts = opts.withDefaults()
	src, err := os.Open(local)
	if err != nil {
		return UploadResult{}, fmt.Errorf("upload: open local file: %w", err)
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return UploadResult{}, fmt.Errorf("upload: %w", err)
	}
	if !st.Mode().IsRegular() {
		return UploadResult{}, fmt.Errorf("upload: %s is not a regular file", local)
	}
	res := UploadResult{Path: s.Path(destRel), Size: st.Size()}

	existing, err := s.existingFile(ctx, destRel)
	if err != nil {
		return UploadResult{}, err
	}
	if existing != nil {
		same, sum, err := s.sameContent(ctx, src, st.Size(), destRel, existing, opts)
		if err != nil {
			return UploadResult{}, err
		}
		if same {
			res.SHA256, res.Unchanged = sum, true
			res.Seconds = time.Since(begin).Seconds()
			return res, nil
		}
		if !opts.Overwrite {
			return UploadResult{}, &ExistsError{Path: res.Path, There: existing.Size(), Here: st.Size()}
		}
		res.Replaced = true
	}

	tmp, err := tempName(destRel)
	if err != nil {
		return UploadResult{}, err
	}
	sum, err := s.writeAndVerify(ctx, src, st.Size(), tmp, opts)
	if err != nil {
		s.removeQuietly(tmp)
		return UploadResult{}, fmt.Errorf("upload to %s: %w", res.Path, err)
	}
	if !opts.Overwrite {
		// go-smb2 always renames with ReplaceIfExists, so look once more
		// right before: a file that appeared meanwhile is not ours to replace.
		if again, err := s.existingFile(ctx, destRel); err != nil || again != nil {
			s.removeQuietly(tmp)
			if err != nil {
				return UploadResult{}, err
			}
			return UploadResult{}, &ExistsError{Path: res.Path, Appeared: true}
		}
	}
	if err := s.Rename(ctx, tmp, destRel); err != nil {
		s.removeQuietly(tmp)
		return UploadResult{}, fmt.Errorf("upload: %w", err)
	}
	res.SHA256 = sum
	res.Seconds = time.Since(begin).Seconds()
	if res.Seconds > 0 {
		res.MBPerSecond = float64(res.Size) / 1e6 / res.Seconds
	}
	return res, nil
}

func (o UploadOptions) withDefaults() UploadOptions {
	if o.Parallel <= 0 {
		o.Parallel = defaultParallel
	}
	if o.Chunk <= 0 {
		o.Chunk = defaultChunk
	}
	return o
}

// existingFile stats destRel: nil when absent, an error when it is a folder.
func (s *Share) existingFile(ctx context.Context, destRel string) (fs.FileInfo, error) {
	fi, err := s.Stat(ctx, destRel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("upload: look at the destination: %w", err)
	case fi.IsDir():
		return nil, fmt.Errorf("upload: %s is a folder; give the folder as the destination, not a file inside it with its name", s.Path(destRel))
	}
	return fi, nil
}

// sameContent compares the existing remote file with the local one by
// reading it back, and returns the SHA-256 when they are equal.
func (s *Share) sameContent(ctx context.Context, src *os.File, size int64, destRel string, existing fs.FileInfo, opts UploadOptions) (bool, string, error) {
	if existing.Size() != size {
		return false, "", nil
	}
	sum, err := s.hashRemote(ctx, destRel, src, size, PhaseCompare, opts)
	switch {
	case errors.Is(err, errContentDiffers):
		return false, "", nil
	case err != nil:
		return false, "", fmt.Errorf("upload: compare with the existing %s: %w", s.Path(destRel), err)
	}
	return true, sum, nil
}

// writeAndVerify writes src to tmp, reading every chunk back and comparing
// it as it goes, and after closing checks the size the server reports. It
// returns the hex SHA-256 of the bytes sent, which are the bytes on the
// server.
func (s *Share) writeAndVerify(ctx context.Context, src io.Reader, size int64, tmp string, opts UploadOptions) (string, error) {
	handles, loop, stall := s.transfer(ctx)
	defer stall.stop()
	f, err := handles.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", fmt.Errorf("create temporary file %s: %w", s.Path(tmp), explain(err))
	}
	check, advance := f, stall.advance
	if v, err := s.openVerifier(ctx, tmp); err == nil {
		defer v.close()
		check = v.file
		advance = func() { stall.advance(); v.stall.advance() }
	}
	h := sha256.New()
	m := startMeter(PhaseUpload, size, opts.Progress, advance)
	err = writeVerifyParallel(loop, f, check, src, size, opts.Chunk, opts.Parallel, h, m)
	m.end(err == nil)
	if closeErr := f.Close(); err == nil && closeErr != nil {
		err = fmt.Errorf("close temporary file: %w", explain(closeErr))
	}
	if errors.Is(err, errContentDiffers) {
		return "", fmt.Errorf("verify: the server stored other bytes than were sent (%w); nothing was renamed", err)
	}
	if err != nil {
		return "", stall.explain(err)
	}
	fi, err := s.Stat(ctx, tmp)
	if err != nil {
		return "", fmt.Errorf("verify: %w", err)
	}
	if fi.Size() != size {
		return "", fmt.Errorf("verify: %s is %d bytes after closing, %d were sent; nothing was renamed", s.Path(tmp), fi.Size(), size)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// verifier is a second session on the share that reads back what an upload
// writes. Samba serves each connection from one process and, it seems,
// reads no new requests while a connection's replies queue up, so reading
// back on the writing connection turns a full-duplex link half-duplex.
// Through a 1 Gbit/s link (BenchmarkUploadVsSmbclientOnGigabit) verified
// uploads reached 0.94x of smbclient put, which reads nothing back, with
// the second connection, against about 0.65x without it (on a busy test
// machine both drop, since ours costs more CPU per byte).
type verifier struct {
	client *Client
	share  *Share
	file   *smb2.File
	stall  *stallGuard
}

// openVerifier opens tmp for reading on a new session. Uploads work
// without it (reading back on their own session) when the server will not
// take a second session.
func (s *Share) openVerifier(ctx context.Context, tmp string) (*verifier, error) {
	c, err := Dial(ctx, s.client.server, s.client.opts)
	if err != nil {
		return nil, err
	}
	sh, err := c.Mount(ctx, s.name)
	if err != nil {
		c.Close()
		return nil, err
	}
	handles, _, g := sh.transfer(ctx)
	f, err := handles.Open(tmp)
	if err != nil {
		g.stop()
		c.Close()
		return nil, err
	}
	return &verifier{client: c, share: sh, file: f, stall: g}, nil
}

func (v *verifier) close() {
	v.file.Close()
	v.stall.stop()
	v.client.Close()
}

// hashRemote reads rel, which must be size bytes long, comparing it with
// local when that is not nil, and returns its hex SHA-256.
func (s *Share) hashRemote(ctx context.Context, rel string, local io.ReaderAt, size int64, phase Phase, opts UploadOptions) (string, error) {
	handles, loop, stall := s.transfer(ctx)
	defer stall.stop()
	f, err := handles.Open(rel)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", s.Path(rel), explain(err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("stat %s: %w", s.Path(rel), explain(err))
	}
	if fi.Size() != size {
		return "", fmt.Errorf("%s is %d bytes, expected %d", s.Path(rel), fi.Size(), size)
	}
	h := sha256.New()
	m := startMeter(phase, size, opts.Progress, stall.advance)
	err = readParallel(loop, f, local, size, opts.Chunk, opts.Parallel, h, m)
	m.end(err == nil)
	if err != nil {
		return "", stall.explain(err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// tempName is a hidden, unique name next to destRel: the rename at the end
// stays inside one folder, which every server does atomically.
func tempName(destRel string) (string, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("upload: random temporary name: %w", err)
	}
	dir, base := "", destRel
	if i := strings.LastIndex(destRel, `\`); i >= 0 {
		dir, base = destRel[:i+1], destRel[i+1:]
	}
	return dir + "." + base + ".ctitui-" + hex.EncodeToString(b[:]) + ".partial", nil
}

// PartialOf says whether name (a file name, no folder) is an upload's
// temporary file as tempName makes it (".<base>.ctitui-<12 hex>.partial"),
// and for which file. An upload cut off before its rename (a process
// killed mid-way) leaves such a file behind.
func PartialOf(name string) (base string, ok bool) {
	rest, ok := strings.CutPrefix(name, ".")
	if !ok {
		return "", false
	}
	rest, ok = strings.CutSuffix(rest, ".partial")
	if !ok {
		return "", false
	}
	i := strings.LastIndex(rest, ".ctitui-")
	if i <= 0 {
		return "", false
	}
	id := rest[i+len(".ctitui-"):]
	if _, err := hex.DecodeString(id); err != nil || len(id) != 12 {
		return "", false
	}
	return rest[:i], true
}

// removeQuietly deletes a temporary file after a failure; the context may
// already be cancelled, so it gets its own short one. A failure to remove
// is not reported over the original error: the name says what it is.
func (s *Share) removeQuietly(rel string) {
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	_ = s.Remove(ctx, rel)
}
