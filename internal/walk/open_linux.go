package walk

import (
	"errors"
	"os"
	"syscall"
)

// Open opens a file of the evidence for reading only, asking the kernel
// not to update its access time (O_NOATIME), so that hashing leaves the
// file's times as they were. Where the flag is not allowed (a file owned
// by another user, without CAP_FOWNER), it opens the file plainly.
func Open(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOATIME|syscall.O_NONBLOCK, 0)
	if errors.Is(err, syscall.EPERM) {
		return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	}
	return f, err
}
