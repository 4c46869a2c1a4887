//go:build linux

package testdomain

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// Run is for TestMain: it starts a test domain, runs the package's tests, and
// tears the domain down. When the domain cannot start, the run fails under
// CI (CI set to anything non-empty); elsewhere the tests that need the domain
// skip, saying why. *dom is set for the tests to use.
//
//	var dom *testdomain.Domain
//	func TestMain(m *testing.M) { os.Exit(testdomain.Run(m, &dom)) }
func Run(m *testing.M, dom **Domain) int {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	d, err := Start(ctx, Options{Log: func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, format+"\n", args...)
	}})
	cancel()
	if err != nil {
		if os.Getenv("CI") != "" {
			fmt.Fprintf(os.Stderr, "FAIL: test domain could not start (CI requires it): %v\n", err)
			return 1
		}
		fmt.Fprintf(os.Stderr, "testdomain: integration tests will SKIP: %v\n", err)
		return m.Run()
	}
	*dom = d
	td := &teardown{doms: []*Domain{d}}
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

// Require stops a test that needs the domain when there is none: a failure
// under CI, a skip (with the reason) elsewhere.
func Require(t testing.TB, dom *Domain) *Domain {
	t.Helper()
	if dom != nil {
		return dom
	}
	if err := CheckPrerequisites(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("test domain required under CI: %v", err)
		}
		t.Skipf("no test domain: %v", err)
	}
	if os.Getenv("CI") != "" {
		t.Fatal("test domain required under CI, but it did not start (see the testdomain lines above)")
	}
	t.Skip("no test domain: it did not start (see the testdomain lines above)")
	return nil
}
