//go:build !linux

package walk

import "os"

// Open opens a file of the evidence for reading only.
func Open(path string) (*os.File, error) { return os.Open(path) }
