package features_test

import (
	"bytes"
	"image"
	"image/draw"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/features"
	"github.com/ariadne-vid/ariadne/internal/features/featureseval"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

func grayOf(m image.Image) *image.Gray {
	g := image.NewGray(m.Bounds())
	draw.Draw(g, g.Bounds(), m, m.Bounds().Min, draw.Src)
	return g
}

// TestDeterministic: one picture gives the same features every time.
func TestDeterministic(t *testing.T) {
	m := synth.Room(3, 4, 800, 600)
	a := features.FromGray(grayOf(m), features.Options{}).Encode()
	b := features.FromGray(grayOf(m), features.Options{}).Encode()
	if !bytes.Equal(a, b) {
		t.Fatal("two extractions of one picture differ")
	}
	if n := (len(a) - 7) / 38; n < 300 {
		t.Errorf("only %d features in a furnished room", n)
	}
}

// TestCompare: altered copies match as copies, with the transform they
// went through; overlapping crops match as the same place; rooms sharing
// only their wallpaper, and smooth scenes, do not match.
func TestCompare(t *testing.T) {
	orig := synth.Room(5, 6, 1024, 768)
	stored, err := featureseval.Prepare(orig, 90, false)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]featureseval.Alteration{}
	for _, a := range featureseval.Alterations {
		byName[a.Name] = a
	}
	for _, tc := range []struct {
		alteration string
		scale      float64 // the transform's, copy to original (0: not checked)
		mirrored   bool
	}{
		{"crop 10% per edge", 0.8, false},
		{"caption band", 1, false},
		{"mirrored", 1, true},
		{"resized to 50%", 1, false}, // both described at 512 px
		{"rotated 3°", 1, false},
		{"border 8%", 1 / 0.86, false},
	} {
		a := byName[tc.alteration]
		q, err := featureseval.Prepare(a.Make(orig), a.Quality, true)
		if err != nil {
			t.Fatal(err)
		}
		r := features.CompareMirrored(q.Features, q.Mirrored, stored.Features, features.MatchOptions{})
		if !r.Match || r.Kind != features.KindCopy || r.Transform.Mirrored != tc.mirrored {
			t.Errorf("%s: %+v", tc.alteration, r)
			continue
		}
		// Both sides are described at 512 px: a crop's scale is its share.
		if got := r.Transform.Scale; got < tc.scale*0.93 || got > tc.scale*1.07 {
			t.Errorf("%s: scale %.3f, want %.3f", tc.alteration, got, tc.scale)
		}
	}
	// Two views of one room that overlap by a third.
	b := orig.Bounds()
	left, right := image.NewNRGBA(image.Rect(0, 0, b.Dx()*6/10, b.Dy())), image.NewNRGBA(image.Rect(0, 0, b.Dx()*6/10, b.Dy()))
	draw.Draw(left, left.Bounds(), orig, image.Point{}, draw.Src)
	draw.Draw(right, right.Bounds(), orig, image.Point{X: b.Dx() * 4 / 10}, draw.Src)
	l, _ := featureseval.Prepare(left, 90, true)
	rt, _ := featureseval.Prepare(right, 90, false)
	if r := features.CompareMirrored(l.Features, l.Mirrored, rt.Features, features.MatchOptions{}); !r.Match || r.Kind != features.KindSamePlace || r.RegionA.X0 < 0.5 || r.RegionB.X1 > 0.5 {
		t.Errorf("overlapping views: %+v, regions %+v %+v", r, r.RegionA, r.RegionB)
	}
	for name, m := range map[string]image.Image{
		"same wallpaper, another room": synth.Room(5, 7, 1024, 768),
		"another room":                 synth.Room(9, 10, 1024, 768),
		"a smooth scene":               synth.Scene(11, 1024, 768),
	} {
		q, _ := featureseval.Prepare(m, 90, true)
		if r := features.CompareMirrored(q.Features, q.Mirrored, stored.Features, features.MatchOptions{}); r.Match {
			t.Errorf("%s matched: %+v", name, r)
		}
	}
}

// TestEncode: the stored form keeps what matching needs.
func TestEncode(t *testing.T) {
	s := features.FromGray(grayOf(synth.Room(1, 2, 640, 480)), features.Options{})
	d, err := features.Decode(s.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != s.Len() || d.Width != s.Width || d.Height != s.Height {
		t.Fatalf("decoded %d features %dx%d, want %d %dx%d", d.Len(), d.Width, d.Height, s.Len(), s.Width, s.Height)
	}
	for i := range s.Keypoints {
		a, b := s.Keypoints[i], d.Keypoints[i]
		if a.Level != b.Level || abs(a.X-b.X) > 0.006 || abs(a.Y-b.Y) > 0.006 || s.Descriptors[i] != d.Descriptors[i] {
			t.Fatalf("feature %d: %+v became %+v", i, a, b)
		}
	}
	if r := features.Compare(s, d, features.MatchOptions{}); !r.Match || r.Inliers < s.Len()*9/10 {
		t.Errorf("a set against its stored form: %+v", r)
	}
	for _, bad := range [][]byte{nil, {9}, s.Encode()[:100]} {
		if _, err := features.Decode(bad); err == nil {
			t.Errorf("decoded %d corrupt bytes", len(bad))
		}
	}
}

func abs(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

func FuzzDecode(f *testing.F) {
	f.Add(features.FromGray(grayOf(synth.Room(1, 2, 200, 150)), features.Options{MaxFeatures: 5}).Encode())
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := features.Decode(b)
		if err != nil {
			return
		}
		if !bytes.Equal(s.Encode(), b) {
			t.Fatal("a decoded set encodes differently")
		}
		features.Compare(s, s, features.MatchOptions{})
	})
}

// TestIndex: in memory and in a file, pictures added one by one are
// found by their altered copies, mirrored ones too, and nothing is found
// for a picture that is not there. (The pictures are described from
// their pixels, so that the test is of the index: featureseval measures
// the whole path through the hashing decoder.)
func TestIndex(t *testing.T) {
	rooms := 12
	var stored []*features.Set
	describe := func(m image.Image) (*features.Set, *features.Set) {
		g := grayOf(m)
		return features.FromGray(g, features.Options{}), features.FromGray(g, features.Options{Mirror: true})
	}
	for i := range rooms {
		s, _ := describe(synth.Room(uint64(40+i%5), uint64(900+i), 1024, 768))
		stored = append(stored, s.Truncate(features.Stored))
	}
	mem := features.NewIndex(0)
	file, err := features.NewFileIndex(0, t.TempDir()+"/features.idx")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	for name, x := range map[string]*features.Index{"memory": mem, "file": file} {
		for i, s := range stored {
			if err := x.Add(uint64(1000+i), s); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []int{0, 5, 11} {
			m := synth.Room(uint64(40+q%5), uint64(900+q), 1024, 768)
			for _, alt := range []func(*image.NRGBA) *image.NRGBA{
				func(m *image.NRGBA) *image.NRGBA { return synth.Caption(m, "CAPTION") },
				synth.Mirror,
			} {
				up, mirrored := describe(alt(m))
				hits, err := x.Search(up, mirrored, features.SearchOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if len(hits) != 1 || hits[0].ID != uint64(1000+q) {
					t.Errorf("%s: room %d: hits %+v", name, q, hits)
				}
			}
		}
		up, mirrored := describe(synth.Room(41, 999, 1024, 768))
		if hits, _ := x.Search(up, mirrored, features.SearchOptions{}); len(hits) != 0 {
			t.Errorf("%s: a room not indexed found %+v", name, hits)
		}
	}
}
