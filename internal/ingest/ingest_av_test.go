package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/ariadne-vid/ariadne/internal/match"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/ffmpeg/ffmpegtest"
	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/hashsets"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
	"github.com/ariadne-vid/ariadne/internal/synth"
	"github.com/ariadne-vid/ariadne/internal/testvectors"
)

// TestVideoAndAudioMatching: a known-bad set carries one video's vPDQ
// hash (the reference's file) and, in another entry, its soundtrack's
// fingerprint. Other encodes of the video match by vPDQ (one inside a
// zip), the large-logo copy, which vPDQ misses, matches by its
// soundtrack, and a different video is new. A still grabbed from the
// known video matches one of its frames; a still from another does not.
// The same evidence ingested before the set's import and rematched after
// it ends the same.
func TestVideoAndAudioMatching(t *testing.T) {
	ffmpegtest.Require(t)
	dir := testvectors.Dir(t, "video")
	vid := func(n string) string { return filepath.Join(dir, "videos", n+".mp4") }
	ref, err := os.ReadFile(filepath.Join(dir, "vpdq", "chair-orig-22-sd-bar.txt"))
	if err != nil {
		t.Fatal(err)
	}
	av := hasher.AVOptions{Enabled: true, SecondsPerHash: 1}
	h := hasher.New(hasher.Options{AV: av})
	orig := h.HashFile(vid("chair-orig-22-sd-bar"))
	if orig.Audio == "" {
		t.Fatalf("no audio fingerprint of the original: %+v", orig.Error)
	}
	vics, _ := json.Marshal(map[string]any{"@odata.context": "test", "value": []any{
		map[string]any{"MediaID": 1, "Category": 1, "Series": "Chair", "AlternativeHashes": []any{map[string]string{"HashName": "vPDQ", "HashValue": string(ref)}}},
		map[string]any{"MediaID": 2, "Category": 1, "Series": "Chair sound", "AlternativeHashes": []any{map[string]string{"HashName": "Chromaprint", "HashValue": orig.Audio}}},
	}})
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		st := e.Store
		ev := filepath.Join(t.TempDir(), "ev")
		copyFile := func(src, dst string) []byte {
			b, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			os.MkdirAll(filepath.Dir(dst), 0o755)
			os.WriteFile(dst, b, 0o644)
			return b
		}
		copyFile(vid("chair-22-sd-grey-bar"), filepath.Join(ev, "grey.mp4"))
		copyFile(vid("chair-22-with-large-logo-bar"), filepath.Join(ev, "logo.mp4"))
		copyFile(vid("pattern-sd-grey-bar"), filepath.Join(ev, "pattern.mp4"))
		// Stills grabbed from videos: one from the known video, one from
		// another.
		grab := func(src, dst string) {
			out, err := exec.Command("ffmpeg", "-v", "error", "-ss", "5", "-i", src, "-frames:v", "1", dst).CombinedOutput()
			if err != nil {
				t.Fatalf("ffmpeg grabbing a still: %v: %s", err, out)
			}
		}
		grab(vid("chair-orig-22-sd-bar"), filepath.Join(ev, "still.png"))
		grab(vid("pattern-sd-grey-bar"), filepath.Join(ev, "pattern.png"))
		inZip, _ := os.ReadFile(vid("chair-20-sd-bar"))
		os.WriteFile(filepath.Join(ev, "sent.zip"), makeZip(t, map[string][]byte{"DCIM/chair.mp4": inZip}), 0o644)
		ingestAs := func(caseNumber string) {
			st.CreateCase(ctx, store.Case{Number: caseNumber})
			ex, _ := st.AddExhibit(ctx, store.Exhibit{CaseNumber: caseNumber, Label: "E"})
			if _, err := Run(ctx, st, ex, []string{ev}, Options{Jobs: 2, Hasher: hasher.Options{AV: av}}, nil); err != nil {
				t.Fatal(err)
			}
		}
		// Case W is ingested before the hash set exists and rematched
		// after its import; case V is ingested after the import. Both
		// must end the same.
		ingestAs("W")
		setPath := filepath.Join(t.TempDir(), "set.json")
		os.WriteFile(setPath, vics, 0o644)
		if _, err := hashsets.Import(ctx, st, setPath, hashsets.ImportOptions{Set: store.HashSet{Name: "bad", Kind: store.KnownBad}}); err != nil {
			t.Fatal(err)
		}
		w, _ := st.CaseByNumber(ctx, "W")
		sum, err := match.Rematch(ctx, st, w.ID, 0, match.RematchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// grey (vPDQ, audio), the zipped copy (vPDQ, audio), logo (audio),
		// the still (a frame).
		if sum.Matched != 4 || sum.NewMatches != 6 || sum.Reclassified != 4 {
			t.Errorf("rematch of case W: %+v", sum)
		}
		checkVideoCase(t, st, "W")
		// The still was grabbed at 5 s: its match names the frame.
		var detail struct {
			FrameTime *float64 `json:"frame_time"`
		}
		for _, m := range matchesAt(t, st, "W", "ev/still.png") {
			if m.SignalType == store.SignalVPDQFrame {
				json.Unmarshal(m.Detail, &detail)
			}
		}
		if detail.FrameTime == nil || math.Abs(*detail.FrameTime-5) > 1 {
			t.Errorf("the still's match: frame_time %v, want about 5 s", detail.FrameTime)
		}
		// The media are the same, so V's ingest finds their matches
		// recorded; it must still classify its own files.
		ingestAs("V")
		checkVideoCase(t, st, "V")
	})
}

// classesAndMatches reads, for each file of a case, its class and the
// match types of its media.
func classesAndMatches(t *testing.T, st *store.Store, caseNumber string) (classes map[string]string, signals map[string][]string) {
	t.Helper()
	ctx := context.Background()
	c, err := st.CaseByNumber(ctx, caseNumber)
	if err != nil {
		t.Fatal(err)
	}
	classes, signals = map[string]string{}, map[string][]string{}
	var ids []int64
	paths := map[int64][]string{}
	st.ScopeFiles(ctx, c.ID, 0, func(sf store.ScopedFile) error {
		classes[sf.File.Path] = string(sf.File.Class)
		if sf.Media != nil {
			ids = append(ids, sf.Media.ID)
			paths[sf.Media.ID] = append(paths[sf.Media.ID], sf.File.Path)
		}
		return nil
	})
	ms, err := st.MatchesOf(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for id, list := range ms {
		for _, p := range paths[id] {
			for _, m := range list {
				signals[p] = append(signals[p], m.SignalType)
			}
		}
	}
	return classes, signals
}

// matchesAt returns the matches of the media of one file of a case.
func matchesAt(t *testing.T, st *store.Store, caseNumber, path string) []store.MatchedEntry {
	t.Helper()
	ctx := context.Background()
	c, err := st.CaseByNumber(ctx, caseNumber)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	st.ScopeFiles(ctx, c.ID, 0, func(sf store.ScopedFile) error {
		if sf.File.Path == path && sf.Media != nil {
			id = sf.Media.ID
		}
		return nil
	})
	// (Not inside ScopeFiles: a SQLite store has one connection.)
	ms, err := st.MatchesOf(ctx, []int64{id})
	if err != nil {
		t.Fatal(err)
	}
	return ms[id]
}

// checkVideoCase checks the classes and match types of
// TestVideoAndAudioMatching's evidence in one case.
func checkVideoCase(t *testing.T, st *store.Store, caseNumber string) {
	t.Helper()
	classes, signals := classesAndMatches(t, st, caseNumber)
	for p, want := range map[string]struct {
		class  string
		signal string
	}{
		"ev/grey.mp4":                 {"near", "vpdq"},
		"ev/sent.zip!/DCIM/chair.mp4": {"near", "vpdq"},
		"ev/logo.mp4":                 {"near", "chromaprint"},
		"ev/pattern.mp4":              {"new", ""},
		"ev/still.png":                {"near", store.SignalVPDQFrame},
		"ev/pattern.png":              {"new", ""},
	} {
		got := classes[p]
		has := want.signal == ""
		for _, s := range signals[p] {
			has = has || s == want.signal
		}
		if got != want.class || !has {
			t.Errorf("case %s, %s: class %q, matches by %v; want %q by %q", caseNumber, p, got, signals[p], want.class, want.signal)
		}
	}
	t.Logf("case %s: classes %v, matches %v", caseNumber, classes, signals)
}

// TestSlideshowOfKnownImages: a video made of a known image (a slideshow)
// is near the image's entry through its frames' PDQ; a video made of
// another image is new.
func TestSlideshowOfKnownImages(t *testing.T) {
	ffmpegtest.Require(t)
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		st := e.Store
		work := t.TempDir()
		ev := filepath.Join(work, "ev")
		os.MkdirAll(ev, 0o755)
		slideshow := func(seed uint64, name string) hasher.Result {
			img := filepath.Join(work, name+".png")
			os.WriteFile(img, encodePNG(t, synth.Scene(seed, 640, 480)), 0o644)
			out, err := exec.Command("ffmpeg", "-v", "error", "-loop", "1", "-i", img, "-t", "3", "-r", "10",
				"-pix_fmt", "yuv420p", filepath.Join(ev, name+".mp4")).CombinedOutput()
			if err != nil {
				t.Fatalf("ffmpeg making a slideshow: %v: %s", err, out)
			}
			b, _ := os.ReadFile(img)
			return hasher.New(hasher.Options{}).Hash(img, bytes.NewReader(b), int64(len(b)))
		}
		// Scenes with PDQ quality of 88 and 89: enough detail to be compared.
		known := slideshow(504, "known")
		slideshow(506, "other")
		bad, _ := st.SaveHashSet(ctx, store.HashSet{Name: "bad", Kind: store.KnownBad, Radius: 31})
		storetest.WriteEntries(t, st, bad.ID, store.Entry{Key: "img", PDQ: known.PDQ.String()})
		st.CreateCase(ctx, store.Case{Number: "S"})
		ex, _ := st.AddExhibit(ctx, store.Exhibit{CaseNumber: "S", Label: "E"})
		av := hasher.AVOptions{Enabled: true, SecondsPerHash: 1}
		if _, err := Run(ctx, st, ex, []string{ev}, Options{Jobs: 2, Hasher: hasher.Options{AV: av}}, nil); err != nil {
			t.Fatal(err)
		}
		classes, signals := classesAndMatches(t, st, "S")
		if classes["ev/known.mp4"] != "near" || classes["ev/other.mp4"] != "new" || len(signals) != 1 ||
			!slices.Equal(signals["ev/known.mp4"], []string{store.SignalFramePDQ}) {
			t.Errorf("classes %v, matches %v", classes, signals)
		}
		// The match says which frame: a time within the 3 s video.
		var detail struct {
			FrameTime *float64 `json:"frame_time"`
		}
		if list := matchesAt(t, st, "S", "ev/known.mp4"); len(list) == 1 {
			json.Unmarshal(list[0].Detail, &detail)
		}
		if detail.FrameTime == nil || *detail.FrameTime < 0 || *detail.FrameTime > 3 {
			t.Errorf("frame match detail: frame_time %v", detail.FrameTime)
		}
	})
}
