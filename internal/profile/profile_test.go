package profile

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestStore(t *testing.T) {
	s := Store{Path: filepath.Join(t.TempDir(), "ctitui", "profiles.json")}
	if names, err := s.Names(); err != nil || len(names) != 0 {
		t.Fatalf("empty store: %v %v", names, err)
	}
	corp := Profile{Domain: "corp.example.com", DC: "dc1.corp.example.com", User: "admin@corp.example.com", CAFile: "/etc/ssl/corp.pem"}
	lab := Profile{Domain: "lab.test", Kerberos: true}
	if err := s.Save("corp", corp); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(DefaultName, lab); err != nil {
		t.Fatal(err)
	}
	got, found, err := s.Get("corp")
	if err != nil || !found || !reflect.DeepEqual(got, corp) {
		t.Fatalf("Get(corp) = %+v %v %v", got, found, err)
	}
	if names, _ := s.Names(); !slices.Equal(names, []string{"corp", "default"}) {
		t.Fatalf("names %v", names)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(s.Path)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("profiles file mode %v, %v; want 0600", fi.Mode().Perm(), err)
		}
	}
	if err := s.Delete("corp"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := s.Get("corp"); found {
		t.Fatal("deleted profile still there")
	}
	if err := s.Delete("corp"); err == nil || !strings.Contains(err.Error(), "no profile") {
		t.Fatalf("second delete: %v", err)
	}
	if err := s.Save("bad name/..", lab); err == nil {
		t.Fatal("a name with a slash was accepted")
	}
	if err := os.WriteFile(s.Path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.All(); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("damaged file: %v", err)
	}
}
