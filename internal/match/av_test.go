package match

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/audio"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
	"github.com/ariadne-vid/ariadne/internal/video"
)

// randomVideo makes the vPDQ frames of a made-up video.
func randomVideo(seed uint64, n int) []video.Frame {
	rng := rand.New(rand.NewPCG(seed, 1))
	frames := make([]video.Frame, n)
	for i := range frames {
		var h pdq.Hash
		for k := range h {
			h[k] = byte(rng.Uint32())
		}
		frames[i] = video.Frame{Index: i, Quality: 100, Hash: h, Timestamp: float64(i) / 30}
	}
	return frames
}

func vpdqText(frames []video.Frame) string {
	var b strings.Builder
	video.WriteLines(&b, frames)
	return b.String()
}

// TestVPDQFrameIndexCached: the known videos' frame index (and the known
// sounds' item index) is built once,
// saved beside the store and reused while the known-bad sets are
// unchanged; a change to the sets makes a new one and removes the old.
// Matching is the same either way.
func TestVPDQFrameIndexCached(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	st := storetest.OpenSQLite(t, db)
	prefix := db + ".pdq"
	a, b := randomVideo(1, 90), randomVideo(2, 90)
	sound := make([]uint32, 400)
	rng := rand.New(rand.NewPCG(5, 5))
	for i := range sound {
		sound[i] = rng.Uint32()
	}
	bad, _ := st.SaveHashSet(ctx, store.HashSet{Name: "bad", Kind: store.KnownBad})
	// A photo's PDQ too, so the PDQ index is cached (and its stale caches
	// cleaned) beside the video and audio ones.
	storetest.WriteEntries(t, st, bad.ID, store.Entry{Key: "a", VPDQ: vpdqText(a)}, store.Entry{Key: "s", Chromaprint: audio.Encode(sound)},
		store.Entry{Key: "p", PDQ: randomVideo(3, 1)[0].Hash.String()})

	matchesOf := func(m *Matcher, frames []video.Frame) []string {
		t.Helper()
		q := Query{VPDQ: frames}
		if frames == nil {
			q.Audio = sound[50:350] // a 300-item cut of the known sound
		}
		res, err := m.Lookup(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, mt := range res.Matches {
			e, err := st.EntryByID(ctx, mt.EntryID)
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, fmt.Sprintf("%s/%s", e.Set, e.Entry.Key))
		}
		return keys
	}
	caches := func() []string {
		found, _ := filepath.Glob(prefix + "-vpdq.*.idx")
		return found
	}
	audioCaches := func() []string {
		found, _ := filepath.Glob(prefix + "-audio.*.idx")
		return found
	}

	m1, err := NewMatcher(ctx, st, prefix, 50)
	if err != nil {
		t.Fatal(err)
	}
	if got := matchesOf(m1, a[10:70]); strings.Join(got, " ") != "bad/a" {
		t.Errorf("a clip of a: matches %v", got)
	}
	m1.Close()
	first := caches()
	if len(first) != 1 {
		t.Fatalf("frame index caches %v, want one", first)
	}
	before, _ := os.Stat(first[0])

	m2, err := NewMatcher(ctx, st, prefix, 50)
	if err != nil {
		t.Fatal(err)
	}
	if got := matchesOf(m2, a[10:70]); strings.Join(got, " ") != "bad/a" {
		t.Errorf("from the cache, a clip of a: matches %v", got)
	}
	if got := matchesOf(m2, b); len(got) != 0 {
		t.Errorf("b, not yet known: matches %v", got)
	}
	if got := matchesOf(m2, nil); strings.Join(got, " ") != "bad/s" || len(audioCaches()) != 1 {
		t.Errorf("from the cache, a cut of the known sound: matches %v (audio caches %v)", got, audioCaches())
	}
	m2.Close()
	if after, _ := os.Stat(first[0]); !after.ModTime().Equal(before.ModTime()) || len(caches()) != 1 {
		t.Errorf("the cache was rewritten while the sets were unchanged")
	}

	more, _ := st.SaveHashSet(ctx, store.HashSet{Name: "more", Kind: store.KnownBad})
	storetest.WriteEntries(t, st, more.ID, store.Entry{Key: "b", VPDQ: vpdqText(b)})
	m3, err := NewMatcher(ctx, st, prefix, 50)
	if err != nil {
		t.Fatal(err)
	}
	defer m3.Close()
	if got := matchesOf(m3, b[5:60]); strings.Join(got, " ") != "more/b" {
		t.Errorf("after the import, a clip of b: matches %v", got)
	}
	if now := caches(); len(now) != 1 || now[0] == first[0] {
		t.Errorf("caches after the sets changed: %v (before: %v)", now, first)
	}
	// Each kind of cache was replaced once, and cleaning one kind's stale
	// caches left the others alone.
	if pdqCaches, _ := filepath.Glob(prefix + ".*.idx"); len(pdqCaches) != 1 || len(audioCaches()) != 1 {
		t.Errorf("PDQ caches %v, audio caches %v, frame caches %v", pdqCaches, audioCaches(), caches())
	}
}
