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

func open(t *testing.T, dsn string) *store.Store {
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
