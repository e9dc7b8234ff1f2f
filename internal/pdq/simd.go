package pdq

import "unsafe"

// The vectorised filter (used where haveAVX2 holds) computes what
// jaroszDecimate computes, with the same float32 operations in the same
// order for every value, so the hash is bit-identical. Only the memory
// layout differs. Down the columns, eight neighbouring columns are eight
// independent lanes. Along a row, the running sum is a chain of
// dependent additions that lanes cannot share, so eight rows at a time
// are transposed in a small buffer and each row becomes one lane.

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

// vecScratch holds the vectorised filter's buffers, kept by a Hasher. All
// but the last two are a few rows long, so they stay in the processor's
// cache while a frame streams through.
type vecScratch struct {
	sums         []float32 // running sums of the pass down the columns
	luma         []float32 // 8 rows of luma, when hashing from RGB
	strip, lanes []float32 // 8 rows transposed, before and after filtering along them
	rows1        []float32 // 8 rows after the first pass along rows
	ring         []float32 // the last window+1 of those rows, for the pass down the columns
	rows2        []float32 // 8 rows after the first pass down the columns
	sampled      []float32 // 64 sampled columns of 8 rows, transposed
	narrow, tmp  []float32 // rows x 64: the sampled columns, before and after the last pass
}

func (v *vecScratch) size(rows, cols, windowAlongCols int) {
	v.sums = grown(v.sums, max(cols, 64))
	v.luma = grown(v.luma, 8*cols)
	v.strip = grown(v.strip, 8*cols)
	v.lanes = grown(v.lanes, 8*cols)
	v.rows1 = grown(v.rows1, 8*cols)
	v.ring = grown(v.ring, (windowAlongCols+1)*cols)
	v.rows2 = grown(v.rows2, 8*cols)
	v.sampled = grown(v.sampled, 8*64)
	v.narrow = grown(v.narrow, rows*64)
	v.tmp = grown(v.tmp, rows*64)
}

// rowsVec filters n <= 8 rows of src along their length into dst. Eight
// rows go through the kernel: transposed, so each column of the strip is
// one vector and each row one lane, filtered by boxLanesAVX2 and
// transposed back; fewer rows go one by one. With sampleCols set, only
// those columns are kept, dst being n x len(sampleCols).
func rowsVec(src []float32, n, cols, window int, dst []float32, sampleCols []int, v *vecScratch) {
	if n == 8 && window <= cols {
		transpose(v.strip, src[:8*cols], 8, cols)
		boxLanesAVX2(&v.strip[0], &v.lanes[0], cols, window)
		if sampleCols == nil {
			transpose(dst[:8*cols], v.lanes, cols, 8)
			return
		}
		for k, x := range sampleCols {
			copy(v.sampled[8*k:8*k+8], v.lanes[8*x:8*x+8])
		}
		transpose(dst[:8*len(sampleCols)], v.sampled[:8*len(sampleCols)], len(sampleCols), 8)
		return
	}
	for r := range n {
		in := src[r*cols : (r+1)*cols]
		if sampleCols == nil {
			boxRow(in, dst[r*cols:(r+1)*cols], window)
			continue
		}
		row := v.lanes[:cols]
		boxRow(in, row, window)
		for k, x := range sampleCols {
			dst[r*len(sampleCols)+k] = row[x]
		}
	}
}

// colFilter is boxColsVec fed one input row at a time, so the rows it
// filters need not all exist at once: it keeps the last window+1 of them
// (the oldest leaves the window as a new one enters) and hands each output
// row to emit as soon as it is final.
type colFilter struct {
	sums, ring         []float32
	cols, window, half int
	pushed, rows       int
	out                func(oi int) []float32 // where output row oi goes
	emitted            func(oi int)           // called once output row oi is written
}

func (c *colFilter) slot(i int) []float32 {
	s := i % (c.window + 1)
	return c.ring[s*c.cols : (s+1)*c.cols : (s+1)*c.cols]
}

// push adds input row number c.pushed, in the phases of boxColsVec.
func (c *colFilter) push(row []float32) {
	i := c.pushed
	c.pushed++
	in := c.slot(i)
	copy(in, row)
	switch {
	case i < c.half-1: // filling
		colStep(c.sums, in, nil, nil, 0)
	case i < c.window: // growing
		oi := i - (c.half - 1)
		colStep(c.sums, in, nil, c.out(oi), float32(i+1))
		c.emitted(oi)
	default: // sliding
		oi := i - (c.half - 1)
		colStep(c.sums, in, c.slot(i-c.window), c.out(oi), float32(c.window))
		c.emitted(oi)
	}
}

// finish shrinks the window over the last rows, after all rows are pushed.
func (c *colFilter) finish() {
	li := c.rows - c.window
	oi := c.rows - (c.half - 1)
	for cur := c.window - 1; cur >= c.window-c.half+1; cur-- {
		colStep(c.sums, nil, c.slot(li), c.out(oi), float32(cur))
		c.emitted(oi)
		li++
		oi++
	}
}

// jaroszDecimateVec is jaroszDecimate with the vector kernels, streaming:
// 8 rows at a time are filtered along their length and pushed down the
// columns; every 8 rows the column pass emits are filtered along their
// length again, keeping only the 64 sampled columns; the last pass runs
// down those. The image itself is read once (luma, or with rgb set, the
// packed RGB pixels, converted 8 rows at a time) and no other buffer of
// its size is used. Windows must not exceed the image's sides.
func jaroszDecimateVec(luma []float32, rgb []byte, rows, cols, windowAlongRows, windowAlongCols int, out *[64][64]float32, v *vecScratch) {
	v.size(rows, cols, windowAlongCols)
	var sampleCols [64]int
	for oj := range 64 {
		sampleCols[oj] = int((float64(oj) + 0.5) * float64(cols) / 64)
	}
	clear(v.sums[:cols])
	c := colFilter{
		sums: v.sums[:cols], ring: v.ring, cols: cols, window: windowAlongCols,
		half: (windowAlongCols + 2) / 2, rows: rows,
		out: func(oi int) []float32 { k := oi % 8; return v.rows2[k*cols : (k+1)*cols] },
		emitted: func(oi int) {
			if oi%8 == 7 {
				first := oi - 7
				rowsVec(v.rows2, 8, cols, windowAlongRows, v.narrow[first*64:(first+8)*64], sampleCols[:], v)
			}
		},
	}
	for r := 0; r < rows; r += 8 {
		n := min(8, rows-r)
		var src []float32
		if rgb != nil {
			src = v.luma[:n*cols]
			LumaRGB(src, rgb[3*r*cols:3*(r+n)*cols])
		} else {
			src = luma[r*cols : (r+n)*cols]
		}
		rowsVec(src, n, cols, windowAlongRows, v.rows1, nil, v)
		for k := range n {
			c.push(v.rows1[k*cols : (k+1)*cols])
		}
	}
	c.finish()
	if left := rows % 8; left > 0 {
		first := rows - left
		rowsVec(v.rows2, left, cols, windowAlongRows, v.narrow[first*64:rows*64], sampleCols[:], v)
	}
	boxColsVec(v.narrow, v.tmp, rows, 64, windowAlongCols, v.sums)
	for oi := range 64 {
		r := int((float64(oi) + 0.5) * float64(rows) / 64)
		copy(out[oi][:], v.tmp[r*64:(r+1)*64])
	}
}
