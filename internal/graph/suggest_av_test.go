package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/audio"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
	"github.com/ariadne-vid/ariadne/internal/video"
)

// flip changes n random bits of h.
func flip(rng *rand.Rand, h pdq.Hash, n int) pdq.Hash {
	for _, k := range rng.Perm(256)[:n] {
		h[k/8] ^= 1 << (k % 8)
	}
	return h
}

func randomHash(rng *rand.Rand) pdq.Hash {
	var h pdq.Hash
	for i := range h {
		h[i] = byte(rng.Uint32())
	}
	return h
}

// TestAVNearDuplicates: within a case, a re-encoded copy of a video (its
// frames a few bits off), a still taken from it and a copy of a
// recording are suggested as near-duplicates, with the matchers'
// evidence; unrelated videos and recordings are not.
func TestAVNearDuplicates(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		st := e.Store
		rng := rand.New(rand.NewPCG(7, 8))
		if _, err := st.AddAgency(ctx, store.Agency{Name: "Agency A"}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateCase(ctx, store.Case{Number: "AV-1", Agency: "Agency A"}); err != nil {
			t.Fatal(err)
		}
		ex, err := st.AddExhibit(ctx, store.Exhibit{CaseNumber: "AV-1", Label: "E"})
		if err != nil {
			t.Fatal(err)
		}
		vpdq := func(frames []video.Frame) string {
			var b bytes.Buffer
			if err := video.WriteLines(&b, frames); err != nil {
				t.Fatal(err)
			}
			return b.String()
		}
		var original, copied, other []video.Frame
		for i := range 30 {
			h := randomHash(rng)
			original = append(original, video.Frame{Index: i, Quality: 100, Hash: h, Timestamp: float64(i)})
			copied = append(copied, video.Frame{Index: i, Quality: 90, Hash: flip(rng, h, 6), Timestamp: float64(i)})
			other = append(other, video.Frame{Index: i, Quality: 100, Hash: randomHash(rng), Timestamp: float64(i)})
		}
		var sound, soundCopy, noise []uint32
		for i := range 200 {
			it := rng.Uint32()
			sound = append(sound, it)
			if i%3 == 0 { // a re-encode keeps many items whole and flips bits of others
				soundCopy = append(soundCopy, it)
			} else {
				soundCopy = append(soundCopy, it^(1<<rng.IntN(32)))
			}
			noise = append(noise, rng.Uint32())
		}
		still := flip(rng, original[12].Hash, 4)
		quality := 100
		files := []struct {
			name string
			sgs  []store.Signal
			av   []store.Signal
		}{
			{"video.mp4", nil, []store.Signal{{Type: store.SignalVPDQ, Value: vpdq(original)}}},
			{"video-copy.mp4", nil, []store.Signal{{Type: store.SignalVPDQ, Value: vpdq(copied)}}},
			{"other.mp4", nil, []store.Signal{{Type: store.SignalVPDQ, Value: vpdq(other)}}},
			{"still.jpg", []store.Signal{{Type: store.SignalPDQ, Value: still.String(), Quality: &quality}}, nil},
			{"unrelated.jpg", []store.Signal{{Type: store.SignalPDQ, Value: randomHash(rng).String(), Quality: &quality}}, nil},
			{"sound.wav", nil, []store.Signal{{Type: store.SignalChromaprint, Value: audio.Encode(sound)}}},
			{"sound-copy.wav", nil, []store.Signal{{Type: store.SignalChromaprint, Value: audio.Encode(soundCopy)}}},
			{"noise.wav", nil, []store.Signal{{Type: store.SignalChromaprint, Value: audio.Encode(noise)}}},
		}
		var batch []store.IngestedFile
		names := map[string]string{}
		for i, f := range files {
			sha := fmt.Sprintf("%064x", i+1)
			names[sha] = f.name
			batch = append(batch, store.IngestedFile{File: store.File{Path: "/evidence/" + f.name, Size: 1},
				Media:   &store.Media{SHA256: sha, MD5: fmt.Sprintf("%032x", i+1), SHA1: fmt.Sprintf("%040x", i+1), Size: 1},
				Signals: f.sgs, AVSignals: f.av})
		}
		if err := st.WriteIngested(ctx, ex.ID, batch); err != nil {
			t.Fatal(err)
		}
		c, _ := st.CaseByNumber(ctx, "AV-1")
		g := New(st)
		for run := range 2 {
			counts, err := g.Suggest(ctx, c, SuggestOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var want int
			if run == 1 {
				want = 0
			} else {
				want = 4
			}
			if counts[0].Rule != RuleNearDuplicate || counts[0].Links != 4 || counts[0].New != want {
				t.Fatalf("run %d: near-duplicate rule %+v, want 4 links, %d new", run, counts[0], want)
			}
		}
		links, err := st.Links(ctx, store.LinkFilter{AgencyID: c.AgencyID})
		if err != nil {
			t.Fatal(err)
		}
		shaOf := func(id int64) string {
			s, err := st.MediaSHA256(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return names[s]
		}
		var got []string
		for _, l := range links {
			var ev map[string]any
			if err := json.Unmarshal(l.Last.Evidence, &ev); err != nil {
				t.Fatal(err)
			}
			pair := []string{shaOf(l.From.ID), shaOf(l.To.ID)}
			slices.Sort(pair)
			got = append(got, fmt.Sprintf("%s~%s by %v", pair[0], pair[1], ev["signal"]))
		}
		slices.Sort(got)
		want := []string{"sound-copy.wav~sound.wav by chromaprint", "still.jpg~video-copy.mp4 by vpdq-frame", "still.jpg~video.mp4 by vpdq-frame", "video-copy.mp4~video.mp4 by vpdq"}
		if !slices.Equal(got, want) {
			t.Fatalf("links:\n%q\nwant\n%q", got, want)
		}
	})
}
