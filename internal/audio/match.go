package audio

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// MatchOptions are the thresholds of audio matching.
type MatchOptions struct {
	// MaxBER is the bit error rate below which aligned stretches count
	// as the same sound (unrelated audio sits near 0.5).
	MaxBER float64
	// Window is the number of items (of 1365 samples, 0.124 s) over which
	// the bit error rate is smoothed.
	Window int
	// MinItems is the shortest segment reported, in items.
	MinItems int
	// MinSeconds is the matched duration from which two recordings match
	// (or the whole of the shorter one, if shorter).
	MinSeconds float64
}

// DefaultMatch are thresholds measured on re-encoded (MP3, Ogg),
// volume-changed, noise-added and trimmed copies of speech and synthetic
// background sounds against unrelated clips (internal/audio tests).
var DefaultMatch = MatchOptions{MaxBER: 0.30, Window: 8, MinItems: 16, MinSeconds: 4}

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
	Match    bool      `json:"match"`
	Seconds  float64   `json:"matched_seconds"`
	BER      float64   `json:"bit_error_rate"` // over the matched segments (1 when none)
	Segments []Segment `json:"segments,omitempty"`
}

// Compare aligns two fingerprints: every offset is scored by the items
// that agree closely, the best offsets are examined in turn, and where
// the smoothed bit error rate stays under MaxBER a segment is reported.
// Up to 4 segments at different offsets are found (an edit that moved
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
	covered := make([]bool, len(query))
	var errBits, items int
	for range 4 {
		o := 0
		for k := range score {
			if score[k] > score[o] {
				o = k
			}
		}
		if score[o] < 3 {
			break
		}
		off := o - base
		// Offsets next to a used one are the same alignment, a sample off.
		for k := max(0, o-2); k <= min(len(score)-1, o+2); k++ {
			score[k] = 0
		}
		found := segmentsAt(query, compared, off, covered, opts)
		for _, s := range found {
			res.Segments = append(res.Segments, s.Segment)
			errBits += s.errBits
			items += s.items
			for i := s.from; i < s.to; i++ {
				covered[i] = true
			}
		}
	}
	slices.SortFunc(res.Segments, func(a, b Segment) int { return cmp.Compare(a.QueryStart, b.QueryStart) })
	if items > 0 {
		res.BER = round3(float64(errBits) / float64(32*items))
		res.Seconds = round3(float64(items) * ItemSeconds)
	}
	need := min(opts.MinSeconds, 0.8*float64(min(len(query), len(compared)))*ItemSeconds)
	res.Match = items > 0 && res.Seconds >= need
	return res
}

type segmentRun struct {
	Segment
	from, to       int // query items
	errBits, items int
}

// segmentsAt finds the stretches at one alignment where the smoothed bit
// error rate is below the threshold.
func segmentsAt(query, compared []uint32, off int, covered []bool, opts MatchOptions) []segmentRun {
	lo, hi := max(0, -off), min(len(query), len(compared)-off)
	if hi <= lo {
		return nil
	}
	errs := make([]int, hi-lo)
	for i := lo; i < hi; i++ {
		errs[i-lo] = bits.OnesCount32(query[i] ^ compared[i+off])
	}
	// A steady sound (a held tone, a hum) gives items that hardly change,
	// and two different steady sounds give alike items: such stretches
	// are no evidence. An item is informative when it differs from the
	// one before by a few bits; a window needs half of its items so.
	informative := make([]int, len(errs))
	for i := lo; i < hi; i++ {
		if i > 0 && bits.OnesCount32(query[i]^query[i-1]) >= 3 {
			informative[i-lo] = 1
		}
	}
	w := max(1, opts.Window)
	good := make([]bool, len(errs))
	sum, info := 0, 0
	for i := range errs {
		sum += errs[i]
		info += informative[i]
		if i >= w {
			sum -= errs[i-w]
			info -= informative[i-w]
		}
		n := min(i+1, w)
		if float64(sum)/float64(32*n) < opts.MaxBER && 2*info >= n {
			// The window that ends here is good: all its items are.
			for k := i - n + 1; k <= i; k++ {
				good[k] = true
			}
		}
	}
	var out []segmentRun
	for i := 0; i < len(good); {
		if !good[i] || covered[i+lo] {
			i++
			continue
		}
		j := i
		e := 0
		for j < len(good) && good[j] && !covered[j+lo] {
			e += errs[j]
			j++
		}
		if j-i >= opts.MinItems {
			from, to := i+lo, j+lo
			s := Segment{
				QueryStart: round3(float64(from) * ItemSeconds), QueryEnd: round3(float64(to) * ItemSeconds),
				Offset: round3(float64(off) * ItemSeconds), BER: round3(float64(e) / float64(32*(j-i))),
			}
			s.ComparedStart, s.ComparedEnd = round3(s.QueryStart+s.Offset), round3(s.QueryEnd+s.Offset)
			out = append(out, segmentRun{Segment: s, from: from, to: to, errBits: e, items: j - i})
		}
		i = j
	}
	return out
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
