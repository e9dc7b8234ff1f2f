package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ariadne-vid/ariadne/internal/store"
)

// runRecord is a run's row in the store: started with the options it
// ran with, kept alive by a heartbeat while it works (so another ingest
// of the exhibit waits for it), finished with its status and counts.
type runRecord struct {
	st   *store.Store
	id   int64
	stop context.CancelFunc
	beat sync.WaitGroup
}

// startRun records the run's start and starts its heartbeat.
func startRun(ctx context.Context, st *store.Store, exhibit store.Exhibit, absRoots []string, opts Options, pdqVersion string) (*runRecord, error) {
	optsJSON, err := json.Marshal(map[string]any{"rehash": opts.Rehash, "pdq": pdqVersion, "min_quality": opts.MinQuality, "archive_limits": opts.Archive, "av": opts.Hasher.AV})
	if err != nil {
		return nil, err
	}
	rootsJSON, err := json.Marshal(absRoots)
	if err != nil {
		return nil, err
	}
	id, err := st.StartIngestRun(ctx, store.IngestRun{ExhibitID: exhibit.ID, Roots: string(rootsJSON), Options: string(optsJSON), Version: opts.Version})
	if err != nil {
		return nil, fmt.Errorf("exhibit %s: %w", exhibit.Label, err)
	}
	r := &runRecord{st: st, id: id}
	beatCtx, stop := context.WithCancel(ctx)
	r.stop = stop
	r.beat.Go(func() { r.heartbeat(beatCtx) })
	return r, nil
}

// heartbeat tells the store the run is alive until ctx ends.
func (r *runRecord) heartbeat(ctx context.Context) {
	t := time.NewTicker(store.HeartbeatStale / 6)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if err := r.st.IngestHeartbeat(ctx, r.id); err != nil && ctx.Err() == nil {
				slog.Warn("ingest heartbeat not recorded", "run", r.id, "err", err)
			}
		case <-ctx.Done():
			return
		}
	}
}

// finish stops the heartbeat (and waits for it) and records how the run
// ended: done, interrupted (ctx cancelled) or failed (workErr). It sets
// sum.Status and returns workErr, or the store's error recording it.
func (r *runRecord) finish(ctx context.Context, sum *Summary, workErr error) error {
	r.stop()
	r.beat.Wait()
	sum.Status = store.RunDone
	msg := ""
	switch {
	case workErr != nil && ctx.Err() != nil:
		sum.Status = store.RunInterrupted
	case workErr != nil:
		sum.Status, msg = store.RunFailed, workErr.Error()
	}
	fin := store.IngestRun{ID: r.id, Status: sum.Status, Files: sum.Files, Skipped: sum.Skipped, Bytes: sum.Bytes, Error: msg}
	if err := r.st.FinishIngestRun(context.WithoutCancel(ctx), fin); err != nil && workErr == nil {
		return err
	}
	return workErr
}
