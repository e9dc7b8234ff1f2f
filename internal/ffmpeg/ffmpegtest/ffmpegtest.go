// Package ffmpegtest holds what tests that run ffmpeg share.
package ffmpegtest

import (
	"os"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/ffmpeg"
)

// Require skips the test when ffmpeg is not installed, and fails it when
// CI is set: scripts/test installs ffmpeg, so its absence there is a fault.
func Require(t testing.TB) {
	t.Helper()
	if !ffmpeg.Available() {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but ffmpeg is not installed: scripts/test should have installed it")
		}
		t.Skip("ffmpeg not installed: video and audio tests skipped (scripts/test installs it)")
	}
}
