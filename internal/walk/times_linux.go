package walk

import (
	"io/fs"
	"syscall"
	"time"
)

// Times returns a file's access and status-change times as the walk's
// Lstat saw them (zero when the platform does not give them).
func Times(info fs.FileInfo) (accessed, changed time.Time) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return time.Time{}, time.Time{}
	}
	return time.Unix(st.Atim.Sec, st.Atim.Nsec), time.Unix(st.Ctim.Sec, st.Ctim.Nsec)
}
