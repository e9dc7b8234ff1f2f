package pdq

import (
	"math"
	"math/rand/v2"
	"testing"
)

// box1DStrided is the reference's filter transliterated as it is written
// (one strided vector at a time): the oracle for the faster row and
// column passes.
func box1DStrided(in, out []float32, n, stride, window int) {
	half := (window + 2) / 2
	li, ri, oi, cur := 0, 0, 0, 0
	var sum float32
	for range half - 1 {
		sum += in[ri]
		cur++
		ri += stride
	}
	for range window - half + 1 {
		sum += in[ri]
		cur++
		out[oi] = sum / float32(cur)
		ri += stride
		oi += stride
	}
	for range n - window {
		sum += in[ri]
		sum -= in[li]
		out[oi] = sum / float32(cur)
		li += stride
		ri += stride
		oi += stride
	}
	for range half - 1 {
		sum -= in[li]
		cur--
		out[oi] = sum / float32(cur)
		li += stride
		oi += stride
	}
}

func TestBoxFilterMatchesReferenceOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		rows, cols := 1+rng.IntN(300), 1+rng.IntN(300) // covers whole row groups and the remainder
		if trial < 4 {
			rows, cols = []int{5, 64, 512, 1000}[trial], []int{5, 64, 512, 7}[trial]
		}
		wr, wc := jaroszWindow(cols, 64), jaroszWindow(rows, 64)
		if trial%3 == 0 { // odd windows too
			wr, wc = 1+rng.IntN(cols), 1+rng.IntN(rows)
		}
		in := make([]float32, rows*cols)
		for i := range in {
			in[i] = rng.Float32() * 255
		}
		want := make([]float32, len(in))
		got := make([]float32, len(in))
		for i := range rows {
			box1DStrided(in[i*cols:], want[i*cols:], cols, 1, wr)
		}
		boxRows(in, got, rows, cols, wr)
		assertSame(t, "rows", rows, cols, got, want)
		for j := range cols {
			box1DStrided(in[j:], want[j:], rows, cols, wc)
		}
		boxCols(in, got, rows, cols, wc, make([]float32, cols))
		assertSame(t, "cols", rows, cols, got, want)
	}
}

func assertSame(t *testing.T, pass string, rows, cols int, got, want []float32) {
	t.Helper()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s pass, %dx%d: element %d is %v, want %v", pass, rows, cols, i, got[i], want[i])
		}
	}
}

// TestDivideAllIsDivision checks divideAll's float64 route against float32
// division: on random float32 values of every magnitude PDQ meets (sums
// of up to a few hundred luma values) and on the values next to the
// quotient boundaries, for every window up to 64.
func TestDivideAllIsDivision(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	src := make([]float32, 1<<16)
	dst := make([]float32, len(src))
	for n := 1; n <= 64; n++ {
		for round := range 16 {
			for i := range src {
				switch round % 3 {
				case 0:
					src[i] = float32(rng.Float64() * 255 * 64)
				case 1:
					src[i] = float32(rng.IntN(255 * 64)) // whole sums
				default:
					// Numerators whose quotient is at or next to a float32.
					q := float32(rng.Float64() * 255)
					src[i] = math.Nextafter32(q*float32(n), float32(rng.IntN(3)-1)*1e9)
				}
			}
			divideAll(dst, src, n)
			for i, v := range src {
				if want := v / float32(n); dst[i] != want {
					t.Fatalf("%v / %d: got %v, want %v", v, n, dst[i], want)
				}
			}
		}
	}
}

func TestLumaRGBIsLuma(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	rgb := make([]byte, 3*100000)
	for i := range rgb {
		rgb[i] = byte(rng.Uint32())
	}
	dst := make([]float32, len(rgb)/3)
	LumaRGB(dst, rgb)
	for i, v := range dst {
		if want := Luma(rgb[3*i], rgb[3*i+1], rgb[3*i+2]); v != want {
			t.Fatalf("pixel %d: %v, want %v", i, v, want)
		}
	}
}

// TestJaroszDecimateIsFilterThenDecimate: the shortcut that filters only
// the sampled columns in the last pass gives what filtering everything
// and then sampling gives.
func TestJaroszDecimateIsFilterThenDecimate(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	for _, dims := range [][2]int{{720, 480}, {33, 97}, {5, 300}, {131, 67}, {1080, 1920}, {512, 512}, {6, 6}} {
		rows, cols := dims[0], dims[1]
		a := make([]float32, rows*cols)
		for i := range a {
			a[i] = float32(rng.IntN(256)) * 0.7
		}
		b := append([]float32(nil), a...)
		tmp := make([]float32, rows*cols)
		wr, wc := jaroszWindow(cols, 64), jaroszWindow(rows, 64)
		var want, got [64][64]float32
		jaroszFilter(a, tmp, rows, cols, wr, wc)
		decimate(a, rows, cols, &want)
		jaroszDecimate(b, tmp, rows, cols, wr, wc, &got)
		if want != got {
			t.Errorf("%dx%d: the shortcut differs", rows, cols)
		}
	}
}
