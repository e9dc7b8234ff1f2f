package ingest

import (
	"context"
	"io/fs"
	"log/slog"

	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/walk"
)

// walker is the first stage: it walks the roots in full-path order and
// sends a task for every path not recorded yet with the same size and
// modification time (those are counted as skipped).
type walker struct {
	roots    []root
	skip     map[store.FileKey]struct{}
	progress *Progress
}

func (w *walker) absRoots() []string {
	out := make([]string, len(w.roots))
	for i, r := range w.roots {
		out[i] = r.abs
	}
	return out
}

// run sends the tasks to out and closes it.
func (w *walker) run(ctx context.Context, out chan<- task) error {
	defer close(out)
	return walk.Walk(ctx, w.absRoots(), func(e walk.Entry) error {
		t := task{entry: e, name: recordName(w.roots, e.Path)}
		t.times.Path = t.name
		if e.Info != nil {
			t.times.Size = e.Info.Size()
			t.times.ModifiedAt = timestamp(e.Info.ModTime())
			a, c := walk.Times(e.Info)
			t.times.AccessedAt, t.times.ChangedAt = timestamp(a), timestamp(c)
		}
		if _, done := w.skip[store.KeyOf(t.name, t.times.Size, t.times.ModifiedAt)]; done {
			w.progress.skipped.Add(1)
			w.progress.files.Add(1)
			w.progress.bytes.Add(t.times.Size)
			return nil
		}
		select {
		case out <- t:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
}

// countTotals walks the roots for names and sizes only, for the progress
// totals; the work does not wait for it.
func (w *walker) countTotals(ctx context.Context) {
	err := walk.Walk(ctx, w.absRoots(), func(e walk.Entry) error {
		w.progress.filesTotal.Add(1)
		if e.Info != nil && e.Info.Mode().Type()&fs.ModeType == 0 {
			w.progress.bytesTotal.Add(e.Info.Size())
		}
		return nil
	})
	if err == nil {
		w.progress.counted.Store(true)
	} else if ctx.Err() == nil {
		slog.Warn("progress totals not counted", "err", err)
	}
}
