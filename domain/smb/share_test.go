//go:build linux

package smb

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
)

func TestFilesWithHostileNames(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testCtx(t)
	s := mount(t, dialNTLM(t, d), testdomain.DistribShare)
	dir := testFolder(t, `Программы\Телефония 2025\MIKO CTI (x64)`)
	if err := s.MkdirAll(ctx, dir); err != nil {
		t.Fatal(err)
	}
	// Again: an existing folder is not an error.
	if err := s.MkdirAll(ctx, dir); err != nil {
		t.Fatalf("MkdirAll on an existing folder: %v", err)
	}
	// The folders exist on the server's disk under exactly these names.
	if fi, err := os.Stat(distribPath(d, dir)); err != nil || !fi.IsDir() {
		t.Fatalf("folder on the server: %v", err)
	}

	file := dir + `\Настройки панели.ini`
	content := []byte("[Панель]\r\nСервер=pbx.cti.test\r\n")
	if err := s.WriteFile(ctx, file, content); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(distribPath(d, file)); err != nil || string(got) != string(content) {
		t.Fatalf("file on the server's disk: %q, %v", got, err)
	}
	got, err := s.ReadFile(ctx, file)
	if err != nil || string(got) != string(content) {
		t.Fatalf("ReadFile: %q, %v", got, err)
	}
	fi, err := s.Stat(ctx, file)
	if err != nil || fi.Size() != int64(len(content)) || fi.IsDir() {
		t.Fatalf("Stat: %v, %v", fi, err)
	}
	list, err := s.ReadDir(ctx, dir)
	if err != nil || len(list) != 1 || list[0].Name() != "Настройки панели.ini" {
		t.Fatalf("ReadDir: %v, %v", list, err)
	}

	renamed := dir + `\Настройки (старые).ini`
	if err := s.Rename(ctx, file, renamed); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat(ctx, file); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("old name after rename: %v, want not found", err)
	}
	if err := s.Remove(ctx, renamed); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(distribPath(d, renamed)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("removed file still on the server's disk: %v", err)
	}
}

func TestMkdirAllOverAFileFails(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testCtx(t)
	s := mount(t, dialNTLM(t, d), testdomain.DistribShare)
	dir := testFolder(t, "x")
	if err := s.MkdirAll(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteFile(ctx, dir+`\blocker`, []byte("a file")); err != nil {
		t.Fatal(err)
	}
	err := s.MkdirAll(ctx, dir+`\blocker\sub`)
	if err == nil || !strings.Contains(err.Error(), "in the way") {
		t.Fatalf("MkdirAll through a file: %v", err)
	}
}

func TestNamesAreCheckedBeforeTheWire(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testCtx(t)
	s := mount(t, dialNTLM(t, d), testdomain.DistribShare)
	for _, bad := range []string{`..\escape`, `a\\b`, `a:b`, `trailing.`, `dir/file`} {
		if err := s.WriteFile(ctx, bad, []byte("x")); err == nil {
			t.Errorf("WriteFile(%q) succeeded", bad)
		}
	}
	if err := s.Remove(ctx, ""); err == nil {
		t.Error("Remove of the share root succeeded")
	}
}
