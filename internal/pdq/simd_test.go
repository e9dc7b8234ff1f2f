package pdq

import (
	"math/rand/v2"
	"testing"
)

// TestVecFilterIsPortableFilter: the transposed, vectorised filter gives
// every sampled value the portable filter gives, on frame sizes of every
// remainder modulo 8 and with odd windows.
func TestVecFilterIsPortableFilter(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2 on this machine (or built with purego): the portable filter is the only one")
	}
	rng := rand.New(rand.NewPCG(9, 4))
	dims := [][2]int{{720, 480}, {480, 720}, {1080, 1920}, {5, 5}, {8, 8}, {9, 17}, {64, 65}, {512, 512}, {1080, 1080}}
	for range 60 {
		dims = append(dims, [2]int{5 + rng.IntN(400), 5 + rng.IntN(400)})
	}
	for i, d := range dims {
		rows, cols := d[0], d[1]
		wr, wc := jaroszWindow(cols, 64), jaroszWindow(rows, 64)
		if i%4 == 3 {
			wr, wc = 1+rng.IntN(cols), 1+rng.IntN(rows)
		}
		a := make([]float32, rows*cols)
		for k := range a {
			a[k] = float32(rng.IntN(256)) * 0.587
		}
		b := append([]float32(nil), a...)
		var want, got [64][64]float32
		jaroszDecimate(a, make([]float32, rows*cols), rows, cols, wr, wc, &want)
		jaroszDecimateVec(b, nil, rows, cols, wr, wc, &got, &vecScratch{})
		if want != got {
			t.Fatalf("%dx%d, windows %d/%d: the vectorised filter differs", rows, cols, wr, wc)
		}
	}
}

func TestTranspose(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2 on this machine (or built with purego)")
	}
	for _, d := range [][2]int{{1, 1}, {8, 8}, {7, 9}, {16, 24}, {17, 33}, {100, 3}} {
		rows, cols := d[0], d[1]
		src := make([]float32, rows*cols)
		for i := range src {
			src[i] = float32(i)
		}
		dst := make([]float32, len(src))
		transpose(dst, src, rows, cols)
		for y := range rows {
			for x := range cols {
				if dst[x*rows+y] != src[y*cols+x] {
					t.Fatalf("%dx%d: (%d,%d) not transposed", rows, cols, y, x)
				}
			}
		}
	}
}

// TestLumaRGBEveryLength covers the kernel's over-read guard: every
// buffer length ends exactly where its pixels end.
func TestLumaRGBEveryLength(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for n := range 40 {
		rgb := make([]byte, 3*n)
		for i := range rgb {
			rgb[i] = byte(rng.Uint32())
		}
		dst := make([]float32, n)
		LumaRGB(dst, rgb)
		for i, v := range dst {
			if want := Luma(rgb[3*i], rgb[3*i+1], rgb[3*i+2]); v != want {
				t.Fatalf("%d pixels: pixel %d is %v, want %v", n, i, v, want)
			}
		}
	}
}

// TestFromRGBIsFromLuma: hashing RGB pixels directly (the luma computed
// strip by strip) gives the hash of their luma buffer.
func TestFromRGBIsFromLuma(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 9))
	var h Hasher
	for _, d := range [][2]int{{720, 480}, {64, 64}, {5, 5}, {4, 9}, {13, 70}, {67, 131}, {1080, 1080}} {
		rows, cols := d[0], d[1]
		rgb := make([]byte, 3*rows*cols)
		// Smooth gradients with noise, so the hash is not degenerate.
		for i := range rows * cols {
			y, x := i/cols, i%cols
			rgb[3*i] = byte(x + rng.IntN(8))
			rgb[3*i+1] = byte(y*2 + rng.IntN(8))
			rgb[3*i+2] = byte(x ^ y)
		}
		luma := make([]float32, rows*cols)
		LumaRGB(luma, rgb)
		want := FromLuma(luma, rows, cols)
		got := h.FromRGB(rgb, rows, cols)
		if got.Hash != want.Hash || got.Quality != want.Quality || got.empty != want.empty {
			t.Errorf("%dx%d: FromRGB %s q%d, FromLuma %s q%d", rows, cols, got.Hash, got.Quality, want.Hash, want.Quality)
		}
	}
}
