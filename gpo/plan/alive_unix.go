//go:build !windows

package plan

import (
	"errors"
	"syscall"
)

// processAlive reports whether pid is a running process (signal 0 checks
// without sending anything; EPERM means it exists as another user's).
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
