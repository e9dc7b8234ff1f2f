package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/ariadne-vid/ariadne/internal/features/featureseval"
)

// benchLocalFeatures measures local-feature matching on seeded generated
// rooms: recall per alteration next to PDQ's, and false matches among
// every pair of unrelated pictures, as a Markdown table.
func benchLocalFeatures(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench local-features", "[--originals N] [--unrelated N] [--seed S] [--photos DIR]", stderr)
	spec := featureseval.DefaultSpec
	fs.IntVar(&spec.Originals, "originals", spec.Originals, "pictures altered in every way")
	fs.IntVar(&spec.Unrelated, "unrelated", spec.Unrelated, "pictures compared pairwise for false matches")
	fs.Uint64Var(&spec.Seed, "seed", spec.Seed, "seed of every picture")
	fs.StringVar(&spec.PhotoDir, "photos", "", "photographs made by ../shared/bench/make_corpus.sh instead of generated rooms")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	rep, err := featureseval.Run(spec, stderr)
	if err != nil {
		return err
	}
	featureseval.WriteTable(stdout, rep)
	return nil
}

// benchLocalIndex fills a local-feature index and times lookups of
// cropped copies on one goroutine.
func benchLocalIndex(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench local-index", "[--images N] [--queries N] [--pool N] [--file] [--seed S]", stderr)
	spec := featureseval.ScaleSpec{Images: 100_000, Queries: 50, Pool: 200, Seed: 1}
	fs.IntVar(&spec.Images, "images", spec.Images, "pictures in the index")
	fs.IntVar(&spec.Queries, "queries", spec.Queries, "10%-crops of indexed rooms looked up")
	fs.IntVar(&spec.Pool, "pool", spec.Pool, "generated rooms the filler pictures' features are drawn from")
	fs.Uint64Var(&spec.Seed, "seed", spec.Seed, "seed of everything")
	file := fs.Bool("file", false, "keep the pictures' features in a file (lists in memory), as for millions")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	runtime.GOMAXPROCS(1) // one core, as the figures are stated
	if *file {
		spec.File = filepath.Join(os.TempDir(), fmt.Sprintf("ariadne-local-index-%d.idx", os.Getpid()))
		defer os.Remove(spec.File)
	}
	r, err := featureseval.Scale(spec, stderr)
	if err != nil {
		return err
	}
	where := "memory"
	if *file {
		where = "a file"
	}
	fmt.Fprintf(stdout, "%d pictures (features in %s), built in %.1f s; index %.2f GiB, heap in use %.2f GiB\n", spec.Images, where, r.BuildSecs,
		float64(r.IndexBytes)/(1<<30), float64(r.HeapBytes)/(1<<30))
	fmt.Fprintf(stdout, "%d lookups of 10%% crops: found first %d, wrong hits %d; per lookup mean %.1f ms, median %.1f, p95 %.1f, max %.1f\n",
		spec.Queries, r.Found, r.Wrong, r.MeanMs, r.P50Ms, r.P95Ms, r.MaxMs)
	return nil
}
