package progress

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ariadne-vid/ariadne/internal/ingest"
	"github.com/ariadne-vid/ariadne/internal/store"
)

// Terminal prints progress as one line redrawn in place on stderr when
// it is a terminal (nothing otherwise: a log file should not fill with
// redraws), and the summary on stdout.
type Terminal struct {
	Stdout, Stderr io.Writer
	TTY            bool
	// Next is a line printed after the summary (the command to run next).
	Next string
}

// Update redraws the progress line.
func (t *Terminal) Update(s ingest.Snapshot) {
	if t.TTY {
		fmt.Fprintf(t.Stderr, "\r\033[K%s", Line(s))
	}
}

// Line is the progress line of a snapshot.
func Line(s ingest.Snapshot) string {
	files := fmt.Sprint(s.Files)
	if s.Counted {
		files += fmt.Sprintf("/%d", s.FilesTotal)
	}
	rate := 0.0
	if secs := s.Elapsed.Seconds(); secs > 0 {
		rate = float64(s.Files-s.Skipped) / secs
	}
	line := fmt.Sprintf("%s files, %s, %.0f files/s", files, Bytes(s.Bytes), rate)
	if eta := s.ETA(); eta > 0 {
		line += ", ETA " + eta.Round(time.Second).String()
	}
	var parts []string
	for _, c := range store.Classes {
		if n := s.Classes[c]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", c, n))
		}
	}
	if len(parts) > 0 {
		line += " | " + strings.Join(parts, " ")
	}
	return line
}

// Finish clears the progress line and prints the summary.
func (t *Terminal) Finish(s ingest.Snapshot, sum ingest.Summary) {
	if t.TTY {
		fmt.Fprint(t.Stderr, "\r\033[K")
	}
	rate := 0.0
	if sum.Seconds > 0 {
		rate = float64(sum.Files-sum.Skipped) / sum.Seconds
	}
	fmt.Fprintf(t.Stdout, "ingest %s: %d files (%s) in %.1f s, %.1f files/s; %d unchanged since an earlier run, skipped; %d records\n",
		sum.Status, sum.Files, Bytes(sum.Bytes), sum.Seconds, rate, sum.Skipped, sum.Records)
	for _, c := range store.Classes {
		fmt.Fprintf(t.Stdout, "  %-9s %d\n", c, sum.Classes[c])
	}
	if sum.Changed > 0 {
		fmt.Fprintf(t.Stdout, "  %d files changed since the previous run (see the warnings above)\n", sum.Changed)
	}
	if t.Next != "" {
		fmt.Fprintln(t.Stdout, t.Next)
	}
}
