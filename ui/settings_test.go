package ui

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestMergeKeepsWhatWasGiven(t *testing.T) {
	given := Settings{Domain: "corp.example.com", Password: "pw"}
	saved := Settings{Domain: "old.example.com", DC: "dc1", User: "admin", CAFile: "/ca.pem", ShareDir: `\\f\Distrib`, Kerberos: true}
	got := given.Merge(saved)
	want := Settings{Domain: "corp.example.com", DC: "dc1", User: "admin", CAFile: "/ca.pem", ShareDir: `\\f\Distrib`, Kerberos: true, Password: "pw"}
	if got != want {
		t.Fatalf("Merge = %#v, want %#v", got, want)
	}
}

func TestFileStoreNeverWritesThePassword(t *testing.T) {
	fs := FileStore{Path: filepath.Join(t.TempDir(), "a", "console.json")}
	if s, err := fs.Load(); err != nil || s != (Settings{}) {
		t.Fatalf("missing file: %#v, %v", s, err)
	}
	if err := fs.Save(Settings{Domain: "cti.test", User: "admin", Password: "hunter2"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(fs.Path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "hunter2") || !strings.Contains(string(b), "cti.test") {
		t.Fatalf("saved file:\n%s", b)
	}
	// Only the owner may read it (Windows has no such mode bits).
	if fi, err := os.Stat(fs.Path); runtime.GOOS != "windows" && (err != nil || fi.Mode().Perm() != 0o600) {
		t.Fatalf("mode %v, %v", fi.Mode(), err)
	}
}
