package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// PostgresEnv names a PostgreSQL server URL for tests; scripts/test starts
// a throwaway server and sets it. Each test gets its own database there.
const PostgresEnv = "ARIADNE_TEST_POSTGRES"

// forEachEngine runs fn against a fresh SQLite store and, when a server
// is configured, a fresh PostgreSQL database: one suite, both engines.
func forEachEngine(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Run("sqlite", func(t *testing.T) {
		s, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		fn(t, s)
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, openTestPostgres(t))
	})
}

func openTestPostgres(t testing.TB) *Store {
	url := os.Getenv(PostgresEnv)
	if url == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is not: scripts/test should have started PostgreSQL", PostgresEnv)
		}
		t.Skipf("%s not set: PostgreSQL tests skipped (scripts/test starts a server)", PostgresEnv)
	}
	admin, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("ariadne_test_%d", rand.Uint64()%1e12)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	s, err := Open(context.Background(), withDatabase(url, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		if a, err := sql.Open("pgx", url); err == nil {
			a.Exec("DROP DATABASE " + name)
			a.Close()
		}
	})
	return s
}

// withDatabase replaces the database name of a postgres URL.
func withDatabase(raw, db string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + db
	return u.String()
}

func TestMigrationsAppliedOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		v, err := s.SchemaVersion(ctx)
		if err != nil || v < 1 {
			t.Fatalf("version %d, %v", v, err)
		}
		// Applying again changes nothing.
		if err := s.migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if v2, _ := s.SchemaVersion(ctx); v2 != v {
			t.Errorf("version %d after a second migrate, was %d", v2, v)
		}
	})
}

func TestCasesAndExhibits(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		c, err := s.CreateCase(ctx, Case{Number: "2026-001", Title: "Synthetic test case", Agency: "Test Agency"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateCase(ctx, Case{Number: "2026-001"}); err == nil {
			t.Error("a duplicate case number was accepted")
		}
		if _, err := s.CreateCase(ctx, Case{Number: "2026-002", Agency: "Test Agency"}); err != nil {
			t.Fatal(err)
		}
		got, err := s.CaseByNumber(ctx, "2026-001")
		if err != nil || got.Title != c.Title || got.Agency != "Test Agency" || got.Status != "open" {
			t.Errorf("%+v %v", got, err)
		}
		if _, err := s.CaseByNumber(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing case: %v", err)
		}
		for _, l := range []string{"B-laptop", "A-phone"} {
			if _, err := s.AddExhibit(ctx, Exhibit{CaseNumber: "2026-001", Label: l, SeizedBy: "officer 1"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.AddExhibit(ctx, Exhibit{CaseNumber: "2026-001", Label: "A-phone"}); err == nil {
			t.Error("a duplicate exhibit label was accepted")
		}
		ex, err := s.Exhibits(ctx, "2026-001")
		if err != nil || len(ex) != 2 || ex[0].Label != "A-phone" || ex[1].SeizedBy != "officer 1" {
			t.Errorf("%+v %v", ex, err)
		}
		cs, _ := s.Cases(ctx)
		if len(cs) != 2 {
			t.Errorf("%d cases", len(cs))
		}
	})
}

func ptr[T any](v T) *T { return &v }

// writeEntries writes entries into a set with one writer and commits.
func writeEntries(t *testing.T, s *Store, setID int64, opts WriterOptions, entries ...Entry) {
	t.Helper()
	w, err := s.NewEntryWriter(context.Background(), setID, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestHashSetEntriesUpsertAndLookup(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		hs, err := s.SaveHashSet(ctx, HashSet{Name: "test-set", Kind: KnownBad, CategoryScheme: "projectvic-us"})
		if err != nil {
			t.Fatal(err)
		}
		zero := "0"
		entries := []Entry{
			{Key: "a", MD5: "00000000000000000000000000000001", Category: &zero, VictimIdentified: ptr(false)},
			{Key: "b", SHA1: "0000000000000000000000000000000000000002", Series: "S1", Size: ptr(int64(42))},
			{Key: "c", SHA256: "0000000000000000000000000000000000000000000000000000000000000003"},
		}
		writeEntries(t, s, hs.ID, WriterOptions{}, entries...)
		// Re-import with a change: updated, not duplicated.
		entries[1].Series = "S2"
		writeEntries(t, s, hs.ID, WriterOptions{}, entries[1], entries[1])
		var got []Entry
		s.Entries(ctx, hs.ID, func(e Entry) error { got = append(got, e); return nil })
		if len(got) != 3 || got[1].Series != "S2" || *got[1].Size != 42 {
			t.Fatalf("%+v", got)
		}
		if got[0].Category == nil || *got[0].Category != "0" || got[1].Category != nil {
			t.Error("category 0 must stay distinct from no category")
		}
		if got[0].VictimIdentified == nil || *got[0].VictimIdentified || got[1].VictimIdentified != nil {
			t.Error("false must stay distinct from unknown")
		}
		// A re-imported record replaces the old one: fields it lacks are
		// cleared, not kept.
		writeEntries(t, s, hs.ID, WriterOptions{}, Entry{Key: "a", MD5: entries[0].MD5})
		got = got[:0]
		s.Entries(ctx, hs.ID, func(e Entry) error { got = append(got, e); return nil })
		if got[0].Category != nil || got[0].VictimIdentified != nil || got[0].MD5 != entries[0].MD5 {
			t.Errorf("after replacing entry a: %+v", got[0])
		}
		hits, err := s.LookupExact(ctx, []string{entries[0].MD5, entries[1].SHA1, entries[2].SHA256, "ffffffffffffffffffffffffffffffff"})
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, h := range hits {
			keys = append(keys, h.Entry.Key)
			if h.HashSet != "test-set" || h.Kind != KnownBad {
				t.Errorf("%+v", h)
			}
		}
		slices.Sort(keys)
		if !slices.Equal(keys, []string{"a", "b", "c"}) {
			t.Errorf("hits %v", keys)
		}
		set, _ := s.HashSet(ctx, "test-set")
		if set.Entries != 3 || set.CategoryScheme != "projectvic-us" {
			t.Errorf("%+v", set)
		}
	})
}

func TestAtomicWriterRollsBack(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		hs, _ := s.SaveHashSet(ctx, HashSet{Name: "atomic", Kind: KnownGood})
		w, err := s.NewEntryWriter(ctx, hs.ID, WriterOptions{Atomic: true})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 1000 {
			w.Write(Entry{Key: fmt.Sprint(i), MD5: fmt.Sprintf("%032x", i)})
		}
		w.Rollback()
		set, _ := s.HashSet(ctx, "atomic")
		if set.Entries != 0 {
			t.Errorf("%d entries after rollback", set.Entries)
		}
	})
}

func TestBulkWriter(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		hs, _ := s.SaveHashSet(ctx, HashSet{Name: "bulk"})
		write := func(opts WriterOptions, entries ...Entry) { writeEntries(t, s, hs.ID, opts, entries...) }
		var many []Entry
		for i := range 2000 {
			many = append(many, Entry{Key: fmt.Sprint(i), MD5: fmt.Sprintf("%032x", i)})
		}
		// The file repeats key 5 far apart (different batches): the
		// later row wins, as with an upsert.
		many = append(many, Entry{Key: "5", MD5: fmt.Sprintf("%032x", 99999), Series: "later"})
		write(WriterOptions{Bulk: true}, many...) // empty set: appended
		var got []Entry
		s.Entries(ctx, hs.ID, func(e Entry) error { got = append(got, e); return nil })
		if len(got) != 2000 {
			t.Fatalf("%d entries, want 2000", len(got))
		}
		hits, _ := s.LookupExact(ctx, []string{fmt.Sprintf("%032x", 99999), fmt.Sprintf("%032x", 5)})
		if len(hits) != 1 || hits[0].Entry.Series != "later" {
			t.Errorf("hits %+v", hits)
		}
		// A bulk re-import into the set it filled upserts.
		write(WriterOptions{Bulk: true}, Entry{Key: "7", MD5: fmt.Sprintf("%032x", 7), Series: "updated"})
		set, _ := s.HashSet(ctx, "bulk")
		if set.Entries != 2000 {
			t.Errorf("%d entries after a bulk re-import", set.Entries)
		}
		// A bulk import cut short leaves the indexes dropped: opening the
		// store builds them again.
		w, err := s.NewEntryWriter(ctx, hs.ID, WriterOptions{Bulk: true})
		if err != nil {
			t.Fatal(err)
		}
		_ = w // abandoned without Commit or Rollback
		if err := s.checkEntryIndexes(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.db.ExecContext(ctx, s.rebind(`INSERT INTO hashset_entry (hashset_id, entry_key) VALUES (?, '7')`), hs.ID); err == nil {
			t.Error("the key index is missing after the store was checked")
		}
		if n, err := s.entryIndexCount(ctx); err != nil || n != len(entryIndexes) {
			t.Errorf("%d entry indexes after the check (%v), want %d", n, err, len(entryIndexes))
		}
	})
}

// entryIndexes must say what schema.sql says: a bulk import rebuilds
// the indexes from it.
func TestEntryIndexesMatchSchema(t *testing.T) {
	for _, ix := range entryIndexes {
		if !strings.Contains(schemaSQL, "CREATE "+ix.def+";") {
			t.Errorf("schema.sql does not define %q", ix.def)
		}
	}
}

// TestEntryCountKept: a set's entry count is kept when an import commits
// and taken from the entries while one runs or after one was cut short.
func TestEntryCountKept(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		hs, _ := s.SaveHashSet(ctx, HashSet{Name: "counted", Kind: KnownBad})
		stored := func() sql.NullInt64 {
			var n sql.NullInt64
			s.db.QueryRowContext(ctx, s.rebind(`SELECT entry_count FROM hashset WHERE id = ?`), hs.ID).Scan(&n)
			return n
		}
		entries := func() int64 {
			set, err := s.HashSet(ctx, "counted")
			if err != nil {
				t.Fatal(err)
			}
			return set.Entries
		}
		writeEntries(t, s, hs.ID, WriterOptions{}, Entry{Key: "a", MD5: fmt.Sprintf("%032x", 1)}, Entry{Key: "b", MD5: fmt.Sprintf("%032x", 2)})
		if n := stored(); !n.Valid || n.Int64 != 2 || entries() != 2 {
			t.Errorf("after an import of 2: stored %v, listed %d", n, entries())
		}
		// An import cut short after some of its batches committed.
		w, err := s.NewEntryWriter(ctx, hs.ID, WriterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// (Nothing is read while the writer's transaction is open: a SQLite
		// store has one connection.)
		if n := stored(); n.Valid {
			t.Errorf("count stored while an import runs: %v", n)
		}
		for i := range commitEvery + 500 {
			w.Write(Entry{Key: fmt.Sprint("x", i), MD5: fmt.Sprintf("%032x", 100+i)})
		}
		w.Rollback()
		var live int64
		s.db.QueryRowContext(ctx, s.rebind(`SELECT COUNT(*) FROM hashset_entry WHERE hashset_id = ?`), hs.ID).Scan(&live)
		if after := entries(); after != live || live <= 2 {
			t.Errorf("after an import cut short: listed %d, %d entries in the set", after, live)
		}
	})
}
