package ingest

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/ariadne-vid/ariadne/internal/store"
)

// batchWriter is the last stage: it commits each batch in one
// transaction (files with their media, signals and matches), then counts
// it, so progress and the summary only ever show committed work.
type batchWriter struct {
	st          *store.Store
	exhibitID   int64
	pdqVersion  string
	vpdqVersion string
	rehash      bool // count files whose content changed since a previous run
	progress    *Progress
	sum         *Summary // filled in as batches commit; read once run returns
}

// run writes the batches of in until it is closed.
func (w *batchWriter) run(ctx context.Context, in <-chan []*record) error {
	var out []store.IngestedFile
	for batch := range in {
		out = out[:0]
		for _, r := range batch {
			out = append(out, r.ingested(w.pdqVersion, w.vpdqVersion))
		}
		if w.rehash {
			n, err := countChanged(ctx, w.st, w.exhibitID, batch)
			if err != nil {
				return err
			}
			w.sum.Changed += n
		}
		if err := w.st.WriteIngested(ctx, w.exhibitID, out); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		for _, r := range batch {
			w.progress.records.Add(1)
			w.progress.classes[classIndex(r.file.Class)].Add(1)
			w.sum.Classes[r.file.Class]++
			if r.top {
				w.progress.files.Add(1)
				w.progress.bytes.Add(r.file.Size)
			}
		}
		w.sum.Records += int64(len(batch))
	}
	return nil
}

// countChanged counts the files of a batch recorded before with other
// content (a rehash found the evidence changed, or a previous reading
// wrong).
func countChanged(ctx context.Context, st *store.Store, exhibitID int64, batch []*record) (int64, error) {
	var n int64
	for _, r := range batch {
		if r.media == nil {
			continue
		}
		before, err := st.FileMedia(ctx, exhibitID, r.file.Path)
		if err != nil {
			return 0, err
		}
		if before != "" && before != r.media.SHA256 {
			slog.Warn("content changed since the previous ingest", "path", r.file.Path, "was", before, "now", r.media.SHA256)
			n++
		}
	}
	return n, nil
}
