package ingest

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/ariadne-vid/ariadne/internal/archive"
	"github.com/ariadne-vid/ariadne/internal/hasher"
)

// hashPool is the second stage: jobs workers turn tasks into records. It
// needs no walker: whatever sends tasks (a queue worker, say) can drive
// it.
type hashPool struct {
	jobs   int
	hasher hasher.Options
	limits archive.Limits
}

// run hashes the tasks of in until it is closed, sends the records to
// out and closes it once every worker has finished.
func (p *hashPool) run(ctx context.Context, in <-chan task, out chan<- *record) error {
	defer close(out)
	workers, wctx := errgroup.WithContext(ctx)
	members := make(chan member, p.jobs)
	// Once a worker has no task left it still hashes other workers'
	// archive members, until every worker is out of tasks.
	var working sync.WaitGroup
	working.Add(p.jobs)
	allIdle := make(chan struct{})
	workers.Go(func() error { working.Wait(); close(allIdle); return nil })
	for range p.jobs {
		workers.Go(func() error {
			// Idle once out of tasks, or on the way out after an error
			// (so the goroutine closing allIdle ends too).
			var idleOnce sync.Once
			markIdle := func() { idleOnce.Do(working.Done) }
			defer markIdle()
			w := &worker{h: hasher.New(p.hasher), limits: p.limits, members: members}
			w.emit = func(r *record) error {
				select {
				case out <- r:
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
				case t, ok := <-in:
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
	return workers.Wait()
}
