// Package progress shows the progress of a long command apart from the
// work: the work keeps counters (ingest.Progress), an Updater reads them
// on a ticker, and a Printer shows them, as a line redrawn on a terminal
// or as JSON lines for tooling. Printers only ever show committed work,
// because the counters only move after a commit.
package progress

import (
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/ariadne-vid/ariadne/internal/ingest"
)

// Printer shows an ingest's progress and, at the end, its summary.
type Printer interface {
	Update(s ingest.Snapshot)
	Finish(s ingest.Snapshot, sum ingest.Summary)
}

// Updater calls a Printer with fresh snapshots at a steady interval,
// until Stop.
type Updater struct {
	stop chan struct{}
	done sync.WaitGroup
}

// Start starts updating p every interval with snap's snapshots.
func Start(every time.Duration, snap func() ingest.Snapshot, p Printer) *Updater {
	u := &Updater{stop: make(chan struct{})}
	u.done.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				p.Update(snap())
			case <-u.stop:
				return
			}
		}
	})
	return u
}

// Stop ends the updates and waits until the last one is printed, so
// nothing is printed after it returns.
func (u *Updater) Stop() {
	close(u.stop)
	u.done.Wait()
}

// IsTerminal reports whether w is a terminal (a character device).
func IsTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Bytes formats a byte count with binary units: 512 B, 3.4 MiB.
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
