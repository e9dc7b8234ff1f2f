package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/draw"
	"image/jpeg"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/ingest"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

// TestLookupFindsCrops: POST /m/lookup of a cropped, captioned copy of a
// known picture the store holds answers the picture's entries by local
// features, with the evidence; POST /h/hash of it is unchanged.
func TestLookupFindsCrops(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		st := e.Store
		enc := func(m image.Image) []byte {
			var b bytes.Buffer
			if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}
		room := synth.Room(8, 44, 1024, 768)
		original := enc(room)
		sum := sha256.Sum256(original)
		bad, _ := st.SaveHashSet(ctx, store.HashSet{Name: "TEST_BANK", Kind: store.KnownBad, Radius: 31})
		storetest.WriteEntries(t, st, bad.ID, store.Entry{Key: "k1", SHA256: hex.EncodeToString(sum[:])})
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "known.jpg"), original, 0o644)
		if _, err := st.CreateCase(ctx, store.Case{Number: "K-1"}); err != nil {
			t.Fatal(err)
		}
		ex, _ := st.AddExhibit(ctx, store.Exhibit{CaseNumber: "K-1", Label: "E"})
		if _, err := ingest.Run(ctx, st, ex, []string{dir}, ingest.Options{}, nil); err != nil {
			t.Fatal(err)
		}
		srv, err := New(ctx, st, Options{APIKey: "s3cret", Hasher: DefaultHasher(hasher.AVOptions{})})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		c := client{t: t, base: ts.URL, key: "s3cret"}

		crop := image.NewNRGBA(image.Rect(0, 0, 820, 615))
		draw.Draw(crop, crop.Bounds(), room, image.Point{102, 77}, draw.Src)
		copied := enc(synth.Caption(crop, "REPOSTED"))
		code, body := c.post("/m/lookup", "photo", "copy.jpg", copied)
		got := decode[map[string]map[string][]bankMatch](t, body)
		ms := got["local-features"]["TEST_BANK"]
		if code != 200 || len(ms) != 1 || ms[0].EntryKey != "k1" || len(ms[0].Detail) == 0 || len(got["pdq"]) != 0 {
			t.Fatalf("lookup of the copy: %d %s", code, body)
		}
		code, body = c.post("/h/hash", "photo", "copy.jpg", copied)
		if h := decode[map[string]any](t, body); code != 200 || h["pdq"] == nil || h["sha256"] == nil {
			t.Errorf("hash of the copy: %d %s", code, body)
		}
	})
}
