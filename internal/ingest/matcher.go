package ingest

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

	"github.com/ariadne-vid/ariadne/internal/index"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/video"
)

// Matcher finds what known hash sets say about files: exact matches in
// every set through the store's indexes, and PDQ near-duplicates of
// known-bad entries through a similarity index built from the store.
type Matcher struct {
	st         *store.Store
	ix         *index.Index
	searcher   *index.Searcher
	maxRadius  int
	minQuality int
	// entries caches the set radius and kind of entries the index found
	// (hits are rare, so this stays small).
	entries map[int64]store.EntryRef
	av      *avMatcher
}

// NewMatcher loads the known-bad PDQ hashes into an index. With a cache
// path, the index is saved there and reused while the known-bad sets are
// unchanged (their state is part of the file name).
func NewMatcher(ctx context.Context, st *store.Store, cachePath string, minQuality int) (*Matcher, error) {
	m := &Matcher{st: st, minQuality: minQuality, entries: map[int64]store.EntryRef{}}
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
	m.ix, m.searcher = ix, ix.Searcher()
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

// Close releases the indexes.
func (m *Matcher) Close() {
	m.ix.Close()
	m.av.close()
}

// Match classifies a batch of records: exact hits in any set, then PDQ
// near-duplicates of known-bad entries within each set's radius.
func (m *Matcher) Match(ctx context.Context, batch []*record) error {
	var hashes []string
	for _, r := range batch {
		if r.media != nil {
			for _, h := range []string{r.media.MD5, r.media.SHA1, r.media.SHA256} {
				if h != "" { // a lookup may know only some
					hashes = append(hashes, h)
				}
			}
		}
	}
	hits, err := m.st.LookupExactIDs(ctx, hashes)
	if err != nil {
		return fmt.Errorf("exact lookup: %w", err)
	}
	byHash := map[string][]store.ExactHit{}
	for _, h := range hits {
		byHash[h.Hash] = append(byHash[h.Hash], h)
	}
	var found []index.Match
	var qs []index.Hash
	for _, r := range batch {
		r.known, r.ignorable = false, false
		if r.media != nil {
			for _, sum := range []string{r.media.MD5, r.media.SHA1, r.media.SHA256} {
				for _, h := range byHash[sum] {
					r.matches = append(r.matches, store.Match{EntryID: h.EntryID, SignalType: exactSignal(len(h.Hash))})
					if h.Kind == store.KnownBad {
						r.known = true
					} else {
						r.ignorable = true
					}
				}
			}
		}
		if len(r.dihedral) == 0 || *r.res.PDQQuality < m.minQuality {
			continue
		}
		qs = qs[:0]
		for _, h := range r.dihedral {
			qs = append(qs, index.FromPDQ(h))
		}
		if err := m.av.matchStill(ctx, r); err != nil {
			return err
		}
		if m.maxRadius == 0 {
			continue
		}
		found = m.searcher.SearchAny(found[:0], qs, m.maxRadius)
		for _, f := range found {
			ref, err := m.entry(ctx, int64(f.ID))
			if err != nil {
				return err
			}
			if f.Distance <= ref.Radius {
				r.matches = append(r.matches, store.Match{EntryID: int64(f.ID), SignalType: "pdq", Distance: f.Distance})
				r.near = true
			}
		}
	}
	for _, r := range batch {
		if !m.av.empty() {
			if err := m.av.match(ctx, r); err != nil {
				return err
			}
		}
		if m.maxRadius > 0 && len(r.res.VPDQFrames) > 0 {
			if err := m.matchFrames(ctx, r); err != nil {
				return err
			}
		}
		r.file.Class = r.class()
	}
	return nil
}

// matchFrames looks a video's hashed frames up among the known-bad
// images' PDQ hashes: a slideshow or compilation made of known images is
// near them, whatever the video's own hash. Each entry is recorded once,
// at its nearest frame.
func (m *Matcher) matchFrames(ctx context.Context, r *record) error {
	type hit struct {
		distance int
		frame    video.Frame
	}
	nearest := map[int64]hit{}
	var found []index.Match
	for _, f := range r.res.VPDQFrames {
		if f.Quality < m.minQuality {
			continue
		}
		found = m.searcher.Search(found[:0], index.FromPDQ(f.Hash), m.maxRadius)
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
		r.matches = append(r.matches, store.Match{EntryID: id, SignalType: store.SignalFramePDQ, Distance: h.distance,
			Detail: detailJSON(map[string]any{"frame_index": h.frame.Index, "frame_time": h.frame.Timestamp})})
		r.near = true
	}
	return nil
}

func (m *Matcher) entry(ctx context.Context, id int64) (store.EntryRef, error) {
	if e, ok := m.entries[id]; ok {
		return e, nil
	}
	e, err := m.st.EntryByID(ctx, id)
	if err != nil {
		return e, fmt.Errorf("indexed entry %d: %w", id, err)
	}
	m.entries[id] = e
	return e, nil
}

func exactSignal(hexLen int) string {
	switch hexLen {
	case 32:
		return "md5"
	case 40:
		return "sha1"
	}
	return "sha256"
}

// Query is what is known of one media for Lookup: any of its hashes.
type Query struct {
	MD5, SHA1, SHA256 string
	PDQ               *pdq.Hash
	PDQQuality        int        // the PDQ hash's quality (0..100)
	Dihedral          []pdq.Hash // the PDQ hashes of its rotations and mirrors, if known
	VPDQ              []video.Frame
	Audio             []uint32   // fingerprint items
	AudioAtSpeeds     [][]uint32 // fingerprints at audio.Speeds (hasher.Result.AudioAtSpeeds)
}

// LookupResult is what Lookup found.
type LookupResult struct {
	Matches                []store.Match
	Known, Near, Ignorable bool // the triage the matches give
}

// Lookup matches one media's hashes as ingest matches a file's: exact
// hashes in every set, PDQ (with its rotations and mirrors) near
// known-bad entries within their set's radius, vPDQ and audio against
// known videos and sounds. Not safe for concurrent use.
func (m *Matcher) Lookup(ctx context.Context, q Query) (LookupResult, error) {
	r := queryRecord(q)
	if err := m.Match(ctx, []*record{r}); err != nil {
		return LookupResult{}, err
	}
	return LookupResult{Matches: r.matches, Known: r.known, Near: r.near, Ignorable: r.ignorable}, nil
}

// queryRecord is the record ingest would have made of a media with these
// hashes.
func queryRecord(q Query) *record {
	r := &record{}
	if q.MD5 != "" || q.SHA1 != "" || q.SHA256 != "" {
		r.media = &store.Media{MD5: q.MD5, SHA1: q.SHA1, SHA256: q.SHA256}
	}
	if q.PDQ != nil {
		h, quality := *q.PDQ, q.PDQQuality
		r.res.PDQ, r.res.PDQQuality = &h, &quality
		r.dihedral = []pdq.Hash{h}
		if len(q.Dihedral) > 0 {
			r.dihedral = q.Dihedral
		}
	}
	r.res.VPDQFrames = q.VPDQ
	r.res.AudioItems = q.Audio
	r.res.AudioAtSpeeds = q.AudioAtSpeeds
	return r
}
