//go:build linux

package testdomain

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"time"
)

// guardTimeout runs stop shortly before go test's -timeout panics the test
// binary, then exits: the panic ends the process at once, without
// TestMain's teardown, and would leave the fixture's samba processes,
// loopback address and directory behind until the next fixture's
// cleanupStale (none runs after the last package of a CI run, whose
// leftover check then fails). The goroutines are dumped first, as the
// panic would. Call it just before m.Run (testing starts its alarm there)
// and the returned function when m.Run returns. stop must be safe to call
// twice (teardown.run).
func guardTimeout(stop func()) (cancel func()) {
	if !flag.Parsed() {
		flag.Parse()
	}
	f := flag.Lookup("test.timeout")
	if f == nil {
		return func() {}
	}
	d, err := time.ParseDuration(f.Value.String())
	if err != nil || d <= 0 {
		return func() {}
	}
	// The guard's teardown kills at once (abort): well under a second per
	// DC, even on a loaded machine.
	margin := min(max(d/10, 5*time.Second), 30*time.Second, d/2)
	t := time.AfterFunc(d-margin, func() {
		fmt.Fprintf(os.Stderr, "FAIL: testdomain: the tests are %s from their -timeout %s: stopping the test domain first, then exiting (goroutines follow)\n", margin, d)
		_ = pprof.Lookup("goroutine").WriteTo(os.Stderr, 1)
		stop()
		os.Exit(2)
	})
	return func() { t.Stop() }
}

// teardown stops a package's fixtures once, whether the tests ended or
// the timeout guard fired first (hurry: SIGKILL at once, the process is
// about to exit).
type teardown struct {
	once sync.Once
	err  error
	doms []*Domain // in the order to stop them
}

func (t *teardown) run(hurry bool) error {
	t.once.Do(func() {
		var errs []error
		for _, d := range t.doms {
			if hurry {
				errs = append(errs, d.abort())
			} else {
				errs = append(errs, d.Stop())
			}
		}
		t.err = errors.Join(errs...)
	})
	return t.err
}

// abort ends the fixture at once: its processes killed (no SIGTERM and
// wait, as Stop does), its address released, its directory removed.
func (d *Domain) abort() error {
	if d == nil {
		return nil
	}
	d.stopMu.Lock()
	defer d.stopMu.Unlock()
	if d.stopped {
		return nil
	}
	d.stopped = true
	var errs []error
	if d.Dir != "" {
		errs = append(errs, killByConfig(filepath.Join(d.Dir, "etc", "smb.conf"), d.sambaPGID()))
	}
	if d.IP != "" {
		errs = append(errs, releaseLoopbackAddress(d.IP))
	}
	if d.Dir != "" {
		errs = append(errs, os.RemoveAll(d.Dir))
	}
	return errors.Join(errs...)
}
