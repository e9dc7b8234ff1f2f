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
	for y := range rows {
		x0 := c8
		if y >= r8 {
			x0 = 0
		}
		for x := x0; x < cols; x++ {
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

// jaroszDecimateVec is jaroszDecimate with the passes along rows run
// down the columns of the transposed buffer. a holds the rows x cols
// luma (it is overwritten), b is scratch of the same size.
func jaroszDecimateVec(a, b, sums []float32, rows, cols, windowAlongRows, windowAlongCols int, out *[64][64]float32) {
	transpose(b, a, rows, cols)                         // b: cols x rows
	boxColsVec(b, a, cols, rows, windowAlongRows, sums) // a: rows pass 1, transposed
	transpose(b, a, cols, rows)                         // b: rows x cols
	boxColsVec(b, a, rows, cols, windowAlongCols, sums) // a: columns pass 1
	transpose(b, a, rows, cols)                         // b: cols x rows
	boxColsVec(b, a, cols, rows, windowAlongRows, sums) // a: rows pass 2, transposed
	// The last pass down the columns is a pass along rows of the
	// transposed buffer, needed only for the 64 sampled columns.
	var sampleRow [64]int
	for oi := range 64 {
		sampleRow[oi] = int((float64(oi) + 0.5) * float64(rows) / 64)
	}
	col := b[:rows]
	for oj := range 64 {
		j := int((float64(oj) + 0.5) * float64(cols) / 64)
		boxRow(a[j*rows:(j+1)*rows], col, windowAlongCols)
		for oi, r := range sampleRow {
			out[oi][oj] = col[r]
		}
	}
}
