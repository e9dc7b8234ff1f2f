package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/audit"
)

// TestAuditTampering: a log of 30 entries with checkpoints at 10 and 20
// verifies; each way of changing the database directly makes verify
// fail and name where (both engines).
func TestAuditTampering(t *testing.T) {
	key, err := audit.NewKey("ariadne.test")
	if err != nil {
		t.Fatal(err)
	}
	build := func(t *testing.T, s *Store) {
		ctx := context.Background()
		for i := range 30 {
			if _, err := s.AppendAudit(ctx, audit.Entry{User: fmt.Sprintf("user%d", i%3), Agency: "Agency A", Action: "view-case", Object: "case:C-1", Outcome: "ok", Client: "192.0.2.7"}); err != nil {
				t.Fatal(err)
			}
			if i == 9 || i == 19 {
				n, root, err := s.AuditHead(ctx)
				if err != nil {
					t.Fatal(err)
				}
				c, err := audit.Sign(key, "ariadne.test", n, root, "2026-12-02T12:00:00Z")
				if err != nil {
					t.Fatal(err)
				}
				if err := s.SaveCheckpoint(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	verify := func(s *Store) (audit.Result, error) {
		entries, err := s.AuditEntries(context.Background())
		if err != nil {
			return audit.Result{}, err
		}
		cps, err := s.Checkpoints(context.Background())
		if err != nil {
			return audit.Result{}, err
		}
		return audit.Verify(entries, cps, key.Verifier)
	}
	for _, c := range []struct {
		name    string
		sql     []string
		wantSeq int64
		want    string
	}{
		{"untouched", nil, -2, ""},
		{"a user changed", []string{`UPDATE audit_entry SET user_name = 'nobody' WHERE seq = 4`}, 4, "columns differ"},
		{"a leaf rewritten", []string{`UPDATE audit_entry SET leaf = REPLACE(leaf, '"ok"', '"denied"'), outcome = 'denied' WHERE seq = 6`}, 6, "does not hash"},
		{"an entry removed", []string{`DELETE FROM audit_entry WHERE seq = 3`}, 3, "removed, inserted or reordered"},
		{"an entry inserted", []string{`UPDATE audit_entry SET seq = seq + 1000 WHERE seq >= 12`, `UPDATE audit_entry SET seq = seq - 999 WHERE seq >= 1012`,
			`INSERT INTO audit_entry (seq, at, action, outcome, leaf, leaf_hash) SELECT 12, at, action, outcome, leaf, leaf_hash FROM audit_entry WHERE seq = 0`}, 12, "removed, inserted or reordered"},
		{"two entries reordered", []string{`UPDATE audit_entry SET seq = -1 WHERE seq = 8`, `UPDATE audit_entry SET seq = 8 WHERE seq = 9`, `UPDATE audit_entry SET seq = 9 WHERE seq = -1`}, 8, "removed, inserted or reordered"},
		{"the newest entries removed", []string{`DELETE FROM audit_entry WHERE seq >= 15`}, 15, "it holds 15"},
		{"a checkpoint altered", []string{`UPDATE audit_checkpoint SET signed = REPLACE(signed, 'ariadne.test' || CHR(10) || '20', 'ariadne.test' || CHR(10) || '21')`}, -1, "signature"},
	} {
		t.Run(c.name, func(t *testing.T) {
			forEachEngine(t, func(t *testing.T, s *Store) {
				build(t, s)
				for _, q := range c.sql {
					if s.engine == SQLite {
						q = strings.ReplaceAll(q, "CHR(10)", "char(10)")
					}
					if _, err := s.db.Exec(q); err != nil {
						t.Fatalf("%s: %v", q, err)
					}
				}
				res, err := verify(s)
				if c.wantSeq == -2 {
					if err != nil || res.Entries != 30 || res.Checkpoints != 2 || res.Unprotected != 10 {
						t.Errorf("untouched: %+v %v", res, err)
					}
					return
				}
				var p *audit.Problem
				if !errors.As(err, &p) || p.Seq != c.wantSeq || !strings.Contains(p.Reason, c.want) {
					t.Errorf("verify: %v; want entry %d, %q", err, c.wantSeq, c.want)
				}
			})
		})
	}
}

// TestAuditConcurrentAppends: entries appended at once by many writers
// all land, numbered without gaps, and the log verifies.
func TestAuditConcurrentAppends(t *testing.T) {
	key, _ := audit.NewKey("ariadne.test")
	forEachEngine(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		errs := make(chan error, 8)
		for w := range 8 {
			go func() {
				var err error
				for i := range 5 {
					if _, err = s.AppendAudit(ctx, audit.Entry{User: fmt.Sprintf("w%d", w), Action: "view-case", Object: fmt.Sprintf("case:%d", i), Outcome: "ok"}); err != nil {
						break
					}
				}
				errs <- err
			}()
		}
		for range 8 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		n, root, err := s.AuditHead(ctx)
		if err != nil || n != 40 {
			t.Fatalf("%d entries, %v", n, err)
		}
		c, _ := audit.Sign(key, "ariadne.test", n, root, "2026-12-02T12:00:00Z")
		s.SaveCheckpoint(ctx, c)
		entries, _ := s.AuditEntries(ctx)
		cps, _ := s.Checkpoints(ctx)
		if _, err := audit.Verify(entries, cps, key.Verifier); err != nil {
			t.Error(err)
		}
	})
}
