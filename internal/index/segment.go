package index

import (
	"math"
	"math/bits"
	"slices"
)

// A segment is an immutable multi-index hash table (Norouzi, Punjani and
// Fleet) over n hashes. The 256 bits are cut into m substrings; substring
// i has width[i] bits, and table i maps each substring value to the
// positions of the hashes that have it: a dense directory of offsets
// (2^width+1 entries) into a postings array sorted by value. Sorted arrays,
// not pointer maps, so that a segment is a handful of flat slices that can
// be written to a file and memory-mapped back.
//
// Search uses the pigeonhole bound: with thresholds t_i and
// Σ(t_i+1) = r+1, any hash within distance r of the query is within t_i of
// it on some substring i, so probing every value within t_i of the query's
// substring in every table finds all of them.
type segment struct {
	hashes  []Hash   // n hashes
	ids     []uint64 // n IDs, parallel to hashes
	m       int
	offset  []uint8 // first bit of each substring
	width   []uint8 // bits of each substring
	dirs    [][]uint32
	posts   [][]uint32
	deleted []uint64 // bitset over positions; nil when nothing is deleted
	mem     [][]byte // huge-page mappings backing the arrays (alloc.go)
}

// maxWidth caps a directory at 2^24 entries (64 MiB).
const maxWidth = 24

// substringWidth picks the substring width for n hashes: about log2(n),
// so that a bucket holds about one hash and a probe costs one lookup.
func substringWidth(n int) int {
	w := int(math.Round(math.Log2(float64(max(n, 2)))))
	return min(max(w, 8), maxWidth)
}

// layout splits 256 bits into m = 256/w substrings of w or w+1 bits.
func layout(w int) (offset, width []uint8) {
	m := 256 / w
	base, extra := 256/m, 256%m
	off := 0
	for i := range m {
		bw := base
		if i < extra {
			bw++
		}
		offset = append(offset, uint8(off))
		width = append(width, uint8(bw))
		off += bw
	}
	return offset, width
}

// substring returns bits [off, off+w) of h.
func substring(h *Hash, off, w uint) uint32 {
	wi, bi := off/64, off%64
	v := h[wi] >> bi
	if bi+w > 64 {
		v |= h[wi+1] << (64 - bi)
	}
	return uint32(v & (1<<w - 1))
}

// buildSegment indexes copies of hashes and ids.
func buildSegment(hashes []Hash, ids []uint64) *segment {
	n := len(hashes)
	s := &segment{}
	s.hashes = allocSlice[Hash](s, n)
	copy(s.hashes, hashes)
	s.ids = allocSlice[uint64](s, n)
	copy(s.ids, ids)
	hashes = s.hashes
	s.offset, s.width = layout(substringWidth(n))
	s.m = len(s.width)
	s.dirs = make([][]uint32, s.m)
	s.posts = make([][]uint32, s.m)
	keys := make([]uint32, n)
	for i := range s.m {
		off, w := uint(s.offset[i]), uint(s.width[i])
		dir := allocSlice[uint32](s, 1<<w+1)
		for p := range hashes {
			k := substring(&hashes[p], off, w)
			keys[p] = k
			dir[k+1]++
		}
		for k := 1; k < len(dir); k++ {
			dir[k] += dir[k-1]
		}
		// Counting sort: positions end up grouped by key, ascending
		// within a bucket, so verification walks the hashes in order.
		post := allocSlice[uint32](s, n)
		next := slices.Clone(dir[:len(dir)-1])
		for p, k := range keys {
			post[next[k]] = uint32(p)
			next[k]++
		}
		s.dirs[i], s.posts[i] = dir, post
	}
	return s
}

func (s *segment) len() int { return len(s.hashes) }

func (s *segment) isDeleted(p uint32) bool {
	return s.deleted != nil && s.deleted[p/64]>>(p%64)&1 == 1
}

// live counts the entries not deleted.
func (s *segment) live() int {
	n := s.len()
	for _, w := range s.deleted {
		n -= bits.OnesCount64(w)
	}
	return n
}

// thresholds spreads r+1 over the m substrings: t[i] = -1 means table i
// is not probed.
func thresholds(m, r int, t []int) []int {
	t = t[:0]
	base, extra := (r+1)/m, (r+1)%m
	for i := range m {
		ti := base - 1
		if i < extra {
			ti++
		}
		t = append(t, ti)
	}
	return t
}

// probeCount is the number of values within distance t of a w-bit value.
func probeCount(w, t int) float64 {
	c, sum := 1.0, 0.0
	for k := 0; k <= t && k <= w; k++ {
		sum += c
		c = c * float64(w-k) / float64(k+1)
	}
	return sum
}

// Relative costs of the plan: a probe is a directory lookup (a likely
// cache miss), a candidate a random read of its hash; a linear scan reads
// hashes in order, several times cheaper each.
const (
	costProbe     = 1.0
	costCandidate = 1.0
	costScan      = 0.15
)

// useScan reports whether scanning every hash is cheaper than probing.
func (s *segment) useScan(t []int) bool {
	n := float64(s.len())
	cost := 0.0
	for i, ti := range t {
		if ti < 0 {
			continue
		}
		p := probeCount(int(s.width[i]), ti)
		cost += p * (costProbe + costCandidate*n/float64(uint64(1)<<s.width[i]))
	}
	return cost >= n*costScan
}

// scratch is one searcher's reusable buffers.
type scratch struct {
	t          []int
	keys       []uint32
	bounds     [][2]uint32
	candidates []uint32

	// Work done so far, for the bench command's per-query figures.
	probes, verified, scanned int64
}

// search appends to dst every live entry within distance r of q.
//
// Each table is searched in stages, each a tight loop of independent
// memory reads, so that the processor keeps many cache misses in flight
// instead of waiting for one at a time: all probe values, then all their
// directory entries, then the candidates' positions, then the candidates'
// hashes.
func (s *segment) search(dst []Match, q *Hash, r int, sc *scratch) []Match {
	if s.len() == 0 {
		return dst
	}
	t := thresholds(s.m, r, sc.t[:0])
	sc.t = t
	if s.useScan(t) {
		sc.scanned += int64(s.len())
		return s.scan(dst, q, r)
	}
	q0, q1, q2, q3 := q[0], q[1], q[2], q[3]
	hashes := s.hashes
	for i, ti := range t {
		if ti < 0 {
			continue
		}
		off, w := uint(s.offset[i]), uint(s.width[i])
		keys := appendProbes(sc.keys[:0], substring(q, off, w), ti, w, 0)
		sc.keys = keys
		dir, posts := s.dirs[i], s.posts[i]
		// First every directory read, with no branch on what it finds
		// (a mispredicted branch would stall the reads behind it)...
		bounds := sc.bounds[:0]
		for _, k := range keys {
			bounds = append(bounds, [2]uint32{dir[k], dir[k+1]})
		}
		sc.bounds = bounds
		// ...then the postings of the buckets that are not empty.
		cands := sc.candidates[:0]
		for _, lh := range bounds {
			for _, p := range posts[lh[0]:lh[1]] {
				cands = append(cands, p)
			}
		}
		sc.candidates = cands
		sc.probes += int64(len(keys))
		sc.verified += int64(len(cands))
		for _, p := range cands {
			x := &hashes[p]
			d := bits.OnesCount64(x[0]^q0) + bits.OnesCount64(x[1]^q1) +
				bits.OnesCount64(x[2]^q2) + bits.OnesCount64(x[3]^q3)
			if d <= r && !s.isDeleted(p) && !s.foundEarlier(q, x, i, t) {
				dst = append(dst, Match{ID: s.ids[p], Distance: d})
			}
		}
	}
	return dst
}

// appendProbes appends every value within distance budget of key,
// flipping bits at positions from `from` upward (each set once).
func appendProbes(dst []uint32, key uint32, budget int, w, from uint) []uint32 {
	dst = append(dst, key)
	if budget == 0 {
		return dst
	}
	for b := from; b < w; b++ {
		dst = appendProbes(dst, key^(1<<b), budget-1, w, b+1)
	}
	return dst
}

// foundEarlier reports whether an earlier table also reaches x: then that
// table reports it, and this one must not (de-duplication without a
// per-query set; only matches pay for it).
func (s *segment) foundEarlier(q, x *Hash, table int, t []int) bool {
	for j := range table {
		if t[j] < 0 {
			continue
		}
		off, w := uint(s.offset[j]), uint(s.width[j])
		if bits.OnesCount32(substring(q, off, w)^substring(x, off, w)) <= t[j] {
			return true
		}
	}
	return false
}

// scan verifies every hash in order.
func (s *segment) scan(dst []Match, q *Hash, r int) []Match {
	return scanHashes(dst, s.hashes, s.ids, q, r, s.isDeleted)
}

func scanHashes(dst []Match, hashes []Hash, ids []uint64, q *Hash, r int, deleted func(uint32) bool) []Match {
	q0, q1, q2, q3 := q[0], q[1], q[2], q[3]
	for p := range hashes {
		x := &hashes[p]
		d := bits.OnesCount64(x[0]^q0) + bits.OnesCount64(x[1]^q1) +
			bits.OnesCount64(x[2]^q2) + bits.OnesCount64(x[3]^q3)
		if d <= r && (deleted == nil || !deleted(uint32(p))) {
			dst = append(dst, Match{ID: ids[p], Distance: d})
		}
	}
	return dst
}

// scanBlock is how many stored hashes a blocked scan holds in cache
// (256 KiB) while every query of a batch is compared with them.
const scanBlock = 8192

// scanBatch answers many queries by one pass over the hashes, block by
// block: each block is read from memory once for the whole batch.
func (s *segment) scanBatch(out [][]Match, qs []Hash, r int) {
	for lo := 0; lo < s.len(); lo += scanBlock {
		hi := min(lo+scanBlock, s.len())
		block := s.hashes[lo:hi]
		for qi := range qs {
			q := &qs[qi]
			for j := range block {
				if d := distance(&block[j], q); d <= r && !s.isDeleted(uint32(lo+j)) {
					out[qi] = append(out[qi], Match{ID: s.ids[lo+j], Distance: d})
				}
			}
		}
	}
}

// deleteIDs marks every entry whose ID is in ids, returning how many.
func (s *segment) deleteIDs(ids map[uint64]bool) int {
	n := 0
	for p, id := range s.ids {
		if !ids[id] || s.isDeleted(uint32(p)) {
			continue
		}
		if s.deleted == nil {
			s.deleted = make([]uint64, (s.len()+63)/64)
		}
		s.deleted[p/64] |= 1 << (p % 64)
		n++
	}
	return n
}

func distance(a, b *Hash) int {
	return bits.OnesCount64(a[0]^b[0]) + bits.OnesCount64(a[1]^b[1]) +
		bits.OnesCount64(a[2]^b[2]) + bits.OnesCount64(a[3]^b[3])
}
