package hashsets

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/ariadne-vid/ariadne/internal/digest"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/store"
)

// ReadNSRL reads the FILE table of an NSRL RDS v3 database (a SQLite
// file: sha256, sha1, md5, file_name, file_size), opened read-only. Files
// of the same content under several names are one entry, keyed by hash.
func ReadNSRL(ctx context.Context, path string, sink Sink) (Report, error) {
	var rep Report
	db, err := store.OpenSQLiteFile(path, false)
	if err != nil {
		return rep, fmt.Errorf("NSRL %s: %w", path, err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT sha256, sha1, md5, file_name, file_size FROM FILE`)
	if err != nil {
		return rep, fmt.Errorf("NSRL %s: not an RDS v3 database (no FILE table with sha256, sha1, md5, file_name, file_size): %w", path, err)
	}
	defer rows.Close()
	for rows.Next() {
		rep.Records++
		var sha256, sha1, md5, name sql.NullString
		var size sql.NullInt64
		if err := rows.Scan(&sha256, &sha1, &md5, &name, &size); err != nil {
			sink.reject(&rep, rep.Records, "%v", err)
			continue
		}
		var e store.Entry
		bad := ""
		for _, h := range []struct {
			kind digest.HashKind
			v    sql.NullString
		}{{digest.SHA256, sha256}, {digest.SHA1, sha1}, {digest.MD5, md5}} {
			if !h.v.Valid || strings.TrimSpace(h.v.String) == "" {
				continue
			}
			v, err := digest.NormHex(h.kind, h.v.String)
			if err != nil {
				bad = err.Error()
				break
			}
			set(&e, h.kind, v)
		}
		if bad != "" || keyOf(&e) == "" {
			if bad == "" {
				bad = "no hash"
			}
			sink.reject(&rep, rep.Records, "row %d: %s", rep.Records, bad)
			continue
		}
		e.Key = keyOf(&e)
		e.FileName = name.String
		if size.Valid {
			e.Size = &size.Int64
		}
		if err := sink.accept(&rep, e); err != nil {
			return rep, err
		}
	}
	return rep, rows.Err()
}
