package ingest

import (
	"bytes"
	"context"
	"github.com/ariadne-vid/ariadne/internal/metadata/metadatatest"
	"image"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/image/draw"

	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/match"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

// TestThumbnailLinksAnEditedCopy: a heavily cropped copy of a known
// picture no longer matches by PDQ, but it kept the original's embedded
// thumbnail, which does: the copy is near by thumbnail-pdq, at ingest and
// at a rematch after a late import. Its camera metadata is recorded.
func TestThumbnailLinksAnEditedCopy(t *testing.T) {
	metadatatest.RequireExifTool(t)
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		f := newBareFixture(t, e)
		dir := t.TempDir()
		scene := synth.Scene(203, 800, 600) // PDQ quality 79, its thumbnail's 83
		crop := image.NewNRGBA(image.Rect(0, 0, 300, 260))
		draw.Copy(crop, image.Point{}, scene, image.Rect(420, 300, 720, 560), draw.Src, nil)
		thumb := filepath.Join(dir, "thumb.jpg")
		os.WriteFile(thumb, encodeJPEG(t, synth.Resize(scene, 160, 120), 85), 0o644)
		root := filepath.Join(dir, "ex")
		os.MkdirAll(root, 0o755)
		edited := filepath.Join(root, "edited.jpg")
		os.WriteFile(edited, encodeJPEG(t, crop, 90), 0o644)
		if out, err := exec.Command("exiftool", "-q", "-overwrite_original", "-Make=ExampleCam", "-Model=Model 7", "-SerialNumber=SN42",
			"-ThumbnailImage<="+thumb, edited).CombinedOutput(); err != nil {
			t.Fatalf("exiftool: %v\n%s", err, out)
		}
		// The original's PDQ is known; the crop's own PDQ is far from it.
		var b bytes.Buffer
		jpeg.Encode(&b, scene, &jpeg.Options{Quality: 90})
		orig := hasher.New(hasher.Options{}).Hash("orig.jpg", bytes.NewReader(b.Bytes()), int64(b.Len()))
		origPDQ := orig.PDQ.String()
		eb, _ := os.ReadFile(edited)
		er := hasher.New(hasher.Options{}).Hash("edited.jpg", bytes.NewReader(eb), int64(len(eb)))
		if d := pdq.Distance(*er.PDQ, *orig.PDQ); d <= 31 {
			t.Fatalf("the crop is %d bits from the original: not a test of the thumbnail", d)
		}

		f.run(t, ctx, Options{}, root)
		if c := f.files(t)["ex/edited.jpg"].class; c != "new" {
			t.Fatalf("before the set: class %q", c)
		}
		bad, _ := f.st.SaveHashSet(ctx, store.HashSet{Name: "bad", Kind: store.KnownBad, Radius: 31})
		storetest.WriteEntries(t, f.st, bad.ID, store.Entry{Key: "orig", PDQ: origPDQ})
		c, _ := f.st.CaseByNumber(ctx, "T-1")
		if _, err := match.Rematch(ctx, f.st, c.ID, 0, match.RematchOptions{}); err != nil {
			t.Fatal(err)
		}
		_, signals := classesAndMatches(t, f.st, "T-1")
		if got := f.files(t)["ex/edited.jpg"].class; got != "near" || len(signals["ex/edited.jpg"]) != 1 || signals["ex/edited.jpg"][0] != "thumbnail-pdq" {
			t.Errorf("after rematch: class %q, matches %v; want near by thumbnail-pdq", got, signals["ex/edited.jpg"])
		}

		// An ingest into a fresh store with the set in place finds the same.
		fresh := newBareFixture(t, storetest.Engine{Name: "sqlite", Store: storetest.OpenSQLite(t, filepath.Join(t.TempDir(), "fresh.db"))})
		set, _ := fresh.st.SaveHashSet(ctx, store.HashSet{Name: "bad", Kind: store.KnownBad, Radius: 31})
		storetest.WriteEntries(t, fresh.st, set.ID, store.Entry{Key: "orig", PDQ: origPDQ})
		fresh.run(t, ctx, Options{}, root)
		_, freshSignals := classesAndMatches(t, fresh.st, "T-1")
		if got := fresh.files(t)["ex/edited.jpg"].class; got != "near" || len(freshSignals["ex/edited.jpg"]) != 1 || freshSignals["ex/edited.jpg"][0] != "thumbnail-pdq" {
			t.Errorf("ingest after the import: class %q, matches %v", got, freshSignals["ex/edited.jpg"])
		}

		var ids []int64
		f.st.ScopeFiles(ctx, c.ID, 0, func(sf store.ScopedFile) error {
			if sf.Media != nil {
				ids = append(ids, sf.Media.ID)
			}
			return nil
		})
		md, err := f.st.MetadataOf(ctx, ids)
		if err != nil || len(md) != 1 {
			t.Fatalf("metadata of %d media: %v (%v)", len(ids), md, err)
		}
		for _, m := range md {
			if m.Make != "ExampleCam" || m.Model != "Model 7" || m.Serial != "SN42" {
				t.Errorf("stored metadata %+v", m)
			}
		}
	})
}
