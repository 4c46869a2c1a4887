//go:build linux

package testdomain

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// RunTwoDCs is Run for a package that needs two DCs: it starts the test
// domain, joins a second DC "dc2" to it (JoinDC), runs the tests and tears
// both down. Under CI a failure to start either fails the run; elsewhere
// the tests skip (Require) saying why. StartupTime is set to how long the
// two took together.
func RunTwoDCs(m *testing.M, first, second **Domain) int {
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	begin := time.Now()
	d, err := Start(ctx, Options{Log: logf})
	var j *Domain
	if err == nil {
		if j, _, err = d.JoinDC(ctx, "dc2", logf); err != nil {
			d.Stop()
			d = nil
		}
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			fmt.Fprintf(os.Stderr, "FAIL: two-DC test domain could not start (CI requires it): %v\n", err)
			return 1
		}
		fmt.Fprintf(os.Stderr, "testdomain: integration tests will SKIP: %v\n", err)
		return m.Run()
	}
	StartupTime = time.Since(begin)
	logf("testdomain: two-DC fixture up in %.1fs", StartupTime.Seconds())
	*first, *second = d, j
	// The joined DC first, then the one it joined.
	td := &teardown{doms: []*Domain{j, d}}
	cancelGuard := guardTimeout(func() { td.run(true) })
	code := m.Run()
	cancelGuard()
	if err := td.run(false); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: test domain teardown: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// StartupTime is how long RunTwoDCs took to bring both DCs up.
var StartupTime time.Duration
