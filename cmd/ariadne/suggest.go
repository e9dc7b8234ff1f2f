package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/ariadne-vid/ariadne/internal/graph"
	"github.com/ariadne-vid/ariadne/internal/store"
)

func init() {
	register(command{name: "suggest", summary: "suggest links from the signals (never confirmed by themselves)", run: runSuggest})
}

// runSuggest is "suggest --case C".
func runSuggest(args []string, stdout, stderr io.Writer) error {
	ctx := context.Background()
	fs := newFlags("suggest", "--case C [--place-radius-m M] [--json] [--db DB]", stderr)
	db := dbFlag(fs)
	caseNumber := fs.String("case", "", "the case")
	placeRadius := fs.Float64("place-radius-m", 250, "positions within this many metres are one location")
	asJSON := fs.Bool("json", false, "print JSON")
	_, st, err := parseOpen(ctx, fs, args, db, 0, "no arguments")
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := agencyCase(ctx, st, *caseNumber)
	if err != nil {
		return err
	}
	counts, err := graph.New(st).Suggest(ctx, c, graph.SuggestOptions{PlaceRadiusKm: *placeRadius / 1000})
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(stdout, struct {
			Case  string            `json:"case"`
			Rules []graph.RuleCount `json:"rules"`
		}{c.Number, counts})
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tPROPOSED\tNEW LINKS\tNEW NODES\tNEW VOTES")
	for _, rc := range counts {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", rc.Rule, rc.Links, rc.New, rc.Nodes, rc.Votes)
	}
	return tw.Flush()
}

// suggestAfter runs the graph's rules over a case after an ingest or a
// rematch changed what it holds, and says on w what they added. A case of
// no agency has no graph: nothing is run.
func suggestAfter(ctx context.Context, st *store.Store, caseNumber string, w io.Writer) error {
	c, err := st.CaseByNumber(ctx, caseNumber)
	if err != nil || c.AgencyID == 0 {
		return err
	}
	counts, err := graph.New(st).Suggest(ctx, c, graph.SuggestOptions{})
	if err != nil {
		return fmt.Errorf("suggestions: %w", err)
	}
	links, nodes, votes := 0, 0, 0
	for _, rc := range counts {
		links, nodes, votes = links+rc.New, nodes+rc.Nodes, votes+rc.Votes
	}
	fmt.Fprintf(w, "suggestions: %d new links, %d new nodes, %d votes from sets (ariadne graph --case %s)\n", links, nodes, votes, c.Number)
	return nil
}
