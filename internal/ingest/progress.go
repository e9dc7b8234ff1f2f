package ingest

import (
	"sync/atomic"
	"time"

	"github.com/ariadne-vid/ariadne/internal/store"
)

// Progress is what a run has done so far, updated as it goes and safe to
// read from another goroutine (the terminal or JSON reporter). Counts of
// done work move only when the store has committed it.
type Progress struct {
	started time.Time

	// The totals come from a separate, cheap walk (names and sizes only)
	// that runs alongside the work; Counted is set when it has finished.
	filesTotal, bytesTotal atomic.Int64
	counted                atomic.Bool

	files, bytes, skipped, records atomic.Int64
	classes                        [6]atomic.Int64
}

// NewProgress starts a Progress clock.
func NewProgress() *Progress { return &Progress{started: time.Now()} }

func classIndex(c store.Class) int {
	for i, k := range store.Classes {
		if k == c {
			return i
		}
	}
	return len(store.Classes) - 1
}

// Snapshot is a copy of a Progress at one moment.
type Snapshot struct {
	Elapsed time.Duration `json:"-"`
	Seconds float64       `json:"elapsed_s"`
	// Files and Bytes count the files found on disk (an archive is one,
	// whatever it holds) done so far, Skipped those unchanged since a
	// previous run; the totals are known once Counted is true.
	Files      int64 `json:"files"`
	Bytes      int64 `json:"bytes"`
	Skipped    int64 `json:"skipped"`
	FilesTotal int64 `json:"files_total"`
	BytesTotal int64 `json:"bytes_total"`
	Counted    bool  `json:"counted"`
	// Records counts what was recorded, archive members included.
	Records int64                 `json:"records"`
	Classes map[store.Class]int64 `json:"classes"`
}

// Snapshot reads the counters.
func (p *Progress) Snapshot() Snapshot {
	s := Snapshot{
		Elapsed:    time.Since(p.started),
		Files:      p.files.Load(),
		Bytes:      p.bytes.Load(),
		Skipped:    p.skipped.Load(),
		FilesTotal: p.filesTotal.Load(),
		BytesTotal: p.bytesTotal.Load(),
		Counted:    p.counted.Load(),
		Records:    p.records.Load(),
		Classes:    map[store.Class]int64{},
	}
	s.Seconds = s.Elapsed.Seconds()
	for i, c := range store.Classes {
		s.Classes[c] = p.classes[i].Load()
	}
	return s
}

// ETA estimates the time left from the byte rate so far (zero while the
// totals are still being counted or nothing is done yet).
func (s Snapshot) ETA() time.Duration {
	if !s.Counted || s.Bytes == 0 || s.Bytes >= s.BytesTotal {
		return 0
	}
	rate := float64(s.Bytes) / s.Elapsed.Seconds()
	return time.Duration(float64(s.BytesTotal-s.Bytes) / rate * float64(time.Second))
}
