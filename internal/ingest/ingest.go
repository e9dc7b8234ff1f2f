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
	"errors"
	"fmt"
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
	o.Hasher.Features = true // every image's local features are kept
	return o
}

// Summary is what a run did.
type Summary struct {
	RunID   int64                 `json:"run_id"`
	Status  store.RunStatus       `json:"status"`
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
	walker := &walker{roots: roots, progress: progress}
	if !opts.Rehash {
		if walker.skip, err = st.IngestedKeys(ctx, exhibit.ID); err != nil {
			return Summary{}, fmt.Errorf("files already recorded: %w", err)
		}
	}
	matcher, err := match.NewMatcher(ctx, st, opts.IndexCache, opts.MinQuality)
	if err != nil {
		return Summary{}, err
	}
	defer matcher.Close()
	pdqVersion, vpdqVersion := opts.signalVersions()
	run, err := startRun(ctx, st, exhibit, walker.absRoots(), opts, pdqVersion)
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{RunID: run.id, Indexed: matcher.Len(), Classes: map[store.Class]int64{}}
	slog.Debug("ingest started", "run", run.id, "exhibit", exhibit.Label, "roots", walker.absRoots(), "skip", len(walker.skip), "known_bad_pdq", matcher.Len())

	// The totals for progress come from a walk of their own, which the
	// work does not wait for; it is joined before Run returns.
	countCtx, stopCount := context.WithCancel(ctx)
	var counting sync.WaitGroup
	counting.Go(func() { walker.countTotals(countCtx) })

	tasks := make(chan task, opts.Jobs*4)
	hashed := make(chan *record, opts.Jobs*16)
	matched := make(chan []*record, 2)
	// Mirrored features only serve lookups, and only when known media
	// have features to compare.
	opts.Hasher.Mirrored = matcher.LocalFeatures()
	pool := &hashPool{jobs: opts.Jobs, hasher: opts.Hasher, limits: opts.Archive}
	stage := &matchStage{matcher: matcher, exhibitID: exhibit.ID, size: opts.BatchSize, delay: opts.BatchDelay}
	writer := &batchWriter{st: st, exhibitID: exhibit.ID, pdqVersion: pdqVersion, vpdqVersion: vpdqVersion, rehash: opts.Rehash, progress: progress, sum: &sum}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return walker.run(gctx, tasks) })
	g.Go(func() error { return pool.run(gctx, tasks, hashed) })
	g.Go(func() error { return stage.run(gctx, hashed, matched) })
	g.Go(func() error { return writer.run(gctx, matched) })
	err = g.Wait()
	stopCount()
	counting.Wait()

	snap := progress.Snapshot()
	sum.Files, sum.Skipped, sum.Bytes = snap.Files, snap.Skipped, snap.Bytes
	sum.Seconds = time.Since(started).Seconds()
	return sum, run.finish(ctx, &sum, err)
}

// signalVersions names how the run's PDQ and vPDQ hashes are made: the
// fast JPEG path and the frame sampling are part of what a hash is.
func (o Options) signalVersions() (pdqVersion, vpdqVersion string) {
	pdqVersion = "pdq"
	if o.Hasher.Imaging.Fast {
		pdqVersion = "pdq-fast" // JPEGs decoded at reduced size, at least 512 a side
	}
	return pdqVersion, fmt.Sprintf("vpdq-sph%g", o.Hasher.AV.SecondsPerHash)
}
