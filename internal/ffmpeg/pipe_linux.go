//go:build linux

package ffmpeg

import (
	"os"
	"os/exec"
	"syscall"
)

// bigPipe connects cmd's standard output to a pipe of 1 MiB (the default
// 64 KiB makes a raw video frame cross in dozens of wake-ups), and
// returns its read end.
func bigPipe(cmd *exec.Cmd) (*os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	// F_SETPIPE_SZ; a failure leaves the default size, which works.
	syscall.Syscall(syscall.SYS_FCNTL, w.Fd(), 1031, 1<<20)
	cmd.Stdout = w
	return r, nil
}
