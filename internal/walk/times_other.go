//go:build !linux

package walk

import (
	"io/fs"
	"time"
)

// Times returns zero times where the platform's stat is not read.
func Times(info fs.FileInfo) (accessed, changed time.Time) { return time.Time{}, time.Time{} }
