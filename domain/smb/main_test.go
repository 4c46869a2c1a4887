//go:build linux

package smb

import (
	"os"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
)

var dom *testdomain.Domain

func TestMain(m *testing.M) { os.Exit(testdomain.Run(m, &dom)) }
