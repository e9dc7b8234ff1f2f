package main

import (
	"context"
	"fmt"
	"io"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/graph"
)

func init() {
	register(command{name: "graph", summary: "print a case's part of the knowledge graph (text, JSON or Graphviz)", run: runGraph})
}

// runGraph is "graph --case C [--json | --dot] [--from KIND:ID --depth N]".
func runGraph(args []string, stdout, stderr io.Writer) error {
	ctx := context.Background()
	fs := newFlags("graph", "--case C [--json | --dot] [--from KIND:ID --depth N] [--db DB]", stderr)
	db := dbFlag(fs)
	caseNumber := fs.String("case", "", "the case")
	asJSON := fs.Bool("json", false, `print {"nodes": [...], "edges": [...]}`)
	asDot := fs.Bool("dot", false, "print a Graphviz digraph")
	from := fs.String("from", "", "keep what lies within --depth links of this node (KIND:ID, media:SHA256 or KIND:LABEL)")
	depth := fs.Int("depth", 2, "with --from: how many links away")
	_, st, err := parseOpen(ctx, fs, args, db, 0, "no arguments")
	if err != nil {
		return err
	}
	defer st.Close()
	if *asJSON && *asDot {
		return usageErr("--json or --dot, not both")
	}
	c, err := agencyCase(ctx, st, *caseNumber)
	if err != nil {
		return err
	}
	opts := graph.ViewOptions{Depth: *depth}
	if *from != "" {
		r, err := resolveRef(ctx, st, c.AgencyID, *from)
		if err != nil {
			return err
		}
		opts.From = r.String()
	}
	v, err := graph.New(st).Case(ctx, c, opts)
	if err != nil {
		return err
	}
	if err := recordAudit(ctx, st, *db, audit.Entry{Agency: c.Agency, Action: "view-graph", Object: "case:" + c.Number}); err != nil {
		return err
	}
	switch {
	case *asJSON:
		return printJSON(stdout, v)
	case *asDot:
		return v.WriteDot(stdout)
	}
	for _, n := range v.Nodes {
		line := fmt.Sprintf("%-14s %s", n.ID, n.Label)
		if n.Foreign {
			line += fmt.Sprintf("  [agency %s, contact %s]", n.Agency, n.Contact)
		}
		if n.Notice != "" {
			line += "  " + n.Notice
		}
		fmt.Fprintln(stdout, line)
	}
	for _, e := range v.Edges {
		how := e.By
		if e.Rule != "" {
			how = e.Rule
		}
		fmt.Fprintf(stdout, "%s -%s-> %s  %s (%s)\n", e.From, e.Relation, e.To, e.Status, how)
	}
	fmt.Fprintf(stdout, "%d nodes, %d links; %d media of the case are linked to nothing\n", len(v.Nodes), len(v.Edges), v.UnlinkedMedia)
	return nil
}
