package ingest

import (
	"context"
	"github.com/ariadne-vid/ariadne/internal/match"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/store/storetest"
)

// TestRematchFindsWhatIngestWouldFind: evidence ingested before the hash
// sets existed, then rematched once they are imported, ends with the
// classes and matches an ingest after the import records; the store is
// the same as that ingest's (SQLite, compared whole). A second rematch
// finds nothing new.
func TestRematchFindsWhatIngestWouldFind(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		f := newBareFixture(t, e)
		root := t.TempDir()
		want := f.triageTree(t, root)
		f.run(t, ctx, Options{Jobs: 2}, filepath.Join(root, "ex"))
		before := f.files(t)
		for _, p := range []string{"ex/known.jpg", "ex/near-small.jpg", "ex/ignorable.so"} {
			if c := before[p].class; c != "new" && c != "other" {
				t.Fatalf("%s: class %q before any hash set", p, c)
			}
		}

		f.addSets(t)
		c, _ := f.st.CaseByNumber(ctx, "T-1")
		opts := match.RematchOptions{}
		if !(e.Name == "postgres") {
			opts.IndexCache = f.dsn + ".pdq"
		}
		sum, err := match.Rematch(ctx, f.st, c.ID, 0, opts)
		if err != nil {
			t.Fatal(err)
		}
		got := f.files(t)
		for p, class := range want {
			if got[p].class != class {
				t.Errorf("after rematch, %s: class %q, want %q", p, got[p].class, class)
			}
		}
		// 9 media (every file whose content was read); 5 match: known.jpg
		// by MD5 and PDQ, three near by PDQ, ignorable.so by MD5 (6
		// matches).
		if sum.Media != 9 || sum.Matched != 5 || sum.Reclassified != 5 || sum.NewMatches != 6 {
			t.Errorf("summary %+v", sum)
		}
		again, err := match.Rematch(ctx, f.st, c.ID, 0, opts)
		if err != nil {
			t.Fatal(err)
		}
		if again.NewMatches != 0 || again.Reclassified != 0 || again.Matched != sum.Matched {
			t.Errorf("second rematch %+v, first %+v", again, sum)
		}

		if e.Name == "postgres" {
			return
		}
		refDir := t.TempDir()
		refPath := filepath.Join(refDir, "ref.db")
		ref := newFixture(t, storetest.Engine{Name: "sqlite", Store: openSQLite(t, refPath), DSN: refPath})
		ref.run(t, ctx, Options{Jobs: 2}, filepath.Join(root, "ex"))
		if w, g := storetest.Dump(t, refPath), storetest.Dump(t, f.dsn); !slices.Equal(w, g) {
			t.Errorf("rematched store differs from ingesting after the import:\n%s", diff(w, g))
		}
	})
}
