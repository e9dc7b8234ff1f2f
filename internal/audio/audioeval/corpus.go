// Package audioeval makes a seeded, benign corpus of recordings and their
// altered copies, and measures audio matching on it: recall per kind of
// alteration and false matches between different recordings.
//
// Every recording is synthetic: espeak-ng speaking word lists drawn from
// a fixed vocabulary by a seeded generator, over backgrounds that sox
// synthesises (coloured noise, a mains hum, a tremolo chord) in its
// repeatable mode (-R), so the same Spec gives the same files on every
// machine with the same tool versions. The hard negatives are built in:
// each voice speaks several different texts, each background lies under
// several different voices, some texts are spoken twice by different
// voices, and steady sounds (tones, chords, noise alone) are added as
// distractors.
package audioeval

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"
)

// Alteration is how a copy differs from its source recording.
type Alteration string

// The alterations of the corpus.
const (
	Original    Alteration = "original"
	MP3         Alteration = "mp3-32k"      // MP3 at 32 kbit/s
	Vorbis      Alteration = "vorbis-q0"    // Ogg Vorbis at quality 0
	Quieter     Alteration = "minus-10db"   // 10 dB quieter
	Noisy       Alteration = "noise-10db"   // white noise 10 dB under the signal
	MiddleThird Alteration = "middle-third" // the middle third only
	Cut         Alteration = "cut-5-15s"    // a stretch of 5 to 15 s from anywhere
	Faster      Alteration = "speed+3pct"   // played 3% fast (pitch and tempo)
	Slower      Alteration = "speed-3pct"   // played 3% slow
)

// Alterations lists the copies made of every spoken recording.
var Alterations = []Alteration{MP3, Vorbis, Quieter, Noisy, MiddleThird, Cut, Faster, Slower}

// Spec says which corpus to make.
type Spec struct {
	Sources int    // spoken recordings (each with every alteration)
	Seed    uint64 // texts, cut positions and noise offsets
	Seconds int    // length of each source recording
	Steady  bool   // add the steady distractors (tones, chords, noise alone)
}

// DefaultSpec is the benchmark's corpus.
var DefaultSpec = Spec{Sources: 36, Seed: 1, Seconds: 20, Steady: true}

// Source is one original recording.
type Source struct {
	ID         int    `json:"id"`
	Voice      string `json:"voice"`      // espeak-ng voice, "" for a steady sound
	Text       int    `json:"text"`       // which text it speaks (-1: none)
	Background string `json:"background"` // the background sound's name
	Steady     bool   `json:"steady"`     // a distractor: no speech, nothing to recognise
	// Speech is how long the voice speaks from the start, in seconds
	// (the rest is background alone).
	Speech float64 `json:"speech"`
}

// Clip is one file of the corpus.
type Clip struct {
	Source     int        `json:"source"`
	Alteration Alteration `json:"alteration"`
	File       string     `json:"file"` // relative to the corpus folder
	// Start and End are the stretch of the source recording it holds,
	// in the source's seconds.
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

// Corpus is a generated corpus: its folder, sources and clips.
type Corpus struct {
	Spec    Spec     `json:"spec"`
	Dir     string   `json:"-"`
	Sources []Source `json:"sources"`
	Clips   []Clip   `json:"clips"`
}

// Path is a clip's file path.
func (c *Corpus) Path(cl Clip) string { return filepath.Join(c.Dir, cl.File) }

// Tools are the programs Generate runs.
var Tools = []string{"espeak-ng", "sox", "ffmpeg"}

// MissingTool names the first of Tools not installed, or "".
func MissingTool() string {
	for _, t := range Tools {
		if _, err := exec.LookPath(t); err != nil {
			return t
		}
	}
	return ""
}

// The voices (espeak-ng name, words per minute, pitch 0-99).
var voices = []struct {
	name         string
	speed, pitch int
}{
	{"en", 150, 50},
	{"en-us+f3", 145, 60},
	{"en-gb-scotland", 160, 40},
	{"en-029+m3", 140, 45},
	{"en-us+f2", 155, 70},
	{"en-gb-x-rp+m2", 150, 35},
}

// sound is a synthetic background: seeded noise (made here, so that two
// recordings over "the same background" hear different realisations of
// it, as two recordings in one room would), tones that sox synthesises,
// or both mixed.
type sound struct {
	name     string
	noise    noiseColour
	noiseAmp float64
	tones    []string // sox synth arguments, nil for none
}

var backgrounds = []sound{
	{"pink-noise", pink, 0.10, nil},
	{"brown-noise", brown, 0.15, nil},
	{"white-noise", white, 0.03, nil},
	{"mains-hum", "", 0, []string{"sine", "50", "sine", "100", "sine", "150", "channels", "1", "vol", "0.20"}},
	{"tremolo-chord", "", 0, []string{"sine", "261.63", "sine", "329.63", "sine", "392", "channels", "1", "tremolo", "4", "60", "vol", "0.12"}},
	{"room-tone", brown, 0.08, []string{"sine", "120", "vol", "0.05"}},
}

// The steady distractors: no speech, only a sound that hardly changes.
var steadySounds = []sound{
	{"tone-440", white, 0.05, []string{"sine", "440", "vol", "0.2"}},
	{"tone-440-again", white, 0.05, []string{"sine", "440", "vol", "0.2"}},
	{"tone-466", white, 0.05, []string{"sine", "466.16", "vol", "0.2"}},
	{"chord-c", "", 0, []string{"sine", "261.63", "sine", "329.63", "sine", "392", "channels", "1", "vol", "0.2"}},
	{"chord-c-tremolo", "", 0, []string{"sine", "261.63", "sine", "329.63", "sine", "392", "channels", "1", "tremolo", "6", "40", "vol", "0.2"}},
	{"chord-a-minor", "", 0, []string{"sine", "220", "sine", "261.63", "sine", "329.63", "channels", "1", "vol", "0.2"}},
	{"hum-alone", "", 0, []string{"sine", "50", "sine", "100", "sine", "150", "channels", "1", "vol", "0.3"}},
	{"noise-alone", pink, 0.05, nil},
	{"noise-alone-again", pink, 0.05, nil},
	{"silence-hiss", white, 0.01, nil},
}

func findSound(list []sound, name string) (sound, error) {
	for _, s := range list {
		if s.name == name {
			return s, nil
		}
	}
	return sound{}, fmt.Errorf("unknown sound %q", name)
}

// vocabulary is what the synthetic voices say: plain words, no meaning.
var vocabulary = strings.Fields(`
apple river seven orange station morning garden window yellow number
bridge candle silver forest meadow harbour lantern pencil marble basket
thunder copper winter summer autumn spring valley mountain island desert
violet crimson purple golden seventeen twenty thirty forty hundred thousand
kettle ladder mirror pocket rabbit saddle ticket tunnel velvet wagon
north south east west left right above below between beyond
quickly slowly softly loudly early later always never often seldom
market village castle chapel tower museum library theatre bakery factory
engine rocket planet comet meteor galaxy orbit signal cable battery
carrot potato tomato lemon cherry melon peach walnut pepper ginger
`)

// texts returns n word lists of about 40 words each, from the seed.
func texts(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 0x617564696f))
	out := make([]string, n)
	for i := range out {
		words := make([]string, 36+r.IntN(8))
		for j := range words {
			words[j] = vocabulary[r.IntN(len(vocabulary))]
		}
		out[i] = strings.Join(words, " ")
	}
	return out
}

// sources lays out the corpus: source i has voice i mod 6 and background
// (i div 6) mod 6, so every voice speaks over every background once per
// 36 sources; every sixth source speaks its predecessor's text in
// another voice.
func sources(spec Spec) []Source {
	var out []Source
	for i := range spec.Sources {
		text := i
		if i%6 == 5 {
			text = i - 1
		}
		out = append(out, Source{ID: i, Voice: voices[i%len(voices)].name, Text: text, Background: backgrounds[(i/len(voices))%len(backgrounds)].name})
	}
	if spec.Steady {
		for _, s := range steadySounds {
			out = append(out, Source{ID: len(out), Text: -1, Background: s.name, Steady: true})
		}
	}
	return out
}

const manifest = "corpus.json"

// Generate makes the corpus in dir (created if needed). A folder that
// already holds the same Spec's corpus is used as it is.
func Generate(ctx context.Context, dir string, spec Spec) (*Corpus, error) {
	if t := MissingTool(); t != "" {
		return nil, fmt.Errorf("audio corpus: %s is not installed (scripts/test installs espeak-ng, sox and ffmpeg)", t)
	}
	if spec.Sources < 1 || spec.Seconds < 6 {
		return nil, fmt.Errorf("audio corpus: want at least 1 source of at least 6 s, got %d of %d s", spec.Sources, spec.Seconds)
	}
	if c, err := Open(dir); err == nil && c.Spec == spec {
		return c, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	c := &Corpus{Spec: spec, Dir: dir, Sources: sources(spec)}
	tx := texts(spec.Sources, spec.Seed)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	clips := make([][]Clip, len(c.Sources))
	for i, s := range c.Sources {
		g.Go(func() error {
			m := maker{ctx: gctx, dir: dir, spec: spec, src: s}
			var err error
			if s.Steady {
				clips[i], err = m.steady()
			} else {
				clips[i], c.Sources[i].Speech, err = m.spoken(tx[s.Text])
			}
			if err != nil {
				return fmt.Errorf("audio corpus: source %d: %w", s.ID, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for _, cl := range clips {
		c.Clips = append(c.Clips, cl...)
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, err
	}
	// The manifest is written last: its presence means the corpus is whole.
	if err := os.WriteFile(filepath.Join(dir, manifest), b, 0o644); err != nil {
		return nil, err
	}
	return c, nil
}

// Open reads a corpus Generate made.
func Open(dir string) (*Corpus, error) {
	b, err := os.ReadFile(filepath.Join(dir, manifest))
	if err != nil {
		return nil, err
	}
	c := &Corpus{Dir: dir}
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, manifest), err)
	}
	if len(c.Clips) == 0 {
		return nil, fmt.Errorf("%s: no clips", filepath.Join(dir, manifest))
	}
	return c, nil
}

// maker makes one source's files.
type maker struct {
	ctx  context.Context
	dir  string
	spec Spec
	src  Source
}

func (m maker) path(name string) string { return filepath.Join(m.dir, name) }

func (m maker) name(a Alteration, ext string) string {
	return fmt.Sprintf("s%02d-%s.%s", m.src.ID, a, ext)
}

// rng is the source's own generator: its values do not depend on the
// order sources are made in.
func (m maker) rng() *rand.Rand { return rand.New(rand.NewPCG(m.spec.Seed, uint64(m.src.ID)+1)) }

func (m maker) run(name string, args ...string) ([]byte, error) {
	if name == "sox" {
		// Repeatable: sox's noise and dither use a fixed seed.
		args = append([]string{"-R"}, args...)
	}
	cmd := exec.CommandContext(m.ctx, name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return append(out, stderr.Bytes()...), nil
}

// background writes secs seconds of a sound at 22,050 Hz; its noise
// comes from r.
func (m maker) background(out string, snd sound, secs int, r *rand.Rand) error {
	noise, tones := out+".noise.wav", out+".tones.wav"
	defer os.Remove(noise)
	defer os.Remove(tones)
	var inputs []string
	if snd.noise != "" {
		if err := writeNoise(noise, snd.noise, snd.noiseAmp, secs*22050, r); err != nil {
			return err
		}
		inputs = append(inputs, "-v", "1", noise)
	}
	if snd.tones != nil {
		args := append([]string{"-n", "-r", "22050", "-c", "1", tones, "synth", strconv.Itoa(secs)}, snd.tones...)
		if _, err := m.run("sox", args...); err != nil {
			return err
		}
		inputs = append(inputs, "-v", "1", tones)
	}
	if len(inputs) == 3 { // one sound: nothing to mix
		return os.Rename(inputs[2], out)
	}
	_, err := m.run("sox", append(append([]string{"-m"}, inputs...), out)...)
	return err
}

func (m maker) steady() ([]Clip, error) {
	snd, err := findSound(steadySounds, m.src.Background)
	if err != nil {
		return nil, err
	}
	name := m.name(Original, "wav")
	if err := m.background(m.path(name), snd, m.spec.Seconds, m.rng()); err != nil {
		return nil, err
	}
	return []Clip{{Source: m.src.ID, Alteration: Original, File: name, End: float64(m.spec.Seconds)}}, nil
}

func (m maker) spoken(text string) (clips []Clip, speech float64, err error) {
	r := m.rng()
	v := voices[m.src.ID%len(voices)]
	tmp := func(n string) string { return m.path(fmt.Sprintf(".s%02d-%s", m.src.ID, n)) }
	defer func() {
		for _, n := range []string{"speech.wav", "bg.wav", "hiss.wav"} {
			os.Remove(tmp(n))
		}
	}()
	if _, err := m.run("espeak-ng", "-v", v.name, "-s", strconv.Itoa(v.speed), "-p", strconv.Itoa(v.pitch), "-w", tmp("speech.wav"), text); err != nil {
		return nil, 0, err
	}
	if speech, err = m.seconds(tmp("speech.wav")); err != nil {
		return nil, 0, err
	}
	snd, err := findSound(backgrounds, m.src.Background)
	if err != nil {
		return nil, 0, err
	}
	if err := m.background(tmp("bg.wav"), snd, m.spec.Seconds, r); err != nil {
		return nil, 0, err
	}
	secs := strconv.Itoa(m.spec.Seconds)
	orig := m.name(Original, "wav")
	if _, err := m.run("sox", "-m", "-v", "1", tmp("speech.wav"), "-v", "1", tmp("bg.wav"), "-r", "22050", m.path(orig), "trim", "0", secs); err != nil {
		return nil, 0, err
	}
	o := m.path(orig)
	clips = []Clip{{Source: m.src.ID, Alteration: Original, File: orig, End: float64(m.spec.Seconds)}}
	L := float64(m.spec.Seconds)
	cutLen := 5 + 10*r.Float64()
	cutStart := (L - cutLen) * r.Float64()
	for _, a := range Alterations {
		var name string
		start, end := 0.0, L
		switch a {
		case MP3:
			name = m.name(a, "mp3")
			_, err = m.run("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", o, "-fflags", "+bitexact", "-flags:a", "+bitexact", "-c:a", "libmp3lame", "-b:a", "32k", m.path(name))
		case Vorbis:
			name = m.name(a, "ogg")
			_, err = m.run("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", o, "-fflags", "+bitexact", "-flags:a", "+bitexact", "-c:a", "libvorbis", "-q:a", "0", m.path(name))
		case Quieter:
			name = m.name(a, "wav")
			_, err = m.run("sox", o, m.path(name), "vol", "-10dB")
		case Noisy:
			name = m.name(a, "wav")
			err = m.noisy(o, m.path(name), tmp("hiss.wav"), r)
		case MiddleThird:
			name = m.name(a, "wav")
			_, err = m.run("sox", o, m.path(name), "trim", ftoa(L/3), ftoa(L/3))
			start, end = L/3, 2*L/3
		case Cut:
			name = m.name(a, "wav")
			_, err = m.run("sox", o, m.path(name), "trim", ftoa(cutStart), ftoa(cutLen))
			start, end = cutStart, cutStart+cutLen
		case Faster, Slower:
			f := "1.03"
			if a == Slower {
				f = "0.97"
			}
			name = m.name(a, "wav")
			_, err = m.run("sox", o, m.path(name), "speed", f, "rate", "22050")
		default:
			err = fmt.Errorf("unknown alteration %q", a)
		}
		if err != nil {
			return nil, 0, err
		}
		clips = append(clips, Clip{Source: m.src.ID, Alteration: a, File: name, Start: start, End: end})
	}
	return clips, speech, nil
}

// noisy mixes white noise 10 dB under the signal's RMS level.
func (m maker) noisy(in, out, hiss string, r *rand.Rand) error {
	if err := writeNoise(hiss, white, 0.5, m.spec.Seconds*22050, r); err != nil {
		return err
	}
	rs, err := m.rms(in)
	if err != nil {
		return err
	}
	rn, err := m.rms(hiss)
	if err != nil {
		return err
	}
	if rn == 0 {
		return errors.New("silent noise")
	}
	gain := rs / rn / math.Pow(10, 10.0/20)
	_, err = m.run("sox", "-m", "-v", "1", in, "-v", ftoa(gain), hiss, out)
	return err
}

// rms reads a file's RMS amplitude from sox's stat effect.
func (m maker) rms(path string) (float64, error) { return m.stat(path, "RMS     amplitude") }

// seconds reads a file's length from sox's stat effect.
func (m maker) seconds(path string) (float64, error) { return m.stat(path, "Length (seconds)") }

func (m maker) stat(path, key string) (float64, error) {
	out, err := m.run("sox", path, "-n", "stat")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(out)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == key {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	return 0, fmt.Errorf("sox stat of %s: no %q in %q", path, key, out)
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }
