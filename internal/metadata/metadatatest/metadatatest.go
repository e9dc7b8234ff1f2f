// Package metadatatest holds what tests that write metadata with
// ExifTool share.
package metadatatest

import (
	"os"
	"os/exec"
	"testing"
)

// RequireExifTool skips the test when exiftool is not installed, and
// fails it when CI is set: scripts/test installs it
// (libimage-exiftool-perl), so its absence there is a fault.
func RequireExifTool(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("exiftool"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but exiftool is not installed: scripts/test should have installed libimage-exiftool-perl")
		}
		t.Skip("exiftool not installed: metadata tests skipped (scripts/test installs libimage-exiftool-perl)")
	}
}
