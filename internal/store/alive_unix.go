//go:build unix

package store

import (
	"errors"
	"syscall"
)

// processAlive tells whether a process of this host exists (signal 0
// checks without signalling).
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
