//go:build !(cgo && sqlite_cgo)

package store

import (
	"database/sql"
	"net/url"

	_ "modernc.org/sqlite" // registers "sqlite"
)

// SQLiteDriver names the SQLite driver in use: by default modernc's, pure
// Go, so the binary needs no C library.
const SQLiteDriver = "modernc.org/sqlite"

// openSQLite opens a SQLite file; pragmas are name(value) pairs.
func openSQLite(path string, readOnly bool, pragmas ...string) (*sql.DB, error) {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	if readOnly {
		q.Set("mode", "ro")
	}
	return sql.Open("sqlite", "file:"+path+"?"+q.Encode())
}
