package pdq

import (
	"math/rand/v2"
	"testing"
)

// Per-stage benchmarks on a 512x512 buffer, the size every image over 512
// px is sampled to. Run: go test -run XXX -bench . ./internal/pdq

func randomLuma(n int) []float32 {
	rng := rand.New(rand.NewPCG(7, 8))
	b := make([]float32, n)
	for i := range b {
		b[i] = rng.Float32() * 255
	}
	return b
}

func BenchmarkJarosz512(b *testing.B) {
	src := randomLuma(512 * 512)
	buf, tmp := make([]float32, len(src)), make([]float32, len(src))
	for b.Loop() {
		copy(buf, src)
		jaroszFilter(buf, tmp, 512, 512, jaroszWindow(512, 64), jaroszWindow(512, 64))
	}
}

func BenchmarkDCT(b *testing.B) {
	var a [64][64]float32
	src := randomLuma(64 * 64)
	for i := range 64 {
		copy(a[i][:], src[i*64:])
	}
	var out [16][16]float32
	for b.Loop() {
		dct64To16(&a, &out)
	}
}

func BenchmarkFromLuma512(b *testing.B) {
	src := randomLuma(512 * 512)
	buf := make([]float32, len(src))
	var h Hasher
	for b.Loop() {
		copy(buf, src)
		h.FromLuma(buf, 512, 512)
	}
}

func BenchmarkDihedral(b *testing.B) {
	s := FromLuma(randomLuma(512*512), 512, 512)
	for b.Loop() {
		s.Dihedral()
	}
}

func BenchmarkDistance(b *testing.B) {
	var x, y Hash
	x[3], y[9] = 0xf0, 0x0f
	n := 0
	for b.Loop() {
		n += Distance(x, y)
	}
	_ = n
}

// BenchmarkFromRGBFrame hashes a 480x720 RGB frame, the size of most of
// the vPDQ sample videos, as the video hasher does.
func BenchmarkFromRGBFrame(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	rgb := make([]byte, 3*480*720)
	for i := range rgb {
		rgb[i] = byte(rng.Uint32())
	}
	var h Hasher
	for b.Loop() {
		h.FromRGB(rgb, 720, 480)
	}
}
