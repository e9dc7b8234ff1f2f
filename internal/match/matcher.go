package match

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/ariadne-vid/ariadne/internal/digest"
	"github.com/ariadne-vid/ariadne/internal/features"
	"github.com/ariadne-vid/ariadne/internal/index"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/video"
)

// Matcher finds what known hash sets say about media: exact matches in
// every set through the store's indexes, PDQ near-duplicates of known-bad
// entries through a similarity index built from the store, and known
// videos and sounds (av.go).
//
// A Matcher is safe for concurrent use: its indexes are read-only once
// loaded, the scratch space of a search comes from a pool, and the few
// entries hits have read are kept in memos locked only around their maps,
// so no lock is held across a store query or a search.
type Matcher struct {
	st         *store.Store
	ix         *index.Index
	searchers  sync.Pool // of *index.Searcher over ix
	maxRadius  int
	minQuality int
	// entries caches the set radius and kind of entries the index found
	// (hits are rare, so this stays small).
	entries memo[store.EntryRef]
	av      *avMatcher
	local   *localMatcher
}

// NewMatcher loads the known-bad PDQ hashes into an index. With a cache
// path, the index is saved there and reused while the known-bad sets are
// unchanged (their state is part of the file name).
func NewMatcher(ctx context.Context, st *store.Store, cachePath string, minQuality int) (*Matcher, error) {
	if minQuality == 0 {
		minQuality = pdq.DefaultMinQuality
	}
	m := &Matcher{st: st, minQuality: minQuality}
	state, maxRadius, err := st.KnownBadState(ctx)
	if err != nil {
		return nil, fmt.Errorf("known-bad sets: %w", err)
	}
	m.maxRadius = maxRadius
	// The video and audio caches are named cachePath-vpdq... and
	// cachePath-audio..., not cachePath.*: removeStaleCaches(cachePath)
	// would take those for stale PDQ indexes.
	if m.av, err = newAVMatcher(ctx, st, cachePath, state); err != nil {
		return nil, err
	}
	if m.local, err = newLocalMatcher(ctx, st); err != nil {
		m.av.close()
		return nil, err
	}
	cache := ""
	if cachePath != "" {
		cache = cachePath + "." + state + ".idx"
		if ix, err := index.Open(cache); err == nil {
			m.setIndex(ix)
			return m, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			slog.Warn("PDQ index cache unreadable; rebuilding it", "path", cache, "err", err)
		}
	}
	var hashes []index.Hash
	var ids []uint64
	err = st.KnownBadPDQ(ctx, func(id int64, hex string) error {
		h, err := index.ParseHex(hex)
		if err != nil {
			slog.Warn("known-bad entry has an invalid PDQ hash; it cannot match by similarity", "entry", id, "err", err)
			return nil
		}
		hashes = append(hashes, h)
		ids = append(ids, uint64(id))
		return nil
	})
	if err != nil {
		m.av.close()
		return nil, fmt.Errorf("load known-bad PDQ hashes: %w", err)
	}
	m.setIndex(index.Build(hashes, ids))
	if cache != "" && len(hashes) > 0 {
		removeStaleCaches(cachePath)
		if err := m.ix.Save(cache); err != nil {
			slog.Warn("PDQ index not cached", "path", cache, "err", err)
		}
	}
	return m, nil
}

func (m *Matcher) setIndex(ix *index.Index) {
	m.ix = ix
	m.searchers.New = func() any { return ix.Searcher() }
}

// removeStaleCaches deletes index caches of earlier states of the sets.
func removeStaleCaches(prefix string) {
	old, _ := filepath.Glob(prefix + ".*.idx")
	for _, p := range old {
		if !strings.Contains(filepath.Base(p), ".tmp-") {
			os.Remove(p)
		}
	}
}

// Len is the number of known-bad PDQ hashes indexed.
func (m *Matcher) Len() int { return m.ix.Len() }

// LocalFeatures reports whether known media can be matched by local
// features: queries then want their mirrored features too.
func (m *Matcher) LocalFeatures() bool { return !m.local.empty() }

// Close releases the indexes.
func (m *Matcher) Close() {
	m.ix.Close()
	m.av.close()
}

// Query is what is known of one media: any of its hashes.
type Query struct {
	MD5, SHA1, SHA256 string
	PDQ               *pdq.Hash
	PDQQuality        int        // the PDQ hash's quality (0..100)
	Dihedral          []pdq.Hash // the PDQ hashes of its rotations and mirrors, if known
	// Thumbnail is the PDQ of its embedded EXIF thumbnail, if any.
	Thumbnail        *pdq.Hash
	ThumbnailQuality int
	VPDQ             []video.Frame
	Audio            []uint32   // fingerprint items
	AudioAtSpeeds    [][]uint32 // fingerprints at audio.Speeds (hasher.Result.AudioAtSpeeds)
	// Features are a picture's local features, and FeaturesMirrored its
	// mirror image's (nil: not compared mirrored); Exhibits are those
	// holding it, whose known media it is not compared with.
	Features, FeaturesMirrored *features.Set
	Exhibits                   []int64
	// skipExact leaves the exact hashes out of the lookup (rematch's
	// local-feature pass).
	skipExact bool
}

// Result is what the known sets say of one media.
type Result struct {
	Matches                []store.Match
	Known, Near, Ignorable bool // the triage the matches give
}

// Class is the triage class the matches give, by precedence (known,
// near, ignorable), or "" when nothing matched.
func (r Result) Class() store.Class {
	switch {
	case r.Known:
		return store.ClassKnown
	case r.Near:
		return store.ClassNear
	case r.Ignorable:
		return store.ClassIgnorable
	}
	return ""
}

// job is one query on its way through Match.
type job struct {
	q        Query
	dihedral []pdq.Hash // the query's PDQ hashes to search: its dihedral ones, or its own
	res      Result
}

// Lookup matches one media's hashes as ingest matches a file's: exact
// hashes in every set, PDQ (with its rotations and mirrors) near
// known-bad entries within their set's radius, vPDQ and audio against
// known videos and sounds.
func (m *Matcher) Lookup(ctx context.Context, q Query) (Result, error) {
	res, err := m.Match(ctx, []Query{q})
	if err != nil {
		return Result{}, err
	}
	return res[0], nil
}

// Match matches a batch of queries (one store round trip for the exact
// hashes of all of them); the results are in the queries' order.
func (m *Matcher) Match(ctx context.Context, queries []Query) ([]Result, error) {
	jobs := make([]job, len(queries))
	var hashes []string
	for i, q := range queries {
		jobs[i].q = q
		if q.PDQ != nil {
			jobs[i].dihedral = q.Dihedral
			if len(q.Dihedral) == 0 {
				jobs[i].dihedral = []pdq.Hash{*q.PDQ}
			}
		}
		for _, h := range []string{q.MD5, q.SHA1, q.SHA256} {
			if h != "" && !q.skipExact { // a lookup may know only some
				hashes = append(hashes, h)
			}
		}
	}
	hits, err := m.st.LookupExactIDs(ctx, hashes)
	if err != nil {
		return nil, fmt.Errorf("exact lookup: %w", err)
	}
	byHash := map[string][]store.ExactHit{}
	for _, h := range hits {
		byHash[h.Hash] = append(byHash[h.Hash], h)
	}
	sr := m.searchers.Get().(*index.Searcher)
	defer m.searchers.Put(sr)
	var found []index.Match
	var qs []index.Hash
	out := make([]Result, len(jobs))
	for i := range jobs {
		j := &jobs[i]
		for _, sum := range []string{j.q.MD5, j.q.SHA1, j.q.SHA256} {
			if sum == "" || j.q.skipExact {
				continue
			}
			for _, h := range byHash[sum] {
				kind, err := digest.ExactKindOfHex(h.Hash)
				if err != nil {
					return nil, fmt.Errorf("exact hit %q: %w", h.Hash, err)
				}
				j.res.Matches = append(j.res.Matches, store.Match{EntryID: h.EntryID, SignalType: string(kind)})
				if h.Kind == store.KnownBad {
					j.res.Known = true
				} else {
					j.res.Ignorable = true
				}
			}
		}
		if len(j.dihedral) > 0 && j.q.PDQQuality >= m.minQuality {
			qs = qs[:0]
			for _, h := range j.dihedral {
				qs = append(qs, index.FromPDQ(h))
			}
			if err := m.av.matchStill(ctx, j); err != nil {
				return nil, err
			}
			if m.maxRadius > 0 {
				found = sr.SearchAny(found[:0], qs, m.maxRadius)
				for _, f := range found {
					ref, err := m.entry(ctx, int64(f.ID))
					if err != nil {
						return nil, err
					}
					if f.Distance <= ref.Radius {
						j.res.Matches = append(j.res.Matches, store.Match{EntryID: int64(f.ID), SignalType: store.SignalPDQ, Distance: f.Distance})
						j.res.Near = true
					}
				}
			}
		}
		if t := j.q.Thumbnail; t != nil && j.q.ThumbnailQuality >= m.minQuality && m.maxRadius > 0 {
			if err := m.matchThumbnail(ctx, sr, j); err != nil {
				return nil, err
			}
		}
		if !m.av.empty() {
			if err := m.av.match(ctx, j); err != nil {
				return nil, err
			}
		}
		if err := m.local.match(j); err != nil {
			return nil, err
		}
		if m.maxRadius > 0 && len(j.q.VPDQ) > 0 {
			if err := m.matchFrames(ctx, sr, j); err != nil {
				return nil, err
			}
		}
		out[i] = j.res
	}
	return out, nil
}

// matchThumbnail looks a picture's embedded thumbnail up among the
// known-bad PDQ hashes: a cropped or retouched copy that kept its
// original's thumbnail is near the original. Thumbnails below the
// quality threshold are recorded but not matched.
func (m *Matcher) matchThumbnail(ctx context.Context, sr *index.Searcher, j *job) error {
	for _, f := range sr.Search(nil, index.FromPDQ(*j.q.Thumbnail), m.maxRadius) {
		ref, err := m.entry(ctx, int64(f.ID))
		if err != nil {
			return err
		}
		if f.Distance <= ref.Radius {
			j.res.Matches = append(j.res.Matches, store.Match{EntryID: int64(f.ID), SignalType: store.SignalThumbnailPDQ, Distance: f.Distance})
			j.res.Near = true
		}
	}
	return nil
}

// matchFrames looks a video's hashed frames up among the known-bad
// images' PDQ hashes: a slideshow or compilation made of known images is
// near them, whatever the video's own hash. Each entry is recorded once,
// at its nearest frame.
func (m *Matcher) matchFrames(ctx context.Context, sr *index.Searcher, j *job) error {
	type hit struct {
		distance int
		frame    video.Frame
	}
	nearest := map[int64]hit{}
	var found []index.Match
	for _, f := range j.q.VPDQ {
		if f.Quality < m.minQuality {
			continue
		}
		found = sr.Search(found[:0], index.FromPDQ(f.Hash), m.maxRadius)
		for _, x := range found {
			ref, err := m.entry(ctx, int64(x.ID))
			if err != nil {
				return err
			}
			id := int64(x.ID)
			if h, seen := nearest[id]; x.Distance <= ref.Radius && (!seen || x.Distance < h.distance) {
				nearest[id] = hit{x.Distance, f}
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(nearest)) {
		h := nearest[id]
		j.res.Matches = append(j.res.Matches, store.Match{EntryID: id, SignalType: store.SignalFramePDQ, Distance: h.distance,
			Detail: detailJSON(map[string]any{"frame_index": h.frame.Index, "frame_time": h.frame.Timestamp})})
		j.res.Near = true
	}
	return nil
}

func (m *Matcher) entry(ctx context.Context, id int64) (store.EntryRef, error) {
	if e, ok := m.entries.get(id); ok {
		return e, nil
	}
	e, err := m.st.EntryByID(ctx, id)
	if err != nil {
		return e, fmt.Errorf("indexed entry %d: %w", id, err)
	}
	m.entries.put(id, e)
	return e, nil
}

// memo keeps values read from the store by entry ID; safe for concurrent
// use, and locked only around the map (two lookups missing at once both
// read the entry, which is harmless).
type memo[V any] struct {
	mu sync.Mutex
	m  map[int64]V
}

func (c *memo[V]) get(id int64) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[id]
	return v, ok
}

func (c *memo[V]) put(id int64, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[int64]V{}
	}
	c.m[id] = v
}
