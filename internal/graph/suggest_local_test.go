package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/draw"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/ingest"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

// TestLocalFeatureSuggestions: a cropped and captioned copy is a
// near-duplicate of its original by local features; two different views
// of one room (overlapping crops) are taken at one suggested location,
// with the regions they share, and are not near-duplicates; rooms with
// the same wallpaper only are not connected; a second run adds nothing.
func TestLocalFeatureSuggestions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		st := e.Store
		if _, err := st.AddAgency(ctx, store.Agency{Name: "Agency A"}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateCase(ctx, store.Case{Number: "LF-1", Agency: "Agency A"}); err != nil {
			t.Fatal(err)
		}
		sub := func(m *image.NRGBA, r image.Rectangle) *image.NRGBA {
			out := image.NewNRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
			draw.Draw(out, out.Bounds(), m, r.Min, draw.Src)
			return out
		}
		roomA, roomB := synth.Room(4, 31, 1024, 768), synth.Room(6, 32, 1024, 768)
		dir := t.TempDir()
		for name, m := range map[string]image.Image{
			"a.jpg":      roomA,
			"a-crop.jpg": synth.Caption(sub(roomA, image.Rect(102, 77, 922, 691)), "REPOSTED"),
			// Two views of one room sharing about half of each.
			"b-left.jpg":  sub(roomB, image.Rect(0, 0, 700, 768)),
			"b-right.jpg": sub(roomB, image.Rect(324, 0, 1024, 768)),
			"c.jpg":       synth.Room(4, 33, 1024, 768), // roomA's wallpaper, another room
		} {
			if err := os.WriteFile(filepath.Join(dir, name), encode(t, m), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		ex, _ := st.AddExhibit(ctx, store.Exhibit{CaseNumber: "LF-1", Label: "E"})
		if _, err := ingest.Run(ctx, st, ex, []string{dir}, ingest.Options{}, nil); err != nil {
			t.Fatal(err)
		}
		c, _ := st.CaseByNumber(ctx, "LF-1")
		names := map[int64]string{}
		st.ScopeFiles(ctx, c.ID, 0, func(sf store.ScopedFile) error {
			names[sf.Media.ID] = filepath.Base(sf.File.Path)
			return nil
		})
		g := New(st)
		for run := range 2 {
			counts, err := g.Suggest(ctx, c, SuggestOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, rc := range counts {
				if run == 1 && rc.New != 0 {
					t.Errorf("second run: rule %s added %d", rc.Rule, rc.New)
				}
			}
		}
		links, _ := st.Links(ctx, store.LinkFilter{AgencyID: c.AgencyID})
		var got []string
		for _, l := range links {
			var ev map[string]any
			json.Unmarshal(l.Last.Evidence, &ev)
			if ev["signal"] != "local-features" {
				continue
			}
			from, to := names[l.From.ID], names[l.To.ID]
			if l.To.Kind == store.NodeMedia && from > to {
				from, to = to, from // a pair is recorded in media ID order
			}
			if l.To.Kind == store.NodeLocation {
				to = "location"
				if shares, _ := ev["shares"].([]any); len(shares) != 1 {
					t.Errorf("%s: evidence %v", names[l.From.ID], ev)
				}
			}
			got = append(got, from+" "+l.Relation+" "+to)
		}
		slices.Sort(got)
		want := []string{"a-crop.jpg near-duplicate a.jpg", "b-left.jpg taken-at location", "b-right.jpg taken-at location"}
		if !slices.Equal(got, want) {
			t.Errorf("local-feature links %q, want %q", got, want)
		}
	})
}

func encode(t *testing.T, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
