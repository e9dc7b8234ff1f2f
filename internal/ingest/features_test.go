package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/draw"
	"os"
	"path/filepath"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/match"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

// TestLocalFeaturesFindCrops: every image's local features are stored;
// once a picture is known (its hash in a known-bad set), a cropped and
// captioned copy of it in another exhibit, which its PDQ misses, is near
// that entry by local features — at rematch for a copy ingested before
// the picture, at ingest for one after it (mirrored too). A copy in the
// picture's own exhibit is not compared with it.
func TestLocalFeaturesFindCrops(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		f := newBareFixture(t, e)
		dir := t.TempDir()
		room := synth.Room(8, 21, 1024, 768)
		crop := image.NewNRGBA(image.Rect(0, 0, 820, 615))
		draw.Draw(crop, crop.Bounds(), room, image.Point{102, 77}, draw.Src)
		original := encodeJPEG(t, room, 90)
		root := filepath.Join(dir, "ex")
		os.MkdirAll(root, 0o755)
		os.WriteFile(filepath.Join(root, "original.jpg"), original, 0o644)
		os.WriteFile(filepath.Join(root, "same-exhibit-copy.jpg"), encodeJPEG(t, synth.Caption(crop, "HERE"), 85), 0o644)
		early := filepath.Join(dir, "early")
		os.MkdirAll(early, 0o755)
		os.WriteFile(filepath.Join(early, "copy.jpg"), encodeJPEG(t, synth.Caption(crop, "EARLY"), 85), 0o644)
		newExhibit := func(label string) store.Exhibit {
			ex, err := f.st.AddExhibit(ctx, store.Exhibit{CaseNumber: "T-1", Label: label})
			if err != nil {
				t.Fatal(err)
			}
			return ex
		}
		if _, err := Run(ctx, f.st, newExhibit("E0"), []string{early}, Options{}, nil); err != nil {
			t.Fatal(err)
		}
		bad, _ := f.st.SaveHashSet(ctx, store.HashSet{Name: "bad", Kind: store.KnownBad, Radius: 31})
		storetest.WriteEntries(t, f.st, bad.ID, store.Entry{Key: "orig", SHA256: sha256Hex(original)})
		f.run(t, ctx, Options{}, root)
		files := f.files(t)
		if files["ex/original.jpg"].class != "known" || files["ex/same-exhibit-copy.jpg"].class != "new" {
			t.Fatalf("first run: %+v", files)
		}
		c, _ := f.st.CaseByNumber(ctx, "T-1")
		ids, _, _ := f.st.CaseMediaIDs(ctx, c.ID)
		stored, err := f.st.FeaturesOf(ctx, "orb1", ids)
		if err != nil || len(stored) != 3 {
			t.Fatalf("stored features of %d media (%v), want 3", len(stored), err)
		}

		n := 0
		if err := f.st.MediaFeatures(ctx, "orb1", true, func(int64, []byte) error { n++; return nil }); err != nil || n != 1 {
			t.Fatalf("features of known media: %d, %v", n, err)
		}
		// Rematch finds the copy ingested before its original was known.
		if _, err := match.Rematch(ctx, f.st, c.ID, 0, match.RematchOptions{}); err != nil {
			t.Fatal(err)
		}
		if again, err := match.Rematch(ctx, f.st, c.ID, 0, match.RematchOptions{}); err != nil || again.NewMatches != 0 || again.Reclassified != 0 {
			t.Fatalf("a second rematch: %+v, %v", again, err)
		}
		// A copy in a later exhibit, mirrored too, is near at ingest.
		later := filepath.Join(dir, "later")
		os.MkdirAll(later, 0o755)
		os.WriteFile(filepath.Join(later, "copy.jpg"), encodeJPEG(t, synth.Mirror(synth.Caption(crop, "LATER")), 80), 0o644)
		if _, err := Run(ctx, f.st, newExhibit("E2"), []string{later}, Options{}, nil); err != nil {
			t.Fatal(err)
		}
		_, signals := classesAndMatches(t, f.st, "T-1")
		files = f.files(t)
		if p := "early/copy.jpg"; len(signals[p]) != 1 || signals[p][0] != store.SignalLocalFeatures {
			t.Errorf("%s after rematch: matches %v; want near by local-features", p, signals[p])
		}
		if p := "ex/same-exhibit-copy.jpg"; files[p].class != "new" || len(signals[p]) != 0 {
			t.Errorf("%s: class %q, matches %v; want new, unmatched", p, files[p].class, signals[p])
		}
		if p := "later/copy.jpg"; len(signals[p]) != 1 || signals[p][0] != store.SignalLocalFeatures {
			t.Errorf("%s: matches %v; want near by local-features", p, signals[p])
		}
	})
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
