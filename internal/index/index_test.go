package index

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func randomHash(rng *rand.Rand) Hash {
	return Hash{rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()}
}

// flip returns h with k distinct random bits flipped.
func flip(rng *rand.Rand, h Hash, k int) Hash {
	for _, b := range rng.Perm(256)[:k] {
		h[b/64] ^= 1 << (b % 64)
	}
	return h
}

type entry struct {
	h  Hash
	id uint64
}

// buildFrom bulk-builds an index of the entries.
func buildFrom(es []entry) *Index {
	hashes, ids := make([]Hash, len(es)), make([]uint64, len(es))
	for i, e := range es {
		hashes[i], ids[i] = e.h, e.id
	}
	return Build(hashes, ids)
}

func bruteForce(entries []entry, q Hash, r int) []Match {
	var out []Match
	for _, e := range entries {
		if d := distance(&e.h, &q); d <= r {
			out = append(out, Match{e.id, d})
		}
	}
	sortMatches(out)
	if out == nil {
		out = []Match{}
	}
	return out
}

func norm(m []Match) []Match {
	if m == nil {
		return []Match{}
	}
	return m
}

// dataset makes n hashes, a tenth of them near-duplicates of others, and
// exact duplicates under other IDs.
func dataset(rng *rand.Rand, n int) []entry {
	var es []entry
	for i := range n {
		h := randomHash(rng)
		switch {
		case i > 0 && i%10 == 0:
			h = flip(rng, es[rng.IntN(len(es))].h, 1+rng.IntN(30))
		case i > 0 && i%37 == 0:
			h = es[rng.IntN(len(es))].h
		}
		es = append(es, entry{h, uint64(i)})
	}
	return es
}

func queries(rng *rand.Rand, es []entry, n int) []Hash {
	var qs []Hash
	for i := range n {
		if i%2 == 0 && len(es) > 0 {
			qs = append(qs, flip(rng, es[rng.IntN(len(es))].h, rng.IntN(40)))
		} else {
			qs = append(qs, randomHash(rng))
		}
	}
	return qs
}

func TestSearchMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{0, 1, 100, 5000, 40000} {
		es := dataset(rng, n)
		ix := buildFrom(es)
		s := ix.Searcher()
		qs := queries(rng, es, 60)
		for r := 0; r <= 64; r++ {
			for _, q := range qs {
				got := norm(s.Search(nil, q, r))
				want := bruteForce(es, q, r)
				if !slices.Equal(got, want) {
					t.Fatalf("n=%d r=%d: got %d matches, want %d\n got %v\nwant %v", n, r, len(got), len(want), got, want)
				}
			}
		}
	}
}

func TestPlantedNearDuplicates(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	es := dataset(rng, 20000)
	ix := buildFrom(es)
	for k := 0; k <= 31; k++ {
		target := es[rng.IntN(len(es))]
		q := flip(rng, target.h, k)
		found := false
		for _, m := range ix.Search(q, DefaultRadius) {
			if m.ID == target.id {
				found = m.Distance == k
			}
		}
		if !found {
			t.Errorf("%d bits flipped: entry %d not found at distance %d", k, target.id, k)
		}
	}
}

func TestIncrementalAddDelete(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	es := dataset(rng, 3*tailLimit+123)
	ix := New()
	var live []entry
	check := func(stage string) {
		t.Helper()
		if ix.Len() != len(live) {
			t.Fatalf("%s: Len %d, want %d", stage, ix.Len(), len(live))
		}
		for _, q := range queries(rng, live, 40) {
			for _, r := range []int{0, 10, 31, 50} {
				if got, want := norm(ix.Search(q, r)), bruteForce(live, q, r); !slices.Equal(got, want) {
					t.Fatalf("%s r=%d: got %v want %v", stage, r, got, want)
				}
			}
		}
	}
	for i, e := range es {
		ix.Add(e.h, e.id)
		live = append(live, e)
		if i == 10 || i == tailLimit+5 || i == 2*tailLimit+7 {
			check("adding")
		}
	}
	segs, tail := ix.Segments()
	if len(segs) == 0 || tail == 0 {
		t.Errorf("segments %v tail %d: expected both in use", segs, tail)
	}
	check("all added")
	// Delete some IDs: from old segments and from the tail.
	del := []uint64{es[0].id, es[5].id, es[len(es)-1].id, es[tailLimit+1].id}
	if n := ix.Delete(del...); n != 4 {
		t.Errorf("deleted %d entries, want 4", n)
	}
	live = slices.DeleteFunc(live, func(e entry) bool { return slices.Contains(del, e.id) })
	check("after delete")
	// Deleting again removes nothing; adding the same ID again works.
	if n := ix.Delete(del...); n != 0 {
		t.Errorf("second delete removed %d", n)
	}
	ix.Add(es[0].h, es[0].id)
	live = append(live, es[0])
	check("re-added")
	// Merges drop deleted entries.
	for i := range tailLimit {
		e := entry{randomHash(rng), uint64(1_000_000 + i)}
		ix.Add(e.h, e.id)
		live = append(live, e)
	}
	check("after merges")
	ix.Compact()
	if segs, tail := ix.Segments(); len(segs) != 1 || tail != 0 || segs[0] != len(live) {
		t.Errorf("after Compact: segments %v tail %d, want one of %d", segs, tail, len(live))
	}
	check("compacted")
}

func TestEmptyIndex(t *testing.T) {
	ix := New()
	if m := ix.Search(Hash{}, 256); len(m) != 0 {
		t.Errorf("%v", m)
	}
	if ix.Len() != 0 || ix.Delete(1) != 0 {
		t.Error("empty index not empty")
	}
	ix.Compact()
	if m := Build(nil, nil).Search(Hash{1}, 31); len(m) != 0 {
		t.Errorf("%v", m)
	}
}

func TestSearchAnyDihedral(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	es := dataset(rng, 1000)
	ix := buildFrom(es)
	// Eight query hashes, two of them near the same entry at different
	// distances: that entry is reported once, at the smaller distance.
	qs := make([]Hash, 8)
	for i := range qs {
		qs[i] = randomHash(rng)
	}
	qs[2] = flip(rng, es[7].h, 20)
	qs[5] = flip(rng, es[7].h, 3)
	got := ix.Searcher().SearchAny(nil, qs, 31)
	var want []Match
	best := map[uint64]int{}
	for _, q := range qs {
		for _, m := range bruteForce(es, q, 31) {
			if d, ok := best[m.ID]; !ok || m.Distance < d {
				best[m.ID] = m.Distance
			}
		}
	}
	for id, d := range best {
		want = append(want, Match{id, d})
	}
	sortMatches(want)
	if !slices.Equal(norm(got), norm(want)) {
		t.Errorf("got %v want %v", got, want)
	}
	if best[es[7].id] != 3 {
		t.Errorf("entry 7 at %d, want 3", best[es[7].id])
	}
}

func TestConcurrentReadersWithWriter(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	es := dataset(rng, 2*tailLimit)
	ix := New()
	done := make(chan bool)
	for range 4 {
		go func() {
			s := ix.Searcher()
			rng := rand.New(rand.NewPCG(6, 6))
			for {
				select {
				case <-done:
					return
				default:
					s.Search(nil, randomHash(rng), 31)
				}
			}
		}()
	}
	for _, e := range es {
		ix.Add(e.h, e.id)
	}
	close(done)
	if ix.Len() != len(es) {
		t.Errorf("Len %d", ix.Len())
	}
}

func TestSearchBatchEqualsSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	es := dataset(rng, 3*tailLimit+500)
	ix := New()
	for _, e := range es {
		ix.Add(e.h, e.id)
	}
	ix.Delete(es[1].id)
	qs := queries(rng, es, 50)
	for _, r := range []int{0, 31, 64, 100} {
		batch := ix.SearchBatch(qs, r)
		for i, q := range qs {
			if got, want := norm(batch[i]), norm(ix.Search(q, r)); !slices.Equal(got, want) {
				t.Fatalf("r=%d query %d: batch %v, single %v", r, i, got, want)
			}
		}
	}
}
