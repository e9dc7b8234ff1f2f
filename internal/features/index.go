package features

import (
	"cmp"
	"fmt"
	"math"
	"os"
	"slices"
	"sync"
)

// The index files each stored feature under one key per table: keyBits
// bits of its descriptor. Many of the 256 tests come out the same way
// for most keypoints (a keypoint's orientation makes them predictable),
// so the keys use the tests most balanced between 0 and 1, measured on
// generated rooms (TestKeyBits recomputes them), dealt in turn to the
// tables. Two descriptors a few bits apart share a table's key often;
// unrelated ones rarely.
const (
	tables  = 3
	keyBits = 16
	listed  = 128 // a picture's strongest features filed in the lists
)

// balancedBits are the tests nearest an even split, most balanced first.
var balancedBits = [tables * keyBits]uint8{22, 40, 109, 70, 118, 161, 81, 243, 237, 156, 0, 105, 167, 57, 137, 110, 2, 35, 179, 114, 66, 39, 244, 148,
	15, 60, 230, 224, 163, 145, 221, 29, 73, 33, 72, 209, 210, 193, 194, 212, 231, 88, 122, 200, 176, 138, 68, 206}

var keyPositions = func() [tables][keyBits]uint8 {
	var out [tables][keyBits]uint8
	for i, b := range balancedBits {
		out[i%tables][i/tables] = b
	}
	return out
}()

func key(d *Descriptor, t int) uint32 {
	var k uint32
	for i, p := range keyPositions[t] {
		k |= uint32(d[p/64]>>(p%64)&1) << i
	}
	return k
}

// Index holds stored pictures' features for lookups. Adding a picture
// appends to its lists: nothing is rebuilt. It is safe for concurrent
// use; searches share a read lock.
type Index struct {
	mu       sync.RWMutex
	perImage int
	buckets  [tables][][]uint32 // key → slots of the pictures filed there
	ids      []uint64           // slot → the caller's ID
	sets     setStore           // slot → the features, encoded (38 bytes each)
	postings int
	scratch  sync.Pool // *scores
}

// scores are a search's votes.
type scores struct {
	up, mirrored []float32
	touched      []uint32
}

// NewIndex returns an empty index in memory keeping up to perImage
// features of each picture (its strongest; 0: Stored).
func NewIndex(perImage int) *Index {
	return newIndex(perImage, &memSets{})
}

// NewFileIndex returns an empty index whose pictures' features are kept
// in a file at path (created, or emptied), read back only for the
// candidates a search verifies; the lists that find them stay in memory.
// This is the layout for millions of pictures: 256 features of a
// picture take 9.7 KB, its lists 3 KB (docs/matching.md).
func NewFileIndex(perImage int, path string) (*Index, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	return newIndex(perImage, &fileSets{f: f}), nil
}

// Close releases the index's file, if it has one.
func (x *Index) Close() error { return x.sets.close() }

func newIndex(perImage int, sets setStore) *Index {
	if perImage <= 0 {
		perImage = Stored
	}
	x := &Index{perImage: perImage, sets: sets}
	for t := range x.buckets {
		x.buckets[t] = make([][]uint32, 1<<keyBits)
	}
	return x
}

// Add files a picture's features under id.
func (x *Index) Add(id uint64, s *Set) error {
	s = s.Truncate(x.perImage)
	enc := s.Encode()
	x.mu.Lock()
	defer x.mu.Unlock()
	slot := uint32(len(x.ids))
	if err := x.sets.add(enc); err != nil {
		return err
	}
	x.ids = append(x.ids, id)
	// Only the strongest features are filed: they find the candidates,
	// and all of them verify.
	filed := s.Truncate(listed)
	keys := make([]uint32, filed.Len())
	for t := range tables {
		for i := range filed.Descriptors {
			keys[i] = key(&filed.Descriptors[i], t)
		}
		slices.Sort(keys)
		for _, k := range slices.Compact(keys) { // a picture is filed once per key
			x.buckets[t][k] = append(x.buckets[t][k], slot)
			x.postings++
		}
		keys = keys[:filed.Len()]
	}
	return nil
}

// Len is the number of pictures indexed.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.ids)
}

// Bytes is the memory the index's lists and features take, roughly
// (features in a file not counted).
func (x *Index) Bytes() int64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return int64(x.postings)*4 + x.sets.memory() + int64(len(x.ids))*8 + tables*(1<<keyBits)*24
}

// SearchOptions tune a search; zero values take the defaults.
type SearchOptions struct {
	// Candidates is how many of the pictures with the most votes are
	// verified (default 16); MinVotes the score a picture needs to be
	// one (default 4: a vote counts the log of how rare its key is).
	Candidates int
	MinVotes   int
	// Voters is how many of the query's strongest features vote (default
	// 150; all of them take part in verification).
	Voters int
	Match  MatchOptions
}

// Hit is a stored picture a query matched.
type Hit struct {
	ID     uint64
	Votes  float32 // its score among the candidates
	Result Result
}

// Search finds the stored pictures the query (upright, and mirrored when
// not nil) matches: the ones its features vote for most, each verified
// with Compare. Hits come with the most inliers first.
func (x *Index) Search(upright, mirrored *Set, o SearchOptions) ([]Hit, error) {
	o.Candidates, o.MinVotes, o.Voters = cmp.Or(o.Candidates, 16), cmp.Or(o.MinVotes, 4), cmp.Or(o.Voters, 150)
	x.mu.RLock()
	defer x.mu.RUnlock()
	n := len(x.ids)
	if n == 0 {
		return nil, nil
	}
	// Votes are counted in dense arrays, one per orientation of the
	// query, reused between searches; only the slots touched are read
	// back and cleared.
	sc, _ := x.scratch.Get().(*scores)
	if sc == nil || len(sc.up) < n {
		sc = &scores{up: make([]float32, n+n/4), mirrored: make([]float32, n+n/4)}
	}
	defer x.scratch.Put(sc)
	sc.touched = sc.touched[:0]
	// A key filed for far more pictures than its share says little: such
	// lists (flat patches, common edges) are skipped. The rest count by
	// how rare they are (an inverse document frequency): a key few
	// pictures have says more than a common one.
	mean := float64(x.postings) / float64(tables<<keyBits)
	limit := int(max(64, 8*mean))
	vote := func(s *Set, into []float32) {
		if s == nil {
			return
		}
		v := s.Truncate(o.Voters)
		keys := make([]uint32, v.Len())
		for t := range tables {
			for i := range v.Descriptors {
				keys[i] = key(&v.Descriptors[i], t)
			}
			slices.Sort(keys)
			for _, k := range slices.Compact(keys) {
				list := x.buckets[t][k]
				if len(list) == 0 || len(list) > limit {
					continue
				}
				w := float32(math.Log1p(float64(n) / float64(len(list))))
				for _, slot := range list {
					if sc.up[slot] == 0 && sc.mirrored[slot] == 0 {
						sc.touched = append(sc.touched, slot)
					}
					into[slot] += w
				}
			}
		}
	}
	vote(upright, sc.up)
	vote(mirrored, sc.mirrored)
	// The Candidates best, kept in a small array as the touched slots
	// are read.
	type cand struct {
		slot     uint32
		up, mirr float32
	}
	best := func(c cand) float32 { return max(c.up, c.mirr) }
	before := func(a, b cand) bool { return best(a) > best(b) || best(a) == best(b) && a.slot < b.slot }
	var top []cand
	worst := -1 // the index in top of the one the next better candidate replaces
	for _, slot := range sc.touched {
		c := cand{slot, sc.up[slot], sc.mirrored[slot]}
		sc.up[slot], sc.mirrored[slot] = 0, 0
		if best(c) < float32(o.MinVotes) || worst >= 0 && !before(c, top[worst]) {
			continue
		}
		if len(top) < o.Candidates {
			top = append(top, c)
			if len(top) < o.Candidates {
				continue
			}
		} else {
			top[worst] = c
		}
		worst = 0
		for i := range top {
			if before(top[worst], top[i]) {
				worst = i
			}
		}
	}
	var hits []Hit
	for _, c := range top {
		enc, err := x.sets.get(c.slot)
		if err != nil {
			return nil, err
		}
		stored, err := Decode(enc)
		if err != nil {
			return nil, err
		}
		// The orientation that voted more is verified first; the other
		// only if it voted nearly as much.
		first, second, flipped := upright, mirrored, false
		if c.mirr > c.up {
			first, second, flipped = mirrored, upright, true
		}
		r := Compare(first, stored, o.Match)
		if r.Match {
			r.Transform.Mirrored = flipped
		} else if second != nil && 2*min(c.up, c.mirr) >= best(c) {
			if r = Compare(second, stored, o.Match); r.Match {
				r.Transform.Mirrored = !flipped
			}
		}
		if r.Match {
			hits = append(hits, Hit{ID: x.ids[c.slot], Votes: best(c), Result: r})
		}
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		return cmp.Or(cmp.Compare(b.Result.Inliers, a.Result.Inliers), cmp.Compare(a.ID, b.ID))
	})
	return hits, nil
}

// setStore keeps the index's encoded sets by slot.
type setStore interface {
	add(enc []byte) error
	get(slot uint32) ([]byte, error)
	memory() int64
	close() error
}

type memSets struct {
	sets  [][]byte
	bytes int64
}

func (m *memSets) add(enc []byte) error {
	m.sets = append(m.sets, enc)
	m.bytes += int64(cap(enc)) + 24
	return nil
}
func (m *memSets) get(slot uint32) ([]byte, error) { return m.sets[slot], nil }
func (m *memSets) memory() int64                   { return m.bytes + int64(cap(m.sets))*24 }
func (m *memSets) close() error                    { return nil }

// fileSets appends the sets to a file and keeps their offsets.
type fileSets struct {
	f       *os.File
	offsets []int64 // slot → start; the next slot's (or the size) ends it
	size    int64
}

func (s *fileSets) add(enc []byte) error {
	if _, err := s.f.WriteAt(enc, s.size); err != nil {
		return fmt.Errorf("local-feature index: %w", err)
	}
	s.offsets = append(s.offsets, s.size)
	s.size += int64(len(enc))
	return nil
}

func (s *fileSets) get(slot uint32) ([]byte, error) {
	end := s.size
	if int(slot)+1 < len(s.offsets) {
		end = s.offsets[slot+1]
	}
	b := make([]byte, end-s.offsets[slot])
	if _, err := s.f.ReadAt(b, s.offsets[slot]); err != nil {
		return nil, fmt.Errorf("local-feature index: %w", err)
	}
	return b, nil
}

func (s *fileSets) memory() int64 { return int64(cap(s.offsets)) * 8 }
func (s *fileSets) close() error  { return s.f.Close() }
