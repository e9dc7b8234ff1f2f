package match

import (
	"context"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
)

// knownSet fills a SQLite store with one known-bad set of n entries
// (random MD5 and PDQ) and returns queries: every other one a
// near-duplicate of an entry (8 bits flipped) with that entry's MD5, the
// others random.
func knownSet(t testing.TB, n, queries int) (*store.Store, string, []Query) {
	t.Helper()
	return knownSetIn(t, t.TempDir(), n, queries)
}

func knownSetIn(t testing.TB, dir string, n, queries int) (*store.Store, string, []Query) {
	db := filepath.Join(dir, "s.db")
	st := storetest.OpenSQLite(t, db)
	set, err := st.SaveHashSet(context.Background(), store.HashSet{Name: "bad", Kind: store.KnownBad})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	random := func() pdq.Hash {
		var h pdq.Hash
		for i := range h {
			h[i] = byte(rng.Uint32())
		}
		return h
	}
	md5 := func() string {
		b := make([]byte, 16)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return hex.EncodeToString(b)
	}
	hashes := make([]pdq.Hash, n)
	sums := make([]string, n)
	entries := make([]store.Entry, n)
	for i := range entries {
		hashes[i], sums[i] = random(), md5()
		entries[i] = store.Entry{Key: sums[i], MD5: sums[i], PDQ: hashes[i].String()}
	}
	storetest.WriteEntries(t, st, set.ID, entries...)
	qs := make([]Query, queries)
	for i := range qs {
		h, sum := random(), md5()
		if i%2 == 0 {
			k := rng.IntN(n)
			h, sum = hashes[k], sums[k]
			for range 8 {
				b := rng.IntN(256)
				h[b/8] ^= 1 << (b % 8)
			}
		}
		dihedral := []pdq.Hash{h}
		for range 7 {
			dihedral = append(dihedral, random())
		}
		qs[i] = Query{MD5: sum, PDQ: &dihedral[0], PDQQuality: 100, Dihedral: dihedral}
	}
	return st, db + ".pdq", qs
}

// TestConcurrentLookups: lookups from many goroutines at once give what
// the same lookups give one at a time (run it with -race too).
func TestConcurrentLookups(t *testing.T) {
	st, cache, qs := knownSet(t, 2000, 200)
	ctx := context.Background()
	m, err := NewMatcher(ctx, st, cache, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	want := make([]Result, len(qs))
	for i, q := range qs {
		if want[i], err = m.Lookup(ctx, q); err != nil {
			t.Fatal(err)
		}
		if near := i%2 == 0; want[i].Near != near || want[i].Known != near {
			t.Fatalf("query %d: %+v, want known and near %v", i, want[i], near)
		}
	}
	// A fresh matcher, so the memos fill while the goroutines race.
	m2, err := NewMatcher(ctx, st, cache, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	var wg sync.WaitGroup
	got := make([][]Result, 8)
	for g := range got {
		wg.Go(func() {
			got[g] = make([]Result, len(qs))
			for k := range qs {
				i := (k + g*25) % len(qs)
				r, err := m2.Lookup(ctx, qs[i])
				if err != nil {
					t.Error(err)
					return
				}
				got[g][i] = r
			}
		})
	}
	wg.Wait()
	for g := range got {
		for i := range qs {
			a, b := got[g][i], want[i]
			if a.Known != b.Known || a.Near != b.Near || len(a.Matches) != len(b.Matches) {
				t.Fatalf("goroutine %d, query %d: %+v, one at a time %+v", g, i, a, b)
			}
			for k := range a.Matches {
				if a.Matches[k] != b.Matches[k] {
					t.Fatalf("goroutine %d, query %d: match %d is %+v, one at a time %+v", g, i, k, a.Matches[k], b.Matches[k])
				}
			}
		}
	}
}

var (
	benchOnce    sync.Once
	benchDir     string
	benchQueries []Query
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// BenchmarkLookupParallel measures lookups (one MD5 and 8 dihedral PDQ
// hashes each, half of them hits) against 200,000 known-bad entries from
// GOMAXPROCS goroutines: go test -run XXX -bench LookupParallel -cpu 1,2.
func BenchmarkLookupParallel(b *testing.B) {
	// The set is made once per process (the benchmark function runs
	// several times); each run opens its own store, so its read pool is
	// sized by that run's GOMAXPROCS.
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ariadne-match-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchDir = dir
		_, _, benchQueries = knownSetIn(b, dir, 200_000, 4096)
	})
	st := storetest.OpenSQLite(b, filepath.Join(benchDir, "s.db"))
	cache, qs := filepath.Join(benchDir, "s.db.pdq"), benchQueries
	ctx := context.Background()
	m, err := NewMatcher(ctx, st, cache, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	var next sync.Mutex
	i := 0
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			next.Lock()
			q := qs[i%len(qs)]
			i++
			next.Unlock()
			if _, err := m.Lookup(ctx, q); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
}

// TestExactKinds: a media known by any one of its MD5, SHA-1 or SHA-256
// is known, by a match of that kind; one known to a known-good set only
// is ignorable.
func TestExactKinds(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenSQLite(t, filepath.Join(t.TempDir(), "s.db"))
	bad, _ := st.SaveHashSet(ctx, store.HashSet{Name: "bad", Kind: store.KnownBad})
	good, _ := st.SaveHashSet(ctx, store.HashSet{Name: "good", Kind: store.KnownGood})
	md5, sha1, sha256 := strings.Repeat("a", 32), strings.Repeat("b", 40), strings.Repeat("c", 64)
	storetest.WriteEntries(t, st, bad.ID, store.Entry{Key: "m", MD5: md5}, store.Entry{Key: "s1", SHA1: sha1}, store.Entry{Key: "s256", SHA256: sha256})
	storetest.WriteEntries(t, st, good.ID, store.Entry{Key: "g", SHA256: strings.Repeat("d", 64)})
	m, err := NewMatcher(ctx, st, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, c := range []struct {
		name  string
		q     Query
		kind  string
		class store.Class
	}{
		{"md5", Query{MD5: md5, SHA1: strings.Repeat("0", 40), SHA256: strings.Repeat("0", 64)}, "md5", store.ClassKnown},
		{"sha1", Query{MD5: strings.Repeat("0", 32), SHA1: sha1}, "sha1", store.ClassKnown},
		{"sha256", Query{SHA256: sha256}, "sha256", store.ClassKnown},
		{"known-good", Query{SHA256: strings.Repeat("d", 64)}, "sha256", store.ClassIgnorable},
		{"unknown", Query{MD5: strings.Repeat("1", 32)}, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := m.Lookup(ctx, c.q)
			if err != nil {
				t.Fatal(err)
			}
			if res.Class() != c.class {
				t.Errorf("class %q, want %q (%+v)", res.Class(), c.class, res)
			}
			if c.kind == "" {
				if len(res.Matches) != 0 {
					t.Errorf("matches %+v, want none", res.Matches)
				}
				return
			}
			if len(res.Matches) != 1 || res.Matches[0].SignalType != c.kind {
				t.Errorf("matches %+v, want one by %s", res.Matches, c.kind)
			}
		})
	}
}
