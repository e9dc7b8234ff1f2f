package graphbench

import (
	"context"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/graph"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
)

// TestSuggestionsAreRight: on a seeded corpus of 3,000 media and 20,000
// entries, every link each rule proposes is right and every link the
// truth holds is proposed.
func TestSuggestionsAreRight(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		truth, err := Build(ctx, e.Store, Options{Media: 3000, Entries: 20_000, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := graph.New(e.Store).Suggest(ctx, truth.Case, graph.SuggestOptions{}); err != nil {
			t.Fatal(err)
		}
		scores, err := Evaluate(ctx, e.Store, truth)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range scores {
			t.Logf("%s: %d links, %d right, truth holds %d", s.Rule, s.Links, s.Right, s.Expected)
			if s.Links != s.Right || s.Links != s.Expected || s.Expected == 0 {
				t.Errorf("%s: %d links, %d right, truth holds %d", s.Rule, s.Links, s.Right, s.Expected)
			}
		}
	})
}
