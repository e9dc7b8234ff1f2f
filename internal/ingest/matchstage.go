package ingest

import (
	"context"
	"time"

	"github.com/ariadne-vid/ariadne/internal/match"
)

// matchStage is the third stage: it gathers records into batches (by
// size, or when the first has waited delay) and matches each batch in
// one go, so the store sees one exact lookup per batch.
type matchStage struct {
	matcher   *match.Matcher
	exhibitID int64 // the exhibit ingested, whose own known media local features skip
	size      int
	delay     time.Duration
}

// run matches the records of in until it is closed, sends the batches to
// out and closes it.
func (s *matchStage) run(ctx context.Context, in <-chan *record, out chan<- []*record) error {
	defer close(out)
	for {
		batch, more := collect(ctx, in, s.size, s.delay)
		if len(batch) > 0 {
			if err := s.match(ctx, batch); err != nil {
				return err
			}
			select {
			case out <- batch:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if !more {
			return ctx.Err()
		}
	}
}

func (s *matchStage) match(ctx context.Context, batch []*record) error {
	queries := make([]match.Query, len(batch))
	for i, r := range batch {
		queries[i] = r.query()
		queries[i].Exhibits = []int64{s.exhibitID}
	}
	res, err := s.matcher.Match(ctx, queries)
	if err != nil {
		return err
	}
	for i, r := range batch {
		r.matched(res[i])
	}
	return nil
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
