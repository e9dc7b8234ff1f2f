package hashsets

import (
	"database/sql"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/store"
)

func openSQLite(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := store.OpenSQLiteFile(path, true)
	if err != nil {
		t.Fatal(err)
	}
	return db
}
