package imaging

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/synth"
)

// BenchmarkDecode decodes synthetic JPEGs (decode, sampling to the
// reference's grid and luma) in both modes. The corpus benchmark
// (BenchmarkCorpusDecode) measures real photographs.
func BenchmarkDecode(b *testing.B) {
	for _, size := range [][2]int{{640, 480}, {2000, 1500}, {4000, 3000}} {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, synth.Scene(9, size[0], size[1]), &jpeg.Options{Quality: 90}); err != nil {
			b.Fatal(err)
		}
		for _, mode := range []struct {
			name string
			opts Options
		}{{"fast", Options{Fast: true}}, {"exact", Options{}}} {
			b.Run(fmt.Sprintf("%dx%d/%s", size[0], size[1], mode.name), func(b *testing.B) {
				b.SetBytes(int64(buf.Len()))
				for b.Loop() {
					if _, err := Decode(buf.Bytes(), mode.opts); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
