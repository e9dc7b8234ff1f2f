package audio

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// MatchOptions are the thresholds of audio matching.
//
// Two recordings that merely sound alike (one synthetic voice, one
// room's hum, noise) agree on many fingerprint bits at every alignment,
// so agreement alone is no evidence. Matching therefore measures, for
// every item, how much better it agrees with the compared item at the
// alignment than with that item's neighbours a little earlier or later
// (the local null): a copy agrees at its one alignment only; a steady or
// alike sound agrees everywhere and earns nothing. The evidence of a
// stretch is the sum, in bits, of that advantage less a margin per item,
// so a short overlap needs a much lower error rate than a long one.
type MatchOptions struct {
	// Near and Far bound the local null: the compared items Near to Far
	// items (0.124 s each) before and after the aligned one.
	Near, Far int
	// Margin, in bits, is taken from every item's advantage, so that
	// chance agreement does not add up over long stretches.
	Margin float64
	// MinItems is the shortest segment reported, in items.
	MinItems int
	// MinEvidence is the evidence, in bits over all segments, from which
	// two recordings match.
	MinEvidence float64
	// MinSeconds is the matched duration from which two recordings match
	// (or 80% of the shorter one, if shorter).
	MinSeconds float64
	// MaxBER bounds a segment's bit error rate (unrelated audio sits near
	// 0.5, alike synthetic sounds near 0.3).
	MaxBER float64
}

// DefaultMatch are thresholds measured on a seeded benchmark of
// synthetic speech over synthetic backgrounds, its re-encoded,
// volume-changed, noise-added, cut and speed-changed copies, and
// thousands of pairs of different recordings that share a voice, words
// or a background (internal/audio/audioeval; docs/benchmarks.md).
//
// On that benchmark (seeds 1 and 2) no pair of different recordings
// earned more than 32 bits; 50 leaves that margin, and keeps 95% of the
// pairs of copies (every re-encoded, quieter, noisier and speed-changed
// copy; the misses are cuts sharing a few seconds of speech).
var DefaultMatch = MatchOptions{Near: 4, Far: 20, Margin: 2, MinItems: 8, MinEvidence: 50, MinSeconds: 2, MaxBER: 0.25}

// Segment is a stretch where two fingerprints agree: query time plus
// Offset is compared time, in seconds.
type Segment struct {
	QueryStart    float64 `json:"query_start"`
	QueryEnd      float64 `json:"query_end"`
	ComparedStart float64 `json:"compared_start"`
	ComparedEnd   float64 `json:"compared_end"`
	Offset        float64 `json:"offset"`
	BER           float64 `json:"bit_error_rate"`
}

// Comparison is how two fingerprints relate.
type Comparison struct {
	Match    bool    `json:"match"`
	Seconds  float64 `json:"matched_seconds"`
	BER      float64 `json:"bit_error_rate"` // over the matched segments (1 when none)
	Evidence float64 `json:"evidence_bits"`  // the segments' advantage over the local null
	// Speed is set when the query matched as a copy played at this speed
	// (see Speeds); segments give the query's own times.
	Speed    float64   `json:"speed,omitempty"`
	Segments []Segment `json:"segments,omitempty"`
}

// Compare aligns two fingerprints: every offset is scored by the items
// that agree closely, the best offsets are examined in turn, and at each
// the stretch with the most evidence (see MatchOptions) is a segment.
// Up to 4 segments at different offsets are kept (an edit that moved
// parts of a recording around).
func Compare(query, compared []uint32, opts MatchOptions) Comparison {
	res := Comparison{BER: 1}
	if len(query) == 0 || len(compared) == 0 {
		return res
	}
	// score[o]: items agreeing within 6 bits at offset o (compared index
	// = query index + o), o from -(len(query)-1) to len(compared)-1.
	base := len(query) - 1
	score := make([]int, len(query)+len(compared)-1)
	for o := range score {
		off := o - base
		lo, hi := max(0, -off), min(len(query), len(compared)-off)
		n := 0
		for i := lo; i < hi; i++ {
			if bits.OnesCount32(query[i]^compared[i+off]) <= 6 {
				n++
			}
		}
		score[o] = n
	}
	// The best offsets, each with its strongest stretch.
	var cands []segmentRun
	for range 8 {
		o := 0
		for k := range score {
			if score[k] > score[o] {
				o = k
			}
		}
		if score[o] < 3 {
			break
		}
		// Offsets next to a used one are the same alignment, a sample off.
		for k := max(0, o-2); k <= min(len(score)-1, o+2); k++ {
			score[k] = 0
		}
		if s, ok := strongestAt(query, compared, o-base, opts); ok {
			cands = append(cands, s)
		}
	}
	// Keep the strongest segments that do not overlap in the query.
	slices.SortFunc(cands, func(a, b segmentRun) int { return cmp.Compare(b.evidence, a.evidence) })
	var kept []segmentRun
	var errBits, items int
	for _, s := range cands {
		if len(kept) == 4 {
			break
		}
		// A copy, even re-cut, holds each part of the original once: a
		// segment that overlaps a stronger one in either recording is
		// chance agreement at another alignment.
		if slices.ContainsFunc(kept, func(k segmentRun) bool {
			return s.from < k.to && k.from < s.to || s.from+s.off < k.to+k.off && k.from+k.off < s.to+s.off
		}) {
			continue
		}
		kept = append(kept, s)
		res.Segments = append(res.Segments, s.Segment)
		errBits += s.errBits
		items += s.items
		res.Evidence += s.evidence
	}
	slices.SortFunc(res.Segments, func(a, b Segment) int { return cmp.Compare(a.QueryStart, b.QueryStart) })
	if items > 0 {
		res.BER = round3(float64(errBits) / float64(32*items))
		res.Seconds = round3(float64(items) * ItemSeconds)
		res.Evidence = math.Round(res.Evidence)
	}
	need := min(opts.MinSeconds, 0.8*float64(min(len(query), len(compared)))*ItemSeconds)
	res.Match = items > 0 && res.Seconds >= need && res.Evidence >= opts.MinEvidence
	return res
}

type segmentRun struct {
	Segment
	from, to       int // query items
	off            int // compared item = query item + off
	errBits, items int
	evidence       float64
}

// strongestAt finds, at one alignment, the stretch of query items whose
// advantage over the local null, less the margin, sums highest
// (Kadane's maximum subarray).
func strongestAt(query, compared []uint32, off int, opts MatchOptions) (segmentRun, bool) {
	lo, hi := max(0, -off), min(len(query), len(compared)-off)
	if hi-lo < opts.MinItems {
		return segmentRun{}, false
	}
	bestSum, bestFrom, bestTo := 0.0, 0, 0
	sum, from := 0.0, lo
	for i := lo; i < hi; i++ {
		j := i + off
		e := bits.OnesCount32(query[i] ^ compared[j])
		// The local null: the closest agreement of the item with the
		// compared items Near to Far items away. A periodic or steady
		// sound agrees as well a little earlier or later, so it earns
		// nothing; a copy agrees at its one alignment.
		null := 33
		for k := opts.Near; k <= opts.Far; k++ {
			if j-k >= 0 {
				null = min(null, bits.OnesCount32(query[i]^compared[j-k]))
			}
			if j+k < len(compared) {
				null = min(null, bits.OnesCount32(query[i]^compared[j+k]))
			}
		}
		d := -opts.Margin
		if null < 33 {
			d += float64(null - e)
		}
		if sum <= 0 {
			sum, from = 0, i
		}
		sum += d
		if sum > bestSum {
			bestSum, bestFrom, bestTo = sum, from, i+1
		}
	}
	if bestTo-bestFrom < opts.MinItems {
		return segmentRun{}, false
	}
	e := 0
	for i := bestFrom; i < bestTo; i++ {
		e += bits.OnesCount32(query[i] ^ compared[i+off])
	}
	n := bestTo - bestFrom
	s := Segment{
		QueryStart: round3(float64(bestFrom) * ItemSeconds), QueryEnd: round3(float64(bestTo) * ItemSeconds),
		Offset: round3(float64(off) * ItemSeconds), BER: round3(float64(e) / float64(32*n)),
	}
	s.ComparedStart, s.ComparedEnd = round3(s.QueryStart+s.Offset), round3(s.QueryEnd+s.Offset)
	if s.BER > opts.MaxBER {
		return segmentRun{}, false
	}
	return segmentRun{Segment: s, from: bestFrom, to: bestTo, off: off, errBits: e, items: n, evidence: bestSum}, true
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
