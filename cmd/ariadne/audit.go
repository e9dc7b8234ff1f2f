package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/auditlog"
	"github.com/ariadne-vid/ariadne/internal/store"
)

func init() {
	register(command{name: "audit", summary: "the tamper-evident audit log: audit verify|checkpoint|export", run: runAudit})
}

func runAudit(args []string, stdout, stderr io.Writer) error {
	return runVerb("audit", map[string]verb{"verify": auditVerify, "checkpoint": auditCheckpoint, "export": auditExport}, args, stdout, stderr)
}

// auditKeyPath is where the installation's signing key lives: never in
// the store, so that write access to the database is not enough to
// re-sign a rewritten log. $ARIADNE_AUDIT_KEY, else beside a SQLite
// store, else in the user's configuration folder.
func auditKeyPath(dsn string) (string, error) {
	if p := os.Getenv("ARIADNE_AUDIT_KEY"); p != "" {
		return p, nil
	}
	if !strings.Contains(dsn, "://") {
		return dsn + ".audit-key", nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no place for the audit key (set ARIADNE_AUDIT_KEY): %w", err)
	}
	return filepath.Join(dir, "ariadne", fmt.Sprintf("store-%016x.audit-key", fnv64(dsn))), nil
}

// fnv64 names a PostgreSQL store's files (index cache, audit key)
// without putting its URL, and any password in it, in a path.
func fnv64(s string) uint64 {
	var h uint64 = 14695981039346656037
	for _, c := range []byte(s) {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return h
}

// auditKey reads the signing key, making one (readable by its owner
// only) the first time.
func auditKey(path string) (audit.Key, error) {
	data, err := os.ReadFile(path)
	if err == nil {
		return audit.ParseKey(string(data))
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return audit.Key{}, err
	}
	host, _ := os.Hostname()
	name := "ariadne." + strings.Map(func(r rune) rune {
		if r == '+' || r <= ' ' {
			return '-'
		}
		return r
	}, cmp.Or(host, "local"))
	k, err := audit.NewKey(name)
	if err != nil {
		return k, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return k, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return k, fmt.Errorf("create audit key: %w", err)
	}
	if _, err := f.WriteString(k.Format()); err != nil {
		f.Close()
		return k, err
	}
	return k, f.Close()
}

// auditLog is the store's audit log with the installation's key.
func auditLog(st *store.Store, dsn string) (*auditlog.Log, error) {
	path, err := auditKeyPath(dsn)
	if err != nil {
		return nil, err
	}
	k, err := auditKey(path)
	if err != nil {
		return nil, fmt.Errorf("audit key %s: %w", path, err)
	}
	return auditlog.New(st, k), nil
}

// recordAudit appends what a command did to the audit log and signs a
// checkpoint of it: a command's run is short, so its entries are
// protected when it ends. The user is the operating-system user until
// accounts exist; the client is "cli".
func recordAudit(ctx context.Context, st *store.Store, dsn string, entries ...audit.Entry) error {
	user := cmp.Or(os.Getenv("USER"), "cli")
	for i := range entries {
		entries[i].User = cmp.Or(entries[i].User, user)
		entries[i].Client = cmp.Or(entries[i].Client, "cli")
		entries[i].Outcome = cmp.Or(entries[i].Outcome, "ok")
	}
	l, err := auditLog(st, dsn)
	if err != nil {
		return err
	}
	if err := l.Append(ctx, entries...); err != nil {
		return err
	}
	_, err = l.Checkpoint(ctx)
	return err
}

// auditVerify is "audit verify": recomputes the tree and checks every
// checkpoint with the verifier key from outside the store.
func auditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("audit verify", "[--verifier-key VKEY] [--db DB]", stderr)
	db := dbFlag(fs)
	vkey := fs.String("verifier-key", "", "the installation's verifier key (default: from the key file, $ARIADNE_AUDIT_KEY or beside the store)")
	_, st, err := parseOpen(ctx, fs, args, db, 0, "no arguments")
	if err != nil {
		return err
	}
	defer st.Close()
	if *vkey == "" {
		path, err := auditKeyPath(*db)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("no verifier key: give --verifier-key, or keep the key file (%w)", err)
		}
		k, err := audit.ParseKey(string(data))
		if err != nil {
			return err
		}
		*vkey = k.Verifier
	}
	entries, err := st.AuditEntries(ctx)
	if err != nil {
		return err
	}
	cps, err := st.Checkpoints(ctx)
	if err != nil {
		return err
	}
	res, err := audit.Verify(entries, cps, *vkey)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "audit log verified: %d entries, %d signed checkpoints", res.Entries, res.Checkpoints)
	if res.Latest != nil {
		fmt.Fprintf(stdout, "; the latest (%s) covers %d entries", res.Latest.Time, res.Latest.Size)
	}
	if res.Unprotected > 0 {
		fmt.Fprintf(stdout, "; %d entries after it await the next checkpoint", res.Unprotected)
	}
	fmt.Fprintln(stdout)
	return nil
}

// auditCheckpoint is "audit checkpoint": signs the log as it is (when
// the latest checkpoint does not cover it) and prints the latest signed
// checkpoint, for a court report.
func auditCheckpoint(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("audit checkpoint", "[--db DB]", stderr)
	db := dbFlag(fs)
	_, st, err := parseOpen(ctx, fs, args, db, 0, "no arguments")
	if err != nil {
		return err
	}
	defer st.Close()
	l, err := auditLog(st, *db)
	if err != nil {
		return err
	}
	c, err := l.Checkpoint(ctx)
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, c.Signed)
	fmt.Fprintf(stderr, "verifier key: %s\n", l.Verifier())
	return nil
}

// auditExport is "audit export": entries as JSON lines, each with its
// inclusion proof against the latest checkpoint (entries after it have
// none yet).
func auditExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("audit export", "[--from T] [--to T] [--user U] [--object O] [--db DB]", stderr)
	db := dbFlag(fs)
	from := fs.String("from", "", "entries at or after this time (RFC 3339 or YYYY-MM-DD)")
	to := fs.String("to", "", "entries before this time")
	user := fs.String("user", "", "one user's entries")
	object := fs.String("object", "", "entries about one object (case:C-1, media:SHA256, ...)")
	_, st, err := parseOpen(ctx, fs, args, db, 0, "no arguments")
	if err != nil {
		return err
	}
	defer st.Close()
	entries, err := st.AuditEntries(ctx)
	if err != nil {
		return err
	}
	var tree audit.Tree
	for _, e := range entries {
		if _, err := tree.Append(e.Leaf); err != nil {
			return err
		}
	}
	cps, err := st.Checkpoints(ctx)
	if err != nil {
		return err
	}
	var latest *audit.Checkpoint
	path, _ := auditKeyPath(*db)
	if data, err := os.ReadFile(path); err == nil {
		if k, err := audit.ParseKey(string(data)); err == nil {
			for _, sig := range cps {
				if c, err := audit.Open(sig, k.Verifier); err == nil && (latest == nil || c.Size > latest.Size) {
					latest = &c
				}
			}
		}
	}
	type line struct {
		audit.Entry
		LeafHash   string           `json:"leaf_hash"`
		Checkpoint int64            `json:"checkpoint_size,omitempty"`
		Proof      tlog.RecordProof `json:"inclusion_proof,omitempty"`
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, e := range entries {
		r := e.Row
		if *user != "" && r.User != *user || *object != "" && r.Object != *object || *from != "" && r.Time < *from || *to != "" && r.Time >= *to {
			continue
		}
		l := line{Entry: r, LeafHash: e.LeafHash}
		if latest != nil && r.Seq < latest.Size {
			if l.Proof, err = tree.Prove(r.Seq, latest.Size); err != nil {
				return err
			}
			l.Checkpoint = latest.Size
		}
		if err := enc.Encode(l); err != nil {
			return err
		}
	}
	_, err = stdout.Write(buf.Bytes())
	return err
}
