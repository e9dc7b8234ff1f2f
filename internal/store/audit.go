package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ariadne-vid/ariadne/internal/audit"
)

// AppendAudit adds entries to the audit log in one transaction, each
// with the next sequence number (and the time now, when not given), and
// stores the Merkle tree hashes they make. It returns them as recorded.
func (s *Store) AppendAudit(ctx context.Context, entries ...audit.Entry) ([]audit.Entry, error) {
	var out []audit.Entry
	var err error
	// Two writers may take the same next sequence number (PostgreSQL
	// runs them at once); the loser's insert fails on the primary key
	// and it tries again with the next one. Each loss means another
	// writer's entry landed, so this ends; the bound only guards against
	// a store that keeps refusing.
	for attempt := 0; attempt < 1000; attempt++ {
		err = s.tx(ctx, func(tx *sql.Tx) error {
			out = out[:0]
			for _, e := range entries {
				e, err := s.appendAudit(ctx, tx, e)
				if err != nil {
					return err
				}
				out = append(out, e)
			}
			return nil
		})
		if err == nil || !isUniqueViolation(err) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return out, nil
}

func (s *Store) appendAudit(ctx context.Context, tx *sql.Tx, e audit.Entry) (audit.Entry, error) {
	if e.Action == "" || e.Outcome == "" {
		return e, errors.New("an audit entry needs an action and an outcome")
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq) + 1, 0) FROM audit_entry`).Scan(&e.Seq); err != nil {
		return e, err
	}
	if e.Time == "" {
		e.Time = time.Now().UTC().Format(time.RFC3339Nano)
	}
	leaf := e.Leaf()
	hashes, err := tlog.StoredHashes(e.Seq, leaf, s.auditHashes(ctx, tx))
	if err != nil {
		return e, err
	}
	if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO audit_entry (seq, at, user_name, agency, action, object, outcome, client, reason, detail, leaf, leaf_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), e.Seq, e.Time, nullable(e.User), nullable(e.Agency), e.Action, nullable(e.Object), e.Outcome,
		nullable(e.Client), nullable(e.Reason), nullable(e.Detail), string(leaf), tlog.RecordHash(leaf).String()); err != nil {
		return e, err
	}
	first := tlog.StoredHashIndex(0, e.Seq)
	for i, h := range hashes {
		if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO audit_hash (idx, hash) VALUES (?, ?)`), first+int64(i), h.String()); err != nil {
			return e, err
		}
	}
	return e, nil
}

// auditHashes reads stored tree hashes (tlog.HashReader) through q, in
// one query per call (tlog asks for at most about log₂ n of them).
func (s *Store) auditHashes(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		if len(indexes) == 0 {
			return nil, nil
		}
		args := make([]any, len(indexes))
		for i, ix := range indexes {
			args[i] = ix
		}
		rows, err := q.QueryContext(ctx, s.rebind(`SELECT idx, hash FROM audit_hash WHERE idx IN (`+placeholders(len(args))+`)`), args...)
		if err != nil {
			return nil, fmt.Errorf("audit hashes: %w", err)
		}
		defer rows.Close()
		found := make(map[int64]tlog.Hash, len(indexes))
		for rows.Next() {
			var ix int64
			var text string
			if err := rows.Scan(&ix, &text); err != nil {
				return nil, err
			}
			h, err := tlog.ParseHash(text)
			if err != nil {
				return nil, fmt.Errorf("audit hash %d: %w", ix, err)
			}
			found[ix] = h
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		out := make([]tlog.Hash, len(indexes))
		for i, ix := range indexes {
			h, ok := found[ix]
			if !ok {
				return nil, fmt.Errorf("audit hash %d: %w", ix, ErrNotFound)
			}
			out[i] = h
		}
		return out, nil
	})
}

// AuditHead is the log's size and tree hash now.
func (s *Store) AuditHead(ctx context.Context) (int64, tlog.Hash, error) {
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq) + 1, 0) FROM audit_entry`).Scan(&n); err != nil {
		return 0, tlog.Hash{}, err
	}
	h, err := tlog.TreeHash(n, s.auditHashes(ctx, s.db))
	return n, h, err
}

// AuditEntries returns the whole log as stored, by sequence number: what
// audit verify recomputes the tree from.
func (s *Store) AuditEntries(ctx context.Context) ([]audit.Stored, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, at, COALESCE(user_name, ''), COALESCE(agency, ''), action, COALESCE(object, ''), outcome,
		COALESCE(client, ''), COALESCE(reason, ''), COALESCE(detail, ''), leaf, leaf_hash FROM audit_entry ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("audit entries: %w", err)
	}
	defer rows.Close()
	var out []audit.Stored
	for rows.Next() {
		var st audit.Stored
		e := &st.Row
		var leaf string
		if err := rows.Scan(&e.Seq, &e.Time, &e.User, &e.Agency, &e.Action, &e.Object, &e.Outcome, &e.Client, &e.Reason, &e.Detail, &leaf, &st.LeafHash); err != nil {
			return nil, err
		}
		st.Leaf = []byte(leaf)
		out = append(out, st)
	}
	return out, rows.Err()
}

// SaveCheckpoint stores a signed checkpoint.
func (s *Store) SaveCheckpoint(ctx context.Context, c audit.Checkpoint) error {
	_, err := s.db.ExecContext(ctx, s.rebind(`INSERT INTO audit_checkpoint (size, signed, created_at) VALUES (?, ?, ?)`), c.Size, c.Signed, now())
	if err != nil {
		return fmt.Errorf("save audit checkpoint: %w", err)
	}
	return nil
}

// Checkpoints returns every signed checkpoint, oldest first.
func (s *Store) Checkpoints(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT signed FROM audit_checkpoint ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var sig string
		if err := rows.Scan(&sig); err != nil {
			return nil, err
		}
		out = append(out, sig)
	}
	return out, rows.Err()
}

// LatestCheckpointSize is the size of the latest checkpoint (0 without
// one).
func (s *Store) LatestCheckpointSize(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(size), 0) FROM audit_checkpoint`).Scan(&n)
	return n, err
}

// isUniqueViolation reports whether err is a unique-constraint failure
// (SQLite's and PostgreSQL's wording).
func isUniqueViolation(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505") || strings.Contains(msg, "duplicate key value")
}
