package match

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/ariadne-vid/ariadne/internal/audio"
	"github.com/ariadne-vid/ariadne/internal/index"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/video"
)

// avMatcher finds known-bad videos and sounds: each known vPDQ frame is
// in a PDQ index (so a video is looked up against every stored frame,
// not compared with every stored video), each audio fingerprint item in
// an item index; the entries a media's frames or items hit are then
// compared in full (percentages and alignment). Both indexes are cached
// on disk like the PDQ index, and an entry's frames or fingerprint are
// read from the store only when an index hits it: a set of many videos
// and sounds is not read at each start.
//
// It is safe for concurrent use: the indexes are read-only once loaded,
// searchers (scratch space) come from a pool, and the entries read so
// far are kept in memos locked only around their maps.
type avMatcher struct {
	st        *store.Store
	frames    *index.Index        // IDs are entry IDs; one per usable frame
	searchers sync.Pool           // of *index.Searcher over frames
	vpdq      memo[[]video.Frame] // entries hit so far
	items     *itemIndex          // fingerprint item → entries holding it
	prints    memo[[]uint32]      // entries hit so far
}

// newAVMatcher loads the known-bad video and audio indexes; with a cache
// base, they are kept in base-vpdq.STATE.idx and base-audio.STATE.idx,
// state being the known-bad sets' (store.KnownBadState).
func newAVMatcher(ctx context.Context, st *store.Store, cacheBase, state string) (*avMatcher, error) {
	m := &avMatcher{st: st}
	var err error
	if m.frames, err = loadFrameIndex(ctx, st, cacheBase, state); err != nil {
		return nil, err
	}
	m.searchers.New = func() any { return m.frames.Searcher() }
	if m.items, err = loadAudioItems(ctx, st, cacheBase, state); err != nil {
		m.frames.Close()
		return nil, err
	}
	return m, nil
}

// loadFrameIndex reads the known frames' index from its cache, or builds
// it from the known vPDQ hashes (and caches it).
func loadFrameIndex(ctx context.Context, st *store.Store, cacheBase, state string) (*index.Index, error) {
	prefix, cache := "", ""
	if cacheBase != "" {
		prefix = cacheBase + "-vpdq"
		cache = prefix + "." + state + ".idx"
		ix, err := index.Open(cache)
		if err == nil {
			return ix, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			slog.Warn("vPDQ frame index cache unreadable; rebuilding it", "path", cache, "err", err)
		}
	}
	var hashes []index.Hash
	var ids []uint64
	err := st.KnownBadVPDQ(ctx, func(id int64, vpdq string) error {
		frames, err := video.ReadLines(strings.NewReader(vpdq))
		if err != nil {
			slog.Warn("known-bad entry has an unreadable vPDQ hash", "entry", id, "err", err)
		}
		for _, f := range frames {
			if f.Quality >= video.DefaultMatch.MinQuality {
				hashes = append(hashes, index.FromPDQ(f.Hash))
				ids = append(ids, uint64(id))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load known-bad vPDQ hashes: %w", err)
	}
	ix := index.Build(hashes, ids)
	if cache != "" && len(hashes) > 0 {
		removeStaleCaches(prefix)
		if err := ix.Save(cache); err != nil {
			slog.Warn("vPDQ frame index not cached", "path", cache, "err", err)
		}
	}
	return ix, nil
}

// loadAudioItems reads the item index from its cache, or builds it from
// the known fingerprints (and caches it).
func loadAudioItems(ctx context.Context, st *store.Store, cacheBase, state string) (*itemIndex, error) {
	prefix, cache := "", ""
	if cacheBase != "" {
		prefix = cacheBase + "-audio"
		cache = prefix + "." + state + ".idx"
		x, err := loadItemIndex(cache)
		if err == nil {
			return x, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			slog.Warn("audio item index cache unreadable; rebuilding it", "path", cache, "err", err)
		}
	}
	var b itemIndexBuilder
	err := st.KnownBadAudio(ctx, func(id int64, chromaprint string) error {
		items, _, err := audio.Decode(chromaprint)
		if err != nil {
			slog.Warn("known-bad entry has an unreadable audio fingerprint", "entry", id, "err", err)
			return nil
		}
		b.add(id, items)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load known-bad audio fingerprints: %w", err)
	}
	x := b.build()
	if cache != "" && x.len() > 0 {
		removeStaleCaches(prefix)
		if err := x.save(cache); err != nil {
			slog.Warn("audio item index not cached", "path", cache, "err", err)
		}
	}
	return x, nil
}

// printOf returns a known entry's fingerprint items, read from the store
// the first time.
func (m *avMatcher) printOf(ctx context.Context, id int64) ([]uint32, error) {
	if p, ok := m.prints.get(id); ok {
		return p, nil
	}
	text, err := m.st.EntryChromaprint(ctx, id)
	if err != nil {
		return nil, err
	}
	items, _, err := audio.Decode(text)
	if err != nil {
		slog.Warn("known-bad entry has an unreadable audio fingerprint", "entry", id, "err", err)
	}
	m.prints.put(id, items)
	return items, nil
}

func (m *avMatcher) empty() bool { return m.frames.Len() == 0 && m.items.len() == 0 }

func (m *avMatcher) close() { m.frames.Close() }

// framesOf returns a known entry's vPDQ frames, read from the store the
// first time.
func (m *avMatcher) framesOf(ctx context.Context, id int64) ([]video.Frame, error) {
	if f, ok := m.vpdq.get(id); ok {
		return f, nil
	}
	text, err := m.st.EntryVPDQ(ctx, id)
	if err != nil {
		return nil, err
	}
	frames, err := video.ReadLines(strings.NewReader(text))
	if err != nil {
		slog.Warn("known-bad entry has an unreadable vPDQ hash", "entry", id, "err", err)
	}
	m.vpdq.put(id, frames)
	return frames, nil
}

// matchStill adds the known videos one of whose frames is within the
// vPDQ frame distance of an image (any of its dihedral hashes, qs): a
// still grabbed from a known video, or the photo a video was made from.
// Frames below the vPDQ quality threshold are not indexed, and an image
// below it is not compared, as the reference drops such frames.
// The match's detail names the nearest frame, found among the entry's
// frames (read from the store: hits are rare).
func (m *avMatcher) matchStill(ctx context.Context, j *job) error {
	if m.frames.Len() == 0 || j.q.PDQQuality < video.DefaultMatch.MinQuality {
		return nil
	}
	qs := make([]index.Hash, len(j.dihedral))
	for i, h := range j.dihedral {
		qs[i] = index.FromPDQ(h)
	}
	// SearchAny keeps each entry once, at its nearest frame.
	sr := m.searchers.Get().(*index.Searcher)
	found := sr.SearchAny(nil, qs, video.DefaultMatch.Distance)
	m.searchers.Put(sr)
	for _, f := range found {
		frames, err := m.framesOf(ctx, int64(f.ID))
		if err != nil {
			return err
		}
		mt := store.Match{EntryID: int64(f.ID), SignalType: store.SignalVPDQFrame, Distance: f.Distance}
		for _, fr := range frames {
			if fr.Quality >= video.DefaultMatch.MinQuality && slices.ContainsFunc(j.dihedral, func(h pdq.Hash) bool { return pdq.Distance(h, fr.Hash) == f.Distance }) {
				mt.Detail = detailJSON(map[string]any{"frame_index": fr.Index, "frame_time": fr.Timestamp})
				break
			}
		}
		j.res.Matches = append(j.res.Matches, mt)
		j.res.Near = true
	}
	return nil
}

// match adds the vPDQ and audio matches of a query.
func (m *avMatcher) match(ctx context.Context, j *job) error {
	if len(j.q.VPDQ) > 0 && m.frames.Len() > 0 {
		votes := map[int64]int{}
		var found []index.Match
		sr := m.searchers.Get().(*index.Searcher)
		defer m.searchers.Put(sr)
		for _, f := range j.q.VPDQ {
			if f.Quality < video.DefaultMatch.MinQuality {
				continue
			}
			found = sr.Search(found[:0], index.FromPDQ(f.Hash), video.DefaultMatch.Distance)
			hit := map[int64]bool{}
			for _, x := range found {
				hit[int64(x.ID)] = true
			}
			for id := range hit {
				votes[id]++
			}
		}
		for _, id := range slices.Sorted(maps.Keys(votes)) {
			known, err := m.framesOf(ctx, id)
			if err != nil {
				return err
			}
			c := video.Compare(j.q.VPDQ, known, video.DefaultMatch)
			if c.Match {
				// The distance of a vPDQ match: the share of the query's
				// frames that did not match, in percent.
				j.res.Matches = append(j.res.Matches, store.Match{EntryID: id, SignalType: store.SignalVPDQ, Distance: int(math.Round(100 - c.QueryPercent)),
					Detail: detailJSON(map[string]any{"query_match_percent": c.QueryPercent, "compared_match_percent": c.ComparedPercent, "segments": c.Segments})})
				j.res.Near = true
			}
		}
	}
	if len(j.q.Audio) > 0 && m.items.len() > 0 {
		votes := map[int64]int{}
		for _, it := range j.q.Audio {
			m.items.each(it, func(id int64) { votes[id]++ })
		}
		for _, items := range j.q.AudioAtSpeeds {
			for _, it := range items {
				m.items.each(it, func(id int64) { votes[id]++ })
			}
		}
		for _, id := range slices.Sorted(maps.Keys(votes)) {
			if votes[id] < 2 {
				continue
			}
			known, err := m.printOf(ctx, id)
			if err != nil {
				return err
			}
			c := audio.CompareAtSpeeds(j.q.Audio, j.q.AudioAtSpeeds, known, audio.DefaultMatch)
			if c.Match {
				// The distance of an audio match: the bit error rate of the
				// matched segments, in percent.
				detail := map[string]any{"bit_error_rate": c.BER, "matched_seconds": c.Seconds, "evidence_bits": c.Evidence, "segments": c.Segments}
				if c.Speed != 0 {
					detail["speed"] = c.Speed
				}
				j.res.Matches = append(j.res.Matches, store.Match{EntryID: id, SignalType: store.SignalChromaprint, Distance: int(math.Round(100 * c.BER)),
					Detail: detailJSON(detail)})
				j.res.Near = true
			}
		}
	}
	return nil
}

// detailJSON is a match's detail (store.Match.Detail).
func detailJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
