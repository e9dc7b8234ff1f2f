package ingest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

// TestArchiveMembersFanOut: members handed to other workers give the
// store that hashing them where they are read gives, for a zip of many
// images, a nested zip, and a tar.gz cut inside a member (its reading
// error kept); every archive's record is written after all its members'
// (a resumed run relies on it).
func TestArchiveMembersFanOut(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ex")
	many := map[string][]byte{}
	for i := range 40 {
		many[fmt.Sprintf("DCIM/%03d.png", i)] = encodePNG(t, synth.Scene(uint64(700+i), 160, 120))
	}
	many["inner.zip"] = makeZip(t, map[string][]byte{"x.png": many["DCIM/001.png"], "y.txt": []byte("y")})
	noise := make([]byte, 64000)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	tgz := makeTarGz(t, map[string][]byte{"a.png": many["DCIM/002.png"], "b.bin": noise, "c.txt": []byte("c")}, true)
	writeTree(t, dir, map[string][]byte{
		"phone.zip": makeZip(t, many),
		"cut.tgz":   tgz[:len(tgz)*2/3],
		"loose.png": many["DCIM/003.png"],
	})
	ingestWith := func(fanOut bool, jobs int) []string {
		archiveFanOut = fanOut
		defer func() { archiveFanOut = true }()
		path := filepath.Join(t.TempDir(), "s.db")
		f := newFixture(t, storetest.Engine{Name: "sqlite", Store: openSQLite(t, path), DSN: path})
		f.run(t, context.Background(), Options{Jobs: jobs, BatchSize: 5}, dir)
		checkArchivesAfterMembers(t, path)
		return storetest.Dump(t, path)
	}
	inline := ingestWith(false, 1)
	if !slices.ContainsFunc(inline, func(s string) bool {
		return strings.Contains(s, "cut.tgz!/b.bin") && strings.Contains(s, "unexpected EOF")
	}) {
		t.Errorf("the member cut short has no read error recorded:\n%s", strings.Join(inline, "\n"))
	}
	for _, jobs := range []int{1, 2, 4} {
		if got := ingestWith(true, jobs); !slices.Equal(got, inline) {
			t.Errorf("fan-out with %d jobs differs from reading members inline:\n%s", jobs, diff(inline, got))
		}
	}
}

// checkArchivesAfterMembers checks, from row IDs (the order of writing),
// that each archive's file row comes after the rows of its members.
func checkArchivesAfterMembers(t *testing.T, path string) {
	t.Helper()
	db, err := store.OpenSQLiteFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT id, path FROM file`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	ids := map[string]int64{}
	for rows.Next() {
		var id int64
		var p string
		if err := rows.Scan(&id, &p); err != nil {
			t.Fatal(err)
		}
		ids[p] = id
	}
	for p, id := range ids {
		for archive, aid := range ids {
			if strings.HasPrefix(p, archive+"!/") && id > aid {
				t.Errorf("%s (row %d) written after its archive %s (row %d)", p, id, archive, aid)
			}
		}
	}
}
