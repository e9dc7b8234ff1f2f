//go:build !linux

package ffmpeg

import (
	"os"
	"os/exec"
)

// bigPipe connects cmd's standard output to a pipe and returns its read
// end.
func bigPipe(cmd *exec.Cmd) (*os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout = w
	return r, nil
}
