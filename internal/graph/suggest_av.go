package graph

import (
	"cmp"
	"context"
	"log/slog"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/audio"
	"github.com/ariadne-vid/ariadne/internal/index"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/video"
)

// avNearDuplicates proposes near-duplicate links between a case's videos
// and sounds, with the matchers' own decisions: two videos whose vPDQ
// hashes match (video.Compare, either way round), a still within the
// frame distance of one of a video's frames, and two recordings whose
// audio fingerprints match (audio.Compare). Candidates come from a frame
// index and from shared fingerprint items, so the cost follows the
// material, not the square of the case.
func (g *Graph) avNearDuplicates(ctx context.Context, ms []*media) ([]suggestion, error) {
	signals, err := g.st.AVSignalsOf(ctx, mediaIDs(ms))
	if err != nil {
		return nil, err
	}
	frames := map[int][]video.Frame{}
	prints := map[int][]uint32{}
	for i, m := range ms {
		for _, sg := range signals[m.id] {
			switch sg.Type {
			case store.SignalVPDQ:
				fr, err := video.ReadLines(strings.NewReader(sg.Value))
				if err != nil {
					slog.Warn("stored vPDQ hash unreadable; video not compared within the case", "sha256", m.sha, "err", err)
					continue
				}
				frames[i] = fr
			case store.SignalChromaprint:
				items, _, err := audio.Decode(sg.Value)
				if err != nil {
					slog.Warn("stored audio fingerprint unreadable; sound not compared within the case", "sha256", m.sha, "err", err)
					continue
				}
				prints[i] = items
			}
		}
	}
	type key struct{ a, b int64 }
	found := map[key]suggestion{}
	add := func(i, j int, evidence map[string]any) {
		from, to := pair(ms[i], ms[j])
		k := key{from.ID, to.ID}
		if _, ok := found[k]; !ok {
			found[k] = suggestion{from: from, relation: NearDuplicate, to: to, evidence: evidence}
		}
	}

	// Every usable frame of every video, by video.
	var hashes []index.Hash
	var owners []uint64
	for _, i := range slices.Sorted(maps.Keys(frames)) {
		for _, f := range frames[i] {
			if f.Quality >= video.DefaultMatch.MinQuality {
				hashes, owners = append(hashes, index.FromPDQ(f.Hash)), append(owners, uint64(i))
			}
		}
	}
	if len(hashes) > 0 {
		s := index.Build(hashes, owners).Searcher()
		var hits []index.Match
		for _, i := range slices.Sorted(maps.Keys(frames)) {
			candidates := map[int]bool{}
			for _, f := range frames[i] {
				if f.Quality < video.DefaultMatch.MinQuality {
					continue
				}
				for _, h := range s.Search(hits[:0], index.FromPDQ(f.Hash), video.DefaultMatch.Distance) {
					if j := int(h.ID); j > i {
						candidates[j] = true
					}
				}
			}
			for _, j := range slices.Sorted(maps.Keys(candidates)) {
				c := video.Compare(frames[i], frames[j], video.DefaultMatch)
				if !c.Match {
					c = video.Compare(frames[j], frames[i], video.DefaultMatch)
				}
				if c.Match {
					add(i, j, map[string]any{"signal": store.SignalVPDQ, "distance": int(math.Round(100 - c.QueryPercent)),
						"query_match_percent": c.QueryPercent, "compared_match_percent": c.ComparedPercent})
				}
			}
		}
		// A still of the case against every video's frames.
		for i, m := range ms {
			h, err := index.ParseHex(m.pdq)
			if err != nil || m.pdq == "" || m.quality < video.DefaultMatch.MinQuality || frames[i] != nil {
				continue
			}
			best := map[int]int{}
			for _, f := range s.Search(hits[:0], h, video.DefaultMatch.Distance) {
				if d, ok := best[int(f.ID)]; !ok || f.Distance < d {
					best[int(f.ID)] = f.Distance
				}
			}
			for _, j := range slices.Sorted(maps.Keys(best)) {
				add(i, j, map[string]any{"signal": store.SignalVPDQFrame, "distance": best[j], "radius": video.DefaultMatch.Distance})
			}
		}
	}

	// Recordings sharing at least two fingerprint items are compared.
	byItem := map[uint32][]int{}
	for _, i := range slices.Sorted(maps.Keys(prints)) {
		seen := map[uint32]bool{}
		for _, it := range prints[i] {
			if !seen[it] {
				seen[it] = true
				byItem[it] = append(byItem[it], i)
			}
		}
	}
	for _, i := range slices.Sorted(maps.Keys(prints)) {
		votes := map[int]int{}
		for _, it := range prints[i] {
			for _, j := range byItem[it] {
				if j > i {
					votes[j]++
				}
			}
		}
		for _, j := range slices.Sorted(maps.Keys(votes)) {
			if votes[j] < 2 {
				continue
			}
			c := audio.Compare(prints[i], prints[j], audio.DefaultMatch)
			if !c.Match {
				c = audio.Compare(prints[j], prints[i], audio.DefaultMatch)
			}
			if c.Match {
				add(i, j, map[string]any{"signal": store.SignalChromaprint, "distance": int(math.Round(100 * c.BER)),
					"matched_seconds": c.Seconds, "evidence_bits": c.Evidence})
			}
		}
	}
	return sortedSuggestions(found), nil
}

// joinNear adds AV suggestions to the PDQ ones, a pair once (the PDQ
// evidence first).
func joinNear(pdq, av []suggestion) []suggestion {
	type key struct{ a, b int64 }
	have := map[key]bool{}
	for _, s := range pdq {
		have[key{s.from.ID, s.to.ID}] = true
	}
	out := slices.Clone(pdq)
	for _, s := range av {
		if !have[key{s.from.ID, s.to.ID}] {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b suggestion) int {
		return cmp.Or(cmp.Compare(a.from.ID, b.from.ID), cmp.Compare(a.to.Kind, b.to.Kind), cmp.Compare(a.to.ID, b.to.ID))
	})
	return out
}
