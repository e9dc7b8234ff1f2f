package pdq

import (
	"math"
	"slices"
)

// The float32 arithmetic below follows the reference operation by operation:
// each product is converted to float32 before it is added, so the Go
// compiler cannot fuse it into an FMA on architectures that have one, and
// sums are accumulated in the reference's order. That is what makes the
// hashes bit-identical to the reference's for the same luma buffer.

// Luma coefficients of the reference (ITU-R BT.601), as float32.
const (
	lumaR float32 = 0.299
	lumaG float32 = 0.587
	lumaB float32 = 0.114
)

// lumaTables hold the reference's per-channel luma products, rounded to
// float32 as it rounds them, for every 8-bit value.
var lumaTables = func() (t [3][256]float32) {
	for v := range 256 {
		t[0][v] = lumaR * float32(v)
		t[1][v] = lumaG * float32(v)
		t[2][v] = lumaB * float32(v)
	}
	return t
}()

// LumaRGB converts packed 8-bit RGB pixels to the reference's float luma,
// as Luma does pixel by pixel.
func LumaRGB(dst []float32, rgb []byte) {
	n := min(len(dst), len(rgb)/3)
	if haveAVX2 {
		done := lumaRGBVec(dst, rgb, n)
		dst, rgb, n = dst[done:], rgb[3*done:], n-done
	}
	tr, tg, tb := &lumaTables[0], &lumaTables[1], &lumaTables[2]
	dst, rgb = dst[:n], rgb[:3*n]
	for i := 0; i+4 <= n; i += 4 {
		p := rgb[3*i : 3*i+12 : 3*i+12]
		d := dst[i : i+4 : i+4]
		d[0] = (tr[p[0]] + tg[p[1]]) + tb[p[2]]
		d[1] = (tr[p[3]] + tg[p[4]]) + tb[p[5]]
		d[2] = (tr[p[6]] + tg[p[7]]) + tb[p[8]]
		d[3] = (tr[p[9]] + tg[p[10]]) + tb[p[11]]
	}
	for i := n &^ 3; i < n; i++ {
		dst[i] = (tr[rgb[3*i]] + tg[rgb[3*i+1]]) + tb[rgb[3*i+2]]
	}
}

// Luma returns the reference's float luma of one RGB pixel.
func Luma(r, g, b uint8) float32 {
	return float32(float32(lumaR*float32(r))+float32(lumaG*float32(g))) + float32(lumaB*float32(b))
}

// MaxDim is the size above which the reference photo hasher first resizes
// an image (to MaxDim x MaxDim, nearest neighbour, aspect ratio not kept).
const MaxDim = 512

// minHashableDim is the reference's smallest hashable side; smaller images
// get the all-zero hash with quality 0.
const minHashableDim = 5

// jaroszPasses is the reference's number of X,Y box-filter pass pairs (a
// tent filter).
const jaroszPasses = 2

// dctMatrix holds rows 1..16 of the 64-point DCT-II basis, scaled by
// sqrt(2/64), as float32 (computed in double, like the reference).
var dctMatrix = func() (m [16][64]float32) {
	scale := float64(float32(math.Sqrt(2.0 / 64.0)))
	for i := 0; i < 16; i++ {
		for j := 0; j < 64; j++ {
			m[i][j] = float32(scale * math.Cos((math.Pi/2/64.0)*float64(i+1)*float64(2*j+1)))
		}
	}
	return m
}()

// Signal is the result of hashing one luma buffer: the hash, its quality
// (0..100) and the 16x16 DCT coefficients the hash was taken from, which
// the dihedral hashes are derived from.
type Signal struct {
	Hash    Hash
	Quality int
	dct     [16][16]float32
	empty   bool
}

// Hasher holds the scratch buffers for hashing; reuse one per goroutine to
// avoid allocating for each image. The zero value is ready to use.
type Hasher struct {
	scratch, luma []float32
	vec           vecScratch
}

// FromLuma hashes a rows x cols row-major float luma buffer exactly as the
// reference's pdqHash256FromFloatLuma does. The buffer may be overwritten
// (the portable filter works in place, as the reference does).
func (h *Hasher) FromLuma(luma []float32, rows, cols int) Signal {
	return h.hash(luma, nil, rows, cols)
}

// FromRGB hashes rows x cols packed 8-bit RGB pixels: the hash FromLuma
// gives for their LumaRGB luma. With the vector kernels, the luma is
// computed 8 rows at a time as the filter needs it.
func (h *Hasher) FromRGB(rgb []byte, rows, cols int) Signal {
	if len(rgb) < 3*rows*cols {
		return Signal{empty: true}
	}
	if haveAVX2 {
		return h.hash(nil, rgb, rows, cols)
	}
	h.luma = grown(h.luma, rows*cols)
	LumaRGB(h.luma, rgb)
	return h.hash(h.luma, nil, rows, cols)
}

// hash hashes luma or, with rgb set (vector kernels only), the luma of rgb.
func (h *Hasher) hash(luma []float32, rgb []byte, rows, cols int) Signal {
	var s Signal
	if rows < minHashableDim || cols < minHashableDim || (rgb == nil && len(luma) < rows*cols) {
		s.empty = true
		return s
	}
	var b64 [64][64]float32
	wr, wc := jaroszWindow(cols, 64), jaroszWindow(rows, 64)
	switch {
	case rows == 64 && cols == 64:
		// The reference skips filtering when the buffer is already 64x64.
		if rgb != nil {
			h.luma = grown(h.luma, rows*cols)
			LumaRGB(h.luma, rgb)
			luma = h.luma
		}
		for i := range 64 {
			copy(b64[i][:], luma[i*64:(i+1)*64])
		}
	case haveAVX2:
		jaroszDecimateVec(luma, rgb, rows, cols, wr, wc, &b64, &h.vec)
	default:
		h.scratch = grown(h.scratch, rows*cols)
		jaroszDecimate(luma, h.scratch, rows, cols, wr, wc, &b64)
	}
	s.Quality = quality(&b64)
	dct64To16(&b64, &s.dct)
	s.Hash = bitsOf(&s.dct)
	return s
}

// grown returns b with length n, reallocated only when it is too small.
func grown(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

// FromLuma hashes a luma buffer with a temporary Hasher.
func FromLuma(luma []float32, rows, cols int) Signal {
	var h Hasher
	return h.FromLuma(luma, rows, cols)
}

// Dihedral names, in the reference's order (pdq-photo-hasher --pdqdih).
var DihedralNames = [8]string{"orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipp", "flipm"}

// Dihedral returns the hashes of the image's eight dihedral transforms, in
// the order of DihedralNames, derived from the one DCT as the reference does:
// rotating or mirroring the pixels transposes the coefficient matrix and
// flips the sign of odd rows or columns.
func (s *Signal) Dihedral() [8]Hash {
	var out [8]Hash
	if s.empty {
		return out
	}
	a := &s.dct
	var b [16][16]float32
	transform := func(transpose bool, negate func(i, j int) bool) Hash {
		for i := range 16 {
			for j := range 16 {
				v := a[i][j]
				if negate(i, j) {
					v = -v
				}
				if transpose {
					b[j][i] = v
				} else {
					b[i][j] = v
				}
			}
		}
		return bitsOf(&b)
	}
	out[0] = s.Hash
	out[1] = transform(true, func(_, j int) bool { return j&1 == 0 })
	out[2] = transform(false, func(i, j int) bool { return (i+j)&1 == 1 })
	out[3] = transform(true, func(i, _ int) bool { return i&1 == 0 })
	out[4] = transform(false, func(i, _ int) bool { return i&1 == 0 })
	out[5] = transform(false, func(_, j int) bool { return j&1 == 0 })
	out[6] = transform(true, func(_, _ int) bool { return false })
	out[7] = transform(true, func(i, j int) bool { return (i+j)&1 == 1 })
	return out
}

// jaroszWindow is the reference's box window for one pass: half of the
// old/new ratio, rounded up, since two passes make the full footprint.
func jaroszWindow(oldDim, newDim int) int {
	return (oldDim + 2*newDim - 1) / (2 * newDim)
}

func jaroszFilter(buf1, buf2 []float32, rows, cols, windowAlongRows, windowAlongCols int) {
	sums := make([]float32, cols)
	for range jaroszPasses {
		boxRows(buf1, buf2, rows, cols, windowAlongRows)
		boxCols(buf2, buf1, rows, cols, windowAlongCols, sums)
	}
}

// jaroszDecimate is jaroszFilter followed by decimate, without the work
// decimate throws away: the last pass down the columns runs only down the
// 64 sampled columns (each column's running sum is independent of the
// others) and keeps only the 64 sampled rows. The values are the same.
func jaroszDecimate(buf1, buf2 []float32, rows, cols, windowAlongRows, windowAlongCols int, out *[64][64]float32) {
	sums := make([]float32, cols)
	for range jaroszPasses - 1 {
		boxRows(buf1, buf2, rows, cols, windowAlongRows)
		boxCols(buf2, buf1, rows, cols, windowAlongCols, sums)
	}
	boxRows(buf1, buf2, rows, cols, windowAlongRows)
	var sampleRow [64]int
	for oi := range 64 {
		sampleRow[oi] = int((float64(oi) + 0.5) * float64(rows) / 64)
	}
	col := make([]float32, rows)
	for oj := range 64 {
		j := int((float64(oj) + 0.5) * float64(cols) / 64)
		boxColumn(buf2, col, rows, cols, j, windowAlongCols)
		for oi, r := range sampleRow {
			out[oi][oj] = col[r]
		}
	}
}

// boxColumn is boxCols for one column j, into out (one value per row),
// with the same operations in the same order.
func boxColumn(in, out []float32, rows, cols, j, window int) {
	half := (window + 2) / 2
	grow := window - half + 1
	var sum float32
	ri, oi := 0, 0
	for ; ri < half-1; ri++ {
		sum += in[ri*cols+j]
	}
	for k := 1; k <= grow; k++ {
		sum += in[ri*cols+j]
		out[oi] = divide(sum, half-1+k)
		ri++
		oi++
	}
	li := 0
	for range rows - window {
		s := sum + in[ri*cols+j]
		s -= in[li*cols+j]
		sum = s
		out[oi] = divide(s, window)
		li++
		ri++
		oi++
	}
	for cur := window - 1; cur >= window-half+1; cur-- {
		sum -= in[li*cols+j]
		out[oi] = divide(sum, cur)
		li++
		oi++
	}
}

// divide is divideAll for one value.
func divide(v float32, n int) float32 {
	if n&(n-1) == 0 {
		return v * (1 / float32(n))
	}
	return float32(float64(v) * (1 / float64(n)))
}

// divideAll sets dst[j] = src[j] / n, rounding as float32 division does.
// It multiplies by 1/n in float64 and rounds once to float32, which gives
// the correctly rounded quotient for every float32 numerator: the float64
// product is within 2^-51 of x/n relatively, and x/n (x a float32, n a
// small integer) is never that close to a float32 rounding boundary
// without being on a representable value (TestDivideAllIsDivision checks
// it over many millions of values). A float32 division costs several
// times as much, and this loop runs over every pixel of every video frame.
func divideAll(dst, src []float32, n int) {
	dst = dst[:len(src)] // one bounds check, not one per element
	if n&(n-1) == 0 {
		inv := 1 / float32(n)
		for j, v := range src {
			dst[j] = v * inv
		}
		return
	}
	inv := 1 / float64(n)
	for j, v := range src {
		dst[j] = float32(float64(v) * inv)
	}
}

// boxRow is the reference's running-sum box filter over one row: a window
// that grows from half size at the left edge, slides with one add and one
// subtract, and shrinks at the right edge, with a float32 running sum.
func boxRow(in, out []float32, window int) {
	n := len(in)
	half := (window + 2) / 2
	grow := window - half + 1
	var sum float32
	ri, oi := 0, 0
	for ; ri < half-1; ri++ {
		sum += in[ri]
	}
	for k := 1; k <= grow; k++ {
		sum += in[ri]
		out[oi] = sum / float32(half-1+k)
		ri++
		oi++
	}
	// The sliding phase writes the running sums first and divides them
	// in one pass, which keeps the division out of the dependency chain.
	li := 0
	for range n - window {
		sum += in[ri]
		sum -= in[li]
		out[oi] = sum
		li++
		ri++
		oi++
	}
	mid := out[grow : grow+n-window]
	divideAll(mid, mid, window)
	for cur := window - 1; cur >= window-half+1; cur-- {
		sum -= in[li]
		out[oi] = sum / float32(cur)
		li++
		oi++
	}
}

// boxRows filters every row. Rows go four at a time through the sliding
// phase: each row's running sum is a chain of dependent additions, and
// four independent chains keep the processor busy; every row sees the
// same operations in the same order as on its own.
func boxRows(in, out []float32, rows, cols, window int) {
	r := 0
	if cols > window {
		for ; r+4 <= rows; r += 4 {
			boxRows4(in[r*cols:(r+4)*cols], out[r*cols:(r+4)*cols], cols, window)
		}
	}
	for ; r < rows; r++ {
		boxRow(in[r*cols:(r+1)*cols], out[r*cols:(r+1)*cols], window)
	}
}

// boxRows4 is boxRow on four consecutive rows at once.
func boxRows4(in, out []float32, n, window int) {
	i0, i1, i2, i3 := in[:n], in[n:2*n], in[2*n:3*n], in[3*n:4*n]
	o0, o1, o2, o3 := out[:n], out[n:2*n], out[2*n:3*n], out[3*n:4*n]
	half := (window + 2) / 2
	grow := window - half + 1
	var s0, s1, s2, s3 float32
	ri, oi := 0, 0
	for ; ri < half-1; ri++ {
		s0 += i0[ri]
		s1 += i1[ri]
		s2 += i2[ri]
		s3 += i3[ri]
	}
	for k := 1; k <= grow; k++ {
		s0 += i0[ri]
		s1 += i1[ri]
		s2 += i2[ri]
		s3 += i3[ri]
		d := float32(half - 1 + k)
		o0[oi], o1[oi], o2[oi], o3[oi] = s0/d, s1/d, s2/d, s3/d
		ri++
		oi++
	}
	li := 0
	// Dividing in the same loop saves a pass over memory; the quotients
	// are off the sums' dependency chains (see divideAll for why the
	// float64 product is the float32 quotient).
	inv := 1 / float64(window)
	for range n - window {
		s0 += i0[ri]
		s1 += i1[ri]
		s2 += i2[ri]
		s3 += i3[ri]
		s0 -= i0[li]
		s1 -= i1[li]
		s2 -= i2[li]
		s3 -= i3[li]
		o0[oi] = float32(float64(s0) * inv)
		o1[oi] = float32(float64(s1) * inv)
		o2[oi] = float32(float64(s2) * inv)
		o3[oi] = float32(float64(s3) * inv)
		li++
		ri++
		oi++
	}
	for cur := window - 1; cur >= window-half+1; cur-- {
		s0 -= i0[li]
		s1 -= i1[li]
		s2 -= i2[li]
		s3 -= i3[li]
		d := float32(cur)
		o0[oi], o1[oi], o2[oi], o3[oi] = s0/d, s1/d, s2/d, s3/d
		li++
		oi++
	}
}

// boxCols applies the same filter down every column at once, one row at
// a time, so memory is read in order. Each column's running sum sees the
// same operations in the same order as a column-by-column pass.
func boxCols(in, out []float32, rows, cols, window int, sums []float32) {
	half := (window + 2) / 2
	grow := window - half + 1
	clear(sums)
	row := func(i int) []float32 { return in[i*cols : (i+1)*cols] }
	addRow := func(r []float32) {
		for j, v := range r {
			sums[j] += v
		}
	}
	ri, oi := 0, 0
	for ; ri < half-1; ri++ {
		addRow(row(ri))
	}
	for k := 1; k <= grow; k++ {
		addRow(row(ri))
		divideAll(out[oi*cols:(oi+1)*cols], sums, half-1+k)
		ri++
		oi++
	}
	li := 0
	inv := 1 / float64(window)
	for range rows - window {
		r, l, o := row(ri), row(li), out[oi*cols:(oi+1)*cols]
		r, l, o = r[:len(sums)], l[:len(sums)], o[:len(sums)]
		for j := range sums {
			s := sums[j] + r[j]
			s -= l[j]
			sums[j] = s
			o[j] = float32(float64(s) * inv)
		}
		li++
		ri++
		oi++
	}
	for cur := window - 1; cur >= window-half+1; cur-- {
		for j, v := range row(li) {
			sums[j] -= v
		}
		divideAll(out[oi*cols:(oi+1)*cols], sums, cur)
		li++
		oi++
	}
}

// decimate samples the filtered buffer at the centres of a 64x64 grid.
func decimate(in []float32, rows, cols int, out *[64][64]float32) {
	for oi := range 64 {
		ii := int((float64(oi) + 0.5) * float64(rows) / 64)
		for oj := range 64 {
			ij := int((float64(oj) + 0.5) * float64(cols) / 64)
			out[oi][oj] = in[ii*cols+ij]
		}
	}
}

// quality is the reference's heuristic: the sum of quantised absolute
// gradients of the 64x64 image, scaled and capped at 100.
func quality(b *[64][64]float32) int {
	sum := 0
	grad := func(u, v float32) int {
		d := int(float32(float32(u-v)*100) / 255)
		if d < 0 {
			d = -d
		}
		return d
	}
	for i := range 63 {
		for j := range 64 {
			sum += grad(b[i][j], b[i+1][j])
		}
	}
	for i := range 64 {
		for j := range 63 {
			sum += grad(b[i][j], b[i][j+1])
		}
	}
	return min(sum/90, 100)
}

// dct64To16 computes D A Dᵀ keeping only coefficients 1..16 in each
// direction, summing in the reference's order.
func dct64To16(a *[64][64]float32, out *[16][16]float32) {
	var t [16][64]float32
	for i := range 16 {
		d := &dctMatrix[i]
		for j := range 64 {
			var sum float32
			for k := range 64 {
				sum += float32(d[k] * a[k][j])
			}
			t[i][j] = sum
		}
	}
	for i := range 16 {
		for j := range 16 {
			d := &dctMatrix[j]
			var sum float32
			for k := range 64 {
				sum += float32(t[i][k] * d[k])
			}
			out[i][j] = sum
		}
	}
}

// bitsOf sets bit i*16+j where coefficient (i,j) exceeds the median. The
// reference's Torben median of 256 values is the 128th smallest.
func bitsOf(c *[16][16]float32) Hash {
	var sorted [256]float32
	for i := range 16 {
		copy(sorted[i*16:], c[i][:])
	}
	slices.Sort(sorted[:])
	median := sorted[127]
	var h Hash
	for i := range 16 {
		for j := range 16 {
			if c[i][j] > median {
				h.setBit(i*16 + j)
			}
		}
	}
	return h
}
