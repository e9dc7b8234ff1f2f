package auditlog

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
)

// TestWriter: entries from many concurrent callers are all stored, once
// each, when their calls return; a tick signs a checkpoint of what is
// stored, a tick with nothing new signs nothing, and Close signs the
// rest; the log then verifies, and entries after Close are refused.
func TestWriter(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		key, err := audit.NewKey("test.example")
		if err != nil {
			t.Fatal(err)
		}
		l := New(e.Store, key)
		l.now = func() time.Time { return time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC) }
		tick := make(chan time.Time)
		w := l.newWriter(tick)
		record := func(from, n int) {
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := w.Record(ctx, audit.Entry{User: fmt.Sprintf("user-%d", from+i), Action: "search", Outcome: "ok", Client: "test"}); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
		}
		checkpoints := func() []string {
			cps, err := e.Store.Checkpoints(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return cps
		}
		record(0, 40)
		if n, _, _ := e.Store.AuditHead(ctx); n != 40 {
			t.Fatalf("after 40 calls returned the log holds %d entries", n)
		}
		if len(checkpoints()) != 0 {
			t.Fatal("a checkpoint was signed before any tick")
		}
		tick <- time.Time{}
		record(40, 1) // handled after the tick
		if got := checkpoints(); len(got) != 1 {
			t.Fatalf("after a tick: %d checkpoints, want 1", len(got))
		}
		tick <- time.Time{}
		tick <- time.Time{} // nothing new since the last: no checkpoint
		record(41, 9)
		if got := checkpoints(); len(got) != 2 {
			t.Fatalf("after two more ticks: %d checkpoints, want 2", len(got))
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := w.Record(ctx, audit.Entry{User: "late", Action: "search"}); err != ErrClosed {
			t.Fatalf("Record after Close: %v, want ErrClosed", err)
		}
		entries, err := e.Store.AuditEntries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		res, err := audit.Verify(entries, checkpoints(), key.Verifier)
		if err != nil {
			t.Fatal(err)
		}
		if res.Entries != 50 || res.Checkpoints != 3 || res.Unprotected != 0 {
			t.Fatalf("verify: %+v, want 50 entries, 3 checkpoints, none unprotected", res)
		}
		users := map[string]bool{}
		for _, s := range entries {
			if users[s.Row.User] {
				t.Fatalf("%s recorded twice", s.Row.User)
			}
			users[s.Row.User] = true
		}
	})
}
