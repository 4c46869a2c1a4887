//go:build linux

package domain

import (
	"os"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
)

// dom is the package's Samba AD test domain, started once for all
// integration tests (see testdomain.Run).
var dom *testdomain.Domain

func TestMain(m *testing.M) { os.Exit(testdomain.Run(m, &dom)) }
