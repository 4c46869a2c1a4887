//go:build linux

package domain

import (
	"flag"
	"os"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
)

// dom is the package's Samba AD test domain, started once for all
// integration tests (see testdomain.Run).
var dom *testdomain.Domain

func TestMain(m *testing.M) {
	flag.Parse()
	if fuzzing() {
		os.Exit(m.Run())
	}
	os.Exit(testdomain.Run(m, &dom))
}

// fuzzing says this process fuzzes (-test.fuzz) or is one of the fuzzing
// workers, which each run TestMain again: fuzz targets need no domain
// controller, and one per worker would only slow fuzzing down.
func fuzzing() bool {
	for _, name := range []string{"test.fuzz", "test.fuzzworker"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" && f.Value.String() != "false" {
			return true
		}
	}
	return false
}
