package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/ariadne-vid/ariadne/internal/graph"
	"github.com/ariadne-vid/ariadne/internal/graph/graphbench"
	"github.com/ariadne-vid/ariadne/internal/store"
)

// benchSuggest builds the seeded graph corpus (graphbench) in a new
// store, times `suggest` over its case and `graph` of the case, and
// scores every rule's links against the corpus's truth.
func benchSuggest(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench suggest", "[--media 100000] [--entries 1000000] [--seed 1] [--db DB]", stderr)
	var opts graphbench.Options
	fs.IntVar(&opts.Media, "media", 100_000, "media of the case")
	fs.IntVar(&opts.Entries, "entries", 1_000_000, "entries of the known-bad set")
	fs.Uint64Var(&opts.Seed, "seed", 1, "seed of the corpus")
	db := fs.String("db", "", "an empty store to build it in (default: a new SQLite file in a temporary folder)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx := context.Background()
	if *db == "" {
		dir, err := os.MkdirTemp("", "ariadne-bench-suggest-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*db = filepath.Join(dir, "bench.db")
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	var truth *graphbench.Truth
	wall, _, err := measure(func() error {
		truth, err = graphbench.Build(ctx, st, opts)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "corpus: %d media, %d entries, built in %.1f s\n", opts.Media, opts.Entries, wall.Seconds())
	g := graph.New(st)
	var counts []graph.RuleCount
	wall, cpu, err := measure(func() error {
		counts, err = g.Suggest(ctx, truth.Case, graph.SuggestOptions{})
		return err
	})
	if err != nil {
		return err
	}
	links := 0
	for _, c := range counts {
		links += c.New
	}
	fmt.Fprintf(stdout, "suggest: %d media, %d entries in the store: %.2f s wall, %.2f s CPU (GOMAXPROCS %d), %d links\n",
		opts.Media, opts.Entries, wall.Seconds(), cpu.Seconds(), runtime.GOMAXPROCS(0), links)
	wall, cpu, err = measure(func() error {
		_, err := g.Suggest(ctx, truth.Case, graph.SuggestOptions{})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "suggest again (adds nothing): %.2f s wall, %.2f s CPU\n", wall.Seconds(), cpu.Seconds())
	var v *graph.View
	wall, cpu, err = measure(func() error {
		v, err = g.Case(ctx, truth.Case, graph.ViewOptions{})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "graph: %d nodes, %d edges: %.2f s wall, %.2f s CPU\n\n", len(v.Nodes), len(v.Edges), wall.Seconds(), cpu.Seconds())
	scores, err := graphbench.Evaluate(ctx, st, truth)
	if err != nil {
		return err
	}
	return graphbench.WriteTable(stdout, scores)
}
