// Package ingest records a seized exhibit in the store: every file found
// under its roots, and in the archives among them, is hashed, matched
// against the known hash sets and sorted into a triage class (known, near,
// ignorable, new, other, error), without anything being written to the
// evidence.
//
// The work is a pipeline: a walker feeds a bounded queue of paths to
// hasher workers, whose records go to one matcher (exact lookups in the
// store, PDQ near-duplicates through an index) and then to one writer,
// which commits them in batches. Each batch is one transaction holding
// files with their media, signals and matches, so a run cut short at any
// point (Ctrl-C, a crash, kill -9) leaves only whole files behind, and the
// next run over the same exhibit skips them and does the rest.
package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ariadne-vid/ariadne/internal/archive"
	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/match"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/walk"
)

// Options configure a run.
type Options struct {
	Jobs    int            // hasher workers (default: one per CPU)
	Hasher  hasher.Options // image decoding; dihedral hashes are always made
	Archive archive.Limits
	// Rehash hashes every file again, even those a previous run recorded
	// with the same size and modification time, and counts the files whose
	// content changed.
	Rehash bool
	// BatchSize is the most files written in one transaction (default
	// 512); a batch is also written when its first file has waited
	// BatchDelay (default 200 ms), so progress is saved steadily.
	BatchSize  int
	BatchDelay time.Duration
	// MinQuality is the PDQ quality below which a hash is not used for
	// near-duplicate matching (default 50, as PDQ's authors advise: a
	// flat image's hash matches anything).
	MinQuality int
	// IndexCache is where the known-bad PDQ index is cached between runs
	// ("" builds it every run).
	IndexCache string
	Version    string // recorded with the run
}

func (o Options) withDefaults() Options {
	if o.Jobs <= 0 {
		o.Jobs = runtime.GOMAXPROCS(0)
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 512
	}
	if o.BatchDelay <= 0 {
		o.BatchDelay = 200 * time.Millisecond
	}
	if o.MinQuality == 0 {
		o.MinQuality = pdq.DefaultMinQuality
	}
	o.Hasher.Dihedral = true
	return o
}

// Summary is what a run did.
type Summary struct {
	RunID   int64                 `json:"run_id"`
	Status  string                `json:"status"`
	Files   int64                 `json:"files"`   // files found on disk and done this run, skipped included
	Skipped int64                 `json:"skipped"` // unchanged since a previous run
	Records int64                 `json:"records"` // recorded this run, archive members included
	Bytes   int64                 `json:"bytes"`
	Classes map[store.Class]int64 `json:"classes"` // of the records of this run
	// With Rehash: files whose content differs from what a previous run
	// recorded at the same path.
	Changed int64   `json:"changed,omitempty"`
	Indexed int     `json:"known_bad_pdq_indexed"`
	Seconds float64 `json:"seconds"`
}

// root is a path given to ingest and the name its files are recorded
// under: its base name, so that records do not depend on where the
// evidence happens to be mounted.
type root struct {
	abs, name string
}

func resolveRoots(paths []string) ([]root, error) {
	if len(paths) == 0 {
		return nil, errors.New("no path to ingest")
	}
	var out []root
	names := map[string]string{}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("ingest %s: %w", p, err)
		}
		name := filepath.Base(abs)
		if abs == string(filepath.Separator) {
			name = ""
		}
		if other, dup := names[name]; dup {
			return nil, fmt.Errorf("ingest %s and %s: both would be recorded as %q; ingest them as separate exhibits, or their common folder", other, abs, name)
		}
		for _, r := range out {
			if strings.HasPrefix(abs+"/", r.abs+"/") || strings.HasPrefix(r.abs+"/", abs+"/") {
				return nil, fmt.Errorf("ingest %s and %s: one is inside the other", r.abs, abs)
			}
		}
		names[name] = abs
		out = append(out, root{abs, name})
	}
	return out, nil
}

// recordName is the name path (under one of roots) is recorded by.
func recordName(roots []root, path string) string {
	for _, r := range roots {
		if path == r.abs {
			return r.name
		}
		if rel, ok := strings.CutPrefix(path, r.abs+string(filepath.Separator)); ok {
			if r.name == "" {
				return filepath.ToSlash(rel)
			}
			return r.name + "/" + filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(path)
}

// Run ingests paths into an exhibit of the store. Progress, when not nil,
// is updated as work is committed. A cancelled ctx stops the run with
// what is committed kept; the same call later continues it.
func Run(ctx context.Context, st *store.Store, exhibit store.Exhibit, paths []string, opts Options, progress *Progress) (Summary, error) {
	opts = opts.withDefaults()
	if progress == nil {
		progress = NewProgress()
	}
	started := time.Now()
	roots, err := resolveRoots(paths)
	if err != nil {
		return Summary{}, err
	}
	var skip map[store.FileKey]struct{}
	if !opts.Rehash {
		if skip, err = st.IngestedKeys(ctx, exhibit.ID); err != nil {
			return Summary{}, fmt.Errorf("ingest: files already recorded: %w", err)
		}
	}
	matcher, err := match.NewMatcher(ctx, st, opts.IndexCache, opts.MinQuality)
	if err != nil {
		return Summary{}, fmt.Errorf("ingest: %w", err)
	}
	defer matcher.Close()

	var absRoots []string
	for _, r := range roots {
		absRoots = append(absRoots, r.abs)
	}
	pdqVersion := "pdq"
	if opts.Hasher.Imaging.Fast {
		pdqVersion = "pdq-fast" // JPEGs decoded at reduced size, at least 512 a side
	}
	// The frame sampling is part of what a vPDQ hash is.
	vpdqVersion := fmt.Sprintf("vpdq-sph%g", opts.Hasher.AV.SecondsPerHash)
	optsJSON, _ := json.Marshal(map[string]any{"rehash": opts.Rehash, "pdq": pdqVersion, "min_quality": opts.MinQuality, "archive_limits": opts.Archive, "av": opts.Hasher.AV})
	rootsJSON, _ := json.Marshal(absRoots)
	runID, err := st.StartIngestRun(ctx, store.IngestRun{ExhibitID: exhibit.ID, Roots: string(rootsJSON), Options: string(optsJSON), Version: opts.Version})
	if err != nil {
		return Summary{}, fmt.Errorf("ingest exhibit %s: %w", exhibit.Label, err)
	}
	beatCtx, stopBeat := context.WithCancel(ctx)
	defer stopBeat()
	go heartbeat(beatCtx, st, runID)
	sum := Summary{RunID: runID, Indexed: matcher.Len(), Classes: map[store.Class]int64{}}
	slog.Debug("ingest started", "run", runID, "exhibit", exhibit.Label, "roots", absRoots, "skip", len(skip), "known_bad_pdq", matcher.Len())

	// The totals for progress come from a walk of their own, which the
	// work does not wait for.
	countCtx, stopCount := context.WithCancel(ctx)
	defer stopCount()
	go countTotals(countCtx, absRoots, progress)

	tasks := make(chan task, opts.Jobs*4)
	hashed := make(chan *record, opts.Jobs*16)
	matched := make(chan []*record, 2)
	g, gctx := errgroup.WithContext(ctx)

	g.Go(func() error { // walker
		defer close(tasks)
		return walk.Walk(gctx, absRoots, func(e walk.Entry) error {
			t := task{entry: e, name: recordName(roots, e.Path)}
			t.times.Path = t.name
			if e.Info != nil {
				t.times.Size = e.Info.Size()
				t.times.ModifiedAt = timestamp(e.Info.ModTime())
				a, c := walk.Times(e.Info)
				t.times.AccessedAt, t.times.ChangedAt = timestamp(a), timestamp(c)
			}
			if _, done := skip[store.KeyOf(t.name, t.times.Size, t.times.ModifiedAt)]; done {
				progress.skipped.Add(1)
				progress.files.Add(1)
				progress.bytes.Add(t.times.Size)
				return nil
			}
			select {
			case tasks <- t:
				return nil
			case <-gctx.Done():
				return gctx.Err()
			}
		})
	})

	workers, wctx := errgroup.WithContext(gctx)
	members := make(chan member, opts.Jobs)
	// Once a worker has no task left it still hashes other workers'
	// archive members, until every worker is out of tasks.
	var working sync.WaitGroup
	working.Add(opts.Jobs)
	allIdle := make(chan struct{})
	go func() { working.Wait(); close(allIdle) }()
	for range opts.Jobs {
		workers.Go(func() error {
			// Idle once out of tasks, or on the way out after an error
			// (so the goroutine closing allIdle ends too).
			var idleOnce sync.Once
			markIdle := func() { idleOnce.Do(working.Done) }
			defer markIdle()
			w := &worker{h: hasher.New(opts.Hasher), limits: opts.Archive, members: members}
			w.emit = func(r *record) error {
				select {
				case hashed <- r:
					return nil
				case <-wctx.Done():
					return wctx.Err()
				}
			}
			for {
				// Members of an archive another worker reads come first:
				// that worker waits for them.
				select {
				case m := <-members:
					w.hashMember(m)
					continue
				default:
				}
				select {
				case m := <-members:
					w.hashMember(m)
				case t, ok := <-tasks:
					if !ok {
						return w.helpUntil(wctx, allIdle, markIdle)
					}
					if err := w.process(wctx, t); err != nil {
						return err
					}
				case <-wctx.Done():
					return wctx.Err()
				}
			}
		})
	}
	g.Go(func() error {
		err := workers.Wait()
		close(hashed)
		return err
	})

	g.Go(func() error { // matcher
		defer close(matched)
		for {
			batch, more := collect(gctx, hashed, opts.BatchSize, opts.BatchDelay)
			if len(batch) > 0 {
				queries := make([]match.Query, len(batch))
				for i, r := range batch {
					queries[i] = r.query()
				}
				res, err := matcher.Match(gctx, queries)
				if err != nil {
					return err
				}
				for i, r := range batch {
					r.matched(res[i])
				}
				select {
				case matched <- batch:
				case <-gctx.Done():
					return gctx.Err()
				}
			}
			if !more {
				return gctx.Err()
			}
		}
	})

	g.Go(func() error { // writer
		out := make([]store.IngestedFile, 0, opts.BatchSize)
		for batch := range matched {
			out = out[:0]
			for _, r := range batch {
				out = append(out, r.ingested(pdqVersion, vpdqVersion))
			}
			if opts.Rehash {
				n, err := countChanged(gctx, st, exhibit.ID, batch)
				if err != nil {
					return err
				}
				sum.Changed += n
			}
			if err := st.WriteIngested(gctx, exhibit.ID, out); err != nil {
				return fmt.Errorf("ingest: write: %w", err)
			}
			for _, r := range batch {
				progress.records.Add(1)
				progress.classes[classIndex(r.file.Class)].Add(1)
				sum.Classes[r.file.Class]++
				if r.top {
					progress.files.Add(1)
					progress.bytes.Add(r.file.Size)
				}
			}
			sum.Records += int64(len(batch))
		}
		return nil
	})

	err = g.Wait()
	snap := progress.Snapshot()
	sum.Files, sum.Skipped, sum.Bytes = snap.Files, snap.Skipped, snap.Bytes
	sum.Seconds = time.Since(started).Seconds()
	sum.Status = "done"
	runErr := ""
	switch {
	case err != nil && ctx.Err() != nil:
		sum.Status = "interrupted"
	case err != nil:
		sum.Status, runErr = "failed", err.Error()
	}
	finish := store.IngestRun{ID: runID, Status: sum.Status, Files: sum.Files, Skipped: sum.Skipped, Bytes: sum.Bytes, Error: runErr}
	if ferr := st.FinishIngestRun(context.WithoutCancel(ctx), finish); ferr != nil && err == nil {
		err = ferr
	}
	return sum, err
}

// heartbeat tells the store the run is alive until ctx ends, so another
// ingest of the exhibit waits for it (store.StartIngestRun).
func heartbeat(ctx context.Context, st *store.Store, runID int64) {
	t := time.NewTicker(store.HeartbeatStale / 6)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if err := st.IngestHeartbeat(ctx, runID); err != nil && ctx.Err() == nil {
				slog.Warn("ingest heartbeat not recorded", "run", runID, "err", err)
			}
		case <-ctx.Done():
			return
		}
	}
}

// collect takes up to n records: it waits for the first, then for more
// until delay has passed since the first came. more is false once in is
// closed (or ctx is done).
func collect(ctx context.Context, in <-chan *record, n int, delay time.Duration) (batch []*record, more bool) {
	select {
	case r, ok := <-in:
		if !ok {
			return nil, false
		}
		batch = append(batch, r)
	case <-ctx.Done():
		return nil, false
	}
	timer := time.NewTimer(delay)
	defer timer.Stop()
	for len(batch) < n {
		select {
		case r, ok := <-in:
			if !ok {
				return batch, false
			}
			batch = append(batch, r)
		case <-timer.C:
			return batch, true
		case <-ctx.Done():
			return batch, false
		}
	}
	return batch, true
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

// countTotals walks the roots for names and sizes only, for the progress
// totals.
func countTotals(ctx context.Context, roots []string, p *Progress) {
	err := walk.Walk(ctx, roots, func(e walk.Entry) error {
		p.filesTotal.Add(1)
		if e.Info != nil && e.Info.Mode().Type()&fs.ModeType == 0 {
			p.bytesTotal.Add(e.Info.Size())
		}
		return nil
	})
	if err == nil {
		p.counted.Store(true)
	}
}
