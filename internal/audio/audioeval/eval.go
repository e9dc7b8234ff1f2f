package audioeval

import (
	"context"
	"fmt"
	"io"
	"runtime"

	"golang.org/x/sync/errgroup"

	"github.com/ariadne-vid/ariadne/internal/audio"
	"github.com/ariadne-vid/ariadne/internal/ffmpeg"
)

// Prints are a clip's fingerprints: at normal speed and at audio.Speeds.
type Prints struct {
	Items    []uint32
	AtSpeeds [][]uint32
}

// Fingerprints decodes every clip as ingest does (ffmpeg to 11,025 Hz
// mono) and fingerprints it; the result is in the order of c.Clips.
func Fingerprints(ctx context.Context, c *Corpus) ([]Prints, error) {
	out := make([]Prints, len(c.Clips))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, cl := range c.Clips {
		g.Go(func() error {
			f := audio.NewSpeedFingerprinter()
			if err := ffmpeg.PCM(gctx, c.Path(cl), func(s []int16) error { f.Write(s); return nil }); err != nil {
				return fmt.Errorf("%s: %w", cl.File, err)
			}
			out[i].Items, out[i].AtSpeeds = f.Finish()
			if len(out[i].Items) == 0 {
				return fmt.Errorf("%s: no fingerprint (too short?)", cl.File)
			}
			return nil
		})
	}
	return out, g.Wait()
}

// Relation is what two clips of the corpus have in common.
type Relation string

// The relations a pair of clips can have. The first two are the same
// recording (a match is wanted); the others are different recordings.
const (
	CopyOfOriginal  Relation = "copy of the original"
	CopyOfCopy      Relation = "two copies"
	SameVoice       Relation = "same voice, other words"
	SameWords       Relation = "same words, other voice"
	SameBackground  Relation = "same background, other speech"
	SteadyDistract  Relation = "steady sound"
	OtherRecordings Relation = "unrelated"
)

// MinOverlap is the least stretch of one recording's speech, in seconds,
// that two of its copies must share to be counted as a pair that should
// match.
const MinOverlap = 4.0

// Pair is two clips (indices into Corpus.Clips) and how they relate.
type Pair struct {
	A, B     int
	Relation Relation
	// Alteration is the copy's alteration for CopyOfOriginal pairs.
	Alteration Alteration
}

// Same says the pair is two versions of one recording.
func (p Pair) Same() bool { return p.Relation == CopyOfOriginal || p.Relation == CopyOfCopy }

// Pairs lists every pair of clips worth measuring: every pair of one
// spoken source's clips (its copies are the same recording), and, for
// different recordings, every pair of originals and every copy against
// every other source's original. Steady sounds' own copies are not made:
// such a sound is no evidence, so it is measured only as a negative.
func Pairs(c *Corpus) []Pair {
	src := make(map[int]Source, len(c.Sources))
	for _, s := range c.Sources {
		src[s.ID] = s
	}
	var out []Pair
	for i, a := range c.Clips {
		for j := i + 1; j < len(c.Clips); j++ {
			b := c.Clips[j]
			if a.Source == b.Source {
				// What both hold of the speech: background alone is
				// nothing to recognise a recording by.
				if min(a.End, b.End, src[a.Source].Speech)-max(a.Start, b.Start) < MinOverlap {
					continue // too little in common to ask for a match
				}
				p := Pair{A: i, B: j, Relation: CopyOfCopy}
				switch {
				case a.Alteration == Original:
					p.Relation, p.Alteration = CopyOfOriginal, b.Alteration
				case b.Alteration == Original:
					p.Relation, p.Alteration = CopyOfOriginal, a.Alteration
				}
				out = append(out, p)
				continue
			}
			if a.Alteration != Original && b.Alteration != Original {
				continue
			}
			out = append(out, Pair{A: i, B: j, Relation: relation(src[a.Source], src[b.Source])})
		}
	}
	return out
}

func relation(a, b Source) Relation {
	switch {
	case a.Steady || b.Steady:
		return SteadyDistract
	case a.Text == b.Text:
		return SameWords
	case a.Voice == b.Voice:
		return SameVoice
	case a.Background == b.Background:
		return SameBackground
	}
	return OtherRecordings
}

// Row is one line of the benchmark's table: the pairs of one relation
// (and, for copies of the original, one alteration).
type Row struct {
	Name    string
	Same    bool // the pairs are one recording: matches are wanted
	Pairs   int
	Matched int // at the operating point
	// AboveNegatives counts pairs whose evidence exceeds every pair of
	// different recordings: matched at a threshold with no false match.
	AboveNegatives int
}

// Report is the benchmark's outcome.
type Report struct {
	Options audio.MatchOptions
	Rows    []Row
	// MaxNegative is the most evidence any pair of different recordings
	// earned (passing every other test of a match), and Worst that pair.
	MaxNegative float64
	Worst       string
}

// Total sums the rows that want a match (same) or do not.
func (r Report) Total(same bool) Row {
	t := Row{Name: "different recordings", Same: same}
	if same {
		t.Name = "same recording"
	}
	for _, row := range r.Rows {
		if row.Same == same {
			t.Pairs += row.Pairs
			t.Matched += row.Matched
			t.AboveNegatives += row.AboveNegatives
		}
	}
	return t
}

// Evaluate compares every pair of Pairs(c) with opts. A copy is the
// query against its original, as ingest looks a new file up among known
// ones; two different recordings are compared both ways, and either way
// matching counts as a false match.
func Evaluate(c *Corpus, prints []Prints, opts audio.MatchOptions) Report {
	ungated := opts
	ungated.MinEvidence = 0
	// score is the evidence of a comparison that passes every other test.
	score := func(q, k int) (float64, bool) {
		cmp := audio.CompareAtSpeeds(prints[q].Items, prints[q].AtSpeeds, prints[k].Items, ungated)
		if !cmp.Match {
			return 0, false
		}
		return cmp.Evidence, cmp.Evidence >= opts.MinEvidence
	}
	type scored struct {
		row   string
		same  bool
		score float64
		match bool
	}
	var all []scored
	rep := Report{Options: opts}
	for _, p := range Pairs(c) {
		if p.Same() {
			q, k := p.B, p.A // the later clip is the copy
			name := string(p.Relation)
			if p.Relation == CopyOfOriginal {
				name = string(p.Alteration)
				if c.Clips[p.A].Alteration != Original {
					q, k = p.A, p.B
				}
			}
			s, m := score(q, k)
			all = append(all, scored{name, true, s, m})
			continue
		}
		s1, m1 := score(p.A, p.B)
		s2, m2 := score(p.B, p.A)
		s := max(s1, s2)
		if s > rep.MaxNegative {
			rep.MaxNegative = s
			rep.Worst = c.Clips[p.A].File + " and " + c.Clips[p.B].File + " (" + string(p.Relation) + ")"
		}
		all = append(all, scored{string(p.Relation), false, s, m1 || m2})
	}
	index := map[string]int{}
	for _, s := range all {
		i, ok := index[s.row]
		if !ok {
			i = len(rep.Rows)
			index[s.row] = i
			rep.Rows = append(rep.Rows, Row{Name: s.row, Same: s.same})
		}
		row := &rep.Rows[i]
		row.Pairs++
		if s.match {
			row.Matched++
		}
		if s.same && s.score > rep.MaxNegative {
			row.AboveNegatives++
		}
	}
	return rep
}

// WriteTable prints the report as a Markdown table.
func (r Report) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "| pairs | count | matched | recall at zero false matches |\n|---|---|---|---|\n")
	line := func(row Row) {
		if row.Same {
			fmt.Fprintf(w, "| %s | %d | %d (%.1f%%) | %d (%.1f%%) |\n", row.Name, row.Pairs, row.Matched, pct(row.Matched, row.Pairs), row.AboveNegatives, pct(row.AboveNegatives, row.Pairs))
		} else {
			fmt.Fprintf(w, "| %s | %d | %d false (%.2f%%) | |\n", row.Name, row.Pairs, row.Matched, pct(row.Matched, row.Pairs))
		}
	}
	for _, same := range []bool{true, false} {
		for _, row := range r.Rows {
			if row.Same == same {
				line(row)
			}
		}
		t := r.Total(same)
		t.Name = "**" + t.Name + ", all**"
		line(t)
	}
	fmt.Fprintf(w, "\nOperating point: evidence >= %g bits; the most evidence between different recordings: %g bits (%s).\n", r.Options.MinEvidence, r.MaxNegative, r.Worst)
}

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return 100 * float64(n) / float64(d)
}
