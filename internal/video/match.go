package video

import (
	"cmp"
	"math"
	"slices"

	"github.com/ariadne-vid/ariadne/internal/index"
	"github.com/ariadne-vid/ariadne/internal/pdq"
)

// MatchOptions are the vPDQ matching thresholds. The defaults are the
// reference's (python-threatexchange): frames of quality below 50 are
// dropped on both sides, two frames match at distance 31 or less (the
// Python matcher's and FAISS index's "<="; the C++ brute matcher uses
// "<", 30), and a pair of videos matches when at least 80% of the query's
// frames match (any share of the compared video's).
type MatchOptions struct {
	MinQuality      int
	Distance        int
	QueryPercent    float64
	ComparedPercent float64
}

// DefaultMatch is the reference's matching.
var DefaultMatch = MatchOptions{MinQuality: pdq.DefaultMinQuality, Distance: pdq.DefaultRadius, QueryPercent: 80, ComparedPercent: 0}

// Segment is a stretch of time where two videos show the same frames:
// query time plus Offset is compared time.
type Segment struct {
	QueryStart    float64 `json:"query_start"`
	QueryEnd      float64 `json:"query_end"`
	ComparedStart float64 `json:"compared_start"`
	ComparedEnd   float64 `json:"compared_end"`
	Offset        float64 `json:"offset"`
	Frames        int     `json:"frames"` // query frames in the segment
}

// Comparison is how two vPDQ hashes relate.
type Comparison struct {
	QueryPercent    float64   `json:"query_match_percent"`
	ComparedPercent float64   `json:"compared_match_percent"`
	QueryFrames     int       `json:"query_frames"`    // after the quality filter
	ComparedFrames  int       `json:"compared_frames"` // after the quality filter
	Match           bool      `json:"match"`
	Segments        []Segment `json:"segments,omitempty"`
}

func usable(frames []Frame, minQuality int) []Frame {
	var out []Frame
	for _, f := range frames {
		if f.Quality >= minQuality {
			out = append(out, f)
		}
	}
	return out
}

// Compare matches query against compared: the reference's bag-of-frames
// percentages (frame order ignored, no de-duplication, as the C++
// matcher), then the aligned segments.
func Compare(query, compared []Frame, opts MatchOptions) Comparison {
	q, c := usable(query, opts.MinQuality), usable(compared, opts.MinQuality)
	res := Comparison{QueryFrames: len(q), ComparedFrames: len(c)}
	if len(q) == 0 || len(c) == 0 {
		return res
	}
	ix := indexFrames(c)
	s := ix.Searcher()
	var found []index.Match
	matchedC := make([]bool, len(c))
	type pair struct {
		qi, ci int
		offset float64
	}
	var pairs []pair
	matchedQ := 0
	for i, f := range q {
		found = s.Search(found[:0], index.FromPDQ(f.Hash), opts.Distance)
		if len(found) > 0 {
			matchedQ++
		}
		for k, m := range found {
			matchedC[m.ID] = true
			if k < 32 { // a still scene matches many frames; the nearest suffice for alignment
				pairs = append(pairs, pair{i, int(m.ID), c[m.ID].Timestamp - f.Timestamp})
			}
		}
	}
	mc := 0
	for _, m := range matchedC {
		if m {
			mc++
		}
	}
	res.QueryPercent = 100 * float64(matchedQ) / float64(len(q))
	res.ComparedPercent = 100 * float64(mc) / float64(len(c))
	res.Match = res.QueryPercent >= opts.QueryPercent && res.ComparedPercent >= opts.ComparedPercent

	// Alignment: vote for offsets (in steps of the query's frame
	// spacing, at least 0.25 s), then give each query frame to the
	// best-voted offset it supports, and cut runs of frames at gaps.
	step := 0.25
	if len(q) > 1 {
		step = max(step, (q[len(q)-1].Timestamp-q[0].Timestamp)/float64(len(q)-1))
	}
	bucket := func(off float64) int { return int(math.Round(off / step)) }
	votes := map[int]int{}
	seen := map[[2]int]bool{}
	for _, p := range pairs {
		k := [2]int{p.qi, bucket(p.offset)}
		if !seen[k] {
			seen[k] = true
			votes[k[1]]++
		}
	}
	best := make([]int, len(q)) // the chosen bucket of each query frame
	has := make([]bool, len(q))
	for _, p := range pairs {
		b := bucket(p.offset)
		if !has[p.qi] || votes[b] > votes[best[p.qi]] || (votes[b] == votes[best[p.qi]] && b < best[p.qi]) {
			best[p.qi], has[p.qi] = b, true
		}
	}
	const minFrames = 3
	gap := max(2.0, 3*step)
	var cur *Segment
	flush := func() {
		if cur != nil && cur.Frames >= minFrames {
			res.Segments = append(res.Segments, *cur)
		}
		cur = nil
	}
	curBucket := 0
	for i, f := range q {
		if !has[i] || votes[best[i]] < minFrames {
			continue
		}
		off := float64(best[i]) * step
		if cur != nil && (abs(best[i]-curBucket) > 1 || f.Timestamp-cur.QueryEnd > gap) {
			flush()
		}
		if cur == nil {
			cur = &Segment{QueryStart: f.Timestamp, Offset: off}
			curBucket = best[i]
		}
		cur.QueryEnd = f.Timestamp
		cur.Frames++
	}
	flush()
	for i := range res.Segments {
		sg := &res.Segments[i]
		ms := func(x float64) float64 { return math.Round(x*1000) / 1000 }
		sg.Offset = ms(sg.Offset)
		sg.QueryStart, sg.QueryEnd = ms(sg.QueryStart), ms(sg.QueryEnd)
		sg.ComparedStart, sg.ComparedEnd = ms(sg.QueryStart+sg.Offset), ms(sg.QueryEnd+sg.Offset)
	}
	slices.SortFunc(res.Segments, func(a, b Segment) int { return cmp.Compare(a.QueryStart, b.QueryStart) })
	return res
}

func indexFrames(frames []Frame) *index.Index {
	hashes := make([]index.Hash, len(frames))
	ids := make([]uint64, len(frames))
	for i, f := range frames {
		hashes[i], ids[i] = index.FromPDQ(f.Hash), uint64(i)
	}
	return index.Build(hashes, ids)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
