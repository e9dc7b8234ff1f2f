// Package storetest gives the tests of other packages real stores on
// both engines: a fresh SQLite file always, and a fresh PostgreSQL
// database when a server is configured (scripts/test starts one).
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/store"
)

// PostgresEnv names the PostgreSQL server URL tests use.
const PostgresEnv = "ARIADNE_TEST_POSTGRES"

// Engine is a fresh store of one engine.
type Engine struct {
	Name  string
	Store *store.Store
	// DSN opens the same store again (another process, a resumed run).
	DSN string
}

// ForEach runs fn as a subtest on each engine available. Under CI a
// missing PostgreSQL server fails the test instead of skipping it.
func ForEach(t *testing.T, fn func(t *testing.T, e Engine)) {
	t.Run("sqlite", func(t *testing.T) {
		dsn := filepath.Join(t.TempDir(), "test.db")
		fn(t, Engine{"sqlite", open(t, dsn), dsn})
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := NewPostgres(t)
		fn(t, Engine{"postgres", open(t, dsn), dsn})
	})
}

// OpenSQLite opens (creating it) a SQLite store at path, closed when the
// test ends.
func OpenSQLite(t testing.TB, path string) *store.Store { return open(t, path) }

func open(t testing.TB, dsn string) *store.Store {
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// NewPostgres creates a database for the test on the configured server,
// dropped when the test ends, and returns its URL; without a server it
// skips the test (or fails it under CI).
func NewPostgres(t testing.TB) string {
	raw := os.Getenv(PostgresEnv)
	if raw == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is not: scripts/test should have started PostgreSQL", PostgresEnv)
		}
		t.Skipf("%s not set: PostgreSQL tests skipped (scripts/test starts a server)", PostgresEnv)
	}
	admin, err := sql.Open("pgx", raw)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("ariadne_test_%d", rand.Uint64()%1e12)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		// Connections of the test's stores close first (cleanups run last
		// registered first, and stores are opened after this).
		admin.Exec("DROP DATABASE " + name + " WITH (FORCE)")
		admin.Close()
	})
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// WriteEntries writes entries into a hash set with one writer and
// commits.
func WriteEntries(t testing.TB, s *store.Store, setID int64, entries ...store.Entry) {
	t.Helper()
	w, err := s.NewEntryWriter(context.Background(), setID, store.WriterOptions{})
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

// Dump lists, sorted, what ingest wrote to the SQLite store at path
// (files, media, signals, matches) without row IDs and write times: two
// stores with the same content give the same dump.
func Dump(t testing.TB, path string) []string {
	t.Helper()
	db, err := store.OpenSQLiteFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []string
	for _, q := range []string{
		`SELECT 'file', f.path, COALESCE(f.class, ''), COALESCE(f.size, 0), COALESCE(f.modified_at, ''), COALESCE(f.accessed_at, ''),
			COALESCE(f.error, ''), COALESCE(f.warning, ''), COALESCE(m.sha256, '') FROM file f LEFT JOIN media m ON m.id = f.media_id`,
		`SELECT 'media', sha256, md5, sha1, size, COALESCE(mime, ''), COALESCE(width, 0), COALESCE(height, 0) FROM media`,
		`SELECT 'signal', m.sha256, s.type, s.value, COALESCE(s.quality, -1), s.algorithm_version FROM signal s JOIN media m ON m.id = s.media_id`,
		`SELECT 'match', m.sha256, e.entry_key, mt.signal_type, mt.distance FROM matches mt JOIN media m ON m.id = mt.media_id JOIN hashset_entry e ON e.id = mt.entry_id`,
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprint(vals...))
		}
		rows.Close()
	}
	sort.Strings(out)
	return out
}
