package audioeval

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/audio"
)

func needTools(t *testing.T) {
	t.Helper()
	if tool := MissingTool(); tool != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is not installed: scripts/test should have installed it", tool)
		}
		t.Skipf("%s not installed: audio corpus tests skipped (scripts/test installs it)", tool)
	}
}

// small is a corpus of every voice over two backgrounds, every
// alteration and every steady distractor: quick, and every kind of pair.
var small = Spec{Sources: 12, Seed: 3, Seconds: 16, Steady: true}

// TestCorpusIsRepeatable: the same Spec gives the same bytes.
func TestCorpusIsRepeatable(t *testing.T) {
	needTools(t)
	spec := Spec{Sources: 2, Seed: 5, Seconds: 8, Steady: true}
	var corpora [2]*Corpus
	for i := range corpora {
		c, err := Generate(context.Background(), t.TempDir(), spec)
		if err != nil {
			t.Fatal(err)
		}
		corpora[i] = c
	}
	if len(corpora[0].Clips) != 2*(1+len(Alterations))+len(steadySounds) {
		t.Fatalf("%d clips", len(corpora[0].Clips))
	}
	for _, cl := range corpora[0].Clips {
		a, err := os.ReadFile(corpora[0].Path(cl))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(corpora[1].Path(cl))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs", cl.File)
		}
	}
	// A folder holding the corpus is used as it is.
	again, err := Generate(context.Background(), corpora[0].Dir, spec)
	if err != nil || len(again.Clips) != len(corpora[0].Clips) {
		t.Fatalf("reopen: %v", err)
	}
	if _, err := Open(t.TempDir()); err == nil {
		t.Error("an empty folder opened as a corpus")
	}
}

// TestNoFalseMatches measures DefaultMatch on a small corpus: no two
// different recordings match, every re-encoded, quieter, noisier or
// speed-changed copy matches its original, and most pairs of copies do.
func TestNoFalseMatches(t *testing.T) {
	needTools(t)
	dir := filepath.Join(t.TempDir(), "corpus")
	c, err := Generate(context.Background(), dir, small)
	if err != nil {
		t.Fatal(err)
	}
	prints, err := Fingerprints(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	rep := Evaluate(c, prints, audio.DefaultMatch)
	var table bytes.Buffer
	rep.WriteTable(&table)
	t.Logf("\n%s", table.String())
	if neg := rep.Total(false); neg.Matched != 0 || neg.Pairs < 1000 {
		t.Errorf("%d false matches among %d pairs of different recordings", neg.Matched, neg.Pairs)
	}
	if rep.MaxNegative >= audio.DefaultMatch.MinEvidence {
		t.Errorf("a pair of different recordings earned %g bits, the threshold is %g", rep.MaxNegative, audio.DefaultMatch.MinEvidence)
	}
	for _, row := range rep.Rows {
		switch Alteration(row.Name) {
		case MP3, Vorbis, Quieter, Noisy, Faster, Slower:
			if row.Matched != row.Pairs {
				t.Errorf("%s: %d of %d copies matched", row.Name, row.Matched, row.Pairs)
			}
		}
	}
	if pos := rep.Total(true); float64(pos.Matched) < 0.9*float64(pos.Pairs) {
		t.Errorf("%d of %d pairs of copies matched, want 90%%", pos.Matched, pos.Pairs)
	}
}
