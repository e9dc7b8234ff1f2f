package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/ariadne-vid/ariadne/internal/digest"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"strings"
)

// SetKind says what a hash set's entries are.
type SetKind string

// Kinds of hash set.
const (
	KnownBad  SetKind = "known-bad"  // matches are leads: triage known or near
	KnownGood SetKind = "known-good" // matches are ignorable (NSRL, the platform's own files)
)

// HashSet is a named list of known hashes.
type HashSet struct {
	ID             int64   `json:"id"`
	Name           string  `json:"name"`
	Source         string  `json:"source,omitempty"`
	Version        string  `json:"version,omitempty"`
	Kind           SetKind `json:"kind"`
	Radius         int     `json:"radius"`
	CategoryScheme string  `json:"category_scheme,omitempty"`
	CreatedAt      string  `json:"created_at"`
	UpdatedAt      string  `json:"updated_at"`
	Entries        int64   `json:"entries"`
}

// Entry is one known item of a hash set. Key identifies it within its set
// (a re-import with the same key updates it). Pointers are nil when the
// source did not say: an unknown flag is not false, no category is not 0.
type Entry struct {
	Key      string `json:"key"`
	MD5      string `json:"md5,omitempty"`
	SHA1     string `json:"sha1,omitempty"`
	SHA256   string `json:"sha256,omitempty"`
	PDQ      string `json:"pdq,omitempty"`
	PhotoDNA string `json:"photodna,omitempty"`
	// VPDQ is a video's vPDQ hash in the reference's text format (one
	// index,quality,hex,timestamp line per hashed frame).
	VPDQ string `json:"vpdq,omitempty"`
	// Chromaprint is an audio fingerprint as fpcalc prints it.
	Chromaprint        string  `json:"chromaprint,omitempty"`
	CategoryScheme     string  `json:"category_scheme,omitempty"`
	Category           *string `json:"category,omitempty"`
	Series             string  `json:"series,omitempty"`
	VictimIdentified   *bool   `json:"victim_identified,omitempty"`
	OffenderIdentified *bool   `json:"offender_identified,omitempty"`
	IsDistributed      *bool   `json:"is_distributed,omitempty"`
	IsPrecategorized   *bool   `json:"is_precategorized,omitempty"`
	MIME               string  `json:"mime,omitempty"`
	Size               *int64  `json:"size,omitempty"`
	FileName           string  `json:"file_name,omitempty"`
	Tags               string  `json:"tags,omitempty"`
	Comments           string  `json:"comments,omitempty"`
	DateUpdated        string  `json:"date_updated,omitempty"`
	// Extra holds, as JSON, what the source carried that has no column
	// (VICS Exifs, MediaFiles, other alternative hashes), so an export
	// gives it back.
	Extra     string `json:"extra,omitempty"`
	Tombstone bool   `json:"tombstone,omitempty"`
}

// SaveHashSet creates the named hash set or updates its description.
func (s *Store) SaveHashSet(ctx context.Context, hs HashSet) (HashSet, error) {
	if hs.Name == "" {
		return hs, errors.New("a hash set needs a name")
	}
	if hs.Kind == "" {
		hs.Kind = KnownBad
	}
	if hs.Kind != KnownBad && hs.Kind != KnownGood {
		return hs, fmt.Errorf("hash set kind %q: want %s or %s", hs.Kind, KnownBad, KnownGood)
	}
	if hs.Radius == 0 {
		hs.Radius = pdq.DefaultRadius
	}
	t := now()
	_, err := s.db.ExecContext(ctx, s.rebind(`INSERT INTO hashset (name, source, version, kind, radius, category_scheme, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET source = excluded.source, version = excluded.version, kind = excluded.kind,
			radius = excluded.radius, category_scheme = excluded.category_scheme, updated_at = excluded.updated_at`),
		hs.Name, nullable(hs.Source), nullable(hs.Version), string(hs.Kind), hs.Radius, nullable(hs.CategoryScheme), t, t)
	if err != nil {
		return hs, fmt.Errorf("save hash set %s: %w", hs.Name, err)
	}
	return s.HashSet(ctx, hs.Name)
}

const hashSetQuery = `SELECT h.id, h.name, COALESCE(h.source, ''), COALESCE(h.version, ''), h.kind, h.radius, COALESCE(h.category_scheme, ''),
	h.created_at, h.updated_at, COALESCE(h.entry_count, (SELECT COUNT(*) FROM hashset_entry e WHERE e.hashset_id = h.id AND NOT e.tombstone)) FROM hashset h`

func scanHashSet(row interface{ Scan(...any) error }) (HashSet, error) {
	var h HashSet
	err := row.Scan(&h.ID, &h.Name, &h.Source, &h.Version, &h.Kind, &h.Radius, &h.CategoryScheme, &h.CreatedAt, &h.UpdatedAt, &h.Entries)
	return h, err
}

// HashSet finds a hash set by name.
func (s *Store) HashSet(ctx context.Context, name string) (HashSet, error) {
	h, err := scanHashSet(s.db.QueryRowContext(ctx, s.rebind(hashSetQuery+` WHERE h.name = ?`), name))
	if errors.Is(err, sql.ErrNoRows) {
		return h, fmt.Errorf("hash set %s: %w", name, ErrNotFound)
	}
	return h, err
}

// HashSets lists every hash set by name.
func (s *Store) HashSets(ctx context.Context) ([]HashSet, error) {
	rows, err := s.db.QueryContext(ctx, hashSetQuery+` ORDER BY h.name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HashSet
	for rows.Next() {
		h, err := scanHashSet(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

var entryColumns = []string{"hashset_id", "entry_key", "md5", "sha1", "sha256", "pdq", "photodna", "vpdq", "chromaprint", "category_scheme", "category", "series",
	"victim_identified", "offender_identified", "is_distributed", "is_precategorized", "mime", "size", "file_name", "tags", "comments",
	"date_updated", "extra", "tombstone"}

func (e *Entry) args(hashSetID int64) []any {
	return []any{hashSetID, e.Key, nullable(e.MD5), nullable(e.SHA1), nullable(e.SHA256), nullable(e.PDQ), nullable(e.PhotoDNA),
		nullable(e.VPDQ), nullable(e.Chromaprint), nullable(e.CategoryScheme), nullPtr(e.Category), nullable(e.Series), nullPtr(e.VictimIdentified), nullPtr(e.OffenderIdentified),
		nullPtr(e.IsDistributed), nullPtr(e.IsPrecategorized), nullable(e.MIME), nullPtr(e.Size), nullable(e.FileName),
		nullable(e.Tags), nullable(e.Comments), nullable(e.DateUpdated), nullable(e.Extra), e.Tombstone}
}

// EntryWriter upserts entries into one hash set in batches. With atomic
// set, everything is one transaction that Commit ends (Rollback drops
// it); otherwise a transaction commits every commitEvery entries, so an
// interrupted import keeps whole transactions and a re-run completes it
// (upserts are idempotent).
type EntryWriter struct {
	s      *Store
	ctx    context.Context
	set    int64
	atomic bool
	bulk   bool // entry indexes dropped until Commit or Rollback
	// appendOnly: a bulk import into an empty set, with no key index to
	// upsert against; repeated keys are resolved when it is rebuilt.
	appendOnly bool
	tx         *sql.Tx
	txEntries  int
	pending    []Entry
	// stmts holds full-batch statements prepared in the open
	// transaction, by the set of columns they bind.
	stmts   map[uint32]*sql.Stmt
	pg      pgWriter // the PostgreSQL COPY path (copy_postgres.go)
	Written int64
}

const (
	entryBatch = 400
	// commitEvery: each commit writes every index page it touched, and
	// hash-set indexes take random inserts, so small transactions write
	// the same pages over and over (measured: 400-row commits imported
	// 6,000 entries a second into SQLite).
	commitEvery = 100_000
)

// WriterOptions tune an EntryWriter.
type WriterOptions struct {
	// Atomic keeps nothing unless Commit is reached.
	Atomic bool
	// Bulk drops the entry indexes for the import and builds them again
	// at Commit (or Rollback): for an import that is large next to what
	// the store holds. Into an empty set, rows are appended without the
	// key index at all. Exact lookups are slow meanwhile.
	Bulk bool
}

// NewEntryWriter starts writing entries of a hash set.
func (s *Store) NewEntryWriter(ctx context.Context, hashSetID int64, opts WriterOptions) (*EntryWriter, error) {
	w := &EntryWriter{s: s, ctx: ctx, set: hashSetID, atomic: opts.Atomic, bulk: opts.Bulk}
	// Marked written from the start: an import cut short has changed the
	// set, and caches built from it (the ingest PDQ index) must see that.
	// The count is unknown until the import commits (or if it is cut short).
	if _, err := s.db.ExecContext(ctx, s.rebind(`UPDATE hashset SET updated_at = ?, entry_count = NULL WHERE id = ?`), now(), hashSetID); err != nil {
		return nil, err
	}
	if opts.Bulk {
		var n int64
		if err := s.db.QueryRowContext(ctx, s.rebind(`SELECT COUNT(*) FROM hashset_entry WHERE hashset_id = ?`), hashSetID).Scan(&n); err != nil {
			return nil, err
		}
		w.appendOnly = n == 0
		if err := s.dropEntryIndexes(ctx, w.appendOnly); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// insertSQL is a multi-row INSERT (an upsert unless appending) of the
// entry columns in mask (bit i: entryColumns[i]); an upsert sets the
// other columns to NULL, since a re-imported record replaces the old one.
func (s *Store) insertSQL(rows int, mask uint32, upsert bool) string {
	var cols, set []string
	for i, c := range entryColumns {
		if mask&(1<<i) != 0 {
			cols = append(cols, c)
			if i >= 2 {
				set = append(set, c+" = excluded."+c)
			}
		} else if i >= 2 {
			set = append(set, c+" = NULL")
		}
	}
	var b strings.Builder
	b.WriteString("INSERT INTO hashset_entry (" + strings.Join(cols, ", ") + ") VALUES ")
	one := "(" + placeholders(len(cols)) + ")"
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	if upsert {
		b.WriteString(" ON CONFLICT (hashset_id, entry_key) DO UPDATE SET " + strings.Join(set, ", "))
	}
	return s.rebind(b.String())
}

// Write queues an entry, writing a batch when enough are queued. Of two
// entries with the same key, the later wins.
func (w *EntryWriter) Write(e Entry) error {
	if e.Key == "" {
		return errors.New("entry without a key")
	}
	w.pending = append(w.pending, e)
	if len(w.pending) >= w.batchSize() {
		return w.flush()
	}
	return nil
}

// batchSize is how many entries go in one write: a multi-row INSERT's
// worth on SQLite, a COPY's on PostgreSQL.
func (w *EntryWriter) batchSize() int {
	if w.s.engine == Postgres {
		return pgCopyBatch
	}
	return entryBatch
}

func (w *EntryWriter) flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	// The same key twice in one statement is an error in PostgreSQL
	// ("cannot affect row a second time"): keep the last of each.
	seen := make(map[string]int, len(w.pending))
	batch := w.pending[:0]
	for _, e := range w.pending {
		if i, ok := seen[e.Key]; ok {
			batch[i] = e
			continue
		}
		seen[e.Key] = len(batch)
		batch = append(batch, e)
	}
	write := w.sqliteFlush
	if w.s.engine == Postgres {
		write = w.pgFlush
	}
	if err := write(batch); err != nil {
		if !w.atomic {
			w.Rollback()
		}
		return fmt.Errorf("write entries: %w", err)
	}
	w.Written += int64(len(batch))
	w.txEntries += len(batch)
	w.pending = w.pending[:0]
	if !w.atomic && w.txEntries >= commitEvery {
		return w.commitTx()
	}
	return nil
}

// sqliteFlush writes a batch (keys already unique) with a multi-row
// upsert in the open transaction.
func (w *EntryWriter) sqliteFlush(batch []Entry) error {
	if w.tx == nil {
		tx, err := w.s.db.BeginTx(w.ctx, nil)
		if err != nil {
			return err
		}
		w.tx = tx
	}
	// Only the columns some entry of the batch fills are bound: hash
	// lists and NSRL fill a few of the 22, and binding the NULLs was a
	// good part of an import's time.
	rows := make([][]any, len(batch))
	var mask uint32
	for i := range batch {
		rows[i] = batch[i].args(w.set)
		for c, v := range rows[i] {
			if v != nil {
				mask |= 1 << c
			}
		}
	}
	args := make([]any, 0, len(batch)*len(entryColumns))
	for _, r := range rows {
		for c, v := range r {
			if mask&(1<<c) != 0 {
				args = append(args, v)
			}
		}
	}
	if len(batch) != entryBatch {
		_, err := w.tx.ExecContext(w.ctx, w.s.insertSQL(len(batch), mask, !w.appendOnly), args...)
		return err
	}
	// A full batch's statement is long (thousands of placeholders):
	// parse it once per transaction and column set, not once per batch.
	stmt := w.stmts[mask]
	if stmt == nil {
		var err error
		if stmt, err = w.tx.PrepareContext(w.ctx, w.s.insertSQL(entryBatch, mask, !w.appendOnly)); err != nil {
			return err
		}
		if w.stmts == nil {
			w.stmts = map[uint32]*sql.Stmt{}
		}
		w.stmts[mask] = stmt
	}
	_, err := stmt.ExecContext(w.ctx, args...)
	return err
}

func (w *EntryWriter) commitTx() error {
	if w.s.engine == Postgres {
		w.txEntries = 0
		return w.pgEnd(true)
	}
	if w.tx == nil {
		return nil
	}
	w.closeStmt()
	err := w.tx.Commit()
	w.tx, w.txEntries = nil, 0
	if err != nil {
		return fmt.Errorf("write entries: %w", err)
	}
	return nil
}

// Commit writes what is queued and commits.
func (w *EntryWriter) Commit() error {
	if err := w.flush(); err != nil {
		w.Rollback()
		return err
	}
	err := w.commitTx()
	w.pgClose()
	if err != nil {
		return err
	}
	if err := w.endBulk(); err != nil {
		return err
	}
	_, err = w.s.db.ExecContext(w.ctx, w.s.rebind(`UPDATE hashset SET updated_at = ?,
		entry_count = (SELECT COUNT(*) FROM hashset_entry e WHERE e.hashset_id = ? AND NOT e.tombstone) WHERE id = ?`), now(), w.set, w.set)
	return err
}

// Rollback abandons the open transaction: all of an atomic writer's work,
// or the uncommitted tail of a non-atomic one (committed ones stay).
func (w *EntryWriter) Rollback() {
	w.closeStmt()
	w.pgEnd(false)
	w.pgClose()
	if w.tx != nil {
		w.tx.Rollback()
		w.tx = nil
	}
	w.pending = nil
	w.endBulk()
}

// endBulk builds the indexes a bulk writer dropped.
func (w *EntryWriter) endBulk() error {
	if !w.bulk {
		return nil
	}
	w.bulk = false
	if err := w.s.restoreEntryIndexes(context.WithoutCancel(w.ctx)); err != nil {
		return fmt.Errorf("after the import: %w", err)
	}
	return nil
}

func (w *EntryWriter) closeStmt() {
	for _, st := range w.stmts {
		st.Close()
	}
	w.stmts = nil
}

// entryColumnsOf lists the columns scanEntry reads, of table alias a.
func entryColumnsOf(a string) string {
	return strings.NewReplacer("a.", a+".").Replace(`a.entry_key, COALESCE(a.md5, ''), COALESCE(a.sha1, ''), COALESCE(a.sha256, ''),
	COALESCE(a.pdq, ''), COALESCE(a.photodna, ''), COALESCE(a.vpdq, ''), COALESCE(a.chromaprint, ''), COALESCE(a.category_scheme, ''), a.category, COALESCE(a.series, ''),
	a.victim_identified, a.offender_identified, a.is_distributed, a.is_precategorized, COALESCE(a.mime, ''), a.size,
	COALESCE(a.file_name, ''), COALESCE(a.tags, ''), COALESCE(a.comments, ''), COALESCE(a.date_updated, ''),
	COALESCE(a.extra, ''), a.tombstone`)
}

// scanEntry reads the columns of entryColumnsOf, after any leading ones
// into before.
func scanEntry(rows *sql.Rows, before ...any) (Entry, error) {
	var e Entry
	var cat sql.NullString
	var vi, oi, dist, pre sql.NullBool
	var size sql.NullInt64
	dst := append(before, &e.Key, &e.MD5, &e.SHA1, &e.SHA256, &e.PDQ, &e.PhotoDNA, &e.VPDQ, &e.Chromaprint, &e.CategoryScheme, &cat, &e.Series, &vi, &oi, &dist, &pre,
		&e.MIME, &size, &e.FileName, &e.Tags, &e.Comments, &e.DateUpdated, &e.Extra, &e.Tombstone)
	if err := rows.Scan(dst...); err != nil {
		return e, err
	}
	if cat.Valid {
		e.Category = &cat.String
	}
	for _, p := range []struct {
		n   sql.NullBool
		dst **bool
	}{{vi, &e.VictimIdentified}, {oi, &e.OffenderIdentified}, {dist, &e.IsDistributed}, {pre, &e.IsPrecategorized}} {
		if p.n.Valid {
			v := p.n.Bool
			*p.dst = &v
		}
	}
	if size.Valid {
		e.Size = &size.Int64
	}
	return e, nil
}

// Entries calls fn for every entry of a hash set, in key order, without
// loading them all.
func (s *Store) Entries(ctx context.Context, hashSetID int64, fn func(Entry) error) error {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT `+entryColumnsOf("e")+` FROM hashset_entry e WHERE e.hashset_id = ? ORDER BY e.entry_key`), hashSetID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// entryIndexes are the hash-set entry indexes a bulk import drops and
// builds again at the end, which is several times faster than updating
// them row by row. They repeat schema.sql's definitions, which a test
// checks.
var entryIndexes = []struct{ name, def string }{
	{"hashset_entry_key", "UNIQUE INDEX hashset_entry_key ON hashset_entry (hashset_id, entry_key)"},
	{"hashset_entry_md5", "INDEX hashset_entry_md5 ON hashset_entry (md5) WHERE md5 IS NOT NULL"},
	{"hashset_entry_sha1", "INDEX hashset_entry_sha1 ON hashset_entry (sha1) WHERE sha1 IS NOT NULL"},
	{"hashset_entry_sha256", "INDEX hashset_entry_sha256 ON hashset_entry (sha256) WHERE sha256 IS NOT NULL"},
}

// dropEntryIndexes drops the lookup indexes, and the key index too when
// withKey (an import into an empty set, which appends).
func (s *Store) dropEntryIndexes(ctx context.Context, withKey bool) error {
	for _, ix := range entryIndexes {
		if ix.name == "hashset_entry_key" && !withKey {
			continue
		}
		if _, err := s.db.ExecContext(ctx, `DROP INDEX IF EXISTS `+ix.name); err != nil {
			return fmt.Errorf("drop index %s: %w", ix.name, err)
		}
	}
	return nil
}

// restoreEntryIndexes builds whichever entry indexes are missing: after a
// bulk import, or when a store is opened after a bulk import was cut
// short. An appending import may have left the same key twice in a set
// (the file repeated it): the later row wins, as an upsert would have had
// it, before the unique index is built.
func (s *Store) restoreEntryIndexes(ctx context.Context) error {
	for _, ix := range entryIndexes {
		if _, err := s.db.ExecContext(ctx, `CREATE `+strings.Replace(ix.def, "INDEX ", "INDEX IF NOT EXISTS ", 1)); err != nil {
			if ix.name != "hashset_entry_key" {
				return fmt.Errorf("build index %s: %w", ix.name, err)
			}
			if _, derr := s.db.ExecContext(ctx, `DELETE FROM hashset_entry WHERE id IN (
				SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY hashset_id, entry_key ORDER BY id DESC) AS n FROM hashset_entry) d
				WHERE n > 1)`); derr != nil {
				return fmt.Errorf("build index %s: %w; removing repeated keys: %w", ix.name, err, derr)
			}
			if _, err := s.db.ExecContext(ctx, `CREATE `+ix.def); err != nil {
				return fmt.Errorf("build index %s: %w", ix.name, err)
			}
		}
	}
	// Fresh statistics, or the planner may scan the table for a lookup.
	// Sampled statistics are enough to choose these indexes.
	if s.engine == SQLite {
		if _, err := s.db.ExecContext(ctx, `PRAGMA analysis_limit = 1000`); err != nil {
			return fmt.Errorf("analyze: %w", err)
		}
	}
	if _, err := s.db.ExecContext(ctx, `ANALYZE hashset_entry`); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

// Hit is an exact match of a queried hash to a hash-set entry.
type Hit struct {
	Hash    string  `json:"hash"`
	HashSet string  `json:"hashset"`
	Kind    SetKind `json:"kind"`
	Entry   Entry   `json:"entry"`
}

// LookupExact finds the live entries whose MD5, SHA-1 or SHA-256 is one
// of hashes (lower-case hex; the kind is told by length), in every set.
func (s *Store) LookupExact(ctx context.Context, hashes []string) ([]Hit, error) {
	hits, err := s.lookupExact(ctx, hashes)
	out := make([]Hit, len(hits))
	for i, h := range hits {
		out[i] = h.Hit
	}
	return out, err
}

func (s *Store) lookupExact(ctx context.Context, hashes []string) ([]ExactHit, error) {
	byCol := map[string][]any{}
	for _, h := range hashes {
		kind, err := digest.ExactKindOfHex(h)
		if err != nil {
			return nil, fmt.Errorf("lookup: %w", err)
		}
		// The entry columns are named for their kinds.
		byCol[string(kind)] = append(byCol[string(kind)], h)
	}
	var hits []ExactHit
	for _, col := range []string{"md5", "sha1", "sha256"} {
		vals := byCol[col]
		for len(vals) > 0 {
			chunk := vals[:min(len(vals), 500)]
			vals = vals[len(chunk):]
			q := `SELECT e.id, h.name, h.kind, e.` + col + `, ` + entryColumnsOf("e") + ` FROM hashset_entry e JOIN hashset h ON h.id = e.hashset_id
				WHERE NOT e.tombstone AND e.` + col + ` IN (` + placeholders(len(chunk)) + `)`
			rows, err := s.read.QueryContext(ctx, s.rebind(q), chunk...)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var hit ExactHit
				e, err := scanEntry(rows, &hit.EntryID, &hit.HashSet, &hit.Kind, &hit.Hash)
				if err != nil {
					rows.Close()
					return nil, err
				}
				hit.Entry = e
				hits = append(hits, hit)
			}
			if err := rows.Close(); err != nil {
				return nil, err
			}
		}
	}
	return hits, nil
}
