package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// On PostgreSQL, entries go in with COPY into a temporary staging table
// and one INSERT ... SELECT ... ON CONFLICT per batch: COPY streams rows
// without parsing a statement per row. The writer holds one connection
// and drives its transaction with plain BEGIN and COMMIT, so that COPY
// (a pgx call on the raw connection) runs inside it.

const pgStage = "ariadne_entry_stage"

// pgCopyBatch is how many entries one COPY carries.
const pgCopyBatch = 20_000

type pgWriter struct {
	conn  *sql.Conn
	inTx  bool
	ready bool
}

func (w *EntryWriter) pgBegin() error {
	if w.pg.conn == nil {
		c, err := w.s.db.Conn(w.ctx)
		if err != nil {
			return err
		}
		w.pg.conn = c
	}
	if !w.pg.ready {
		cols := []string{"seq BIGINT"}
		for _, c := range entryColumns {
			typ := "TEXT"
			switch c {
			case "hashset_id", "size":
				typ = "BIGINT"
			case "victim_identified", "offender_identified", "is_distributed", "is_precategorized", "tombstone":
				typ = "BOOLEAN"
			}
			cols = append(cols, c+" "+typ)
		}
		if _, err := w.pg.conn.ExecContext(w.ctx, `CREATE TEMP TABLE IF NOT EXISTS `+pgStage+` (`+strings.Join(cols, ", ")+`)`); err != nil {
			return err
		}
		w.pg.ready = true
	}
	if !w.pg.inTx {
		if _, err := w.pg.conn.ExecContext(w.ctx, "BEGIN"); err != nil {
			return err
		}
		w.pg.inTx = true
	}
	return nil
}

// pgFlush writes a batch (keys already unique) through the stage, or,
// appending into an empty set, straight into the table.
func (w *EntryWriter) pgFlush(batch []Entry) error {
	if err := w.pgBegin(); err != nil {
		return err
	}
	table, cols := pgStage, append([]string{"seq"}, entryColumns...)
	if w.appendOnly {
		table, cols = "hashset_entry", entryColumns
	}
	err := w.pg.conn.Raw(func(dc any) error {
		c := dc.(*stdlib.Conn).Conn()
		rows := make([][]any, len(batch))
		for i := range batch {
			rows[i] = batch[i].args(w.set)
			if !w.appendOnly {
				rows[i] = append([]any{int64(i)}, rows[i]...)
			}
		}
		_, err := c.CopyFrom(w.ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	if w.appendOnly {
		return nil
	}
	var set []string
	for _, c := range entryColumns[2:] {
		set = append(set, c+" = excluded."+c)
	}
	list := strings.Join(entryColumns, ", ")
	q := `INSERT INTO hashset_entry (` + list + `) SELECT ` + list + ` FROM ` + pgStage + ` ORDER BY seq
		ON CONFLICT (hashset_id, entry_key) DO UPDATE SET ` + strings.Join(set, ", ")
	if _, err := w.pg.conn.ExecContext(w.ctx, q); err != nil {
		return err
	}
	_, err = w.pg.conn.ExecContext(w.ctx, `TRUNCATE `+pgStage)
	return err
}

func (w *EntryWriter) pgEnd(commit bool) error {
	if w.pg.conn == nil {
		return nil
	}
	var err error
	if w.pg.inTx {
		verb := "ROLLBACK"
		if commit {
			verb = "COMMIT"
		}
		_, err = w.pg.conn.ExecContext(context.WithoutCancel(w.ctx), verb)
		w.pg.inTx = false
	}
	return err
}

func (w *EntryWriter) pgClose() {
	if w.pg.conn != nil {
		w.pg.conn.Close()
		w.pg.conn = nil
	}
}
