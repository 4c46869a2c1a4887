//go:build linux

package testdomain

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// guardHelperEnv makes this test binary the helper of TestTimeoutGuard:
// no fixture; the guard's stop writes the file the variable names.
const guardHelperEnv = "TESTDOMAIN_GUARD_HELPER"

// guardHelper is the helper: it outlives its -timeout, so the guard
// fires (testing's own alarm, started only by m.Run, never does).
func guardHelper(*testing.M) int {
	cancel := guardTimeout(func() { os.WriteFile(os.Getenv(guardHelperEnv), []byte("stopped"), 0o644) })
	defer cancel()
	time.Sleep(time.Minute)
	return 1
}

// The guard runs the teardown before go test's -timeout would panic the
// test binary (the panic skips TestMain's teardown), and exits 2: run as
// a helper process (this binary, TestMain's other branch) with a 6 s
// timeout and no fixture, its stop function leaves a file, 3 s in.
func TestTimeoutGuard(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "stopped")
	cmd := exec.Command(os.Args[0], "-test.timeout=6s")
	cmd.Env = append(os.Environ(), guardHelperEnv+"="+marker)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	begin := time.Now()
	err := cmd.Run()
	took := time.Since(begin)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Fatalf("helper: %v, want exit 2\n%s", err, out.String())
	}
	if b, err := os.ReadFile(marker); err != nil || string(b) != "stopped" {
		t.Errorf("the guard did not run the teardown (%v)\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "stopping the test domain first") {
		t.Errorf("helper output:\n%s", out.String())
	}
	// margin min(max(0.6s, 5s), 30s, 3s) = 3s: the guard fires at 3 s.
	if took < 3*time.Second || took > 5500*time.Millisecond {
		t.Errorf("the helper ended after %s, want about 3 s", took)
	}
}

// holdsFileUnder finds a process by the files it holds open under a
// fixture's directory (how teardown finds a retitled child whose group
// leader is gone), deleted ones too, and only under that directory.
func TestHoldsFileUnder(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "held"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if !holdsFileUnder(os.Getpid(), dir) {
		t.Errorf("an open file under %s is not seen", dir)
	}
	if holdsFileUnder(os.Getpid(), dir[:len(dir)-1]) {
		t.Errorf("a directory whose name is a prefix of %s matches", dir)
	}
	if err := os.Remove(f.Name()); err != nil {
		t.Fatal(err)
	}
	if !holdsFileUnder(os.Getpid(), dir) {
		t.Errorf("an open, deleted file under %s is not seen", dir)
	}
}
