// Package auditlog keeps a store's audit log: it appends entries to the
// tree (internal/audit, kept by internal/store) and signs checkpoints of
// it with the installation's key. A Writer serves a running server:
// entries arriving together are appended in one transaction, each caller
// waiting until its own are stored (nothing is answered unrecorded), and
// a checkpoint is signed every interval while entries arrive, and when
// the writer closes.
package auditlog

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/store"
)

// Log is a store's audit log with the key that signs its checkpoints.
type Log struct {
	st  *store.Store
	key audit.Key
	now func() time.Time
}

// New returns the log of st, signed with key.
func New(st *store.Store, key audit.Key) *Log { return &Log{st: st, key: key, now: time.Now} }

// Verifier is the key that checks the log's checkpoints.
func (l *Log) Verifier() string { return l.key.Verifier }

// Append stores entries at the end of the log, in one transaction.
func (l *Log) Append(ctx context.Context, entries ...audit.Entry) error {
	_, err := l.st.AppendAudit(ctx, entries...)
	return err
}

// Checkpoint signs the log as it is now, unless the latest checkpoint
// already covers it, and returns the latest.
func (l *Log) Checkpoint(ctx context.Context) (audit.Checkpoint, error) {
	n, root, err := l.st.AuditHead(ctx)
	if err != nil {
		return audit.Checkpoint{}, err
	}
	latest, err := l.st.LatestCheckpointSize(ctx)
	if err != nil {
		return audit.Checkpoint{}, err
	}
	if latest == n && n > 0 {
		cps, err := l.st.Checkpoints(ctx)
		if err != nil {
			return audit.Checkpoint{}, err
		}
		for i := len(cps) - 1; i >= 0; i-- {
			if c, err := audit.Open(cps[i], l.key.Verifier); err == nil && c.Size == n {
				return c, nil
			}
		}
	}
	name := strings.SplitN(l.key.Verifier, "+", 2)[0]
	c, err := audit.Sign(l.key, name, n, root, l.now().UTC().Format(time.RFC3339))
	if err != nil {
		return c, err
	}
	return c, l.st.SaveCheckpoint(ctx, c)
}

// DefaultInterval is how often a Writer signs a checkpoint while entries
// arrive.
const DefaultInterval = time.Minute

// maxBatch bounds the entries appended in one transaction.
const maxBatch = 512

// Writer appends many callers' entries in shared transactions and signs
// checkpoints on a timer.
type Writer struct {
	mu        sync.RWMutex // held to hand entries over; Close takes it to stop the handing
	closed    bool
	log       *Log
	requests  chan request
	tick      <-chan time.Time
	stop      chan struct{}
	done      chan error // closed when run ends
	closedErr chan error // the last checkpoint's error, for Close
}

type request struct {
	entries []audit.Entry
	stored  chan error
}

// ErrClosed is returned for entries given after Close.
var ErrClosed = errors.New("audit log writer closed")

// NewWriter starts a writer on l that signs a checkpoint every interval
// (DefaultInterval when 0) while entries arrive.
func (l *Log) NewWriter(interval time.Duration) *Writer {
	if interval <= 0 {
		interval = DefaultInterval
	}
	t := time.NewTicker(interval)
	w := l.newWriter(t.C)
	go func() {
		<-w.done
		t.Stop()
	}()
	return w
}

// newWriter starts a writer that signs at every tick (tests tick by hand).
func (l *Log) newWriter(tick <-chan time.Time) *Writer {
	w := &Writer{log: l, tick: tick, requests: make(chan request, maxBatch), stop: make(chan struct{}), done: make(chan error, 1), closedErr: make(chan error, 1)}
	go w.run()
	return w
}

// Record appends entries and returns once they are stored (or could not
// be): a request is answered only after its audit entry is in the log.
func (w *Writer) Record(ctx context.Context, entries ...audit.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	r := request{entries: entries, stored: make(chan error, 1)}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return ErrClosed
	}
	select {
	case w.requests <- r:
		w.mu.RUnlock()
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	// Once handed over the entries are written even if the caller goes:
	// the action it records may already have happened.
	return <-r.stored
}

// Close stores what is pending, signs a last checkpoint and stops.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return ErrClosed
	}
	w.closed = true
	w.mu.Unlock()
	close(w.stop)
	return <-w.closedErr
}

func (w *Writer) run() {
	ctx := context.Background()
	defer close(w.done)
	unsigned := false
	flush := func(first request) {
		batch := []request{first}
		n := len(first.entries)
	more:
		for n < maxBatch {
			select {
			case r := <-w.requests:
				batch = append(batch, r)
				n += len(r.entries)
			default:
				break more
			}
		}
		all := make([]audit.Entry, 0, n)
		for _, r := range batch {
			all = append(all, r.entries...)
		}
		err := w.log.Append(ctx, all...)
		for _, r := range batch {
			r.stored <- err
		}
		unsigned = unsigned || err == nil
	}
	for {
		select {
		case r := <-w.requests:
			flush(r)
		case <-w.tick:
			if unsigned {
				if _, err := w.log.Checkpoint(ctx); err != nil {
					// Kept unsigned: the next tick tries again.
					slog.Error("audit checkpoint not signed", "err", err)
					continue
				}
				unsigned = false
			}
		case <-w.stop:
		drain:
			for {
				select {
				case r := <-w.requests:
					flush(r)
				default:
					break drain
				}
			}
			var err error
			if unsigned {
				_, err = w.log.Checkpoint(ctx)
			}
			w.closedErr <- err
			return
		}
	}
}
