// Package index finds every stored 256-bit hash (PDQ, or a video frame's
// PDQ) within a Hamming radius of a query: exactly, with no missed and no
// false matches, fast enough for tens of millions of hashes.
//
// The structure is a log of immutable multi-index-hashing segments (see
// segment.go) plus a small in-memory tail: adds go to the tail, a full
// tail becomes a segment, and segments of similar size are merged, so an
// add never rebuilds the whole index. Deletes mark entries in a bitset and
// merges drop them. Many goroutines may search while one adds or deletes.
package index

import (
	"encoding/binary"
	"slices"
	"sync"

	"github.com/ariadne-vid/ariadne/internal/pdq"
)

// Hash is a 256-bit hash as four little-endian words of its 32 bytes.
// Distances do not depend on how the bits are numbered.
type Hash [4]uint64

// FromPDQ converts a PDQ hash.
func FromPDQ(h pdq.Hash) Hash { return fromBytes(h) }

// AppendDihedral appends the 8 dihedral hashes stored in pdq's form
// (pdq.FormatDihedral) to dst; "" appends none.
func AppendDihedral(dst []Hash, stored string) ([]Hash, error) {
	if stored == "" {
		return dst, nil
	}
	ds, err := pdq.ParseDihedral(stored)
	if err != nil {
		return dst, err
	}
	for _, d := range ds {
		dst = append(dst, FromPDQ(d))
	}
	return dst, nil
}

func fromBytes(b [32]byte) Hash {
	var x Hash
	for i := range x {
		x[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return x
}

// PDQ converts back.
func (h Hash) PDQ() pdq.Hash {
	var p pdq.Hash
	for i, w := range h {
		binary.LittleEndian.PutUint64(p[8*i:], w)
	}
	return p
}

// Match is one stored entry within the radius.
type Match struct {
	ID       uint64 `json:"id"`
	Distance int    `json:"distance"`
}

// DefaultRadius is PDQ's usual match threshold (pdq.DefaultRadius).
const DefaultRadius = pdq.DefaultRadius

// tailLimit is how many adds stay in the linearly scanned tail before they
// become a segment.
const tailLimit = 4096

// Index is safe for many concurrent searches and one writer at a time.
type Index struct {
	mu       sync.RWMutex
	segments []*segment // oldest (largest) first
	tail     []Hash
	tailIDs  []uint64
	tailDead map[int]bool // deleted positions in the tail

	writer sync.Mutex // serialises Add, Delete, Compact and merges
}

// New returns an empty index.
func New() *Index { return &Index{} }

// Build indexes hashes and their IDs in one segment (the fast path for a
// bulk load). The index keeps its own copies.
func Build(hashes []Hash, ids []uint64) *Index {
	if len(hashes) != len(ids) {
		panic("index.Build: hashes and ids differ in length")
	}
	ix := New()
	if len(hashes) > 0 {
		ix.segments = []*segment{buildSegment(hashes, ids)}
	}
	return ix
}

// Len is the number of live entries.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n := len(ix.tail) - len(ix.tailDead)
	for _, s := range ix.segments {
		n += s.live()
	}
	return n
}

// Segments reports the sizes of the segments and the tail (for tests and
// diagnostics).
func (ix *Index) Segments() (segments []int, tail int) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	for _, s := range ix.segments {
		segments = append(segments, s.len())
	}
	return segments, len(ix.tail)
}

// Add stores one hash under id. IDs need not be unique (an image's
// dihedral hashes, a video's frames); a search reports each stored entry.
func (ix *Index) Add(h Hash, id uint64) {
	ix.writer.Lock()
	defer ix.writer.Unlock()
	ix.mu.Lock()
	ix.tail = append(ix.tail, h)
	ix.tailIDs = append(ix.tailIDs, id)
	full := len(ix.tail) >= tailLimit
	ix.mu.Unlock()
	if full {
		ix.flushTail()
	}
}

// flushTail turns the tail into a segment and merges segments of similar
// size, like a binary counter: each entry is rebuilt O(log n) times in
// all, never the whole index per add. Building happens outside the read
// lock; only the swap holds it. Callers hold ix.writer.
func (ix *Index) flushTail() {
	ix.mu.RLock()
	hashes, ids := liveCopy(ix.tail, ix.tailIDs, func(p int) bool { return ix.tailDead[p] })
	segs := slices.Clone(ix.segments)
	ix.mu.RUnlock()

	merged := 0 // how many of the newest segments the new one replaces
	for len(segs)-merged > 0 {
		last := segs[len(segs)-1-merged]
		if last.live() > 2*len(hashes) {
			break
		}
		h, i := liveCopy(last.hashes, last.ids, func(p int) bool { return last.isDeleted(uint32(p)) })
		hashes, ids = append(h, hashes...), append(i, ids...)
		merged++
	}
	var seg *segment
	if len(hashes) > 0 {
		seg = buildSegment(hashes, ids)
	}

	ix.mu.Lock()
	defer ix.mu.Unlock()
	// Deletes cannot have happened meanwhile (they take ix.writer), so
	// the replaced segments and tail are exactly what was copied.
	keep := len(ix.segments) - merged
	for _, old := range ix.segments[keep:] {
		old.release() // no search is inside: they hold the read lock
	}
	ix.segments = ix.segments[:keep]
	if seg != nil {
		ix.segments = append(ix.segments, seg)
	}
	ix.tail, ix.tailIDs, ix.tailDead = nil, nil, nil
}

// Compact merges everything into one segment (before saving, say).
func (ix *Index) Compact() {
	ix.writer.Lock()
	defer ix.writer.Unlock()
	ix.mu.RLock()
	var hashes []Hash
	var ids []uint64
	for _, s := range ix.segments {
		h, i := liveCopy(s.hashes, s.ids, func(p int) bool { return s.isDeleted(uint32(p)) })
		hashes, ids = append(hashes, h...), append(ids, i...)
	}
	h, i := liveCopy(ix.tail, ix.tailIDs, func(p int) bool { return ix.tailDead[p] })
	hashes, ids = append(hashes, h...), append(ids, i...)
	single := len(ix.segments) == 1 && len(ix.tail) == 0 && ix.segments[0].deleted == nil
	ix.mu.RUnlock()
	if single {
		return
	}
	var segs []*segment
	if len(hashes) > 0 {
		segs = []*segment{buildSegment(hashes, ids)}
	}
	ix.mu.Lock()
	for _, old := range ix.segments {
		old.release()
	}
	ix.segments, ix.tail, ix.tailIDs, ix.tailDead = segs, nil, nil, nil
	ix.mu.Unlock()
}

func liveCopy(hashes []Hash, ids []uint64, dead func(int) bool) ([]Hash, []uint64) {
	h := make([]Hash, 0, len(hashes))
	i := make([]uint64, 0, len(ids))
	for p := range hashes {
		if !dead(p) {
			h = append(h, hashes[p])
			i = append(i, ids[p])
		}
	}
	return h, i
}

// Delete removes every entry stored under the given IDs and returns how
// many it removed. It scans the IDs (a delete is rare: a retracted
// hash-set entry), and merges later drop the entries for good.
func (ix *Index) Delete(ids ...uint64) int {
	want := make(map[uint64]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	ix.writer.Lock()
	defer ix.writer.Unlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	n := 0
	for _, s := range ix.segments {
		// The deleted bitset is on the heap even for a memory-mapped
		// segment, whose own slices are read-only.
		n += s.deleteIDs(want)
	}
	for p, id := range ix.tailIDs {
		if want[id] && !ix.tailDead[p] {
			if ix.tailDead == nil {
				ix.tailDead = map[int]bool{}
			}
			ix.tailDead[p] = true
			n++
		}
	}
	return n
}

// Searcher holds one goroutine's scratch space for searches.
type Searcher struct {
	ix *Index
	sc scratch
}

// SearchStats counts a Searcher's work: directory probes, candidate
// hashes verified, and hashes read by linear scans.
type SearchStats struct {
	Probes, Verified, Scanned int64
}

// Stats reports the work of every search made with s so far.
func (s *Searcher) Stats() SearchStats {
	return SearchStats{s.sc.probes, s.sc.verified, s.sc.scanned}
}

// Searcher returns a Searcher; use one per goroutine.
func (ix *Index) Searcher() *Searcher { return &Searcher{ix: ix} }

// Search appends to dst every entry within distance r of q, sorted by
// distance, then ID.
func (s *Searcher) Search(dst []Match, q Hash, r int) []Match {
	start := len(dst)
	ix := s.ix
	ix.mu.RLock()
	for _, seg := range ix.segments {
		dst = seg.search(dst, &q, r, &s.sc)
	}
	dst = scanHashes(dst, ix.tail, ix.tailIDs, &q, r, func(p uint32) bool { return ix.tailDead[int(p)] })
	ix.mu.RUnlock()
	sortMatches(dst[start:])
	return dst
}

// SearchAny searches for several hashes of one item (the 8 dihedral
// hashes of an image) as one query: each ID is reported once, with the
// smallest distance any of them reaches.
func (s *Searcher) SearchAny(dst []Match, qs []Hash, r int) []Match {
	start := len(dst)
	for _, q := range qs {
		dst = s.Search(dst, q, r)
	}
	found := dst[start:]
	slices.SortFunc(found, func(a, b Match) int {
		if a.ID != b.ID {
			return cmpU64(a.ID, b.ID)
		}
		return a.Distance - b.Distance
	})
	found = slices.CompactFunc(found, func(a, b Match) bool { return a.ID == b.ID })
	sortMatches(found)
	return dst[:start+len(found)]
}

// Search is a one-off search with a temporary Searcher.
func (ix *Index) Search(q Hash, r int) []Match { return ix.Searcher().Search(nil, q, r) }

// SearchBatch searches many queries; results[i] answers qs[i]. Where the
// radius makes probing pointless, a segment is scanned once, block by
// block, for the whole batch.
func (ix *Index) SearchBatch(qs []Hash, r int) [][]Match {
	out := make([][]Match, len(qs))
	s := ix.Searcher()
	ix.mu.RLock()
	for _, seg := range ix.segments {
		if seg.len() == 0 {
			continue
		}
		s.sc.t = thresholds(seg.m, r, s.sc.t[:0])
		if len(qs) > 1 && seg.useScan(s.sc.t) {
			seg.scanBatch(out, qs, r)
			continue
		}
		for i := range qs {
			out[i] = seg.search(out[i], &qs[i], r, &s.sc)
		}
	}
	for i := range qs {
		out[i] = scanHashes(out[i], ix.tail, ix.tailIDs, &qs[i], r, func(p uint32) bool { return ix.tailDead[int(p)] })
	}
	ix.mu.RUnlock()
	for _, m := range out {
		sortMatches(m)
	}
	return out
}

func sortMatches(m []Match) {
	slices.SortFunc(m, func(a, b Match) int {
		if a.Distance != b.Distance {
			return a.Distance - b.Distance
		}
		return cmpU64(a.ID, b.ID)
	})
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
