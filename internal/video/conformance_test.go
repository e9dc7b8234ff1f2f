package video

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/ffmpeg/ffmpegtest"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/testvectors"
)

func readRef(t *testing.T, path string) []Frame {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	frames, err := ReadLines(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return frames
}

// TestConformanceEveryFrame hashes every frame of the sample videos
// through the frame pipeline that made each reference file and expects
// the reference's lines exactly: index, quality, hash and timestamp.
func TestConformanceEveryFrame(t *testing.T) {
	ffmpegtest.Require(t)
	dir := testvectors.Dir(t, "video")
	videos, _ := filepath.Glob(filepath.Join(dir, "videos", "*.mp4"))
	if len(videos) == 0 {
		t.Skip("no sample videos")
	}
	type variant struct {
		suffix string
		opts   Options
	}
	for _, v := range videos {
		name := strings.TrimSuffix(filepath.Base(v), ".mp4")
		variants := []variant{{"", Options{CColourConversion: true}}, {"-128x128", Options{Size: 128}}}
		if name == "test-padded-dimensions" {
			variants = []variant{{"", Options{}}} // made by the current reference
		}
		for _, va := range variants {
			ref := filepath.Join(dir, "vpdq", name+va.suffix+".txt")
			if _, err := os.Stat(ref); err != nil {
				continue
			}
			t.Run(name+va.suffix, func(t *testing.T) {
				t.Parallel()
				want := readRef(t, ref)
				got, err := HashFile(context.Background(), v, va.opts)
				if err != nil {
					t.Fatal(err)
				}
				if len(got.Frames) != len(want) {
					t.Fatalf("%d frames, reference %d", len(got.Frames), len(want))
				}
				bad := 0
				for i, w := range want {
					g := got.Frames[i]
					if gl, wl := line(g), line(w); gl != wl {
						if bad < 3 {
							t.Errorf("frame %d: got %s want %s (distance %d)", i, gl, wl, pdq.Distance(g.Hash, w.Hash))
						}
						bad++
					}
				}
				if bad > 0 {
					t.Errorf("%d of %d frames differ", bad, len(want))
				}
			})
		}
	}
}

func line(f Frame) string {
	var b strings.Builder
	WriteLines(&b, []Frame{f})
	return strings.TrimSpace(b.String())
}
