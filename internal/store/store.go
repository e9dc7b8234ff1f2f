// Package store keeps Ariadne's evidence and intelligence: agencies,
// cases, exhibits, files, unique media and their signals, known-hash sets
// and their entries, and matches. One Store type runs on two engines,
// SQLite embedded in the binary (the default: a single file, no server)
// and PostgreSQL (a team's shared server), from one schema whose
// migrations are applied when a store is opened.
package store

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
)

// Engine names a database engine.
type Engine string

// The engines a Store runs on.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Store is an open database. It is safe for concurrent use.
type Store struct {
	db *sql.DB
	// read serves the lookups that matching makes, concurrently: on
	// SQLite a pool of read-only connections (WAL lets them read while
	// db writes), on PostgreSQL db itself.
	read   *sql.DB
	engine Engine
}

// Open opens (creating if needed) the store at dsn: a postgres:// or
// postgresql:// URL for PostgreSQL, anything else a SQLite file path.
// Pending migrations are applied.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s := &Store{engine: SQLite}
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		s.engine = Postgres
		s.db, err = sql.Open("pgx", dsn)
	} else {
		// WAL lets readers work while an import writes; a busy timeout
		// waits for another process's write instead of failing.
		// A large page cache: hash-set indexes take random inserts, and
		// with SQLite's default 2 MiB cache an import of millions of
		// entries spends its time re-reading index pages.
		s.db, err = openSQLite(dsn, false, "journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(ON)", "synchronous(NORMAL)", "cache_size(-262144)")
		if err == nil {
			// One connection: SQLite has one writer anyway, and this
			// keeps transactions from waiting on each other inside the
			// process (and the pragmas hold for its whole life).
			s.db.SetMaxOpenConns(1)
			s.db.SetConnMaxLifetime(0)
			s.db.SetMaxIdleConns(1)
		}
	}
	if err == nil {
		err = s.ready(ctx)
		if err != nil {
			s.db.Close()
		}
	}
	if err == nil {
		s.read = s.db
		if s.engine == SQLite {
			err = s.openReadPool(ctx, dsn)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", redact(dsn), err)
	}
	return s, nil
}

// openReadPool opens the read-only connections of a SQLite store, one
// per CPU, after migrations (a read-only connection cannot apply them).
func (s *Store) openReadPool(ctx context.Context, path string) error {
	// Each connection keeps its own page cache: 64 MiB, so that the
	// entry indexes a lookup walks stay in memory.
	read, err := openSQLite(path, true, "busy_timeout(10000)", "query_only(1)", "cache_size(-65536)")
	if err == nil {
		read.SetMaxOpenConns(runtime.GOMAXPROCS(0))
		read.SetMaxIdleConns(runtime.GOMAXPROCS(0))
		err = read.PingContext(ctx)
		if err != nil {
			read.Close()
		}
	}
	if err != nil {
		s.db.Close()
		return fmt.Errorf("read connections: %w", err)
	}
	s.read = read
	return nil
}

// ready checks the connection, applies pending migrations and repairs
// entry indexes an import cut short left dropped.
func (s *Store) ready(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return err
	}
	if err := s.migrate(ctx); err != nil {
		return err
	}
	return s.checkEntryIndexes(ctx)
}

var passwordInURL = regexp.MustCompile(`://([^:/@]+):[^@]*@`)

// redact hides a password in a URL.
func redact(dsn string) string { return passwordInURL.ReplaceAllString(dsn, "://$1:***@") }

// OpenSQLiteFile opens another SQLite database (an NSRL RDS, say) with
// the store's driver, read-only unless writable.
func OpenSQLiteFile(path string, writable bool) (*sql.DB, error) {
	if writable {
		return openSQLite(path, false)
	}
	return openSQLite(path, true, "query_only(1)")
}

// Close closes the store.
func (s *Store) Close() error {
	if s.read != nil && s.read != s.db {
		s.read.Close()
	}
	return s.db.Close()
}

// Engine reports which engine the store runs on.
func (s *Store) Engine() Engine { return s.engine }

//go:embed schema.sql
var schemaSQL string

type migration struct {
	version int
	title   string
	sql     string
}

var migrationHeader = regexp.MustCompile(`(?m)^-- migration (\d+): (.*)$`)

// migrations splits schema.sql into its numbered migrations.
func migrations() ([]migration, error) {
	locs := migrationHeader.FindAllStringSubmatchIndex(schemaSQL, -1)
	var out []migration
	for i, l := range locs {
		v, _ := strconv.Atoi(schemaSQL[l[2]:l[3]])
		end := len(schemaSQL)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		if v != i+1 {
			return nil, fmt.Errorf("schema.sql: migration %d is numbered %d", i+1, v)
		}
		out = append(out, migration{v, schemaSQL[l[4]:l[5]], schemaSQL[l[1]:end]})
	}
	return out, nil
}

// dialect rewrites the schema's macros for the engine.
func (s *Store) dialect(ddl string) string {
	id, boolean, real, bytes := "INTEGER PRIMARY KEY AUTOINCREMENT", "INTEGER", "REAL", "BLOB"
	if s.engine == Postgres {
		id, boolean, real, bytes = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "BOOLEAN", "DOUBLE PRECISION", "BYTEA"
	}
	return strings.NewReplacer("{ID}", id, "{BOOL}", boolean, "{REAL}", real, "{BYTES}", bytes).Replace(ddl)
}

// migrate applies the migrations not yet applied, each in a transaction.
// Two processes opening a new store at once may race; the loser's
// transaction fails on the version's primary key and it retries once.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, title TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	var current int
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("the store's schema is version %d, newer than this build knows (%d): upgrade ariadne", current, len(ms))
	}
	for _, m := range ms[current:] {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			for _, stmt := range splitStatements(s.dialect(m.sql)) {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("%w\n%s", err, stmt)
				}
			}
			_, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO schema_migrations (version, title, applied_at) VALUES (?, ?, ?)`), m.version, m.title, now())
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.title, err)
		}
	}
	return nil
}

// splitStatements cuts a migration at semicolons that end a line,
// dropping comment lines.
func splitStatements(sqlText string) []string {
	var out []string
	var b strings.Builder
	for _, line := range strings.Split(sqlText, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			out = append(out, b.String())
			b.Reset()
		}
	}
	if strings.TrimSpace(b.String()) != "" {
		out = append(out, b.String())
	}
	return out
}

// rebind turns ? placeholders into PostgreSQL's $1, $2, ...
func (s *Store) rebind(q string) string {
	if s.engine != Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// tx runs fn in a transaction, committing when it returns nil.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// placeholders is "?, ?, ..., ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// ErrNotFound is returned when a named record does not exist.
var ErrNotFound = errors.New("not found")

// checkEntryIndexes rebuilds the entry indexes when a bulk import was cut
// short and left them dropped.
func (s *Store) checkEntryIndexes(ctx context.Context) error {
	n, err := s.entryIndexCount(ctx)
	if err != nil || n == len(entryIndexes) {
		return err
	}
	return s.restoreEntryIndexes(ctx)
}

// entryIndexCount counts the entry indexes that exist.
func (s *Store) entryIndexCount(ctx context.Context) (int, error) {
	var names []string
	for _, ix := range entryIndexes {
		names = append(names, "'"+ix.name+"'")
	}
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN (` + strings.Join(names, ", ") + `)`
	if s.engine == Postgres {
		q = `SELECT COUNT(*) FROM pg_indexes WHERE indexname IN (` + strings.Join(names, ", ") + `)`
	}
	var n int
	err := s.db.QueryRowContext(ctx, q).Scan(&n)
	return n, err
}

// SchemaVersion reports the applied schema version.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}
