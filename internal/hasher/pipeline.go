package hasher

import (
	"context"
	"fmt"
	"io/fs"
	"runtime"

	"golang.org/x/sync/errgroup"

	"github.com/ariadne-vid/ariadne/internal/walk"
)

// Run hashes every file under roots with jobs workers (0: one per CPU) and
// calls emit with the results in walk order (full-path order), whatever
// the number of workers. The walker, the workers and the ordered output
// are joined by bounded channels, so memory stays bounded however many
// files there are. emit runs on one goroutine; an error from it stops the
// run.
func Run(ctx context.Context, roots []string, jobs int, opts Options, emit func(Result) error) error {
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	type task struct {
		seq   int
		entry walk.Entry
	}
	type done struct {
		seq int
		res Result
	}
	// window bounds how far finished results may run ahead of the oldest
	// unfinished one (a single huge file must not make the rest pile up).
	window := make(chan struct{}, jobs*16)
	tasks := make(chan task, jobs*2)
	results := make(chan done, jobs*2)

	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(tasks)
		seq := 0
		return walk.Walk(ctx, roots, func(e walk.Entry) error {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case tasks <- task{seq, e}:
			case <-ctx.Done():
				return ctx.Err()
			}
			seq++
			return nil
		})
	})
	workers, wctx := errgroup.WithContext(ctx)
	for range jobs {
		workers.Go(func() error {
			h := New(opts)
			for t := range tasks {
				r := hashEntry(h, t.entry)
				select {
				case results <- done{t.seq, r}:
				case <-wctx.Done():
					return wctx.Err()
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		err := workers.Wait()
		close(results)
		return err
	})
	g.Go(func() error {
		pending := map[int]Result{}
		next := 0
		for d := range results {
			pending[d.seq] = d.res
			for {
				r, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				next++
				<-window
				if err := emit(r); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return g.Wait()
}

func hashEntry(h *Hasher, e walk.Entry) Result {
	switch {
	case e.Err != nil:
		return Result{Path: e.Path, Error: e.Err.Error()}
	case e.Info.Mode()&fs.ModeSymlink != 0:
		// The target is not read: readlink updates the link's access time.
		return Result{Path: e.Path, Error: fmt.Sprintf("symbolic link (%d-byte target), not followed", e.Info.Size())}
	case !e.IsRegular():
		return Result{Path: e.Path, Error: fmt.Sprintf("not a regular file (%s)", walk.DescribeMode(e.Info.Mode()))}
	}
	return h.HashFile(e.Path)
}
