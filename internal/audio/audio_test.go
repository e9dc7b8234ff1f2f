package audio

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/ffmpeg"
)

// The tools that make and check the test clips. scripts/test installs
// them (ffmpeg, libchromaprint-tools, sox, espeak-ng).
func needTools(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "fpcalc", "sox", "espeak-ng"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("CI is set but %s is not installed: scripts/test should have installed it", tool)
			}
			t.Skipf("%s not installed: audio conformance tests skipped (scripts/test installs it)", tool)
		}
	}
}

func run(t testing.TB, name string, args ...string) {
	t.Helper()
	if name == "sox" {
		// Repeatable: sox's noise and dither use a fixed seed, so the
		// clips are the same on every run.
		args = append([]string{"-R"}, args...)
	}
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

var (
	clipsOnce sync.Once
	clipsDir  string
)

// clips makes benign test recordings once: two scenes, each synthetic
// speech over a synthetic background sound, and altered copies of the
// first (re-encoded, volume-changed, noise-added, trimmed).
func clips(t *testing.T) string {
	needTools(t)
	clipsOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ariadne-audio-")
		if err != nil {
			t.Fatal(err)
		}
		clipsDir = dir
		p := func(n string) string { return filepath.Join(dir, n) }
		run(t, "espeak-ng", "-w", p("speech1.wav"), "-s", "150", "This is a synthetic voice for testing. The weather today is mild, with a light wind from the west. "+
			"Trains leave the station every twenty minutes, and the library opens at nine in the morning.")
		run(t, "espeak-ng", "-v", "en-us", "-p", "70", "-w", p("speech2.wav"), "-s", "140", "A completely different recording: numbers one two three four five, "+
			"colours red green blue yellow, and the names of seven rivers in a made up country far away.")
		run(t, "sox", "-n", "-r", "22050", p("bg1.wav"), "synth", "20", "brownnoise", "vol", "0.15", ":", "synth", "20", "sine", "220", "vol", "0.05")
		run(t, "sox", "-n", "-r", "22050", p("bg2.wav"), "synth", "20", "pinknoise", "vol", "0.1", ":", "synth", "20", "sine", "523", "tremolo", "4", "60", "vol", "0.05")
		run(t, "sox", "-m", "-v", "1", p("speech1.wav"), "-v", "1", p("bg1.wav"), "-r", "22050", p("scene1.wav"), "rate", "22050")
		run(t, "sox", "-m", p("speech2.wav"), p("bg2.wav"), p("scene2.wav"), "rate", "22050")
		run(t, "ffmpeg", "-v", "error", "-i", p("scene1.wav"), "-c:a", "libmp3lame", "-b:a", "64k", p("scene1.mp3"))
		run(t, "ffmpeg", "-v", "error", "-i", p("scene1.wav"), "-c:a", "libvorbis", "-q:a", "2", p("scene1.ogg"))
		run(t, "ffmpeg", "-v", "error", "-i", p("scene1.wav"), "-af", "volume=0.4", p("scene1-quiet.wav"))
		run(t, "sox", "-n", "-r", "22050", p("hiss.wav"), "synth", "20", "whitenoise", "vol", "0.08")
		run(t, "sox", "-m", p("scene1.wav"), p("hiss.wav"), p("scene1-noisy.wav"), "trim", "0", "20")
		run(t, "ffmpeg", "-v", "error", "-ss", "4", "-i", p("scene1.wav"), "-t", "9", p("scene1-trimmed.wav"))
		run(t, "sox", p("scene1.wav"), p("scene1-fast.wav"), "speed", "1.03", "rate", "22050")
		run(t, "sox", p("scene1.wav"), p("scene1-slow.wav"), "speed", "0.97", "rate", "22050")
	})
	if clipsDir == "" {
		t.Fatal("clips were not made")
	}
	return clipsDir
}

func decode(t *testing.T, path string) []int16 {
	var all []int16
	if err := ffmpeg.PCM(context.Background(), path, func(s []int16) error { all = append(all, s...); return nil }); err != nil {
		t.Fatal(err)
	}
	return all
}

// TestEqualsFpcalc feeds the same PCM to fpcalc 1.5.1 and to Fingerprint:
// the raw fingerprints and the compressed strings must be identical.
func TestEqualsFpcalc(t *testing.T) {
	dir := clips(t)
	for _, name := range []string{"speech1.wav", "speech2.wav", "bg1.wav", "scene1.wav", "scene2.wav", "scene1.mp3", "scene1.ogg", "scene1-quiet.wav", "scene1-noisy.wav", "scene1-trimmed.wav"} {
		t.Run(name, func(t *testing.T) {
			samples := decode(t, filepath.Join(dir, name))
			pcm := make([]byte, 2*len(samples))
			for i, s := range samples {
				binary.LittleEndian.PutUint16(pcm[2*i:], uint16(s))
			}
			fpcalc := func(args ...string) []byte {
				cmd := exec.Command("fpcalc", append(args, "-json", "-length", "0", "-format", "s16le", "-rate", "11025", "-channels", "1", "-")...)
				cmd.Stdin = bytes.NewReader(pcm)
				out, _ := cmd.Output() // fpcalc reports an error at the end of a pipe, and prints its result
				return out
			}
			var raw struct{ Fingerprint []uint32 }
			if err := json.Unmarshal(fpcalc("-raw"), &raw); err != nil {
				t.Fatalf("fpcalc -raw: %v", err)
			}
			var enc struct{ Fingerprint string }
			if err := json.Unmarshal(fpcalc(), &enc); err != nil {
				t.Fatalf("fpcalc: %v", err)
			}
			got := Fingerprint(samples)
			if len(got) != len(raw.Fingerprint) {
				t.Fatalf("%d items, fpcalc %d", len(got), len(raw.Fingerprint))
			}
			for i := range got {
				if got[i] != raw.Fingerprint[i] {
					t.Fatalf("item %d: %08x, fpcalc %08x", i, got[i], raw.Fingerprint[i])
				}
			}
			if e := Encode(got); e != enc.Fingerprint {
				t.Errorf("compressed form differs:\n%s\n%s", e, enc.Fingerprint)
			}
			back, alg, err := Decode(enc.Fingerprint)
			if err != nil || alg != Algorithm || len(back) != len(got) {
				t.Errorf("decode fpcalc's string: %v, algorithm %d, %d items", err, alg, len(back))
			}
			t.Logf("%d items identical", len(got))
		})
	}
}

// TestAlteredCopiesMatch: re-encoded, volume-changed, noise-added and
// trimmed copies match the original; a different recording does not.
func TestAlteredCopiesMatch(t *testing.T) {
	dir := clips(t)
	fp := func(n string) (items []uint32, atSpeeds [][]uint32) {
		f := NewSpeedFingerprinter()
		f.Write(decode(t, filepath.Join(dir, n)))
		return f.Finish()
	}
	orig, _ := fp("scene1.wav")
	for _, c := range []struct {
		name      string
		match     bool
		offset    float64 // expected offset of the main segment (copy time + offset = original time)
		minSecond float64
		speed     float64
	}{
		{"scene1.mp3", true, 0, 10, 0},
		{"scene1.ogg", true, 0, 10, 0},
		{"scene1-quiet.wav", true, 0, 10, 0},
		{"scene1-noisy.wav", true, 0, 6, 0},
		{"scene1-trimmed.wav", true, 4, 5, 0},
		{"scene1-fast.wav", true, 0, 10, 1.03},
		{"scene1-slow.wav", true, 0, 10, 0.97},
		{"scene2.wav", false, 0, 0, 0},
		{"speech2.wav", false, 0, 0, 0},
		{"bg2.wav", false, 0, 0, 0},
		{"hiss.wav", false, 0, 0, 0},
	} {
		items, atSpeeds := fp(c.name)
		got := CompareAtSpeeds(items, atSpeeds, orig, DefaultMatch)
		t.Logf("%s: %+v", c.name, got)
		if got.Match != c.match {
			t.Errorf("%s: match %v, want %v (%+v)", c.name, got.Match, c.match, got)
			continue
		}
		if !c.match {
			continue
		}
		if got.Seconds < c.minSecond {
			t.Errorf("%s: %.1f s matched, want at least %.1f", c.name, got.Seconds, c.minSecond)
		}
		if got.Speed != c.speed {
			t.Errorf("%s: matched at speed %g, want %g", c.name, got.Speed, c.speed)
		}
		main := got.Segments[0]
		for _, s := range got.Segments {
			if s.QueryEnd-s.QueryStart > main.QueryEnd-main.QueryStart {
				main = s
			}
		}
		if d := main.Offset - c.offset; d < -0.3 || d > 0.3 {
			t.Errorf("%s: main segment at offset %.3f s, want %.1f", c.name, main.Offset, c.offset)
		}
	}
	// And the other way round: the original looked up among copies.
	for _, n := range []string{"scene1.mp3", "scene1-trimmed.wav"} {
		items, _ := fp(n)
		if got := Compare(orig, items, DefaultMatch); !got.Match {
			t.Errorf("scene1.wav against %s: no match (%+v)", n, got)
		}
	}
}

// TestSpeedFingerprinterStreams: samples written in pieces of any size
// give the fingerprints of one write, and step 1 resamples to itself.
func TestSpeedFingerprinterStreams(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	samples := make([]int16, 11025*8)
	for i := range samples {
		samples[i] = int16(8000*math.Sin(float64(i)*0.05*(1+float64(i)/40000)) + float64(r.IntN(2000)-1000))
	}
	whole := NewSpeedFingerprinter()
	whole.Write(samples)
	wantItems, wantAt := whole.Finish()
	if len(wantItems) == 0 || len(wantAt) != len(Speeds) || len(wantAt[0]) == 0 {
		t.Fatalf("no fingerprints: %d items, %d speeds", len(wantItems), len(wantAt))
	}
	pieces := NewSpeedFingerprinter()
	for rest := samples; len(rest) > 0; {
		n := min(len(rest), r.IntN(3000))
		pieces.Write(rest[:n])
		rest = rest[n:]
	}
	items, at := pieces.Finish()
	if !slices.Equal(items, wantItems) {
		t.Error("normal speed differs when written in pieces")
	}
	for i := range at {
		if !slices.Equal(at[i], wantAt[i]) {
			t.Errorf("speed %g differs when written in pieces", Speeds[i])
		}
	}
	id := resampler{step: 1}
	var out []int16
	for rest := samples; len(rest) > 0; {
		n := min(len(rest), 1+r.IntN(5000))
		out = append(out, id.resample(rest[:n])...)
		rest = rest[n:]
	}
	if !slices.Equal(out, samples[:len(samples)-1]) {
		t.Errorf("step 1: %d samples out of %d, or different", len(out), len(samples))
	}
}

func TestCompressRoundTrip(t *testing.T) {
	for _, items := range [][]uint32{nil, {0}, {0xffffffff, 0, 0x80000001}, {1, 2, 3, 0xdeadbeef, 0xdeadbeef, 7}} {
		back, alg, err := Decode(Encode(items))
		if err != nil || alg != Algorithm || len(back) != len(items) {
			t.Fatalf("%v: %v %d %v", items, err, alg, back)
		}
		for i := range items {
			if back[i] != items[i] {
				t.Fatalf("%v: got %v", items, back)
			}
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Encode([]uint32{1, 2, 0xfffffff0}))
	f.Add("AQAAAA")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		items, alg, err := Decode(s)
		if err != nil {
			return
		}
		if again := Encode(items); alg == Algorithm && len(items) > 0 {
			if back, _, err := Decode(again); err != nil || len(back) != len(items) {
				t.Fatalf("re-encoding %q fails: %v", s, err)
			}
		}
	})
}

func TestMain(m *testing.M) {
	code := m.Run()
	if clipsDir != "" {
		os.RemoveAll(clipsDir)
	}
	os.Exit(code)
}
