package features_test

import (
	"testing"

	"github.com/ariadne-vid/ariadne/internal/features"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

// BenchmarkExtract1024 describes a 1024x768 picture (reduced to 512 px
// first, as every picture is).
func BenchmarkExtract1024(b *testing.B) {
	g := grayOf(synth.Room(1, 2, 1024, 768))
	for b.Loop() {
		features.FromGray(g, features.Options{})
	}
}

// BenchmarkExtractLuma describes a picture from the hashing decoder's
// luma buffer, as ingest does.
func BenchmarkExtractLuma(b *testing.B) {
	g := grayOf(synth.Room(1, 2, 512, 384))
	luma := make([]float32, len(g.Pix))
	for i, v := range g.Pix {
		luma[i] = float32(v)
	}
	for b.Loop() {
		features.FromLuma(luma, 384, 512, 1024, 768, features.Options{})
	}
}

// BenchmarkCompare compares two sets of a copy and its original.
func BenchmarkCompare(b *testing.B) {
	m := synth.Room(1, 2, 1024, 768)
	x := features.FromGray(grayOf(m), features.Options{})
	y := features.FromGray(grayOf(synth.Caption(m, "CAPTION")), features.Options{}).Truncate(features.Stored)
	for b.Loop() {
		features.Compare(x, y, features.MatchOptions{})
	}
}
