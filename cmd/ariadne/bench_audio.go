package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ariadne-vid/ariadne/internal/audio"
	"github.com/ariadne-vid/ariadne/internal/audio/audioeval"
)

// benchAudio makes (or reuses) the seeded audio corpus and prints audio
// matching's recall per alteration and its false matches between
// different recordings, as a Markdown table.
func benchAudio(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench audio", "[--dir D] [--sources N] [--seed S] [--seconds L]", stderr)
	dir := fs.String("dir", "", "where the corpus is made, or reused when it is there (default: a folder in the temporary directory)")
	spec := audioeval.DefaultSpec
	fs.IntVar(&spec.Sources, "sources", spec.Sources, "spoken recordings, each with every alteration")
	fs.Uint64Var(&spec.Seed, "seed", spec.Seed, "seed of the texts, noises and cuts")
	fs.IntVar(&spec.Seconds, "seconds", spec.Seconds, "length of each recording")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		*dir = filepath.Join(os.TempDir(), fmt.Sprintf("ariadne-audio-corpus-%d-%d-%d", spec.Sources, spec.Seed, spec.Seconds))
	}
	ctx, stop := interruptible()
	defer stop()
	fmt.Fprintf(stderr, "corpus in %s\n", *dir)
	c, err := audioeval.Generate(ctx, *dir, spec)
	if err != nil {
		return err
	}
	prints, err := audioeval.Fingerprints(ctx, c)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d sources (seed %d, %d s), %d clips, %d pairs\n\n", spec.Sources, spec.Seed, spec.Seconds, len(c.Clips), len(audioeval.Pairs(c)))
	audioeval.Evaluate(c, prints, audio.DefaultMatch).WriteTable(stdout)
	return nil
}
