// Package audio computes audio fingerprints compatible with Chromaprint
// (the algorithm behind AcoustID; fpcalc's default, algorithm 2) from
// 11,025 Hz mono 16-bit PCM, compresses and encodes them as fpcalc prints
// them, and matches two fingerprints by aligning them in time. A
// soundtrack can link two videos whose pictures were re-cut, and a voice
// or a background sound can link a recording to a place.
//
// The computation follows Chromaprint step by step: frames of 4096
// samples every 1365 (two thirds overlap) under a Hamming window, the
// power spectrum, its energy folded into 12 pitch classes between 28 and
// 3520 Hz, a 5-tap smoothing filter over time, normalisation, and 16
// Haar-like classifiers over an integral image of 16 frames, each giving
// two bits (Gray coded) of a 32-bit item. Where Chromaprint computes in
// single precision (the window, the FFT input, the power spectrum), so
// does this package; the FFT itself runs in double precision.
package audio

import (
	"math"
	"math/bits"
)

// SampleRate is the rate fingerprints are computed at.
const SampleRate = 11025

const (
	frameSize   = 4096
	frameStep   = frameSize / 3 // 1365: Chromaprint's overlap is frameSize - frameSize/3
	numBands    = 12
	minFreq     = 28
	maxFreq     = 3520
	filterWidth = 16 // the widest classifier, in frames
)

// ItemSeconds is the time one fingerprint item advances (1365 samples).
const ItemSeconds = float64(frameStep) / SampleRate

type classifier struct {
	kind, y, height, width int
	t0, t1, t2             float64
}

// The classifiers of Chromaprint's algorithm 2 (its default since 2011):
// filter kind, first band, bands, frames; then the quantizer thresholds.
var classifiers = [16]classifier{
	{0, 4, 3, 15, 1.98215, 2.35817, 2.63523},
	{4, 4, 6, 15, -1.03809, -0.651211, -0.282167},
	{1, 0, 4, 16, -0.298702, 0.119262, 0.558497},
	{3, 8, 2, 12, -0.105439, 0.0153946, 0.135898},
	{3, 4, 4, 8, -0.142891, 0.0258736, 0.200632},
	{4, 0, 3, 5, -0.826319, -0.590612, -0.368214},
	{1, 2, 2, 9, -0.557409, -0.233035, 0.0534525},
	{2, 7, 3, 4, -0.0646826, 0.00620476, 0.0784847},
	{2, 6, 2, 16, -0.192387, -0.029699, 0.215855},
	{2, 1, 3, 2, -0.0397818, -0.00568076, 0.0292026},
	{5, 10, 1, 15, -0.53823, -0.369934, -0.190235},
	{3, 6, 2, 10, -0.124877, 0.0296483, 0.139239},
	{2, 1, 1, 14, -0.101475, 0.0225617, 0.231971},
	{3, 5, 6, 4, -0.0799915, -0.00729616, 0.063262},
	{1, 9, 2, 12, -0.272556, 0.019424, 0.302559},
	{3, 4, 2, 14, -0.164292, -0.0321188, 0.0846339},
}

var chromaFilter = [5]float64{0.25, 0.75, 1.0, 0.75, 0.25}

// Algorithm is the number fpcalc writes in a compressed fingerprint.
const Algorithm = 1

// Fingerprinter computes a fingerprint from samples written in pieces of
// any size. Use one per stream.
type Fingerprinter struct {
	window  [frameSize]float32
	notes   [frameSize/2 + 1]int8
	lo, hi  int // spectrum bins folded into chroma: [lo, hi)
	fft     *fft
	pending []int16 // samples not yet in a whole frame

	re, im   []float64
	chroma   [numBands]float64
	history  [5][numBands]float64 // the last chroma vectors, for the filter
	nHistory int
	// integral holds the integral image of the filtered, normalised
	// chroma, one row per frame (rows beyond filterWidth back are not
	// needed but kept, so the sums run as Chromaprint's do: from row 0).
	integral [][numBands]float64
	base     int // the row number of integral[0]
	items    []uint32
}

// NewFingerprinter returns a Fingerprinter.
func NewFingerprinter() *Fingerprinter {
	f := &Fingerprinter{fft: newFFT(frameSize), re: make([]float64, frameSize), im: make([]float64, frameSize)}
	for i := range f.window {
		f.window[i] = float32((0.54 - 0.46*math.Cos(float64(i)*2.0*math.Pi/float64(frameSize-1))) * (1.0 / 32767))
	}
	f.lo = max(1, freqToIndex(minFreq))
	f.hi = min(frameSize/2, freqToIndex(maxFreq))
	for i := f.lo; i < f.hi; i++ {
		freq := float64(i) * SampleRate / frameSize
		octave := math.Log(freq/(440.0/16.0)) / math.Log(2.0)
		f.notes[i] = int8(numBands * (octave - math.Floor(octave)))
	}
	return f
}

func freqToIndex(freq float64) int {
	return int(roundHalfAway(frameSize * freq / SampleRate))
}

func roundHalfAway(x float64) float64 {
	if x >= 0 {
		return math.Floor(x + 0.5)
	}
	return math.Ceil(x - 0.5)
}

// Write adds samples (11,025 Hz, mono).
func (f *Fingerprinter) Write(samples []int16) {
	buf := append(f.pending, samples...)
	start := 0
	for ; start+frameSize <= len(buf); start += frameStep {
		f.frame(buf[start : start+frameSize])
	}
	f.pending = append(f.pending[:0:0], buf[start:]...)
}

// Finish returns the fingerprint: one 32-bit item per 1365 samples once
// the first 4096 + 19 × 1365 samples are in (shorter audio has none).
func (f *Fingerprinter) Finish() []uint32 { return f.items }

// Fingerprint computes the fingerprint of a whole signal.
func Fingerprint(samples []int16) []uint32 {
	f := NewFingerprinter()
	f.Write(samples)
	return f.Finish()
}

func (f *Fingerprinter) frame(samples []int16) {
	for i, s := range samples {
		f.re[i] = float64(float32(s) * f.window[i])
		f.im[i] = 0
	}
	f.fft.transform(f.re, f.im)
	for i := range f.chroma {
		f.chroma[i] = 0
	}
	for i := f.lo; i < f.hi; i++ {
		re, im := float32(f.re[i]), float32(f.im[i])
		f.chroma[f.notes[i]] += float64(re*re + im*im)
	}
	// The smoothing filter over the last 5 chroma vectors.
	copy(f.history[:], f.history[1:])
	f.history[4] = f.chroma
	if f.nHistory < 5 {
		f.nHistory++
		if f.nHistory < 5 {
			return
		}
	}
	var row [numBands]float64
	for b := range row {
		for j, c := range chromaFilter {
			row[b] += f.history[j][b] * c
		}
	}
	var sq float64
	for _, v := range row {
		sq += v * v
	}
	norm := 0.0
	if sq > 0 {
		norm = math.Sqrt(sq)
	}
	if norm < 0.01 {
		row = [numBands]float64{}
	} else {
		for b := range row {
			row[b] /= norm
		}
	}
	f.addRow(row)
}

// addRow extends the integral image by one row, summing in Chromaprint's
// order (along the row, then the row above), and computes an item once
// there are filterWidth rows.
func (f *Fingerprinter) addRow(row [numBands]float64) {
	var cur [numBands]float64
	acc := 0.0
	for b, v := range row {
		acc += v
		cur[b] = acc
	}
	if n := len(f.integral); n > 0 {
		prev := &f.integral[n-1]
		for b := range cur {
			cur[b] = prev[b] + cur[b]
		}
	}
	f.integral = append(f.integral, cur)
	// Only the last filterWidth+1 rows are ever read.
	if len(f.integral) > 4*filterWidth {
		keep := f.integral[len(f.integral)-filterWidth-1:]
		f.base += len(f.integral) - len(keep)
		f.integral = append(f.integral[:0], keep...)
	}
	rows := f.base + len(f.integral)
	if rows < filterWidth {
		return
	}
	offset := rows - filterWidth
	var item uint32
	for _, c := range classifiers {
		item = item<<2 | grayCode[c.quantize(f.apply(c, offset))]
	}
	f.items = append(f.items, item)
}

var grayCode = [4]uint32{0, 1, 3, 2}

func (c classifier) quantize(v float64) int {
	switch {
	case v < c.t1 && v < c.t0:
		return 0
	case v < c.t1:
		return 1
	case v < c.t2:
		return 2
	}
	return 3
}

// area is the sum of rows [r1, r2) and bands [c1, c2), from the integral
// image, with Chromaprint's operation order.
func (f *Fingerprinter) area(r1, c1, r2, c2 int) float64 {
	if r1 == r2 || c1 == c2 {
		return 0
	}
	row := func(r int) *[numBands]float64 { return &f.integral[r-f.base] }
	if r1 == 0 {
		r := row(r2 - 1)
		if c1 == 0 {
			return r[c2-1]
		}
		return r[c2-1] - r[c1-1]
	}
	a, b := row(r1-1), row(r2-1)
	if c1 == 0 {
		return b[c2-1] - a[c2-1]
	}
	return b[c2-1] - a[c2-1] - b[c1-1] + a[c1-1]
}

func subtractLog(a, b float64) float64 { return math.Log((1.0 + a) / (1.0 + b)) }

// apply is a classifier's filter at time offset x: rows are frames,
// columns bands.
func (f *Fingerprinter) apply(c classifier, x int) float64 {
	y, w, h := c.y, c.width, c.height
	switch c.kind {
	case 0:
		return subtractLog(f.area(x, y, x+w, y+h), 0)
	case 1:
		h2 := h / 2
		return subtractLog(f.area(x, y+h2, x+w, y+h), f.area(x, y, x+w, y+h2))
	case 2:
		w2 := w / 2
		return subtractLog(f.area(x+w2, y, x+w, y+h), f.area(x, y, x+w2, y+h))
	case 3:
		w2, h2 := w/2, h/2
		a := f.area(x, y+h2, x+w2, y+h) + f.area(x+w2, y, x+w, y+h2)
		b := f.area(x, y, x+w2, y+h2) + f.area(x+w2, y+h2, x+w, y+h)
		return subtractLog(a, b)
	case 4:
		h3 := h / 3
		a := f.area(x, y+h3, x+w, y+2*h3)
		b := f.area(x, y, x+w, y+h3) + f.area(x, y+2*h3, x+w, y+h)
		return subtractLog(a, b)
	case 5:
		w3 := w / 3
		a := f.area(x+w3, y, x+2*w3, y+h)
		b := f.area(x, y, x+w3, y+h) + f.area(x+2*w3, y, x+w, y+h)
		return subtractLog(a, b)
	}
	return 0
}

// fft is an in-place radix-2 complex FFT of a fixed size.
type fft struct {
	n        int
	cos, sin []float64
	rev      []int
}

func newFFT(n int) *fft {
	f := &fft{n: n, cos: make([]float64, n/2), sin: make([]float64, n/2), rev: make([]int, n)}
	for i := range n / 2 {
		a := -2 * math.Pi * float64(i) / float64(n)
		f.cos[i], f.sin[i] = math.Cos(a), math.Sin(a)
	}
	shift := 64 - bits.Len(uint(n-1))
	for i := range n {
		f.rev[i] = int(bits.Reverse64(uint64(i)) >> shift)
	}
	return f
}

func (f *fft) transform(re, im []float64) {
	for i, j := range f.rev {
		if i < j {
			re[i], re[j] = re[j], re[i]
			im[i], im[j] = im[j], im[i]
		}
	}
	for size := 2; size <= f.n; size <<= 1 {
		half, step := size/2, f.n/size
		for start := 0; start < f.n; start += size {
			for k := range half {
				wr, wi := f.cos[k*step], f.sin[k*step]
				a, b := start+k, start+k+half
				tr := re[b]*wr - im[b]*wi
				ti := re[b]*wi + im[b]*wr
				re[b], im[b] = re[a]-tr, im[a]-ti
				re[a], im[a] = re[a]+tr, im[a]+ti
			}
		}
	}
}
