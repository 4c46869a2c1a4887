//go:build linux

package msi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ctitui/ctitui/gpo/msi"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// libmsi applies our transforms. Debian's libmsi 0.101 applies no transform
// at all (testdata/libmsi-transform-name.patch says why), so
// testdata/libmsi-patched.sh builds Debian's own source of the installed
// version with that one line fixed, and testdata/mst_apply.py runs the
// installed typelib over it (LD_LIBRARY_PATH). The build is kept in the
// user cache directory (ctitui/libmsi), so only the first run pays for it.

var patchedLibmsi struct {
	once sync.Once
	dir  string
	err  error
}

func requirePatchedLibmsi(t *testing.T) string {
	t.Helper()
	requirePython(t)
	patchedLibmsi.once.Do(func() {
		cache, err := os.UserCacheDir()
		if err != nil {
			patchedLibmsi.err = err
			return
		}
		var stderr bytes.Buffer
		cmd := exec.Command("bash", "testdata/libmsi-patched.sh", filepath.Join(cache, "ctitui", "libmsi"))
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			patchedLibmsi.err = errors.New(err.Error() + ": " + stderr.String())
			return
		}
		patchedLibmsi.dir = strings.TrimSpace(string(out))
	})
	if patchedLibmsi.err != nil {
		msg := "testdata/libmsi-patched.sh builds the libmsi that applies transforms (needs apt-get, dpkg-dev, patch, gcc, bison, libglib2.0-dev, libgsf-1-dev and Debian's archive)"
		if os.Getenv("CI") != "" {
			t.Fatalf("%s: %v", msg, patchedLibmsi.err)
		}
		t.Skipf("%s; skipping because CI is not set: %v", msg, patchedLibmsi.err)
	}
	return patchedLibmsi.dir
}

type applied struct {
	Before map[string]string `json:"before"`
	After  map[string]string `json:"after"`
	Libmsi string            `json:"libmsi"`
}

// libmsiApply applies mst to a copy of base with libmsi from libDir ("" for
// the installed one). A refusal by libmsi is returned as an error.
func libmsiApply(t *testing.T, libDir, base, mst string) (applied, error) {
	t.Helper()
	cmd := exec.Command(requirePython(t), "testdata/mst_apply.py", base, mst, filepath.Join(t.TempDir(), "applied.msi"))
	cmd.Env = os.Environ()
	if libDir != "" {
		cmd.Env = append(cmd.Env, "LD_LIBRARY_PATH="+libDir)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	var r applied
	if err != nil {
		return r, errors.New(err.Error() + ": " + stderr.String())
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("mst_apply.py output: %v\n%s", err, b)
	}
	return r, nil
}

func TestTransformAppliedByLibmsi(t *testing.T) {
	lib := requirePatchedLibmsi(t)
	const cyrillic = "Оператор колл-центра №1"
	for _, tc := range []struct {
		fixture string
		set     []msi.Property
		remove  []string
	}{
		// add, change and remove on the MIKO CTI packages
		{"MIKO CTI 4.9.226", []msi.Property{{Name: "SERVERADDRESS", Value: "pbx.example.org"}, {Name: "ARPHELPLINK", Value: "https://help.example.org"}}, []string{"ARPPRODUCTICON"}},
		{"MIKO CTI 4.9.241", []msi.Property{{Name: "SERVERADDRESS", Value: "10.0.0.5"}, {Name: "AUTOUPDATE", Value: "0"}, {Name: "ALLUSERS", Value: "2"}}, nil},
		// a Cyrillic value through the string pool's code page 1251
		{"MIKO CTI 4.9.226 cp1251", []msi.Property{{Name: "OPERATORNAME", Value: cyrillic}, {Name: "ALLUSERS", Value: "2"}}, []string{"ARPHELPLINK"}},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			path := testmsi.Build(t, tc.fixture)
			base := openFixture(t, tc.fixture)
			mst := writeTransform(t, base, tc.set, tc.remove, msi.TransformOptions{Validation: msi.DefaultValidation})
			r, err := libmsiApply(t, lib, path, mst)
			if err != nil {
				t.Fatalf("patched libmsi: %v", err)
			}
			if !strings.HasPrefix(r.Libmsi, lib+"/") {
				t.Fatalf("mst_apply.py loaded %q, not the patched libmsi in %s", r.Libmsi, lib)
			}
			ours, err := base.PropertyMap()
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(r.Before, ours) {
				t.Fatalf("libmsi reads the base's Property table as %v, we read %v", r.Before, ours)
			}
			// exactly the changes: the base's table with the set values
			// and without the removed rows, nothing else
			want := maps.Clone(ours)
			for _, p := range tc.set {
				want[p.Name] = p.Value
			}
			for _, n := range tc.remove {
				if _, ok := want[n]; !ok {
					t.Fatalf("fixture has no %s to remove", n)
				}
				delete(want, n)
			}
			if !maps.Equal(r.After, want) {
				for k, v := range want {
					if got, ok := r.After[k]; !ok || got != v {
						t.Errorf("after the transform: %s = %q (present %v), want %q", k, got, ok, v)
					}
				}
				for k, v := range r.After {
					if _, ok := want[k]; !ok {
						t.Errorf("after the transform: unexpected %s = %q", k, v)
					}
				}
			}
		})
	}

	// The installed libmsi still refuses every transform: while it does,
	// the patch is needed. When this fails, Debian has fixed the bug; drop
	// libmsi-patched.sh and apply with the installed libmsi.
	t.Run("installed libmsi still has the bug", func(t *testing.T) {
		base := openFixture(t, "MIKO CTI 4.9.226")
		mst := writeTransform(t, base, []msi.Property{{Name: "SERVERADDRESS", Value: "pbx"}}, nil, msi.TransformOptions{})
		_, err := libmsiApply(t, "", testmsi.Build(t, "MIKO CTI 4.9.226"), mst)
		if err == nil || !strings.Contains(err.Error(), `Couldn't find id for \xa1\x80Property`) {
			t.Errorf("installed libmsi: %v; want the failure the patch fixes", err)
		}
	})
}
