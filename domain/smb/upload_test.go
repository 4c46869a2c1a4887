//go:build linux

package smb

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
)

// localFile writes n random bytes to a temp file and returns its path and
// content.
func localFile(t *testing.T, name string, n int) (string, []byte) {
	t.Helper()
	data := make([]byte, n)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, data
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// leftovers lists temporary upload files left in a folder on the server.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".partial") {
			out = append(out, e.Name())
		}
	}
	return out
}

// events records progress events; the callback is never called
// concurrently, the mutex is for reading them from the test.
type events struct {
	mu   sync.Mutex
	list []Progress
	// during runs inside the callback, e.g. to look at the server meanwhile.
	during func(Progress)
}

func (e *events) record(p Progress) {
	e.mu.Lock()
	e.list = append(e.list, p)
	e.mu.Unlock()
	if e.during != nil {
		e.during(p)
	}
}

func (e *events) phase(ph Phase) []Progress {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Progress
	for _, p := range e.list {
		if p.Phase == ph {
			out = append(out, p)
		}
	}
	return out
}

func TestUploadWritesVerifiesAndRenames(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testCtx(t)
	s := mount(t, dialNTLM(t, d), testdomain.DistribShare)
	dir := testFolder(t, "MikoCTI")
	if err := s.MkdirAll(ctx, dir); err != nil {
		t.Fatal(err)
	}
	// 5 MiB and a bit: many chunks, the last one short.
	local, data := localFile(t, "MIKO CTI 4.9.226.msi", 5<<20+12345)
	dest := dir + `\МИКО CTI 4.9.226.msi`
	onDisk := distribPath(d, dest)

	var seenHalfFile bool
	ev := &events{during: func(p Progress) {
		if p.Phase == PhaseUpload {
			if _, err := os.Stat(onDisk); err == nil {
				seenHalfFile = true
			}
		}
	}}
	res, err := s.Upload(ctx, local, dest, UploadOptions{Progress: ev.record, Chunk: 256 << 10, Parallel: 4})
	if err != nil {
		t.Fatal(err)
	}
	if seenHalfFile {
		t.Error("the final name existed while bytes were still being written")
	}
	if res.Size != int64(len(data)) || res.SHA256 != sha(data) || res.Unchanged || res.Replaced {
		t.Errorf("result %+v, want size %d sha %s, new file", res, len(data), sha(data))
	}
	if res.Path != `\\`+d.IP+`\Distrib\`+dest {
		t.Errorf("result path %q", res.Path)
	}
	got, err := os.ReadFile(onDisk)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("file on the server's disk differs (%d bytes, %v)", len(got), err)
	}
	if left := leftovers(t, distribPath(d, dir)); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
	for _, ph := range []Phase{PhaseUpload} {
		list := ev.phase(ph)
		if len(list) == 0 {
			t.Fatalf("no %s progress events", ph)
		}
		last := list[len(list)-1]
		if last.Done != last.Total || last.Total != int64(len(data)) || last.BytesPerSecond <= 0 || last.ETA != 0 {
			t.Errorf("last %s event %+v, want done == total == %d with a rate and no ETA", ph, last, len(data))
		}
		for i := 1; i < len(list); i++ {
			if list[i].Done < list[i-1].Done {
				t.Errorf("%s progress went backwards: %d after %d", ph, list[i].Done, list[i-1].Done)
			}
		}
	}
	if len(ev.phase(PhaseCompare)) != 0 {
		t.Error("a compare phase ran although nothing was at the destination")
	}
}

func TestUploadSameContentIsNothingToDo(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testCtx(t)
	s := mount(t, dialNTLM(t, d), testdomain.DistribShare)
	dir := testFolder(t, "same")
	if err := s.MkdirAll(ctx, dir); err != nil {
		t.Fatal(err)
	}
	local, data := localFile(t, "app.msi", 3<<20+1)
	if _, err := s.Upload(ctx, local, dir+`\app.msi`, UploadOptions{}); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(distribPath(d, dir+`\app.msi`))
	if err != nil {
		t.Fatal(err)
	}
	ev := &events{}
	res, err := s.Upload(ctx, local, dir+`\app.msi`, UploadOptions{Progress: ev.record})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Unchanged || res.SHA256 != sha(data) {
		t.Fatalf("second upload of the same file: %+v, want Unchanged", res)
	}
	if len(ev.phase(PhaseUpload)) != 0 || len(ev.phase(PhaseCompare)) == 0 {
		t.Errorf("same content: upload events %d, compare events %d; want only a comparison", len(ev.phase(PhaseUpload)), len(ev.phase(PhaseCompare)))
	}
	after, err := os.Stat(distribPath(d, dir+`\app.msi`))
	if err != nil || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("the file was rewritten: mtime %v -> %v (%v)", before.ModTime(), after.ModTime(), err)
	}
}

func TestUploadRefusesToOverwriteADifferentFile(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testCtx(t)
	s := mount(t, dialNTLM(t, d), testdomain.DistribShare)
	dir := testFolder(t, "differ")
	if err := s.MkdirAll(ctx, dir); err != nil {
		t.Fatal(err)
	}
	dest := dir + `\app.msi`
	first, firstData := localFile(t, "v1.msi", 1<<20)
	if _, err := s.Upload(ctx, first, dest, UploadOptions{}); err != nil {
		t.Fatal(err)
	}
	// Same size, other bytes: only the hash tells them apart.
	second, secondData := localFile(t, "v2.msi", 1<<20)

	_, err := s.Upload(ctx, second, dest, UploadOptions{})
	var ee *ExistsError
	if !errors.Is(err, ErrDifferentFileExists) || !errors.As(err, &ee) || ee.Appeared || !strings.Contains(err.Error(), "Overwrite") {
		t.Fatalf("upload over a different file: %v, want an ExistsError mentioning UploadOptions.Overwrite", err)
	}
	if got, _ := os.ReadFile(distribPath(d, dest)); !bytes.Equal(got, firstData) {
		t.Fatal("the refused upload changed the existing file")
	}

	res, err := s.Upload(ctx, second, dest, UploadOptions{Overwrite: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Replaced || res.SHA256 != sha(secondData) {
		t.Errorf("overwrite result %+v", res)
	}
	if got, _ := os.ReadFile(distribPath(d, dest)); !bytes.Equal(got, secondData) {
		t.Fatal("overwrite did not put the new bytes in place")
	}
	if left := leftovers(t, distribPath(d, dir)); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestCancelledUploadLeavesNothing(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	s := mount(t, dialNTLM(t, d), testdomain.DistribShare)
	dir := testFolder(t, "cancel")
	if err := s.MkdirAll(ctx, dir); err != nil {
		t.Fatal(err)
	}
	local, _ := localFile(t, "big.msi", 16<<20)
	// Cancel as soon as the first bytes are written: small chunks, one at a
	// time, so most of the file is still to go.
	ev := &events{during: func(p Progress) {
		if p.Phase == PhaseUpload && p.Done > 0 {
			cancel()
		}
	}}
	_, err := s.Upload(ctx, local, dir+`\big.msi`, UploadOptions{Progress: ev.record, Chunk: 64 << 10, Parallel: 1})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled upload: %v, want context.Canceled", err)
	}
	if _, err := os.Stat(distribPath(d, dir+`\big.msi`)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("final name exists after a cancelled upload: %v", err)
	}
	if left := leftovers(t, distribPath(d, dir)); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestUploadIntoAFolderNameFails(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testCtx(t)
	s := mount(t, dialNTLM(t, d), testdomain.DistribShare)
	dir := testFolder(t, "folder")
	if err := s.MkdirAll(ctx, dir+`\app.msi`); err != nil {
		t.Fatal(err)
	}
	local, _ := localFile(t, "app.msi", 1000)
	if _, err := s.Upload(ctx, local, dir+`\app.msi`, UploadOptions{}); err == nil || !strings.Contains(err.Error(), "is a folder") {
		t.Fatalf("upload onto a folder: %v", err)
	}
}

// oneConnectionProxy relays exactly one TCP connection to target and
// refuses the rest, like a server that allows one session per client.
func oneConnectionProxy(t *testing.T, target string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		client, err := ln.Accept()
		ln.Close()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", target)
		if err != nil {
			client.Close()
			return
		}
		go func() { io.Copy(server, client); server.Close() }()
		io.Copy(client, server)
		client.Close()
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

func TestUploadWithoutASecondSessionReadsBackOnItsOwn(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testCtx(t)
	port := oneConnectionProxy(t, net.JoinHostPort(d.IP, "445"))
	c, err := Dial(ctx, "127.0.0.1", Options{Auth: ntlmAuth(t, d), Port: port})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := c.Mount(ctx, testdomain.DistribShare)
	if err != nil {
		t.Fatal(err)
	}
	dir := testFolder(t, "one session")
	if err := s.MkdirAll(ctx, dir); err != nil {
		t.Fatal(err)
	}
	local, data := localFile(t, "app.msi", 2<<20+3)
	res, err := s.Upload(ctx, local, dir+`\app.msi`, UploadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(distribPath(d, dir+`\app.msi`)); err != nil || !bytes.Equal(got, data) || res.SHA256 != sha(data) {
		t.Fatalf("upload over a single connection: %v, sha %s", err, res.SHA256)
	}
}
