package audio

import (
	"cmp"
	"math"
)

// Speeds are the playback speeds, besides 1, at which a recording is
// also fingerprinted. A copy played a few percent fast or slow has its
// pitch moved by as much (3% is half a semitone, half a chroma band) and
// drifts out of alignment, so it no longer matches the original's
// fingerprint; the recording's samples resampled by the speed undo that,
// and the variant at the copy's speed matches (bit error rates of 2-3%
// instead of 27% on the benchmark).
var Speeds = [2]float64{0.97, 1.03}

// SpeedFingerprinter computes a recording's fingerprint at normal speed
// and as if it had been played at each of Speeds, in one pass over the
// samples.
type SpeedFingerprinter struct {
	normal *Fingerprinter
	at     [len(Speeds)]*Fingerprinter
	rs     [len(Speeds)]resampler
}

// NewSpeedFingerprinter returns a SpeedFingerprinter.
func NewSpeedFingerprinter() *SpeedFingerprinter {
	f := &SpeedFingerprinter{normal: NewFingerprinter()}
	for i, s := range Speeds {
		f.at[i] = NewFingerprinter()
		f.rs[i] = resampler{step: 1 / s}
	}
	return f
}

// Write adds samples (11,025 Hz, mono).
func (f *SpeedFingerprinter) Write(samples []int16) {
	f.normal.Write(samples)
	for i := range f.at {
		f.at[i].Write(f.rs[i].resample(samples))
	}
}

// Finish returns the fingerprint and, in the order of Speeds, the
// fingerprints of the recording slowed down or sped up to undo a copy
// played at that speed.
func (f *SpeedFingerprinter) Finish() (items []uint32, atSpeeds [][]uint32) {
	for _, a := range f.at {
		atSpeeds = append(atSpeeds, a.Finish())
	}
	return f.normal.Finish(), atSpeeds
}

// resampler stretches a stream by linear interpolation: output sample k
// is the input at position k×step. A copy played at speed s is undone by
// step 1/s (its time runs s times faster). Linear interpolation's slight
// low-pass is harmless under 3,520 Hz, the top of the fingerprint's
// bands at 11,025 Hz.
type resampler struct {
	step float64
	pos  float64 // the next output's input position, from the stream's start
	base int64   // the stream position of in[0] in the current call
	prev int16   // the last input sample of the previous call
	out  []int16
}

func (r *resampler) resample(in []int16) []int16 {
	r.out = r.out[:0]
	at := func(i int64) float64 {
		if i < r.base {
			return float64(r.prev) // only ever the one sample before in
		}
		return float64(in[i-r.base])
	}
	end := r.base + int64(len(in)) // positions up to end-1 are known
	for {
		i := int64(math.Floor(r.pos))
		if i+1 >= end {
			break
		}
		fr := r.pos - float64(i)
		v := at(i)*(1-fr) + at(i+1)*fr
		r.out = append(r.out, int16(math.Round(v)))
		r.pos += r.step
	}
	if len(in) > 0 {
		r.prev = in[len(in)-1]
	}
	r.base = end
	return r.out
}

// CompareAtSpeeds compares a recording with another at normal speed and,
// through its fingerprints at Speeds (from SpeedFingerprinter), as a copy
// played faster or slower; the comparison with the most evidence is
// returned, its Speed set when it is not the normal one.
func CompareAtSpeeds(query []uint32, atSpeeds [][]uint32, compared []uint32, opts MatchOptions) Comparison {
	best := Compare(query, compared, opts)
	for i, q := range atSpeeds {
		if i >= len(Speeds) || len(q) == 0 {
			continue
		}
		c := Compare(q, compared, opts)
		if better(c, best) {
			c.Speed = Speeds[i]
			// The variant's time is the query's times the speed.
			for k := range c.Segments {
				sg := &c.Segments[k]
				sg.QueryStart, sg.QueryEnd = round3(sg.QueryStart/c.Speed), round3(sg.QueryEnd/c.Speed)
				sg.Offset = round3(sg.ComparedStart - sg.QueryStart)
			}
			best = c
		}
	}
	return best
}

// better says a is the stronger comparison: a match over none, then more
// evidence.
func better(a, b Comparison) bool {
	if a.Match != b.Match {
		return a.Match
	}
	return cmp.Compare(a.Evidence, b.Evidence) > 0
}
