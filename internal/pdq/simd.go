package pdq

import "unsafe"

// The vectorised filter (used where haveAVX2 holds) computes what
// jaroszDecimate computes, with the same float32 operations in the same
// order for every value, so the hash is bit-identical. Only the memory
// layout differs: a box filter along rows is a chain of dependent
// additions within a row, which vector lanes cannot share, so the buffer
// is transposed and the pass runs down columns instead, where eight
// neighbouring columns are eight independent lanes.

// lumaCoef are the luma coefficients as lumaRGBAVX2 reads them.
var lumaCoef = [3]float32{lumaR, lumaG, lumaB}

// lumaRGBVec is LumaRGB with the AVX2 kernel; it returns how many pixels
// it converted (a multiple of 8), leaving the rest to the caller.
func lumaRGBVec(dst []float32, rgb []byte, n int) int {
	// The kernel reads 4 bytes past each group of 8 pixels.
	m := n &^ 7
	if m > 0 && 3*m+4 > len(rgb) {
		m -= 8
	}
	if m <= 0 {
		return 0
	}
	lumaRGBAVX2(&dst[0], &rgb[0], m, &lumaCoef)
	return m
}

// transpose writes the rows x cols matrix src, transposed, to dst
// (cols x rows).
func transpose(dst, src []float32, rows, cols int) {
	_, _ = dst[rows*cols-1], src[rows*cols-1]
	r8, c8 := rows&^7, cols&^7
	if r8 > 0 && c8 > 0 {
		transposeAVX2(&dst[0], &src[0], r8, c8, cols, rows)
	}
	// The edges the kernel leaves: the last cols%8 columns, then the last
	// rows%8 rows.
	if c8 < cols {
		for y := range r8 {
			for x := c8; x < cols; x++ {
				dst[x*rows+y] = src[y*cols+x]
			}
		}
	}
	for y := r8; y < rows; y++ {
		for x := range cols {
			dst[x*rows+y] = src[y*cols+x]
		}
	}
}

// colStep is one row of boxColsVec: eight columns at a time with the
// AVX2 kernel, the rest here. add, sub and out may be nil, as for
// boxStepAVX2.
func colStep(sums, add, sub, out []float32, d float32) {
	n := len(sums)
	n8 := n &^ 7
	if n8 > 0 {
		boxStepAVX2(&sums[0], firstOrNil(add), firstOrNil(sub), firstOrNil(out), n8, d)
	}
	for j := n8; j < n; j++ {
		s := sums[j]
		if add != nil {
			s += add[j]
		}
		if sub != nil {
			s -= sub[j]
		}
		sums[j] = s
		if out != nil {
			out[j] = s / d
		}
	}
}

func firstOrNil(s []float32) *float32 {
	if s == nil {
		return nil
	}
	return unsafe.SliceData(s)
}

// boxColsVec is boxCols with the AVX2 kernel.
func boxColsVec(in, out []float32, rows, cols, window int, sums []float32) {
	half := (window + 2) / 2
	grow := window - half + 1
	sums = sums[:cols]
	clear(sums)
	row := func(b []float32, i int) []float32 { return b[i*cols : (i+1)*cols : (i+1)*cols] }
	ri, oi := 0, 0
	for ; ri < half-1; ri++ {
		colStep(sums, row(in, ri), nil, nil, 0)
	}
	for k := 1; k <= grow; k++ {
		colStep(sums, row(in, ri), nil, row(out, oi), float32(half-1+k))
		ri++
		oi++
	}
	li := 0
	for range rows - window {
		colStep(sums, row(in, ri), row(in, li), row(out, oi), float32(window))
		li++
		ri++
		oi++
	}
	for cur := window - 1; cur >= window-half+1; cur-- {
		colStep(sums, nil, row(in, li), row(out, oi), float32(cur))
		li++
		oi++
	}
}

// vecScratch holds the vectorised filter's buffers, kept by a Hasher.
type vecScratch struct {
	sums         []float32 // column sums, one per column
	luma         []float32 // an 8-row strip's luma, when hashing from RGB
	strip, lanes []float32 // an 8-row strip, transposed, before and after filtering
	sampled      []float32 // 64 sampled columns of one strip, transposed
	narrow, tmp  []float32 // rows x 64: the sampled columns, before and after the last pass
}

func (v *vecScratch) size(rows, cols int) {
	v.sums = grown(v.sums, max(rows, cols, 64))
	v.luma = grown(v.luma, 8*cols)
	v.strip = grown(v.strip, 8*cols)
	v.lanes = grown(v.lanes, 8*cols)
	v.sampled = grown(v.sampled, 8*64)
	v.narrow = grown(v.narrow, rows*64)
	v.tmp = grown(v.tmp, rows*64)
}

// boxRowsVec is boxRows eight rows at a time: a strip of 8 rows is
// transposed into a small buffer (so each column of the strip is one
// vector, each row one lane), filtered by boxLanesAVX2 and transposed
// back. The strip buffers stay in the processor's cache; the image is read
// and written once, as by the portable pass. With sampleCols set, only
// those columns are kept, into out as rows x len(sampleCols).
//
// With rgb set, in is not read: each strip's luma is computed from the
// packed RGB pixels into a strip-sized buffer, so the whole image's luma
// is never written out.
func boxRowsVec(in []float32, rgb []byte, out []float32, rows, cols, window int, sampleCols []int, v *vecScratch) {
	rowsOf := func(r, n int) []float32 {
		if rgb == nil {
			return in[r*cols : (r+n)*cols]
		}
		LumaRGB(v.luma[:n*cols], rgb[3*r*cols:3*(r+n)*cols])
		return v.luma[:n*cols]
	}
	r := 0
	if window <= cols {
		for ; r+8 <= rows; r += 8 {
			transpose(v.strip, rowsOf(r, 8), 8, cols)
			boxLanesAVX2(&v.strip[0], &v.lanes[0], cols, window)
			if sampleCols == nil {
				transpose(out[r*cols:(r+8)*cols], v.lanes, cols, 8)
				continue
			}
			for k, x := range sampleCols {
				copy(v.sampled[8*k:8*k+8], v.lanes[8*x:8*x+8])
			}
			n := len(sampleCols)
			transpose(out[r*n:(r+8)*n], v.sampled[:8*n], n, 8)
		}
	}
	for ; r < rows; r++ {
		if sampleCols == nil {
			boxRow(rowsOf(r, 1), out[r*cols:(r+1)*cols], window)
			continue
		}
		row := v.lanes[:cols]
		boxRow(rowsOf(r, 1), row, window)
		for k, x := range sampleCols {
			out[r*len(sampleCols)+k] = row[x]
		}
	}
}

// jaroszDecimateVec is jaroszDecimate with the vector kernels. a holds the
// rows x cols luma (it is overwritten), b is scratch of the same size.
// The second pass along rows keeps only the 64 sampled columns, and the
// last pass down the columns runs on those alone: each column's values
// depend on nothing else.
//
// With rgb set, a is not read: the first pass takes its luma from the
// packed RGB pixels.
func jaroszDecimateVec(a []float32, rgb []byte, b []float32, rows, cols, windowAlongRows, windowAlongCols int, out *[64][64]float32, v *vecScratch) {
	v.size(rows, cols)
	var sampleCols [64]int
	for oj := range 64 {
		sampleCols[oj] = int((float64(oj) + 0.5) * float64(cols) / 64)
	}
	boxRowsVec(a, rgb, b, rows, cols, windowAlongRows, nil, v)
	boxColsVec(b, a, rows, cols, windowAlongCols, v.sums)
	boxRowsVec(a, nil, v.narrow, rows, cols, windowAlongRows, sampleCols[:], v)
	boxColsVec(v.narrow, v.tmp, rows, 64, windowAlongCols, v.sums)
	for oi := range 64 {
		r := int((float64(oi) + 0.5) * float64(rows) / 64)
		copy(out[oi][:], v.tmp[r*64:(r+1)*64])
	}
}
