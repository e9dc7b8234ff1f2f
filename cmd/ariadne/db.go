package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"

	"github.com/ariadne-vid/ariadne/internal/store"
	"os/signal"
	"syscall"
)

// defaultDB is the store a command opens without --db: $ARIADNE_DB, or
// ariadne.db in the working directory.
func defaultDB() string {
	if v := os.Getenv("ARIADNE_DB"); v != "" {
		return v
	}
	return "ariadne.db"
}

// dbFlag adds --db to a command's flags.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", defaultDB(), "store: a SQLite file, or a postgres:// URL (default $ARIADNE_DB or ./ariadne.db)")
}

func openStore(ctx context.Context, dsn string) (*store.Store, error) { return store.Open(ctx, dsn) }

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// parseOpen parses a store command's flags (fs must have --db, from
// dbFlag) and opens the store; the caller closes it.
func parseOpen(ctx context.Context, fs *flag.FlagSet, args []string, db *string, nargs int, what string) ([]string, *store.Store, error) {
	pos, err := parseFlags(fs, args)
	if err != nil {
		return nil, nil, err
	}
	if nargs >= 0 && len(pos) != nargs {
		return nil, nil, usageErr("want %s", what)
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return nil, nil, err
	}
	return pos, st, nil
}

// outputTo returns where a command writes: the file at path (created),
// or stdout when path is empty. done flushes and closes.
func outputTo(stdout io.Writer, path string) (w io.Writer, done func() error, err error) {
	if path == "" {
		return stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

// interruptible is a context that Ctrl-C or SIGTERM cancels: a long
// command then stops cleanly, keeping what it committed.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
