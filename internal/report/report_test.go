package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/image/draw"

	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/imaging"
	"github.com/ariadne-vid/ariadne/internal/ingest"
	"github.com/ariadne-vid/ariadne/internal/metadata/metadatatest"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

func write(t *testing.T, dir string, files map[string][]byte) {
	for name, data := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func jpegOf(t *testing.T, seed uint64, w, h, q int, mirror bool) []byte {
	m := synth.Scene(seed, w, h)
	if mirror {
		m = synth.Mirror(m)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReport(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		st := e.Store
		for _, c := range []string{"R-1", "R-2"} {
			if _, err := st.CreateCase(ctx, store.Case{Number: c}); err != nil {
				t.Fatal(err)
			}
		}
		known := jpegOf(t, 11, 640, 400, 90, false)
		res := hasher.New(hasher.Options{Imaging: imaging.Options{Fast: true}}).Hash("k", bytes.NewReader(known), int64(len(known)))
		set, _ := st.SaveHashSet(ctx, store.HashSet{Name: "bad", Kind: store.KnownBad})
		cat := "2"
		storetest.WriteEntries(t, st, set.ID, store.Entry{Key: "k1", PDQ: res.PDQ.String(), Category: &cat, Series: "Series K"})
		var text bytes.Buffer
		png.Encode(&text, synth.Text(300, 80, []string{"benign"}))
		dir := t.TempDir()
		a, b, other := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "other")
		// Exhibit a: a series of three new media (original, resized, mirrored),
		// a lone new media, a near copy of the known entry, a corrupt file.
		write(t, a, map[string][]byte{
			"s/1.jpg":    jpegOf(t, 7, 640, 480, 90, false),
			"s/2.jpg":    jpegOf(t, 7, 320, 240, 70, false),
			"s/3.jpg":    jpegOf(t, 7, 640, 480, 85, true),
			"lone.png":   text.Bytes(),
			"near.jpg":   jpegOf(t, 11, 320, 200, 60, false),
			"broken.jpg": known[:100],
		})
		// Exhibit b of the same case and an exhibit of another case hold
		// one of the same files.
		write(t, b, map[string][]byte{"copy.jpg": jpegOf(t, 7, 640, 480, 90, false)})
		write(t, other, map[string][]byte{"elsewhere.jpg": jpegOf(t, 7, 640, 480, 90, false)})
		for _, x := range []struct{ c, label, dir string }{{"R-1", "A", a}, {"R-1", "B", b}, {"R-2", "X", other}} {
			ex, err := st.AddExhibit(ctx, store.Exhibit{CaseNumber: x.c, Label: x.label})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ingest.Run(ctx, st, ex, []string{x.dir}, ingest.Options{}, nil); err != nil {
				t.Fatal(err)
			}
		}
		r, err := Build(ctx, st, "R-1", "A", "test")
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Totals; got["new"] != 4 || got["near"] != 1 || got["error"] != 1 {
			t.Errorf("totals %v", got)
		}
		if len(r.Clusters) != 2 || len(r.Clusters[0].Media) != 3 || len(r.Clusters[1].Media) != 1 {
			t.Fatalf("clusters: %d, want the series of 3 first, then the lone one", len(r.Clusters))
		}
		if len(r.Near) != 1 || r.Near[0].Matches[0].Entry.Series != "Series K" || len(r.Errors) != 1 {
			t.Errorf("near %+v errors %+v", r.Near, r.Errors)
		}
		var seen []string
		for _, m := range r.Clusters[0].Media {
			for _, s := range m.Elsewhere {
				seen = append(seen, s.Case+"/"+s.Exhibit+"/"+s.Path)
			}
		}
		if strings.Join(seen, " ") != "R-1/B/b/copy.jpg R-2/X/other/elsewhere.jpg" {
			t.Errorf("seen elsewhere: %v", seen)
		}

		var out bytes.Buffer
		if err := r.Write(&out, "html"); err != nil {
			t.Fatal(err)
		}
		html := out.String()
		for _, bad := range []string{"<img", "src=", "http://", "https://", "<script"} {
			if strings.Contains(html, bad) {
				t.Errorf("HTML report contains %q", bad)
			}
		}
		if !strings.Contains(html, "Series K") || !strings.Contains(html, "a/s/1.jpg") {
			t.Error("HTML report lacks the match or the paths")
		}
		out.Reset()
		if err := r.Write(&out, "csv"); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&out).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if rows[0][0] != "exhibit" || len(rows) != 1+6 {
			t.Errorf("CSV: %d rows (want a header and one per file)", len(rows))
		}
		out.Reset()
		r.Write(&out, "json")
		var back Report
		if err := json.Unmarshal(out.Bytes(), &back); err != nil || len(back.Clusters) != 2 {
			t.Errorf("JSON: %v", err)
		}
		out.Reset()
		if err := r.Write(&out, "text"); err != nil || !strings.Contains(out.String(), "cluster 1: 3 media") {
			t.Errorf("text report:\n%s", out.String())
		}
	})
}

// TestMatchLineSaysWhatMatched: each kind of match is described by what
// its distance means.
func TestMatchLineSaysWhatMatched(t *testing.T) {
	for _, c := range []struct {
		signal   string
		distance int
		want     string
	}{
		{"md5", 0, "bad E1 [known-bad], same MD5"},
		{"pdq", 12, "bad E1 [known-bad], PDQ distance 12"},
		{store.SignalVPDQ, 8, "bad E1 [known-bad], vPDQ: 92% of the frames match"},
		{store.SignalVPDQFrame, 6, "bad E1 [known-bad], a frame of the known video at PDQ distance 6"},
		{store.SignalChromaprint, 7, "bad E1 [known-bad], same sound: bit error rate 7%"},
		{store.SignalFramePDQ, 3, "bad E1 [known-bad], a frame of this video at PDQ distance 3 of the known image"},
		{store.SignalFramePDQ + " detail", 3, "bad E1 [known-bad], a frame of this video (at 12.500 s) at PDQ distance 3 of the known image"},
		{store.SignalVPDQ + " detail", 0, "bad E1 [known-bad], vPDQ: 100% of the frames match; 0.000–3.967 s here is 6.000–9.967 s of the known one"},
	} {
		signal, detail := c.signal, ""
		if s, ok := strings.CutSuffix(signal, " detail"); ok {
			signal = s
			detail = `{"frame_time":12.5}`
			if s == store.SignalVPDQ {
				detail = `{"segments":[{"query_start":0,"query_end":3.967,"compared_start":6,"compared_end":9.967,"offset":6}]}`
			}
		}
		me := store.MatchedEntry{HashSet: "bad", Kind: "known-bad", SignalType: signal, Distance: c.distance, Entry: store.Entry{Key: "E1"}}
		if detail != "" {
			me.Detail = json.RawMessage(detail)
		}
		got := matchLine(me)
		if got != c.want {
			t.Errorf("%s: %q, want %q", c.signal, got, c.want)
		}
	}
}

// TestOtherCases: the report names the other cases holding the case's
// material, with their agency: the same content, and near-duplicates
// (a resized, mirrored copy) of other media; a case with unrelated
// content is not named, nor one whose only likeness is a flat image
// (quality too low to compare).
func TestOtherCases(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		st := e.Store
		for _, c := range []store.Case{{Number: "D-1", Agency: "Agency A"}, {Number: "D-2", Title: "Operation B", Agency: "Agency B"}, {Number: "D-3"}} {
			if _, err := st.CreateCase(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		flat := func(w, h int) []byte {
			var b bytes.Buffer
			png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h)))
			return b.Bytes()
		}
		dir := t.TempDir()
		trees := map[string]map[string][]byte{
			"D-1": {"a.jpg": jpegOf(t, 7, 640, 480, 90, false), "b.jpg": jpegOf(t, 9, 600, 400, 90, false), "flat.png": flat(300, 200)},
			"D-2": {"same.jpg": jpegOf(t, 7, 640, 480, 90, false), "near.jpg": jpegOf(t, 9, 300, 200, 70, true)},
			"D-3": {"other.jpg": jpegOf(t, 20, 640, 480, 90, false), "flat.png": flat(320, 240)},
		}
		for number, files := range trees {
			root := filepath.Join(dir, number)
			write(t, root, files)
			ex, err := st.AddExhibit(ctx, store.Exhibit{CaseNumber: number, Label: "E"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ingest.Run(ctx, st, ex, []string{root}, ingest.Options{}, nil); err != nil {
				t.Fatal(err)
			}
		}
		r, err := Build(ctx, st, "D-1", "", "test")
		if err != nil {
			t.Fatal(err)
		}
		if len(r.OtherCases) != 1 {
			t.Fatalf("other cases: %+v, want D-2 only", r.OtherCases)
		}
		o := r.OtherCases[0]
		if o.Number != "D-2" || o.Title != "Operation B" || o.Agency != "Agency B" || o.Same != 1 || o.Near != 1 || len(o.Media) != 2 {
			t.Errorf("other case %+v", o)
		}
		var out bytes.Buffer
		r.Write(&out, "text")
		if !strings.Contains(out.String(), `case D-2 "Operation B", agency Agency B: 1 media the same, 1 near-duplicates`) {
			t.Errorf("text report:\n%s", out.String())
		}
	})
}

// TestThumbnailJoinsTheOriginal: a crop of a picture no longer near it by
// PDQ, which kept the original's embedded thumbnail, joins the
// original's cluster in its own case and names the other case that holds
// the original; the other case learns of it too.
func TestThumbnailJoinsTheOriginal(t *testing.T) {
	metadatatest.RequireExifTool(t)
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		st := e.Store
		dir := t.TempDir()
		scene := synth.Scene(203, 800, 600)
		crop := image.NewNRGBA(image.Rect(0, 0, 300, 260))
		draw.Copy(crop, image.Point{}, scene, image.Rect(420, 300, 720, 560), draw.Src, nil)
		encode := func(m image.Image, q int) []byte {
			var b bytes.Buffer
			if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: q}); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}
		thumb := filepath.Join(dir, "thumb.jpg")
		write(t, dir, map[string][]byte{"thumb.jpg": encode(synth.Resize(scene, 160, 120), 85), "edited.jpg": encode(crop, 90)})
		edited := filepath.Join(dir, "edited.jpg")
		if out, err := exec.Command("exiftool", "-q", "-overwrite_original", "-ThumbnailImage<="+thumb, edited).CombinedOutput(); err != nil {
			t.Fatalf("exiftool: %v\n%s", err, out)
		}
		editedBytes, err := os.ReadFile(edited)
		if err != nil {
			t.Fatal(err)
		}
		trees := map[string]map[string][]byte{
			"T-1": {"orig.jpg": encode(scene, 90), "edited.jpg": editedBytes, "other.jpg": jpegOf(t, 20, 640, 480, 90, false)},
			"T-2": {"orig.jpg": encode(scene, 80)},
			"T-3": {"edited.jpg": editedBytes},
		}
		for number, files := range trees {
			if _, err := st.CreateCase(ctx, store.Case{Number: number}); err != nil {
				t.Fatal(err)
			}
			root := filepath.Join(dir, number)
			write(t, root, files)
			ex, err := st.AddExhibit(ctx, store.Exhibit{CaseNumber: number, Label: "E"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ingest.Run(ctx, st, ex, []string{root}, ingest.Options{}, nil); err != nil {
				t.Fatal(err)
			}
		}
		r, err := Build(ctx, st, "T-1", "", "test")
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Clusters) != 2 || len(r.Clusters[0].Media) != 2 {
			t.Fatalf("clusters %+v: want the original and its crop together, the other alone", r.Clusters)
		}
		for _, m := range r.Clusters[0].Media {
			if p := filepath.Base(m.Files[0].Path); p != "orig.jpg" && p != "edited.jpg" {
				t.Errorf("cluster holds %s", p)
			}
		}
		for number, want := range map[string]string{"T-2": "T-3", "T-3": "T-2"} {
			r, err := Build(ctx, st, number, "", "test")
			if err != nil {
				t.Fatal(err)
			}
			var near []string
			for _, o := range r.OtherCases {
				if o.Near == 1 {
					near = append(near, o.Number)
				}
			}
			if !slices.Contains(near, want) {
				t.Errorf("%s's other cases %+v: want %s near by the thumbnail", number, r.OtherCases, want)
			}
		}
	})
}
