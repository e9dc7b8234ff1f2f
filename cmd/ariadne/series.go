package main

import (
	"context"
	"fmt"
	"io"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/graph"
	"github.com/ariadne-vid/ariadne/internal/store"
)

func init() {
	register(command{name: "series", summary: "series of material: series create|add|merge|show", run: runSeries})
}

func runSeries(args []string, stdout, stderr io.Writer) error {
	return runVerb("series", map[string]verb{"create": seriesCreate, "add": seriesAdd, "merge": seriesMerge, "show": seriesShow}, args, stdout, stderr)
}

// seriesCreate is "series create NAME --case C".
func seriesCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("series create", "NAME --case C [--external-id ID] [--sharing private|deconfliction|shared] [--notes N] [--by WHO] [--db DB]", stderr)
	db := dbFlag(fs)
	caseNumber := fs.String("case", "", "the owning case")
	external := fs.String("external-id", "", "an ICSE or national series number")
	sharing := fs.String("sharing", string(store.ShareDeconfliction), "what other agencies see: private, deconfliction (case, agency, contact) or shared")
	notes := fs.String("notes", "", "notes")
	by := byFlag(fs)
	pos, st, err := parseOpen(ctx, fs, args, db, 1, "one series NAME")
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := agencyCase(ctx, st, *caseNumber)
	if err != nil {
		return err
	}
	n, err := st.CreateNode(ctx, store.Node{Kind: store.NodeSeries, AgencyID: c.AgencyID, CaseID: c.ID, Label: pos[0], ExternalID: *external,
		Status: "open", Sharing: store.Sharing(*sharing), Notes: *notes, CreatedBy: *by})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "series %s created (series:%d, case %s, agency %s)\n", n.Label, n.ID, c.Number, c.Agency)
	return nil
}

// seriesAdd is "series add NAME SHA256...": media a person puts in the
// series (confirmed links).
func seriesAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("series add", "NAME SHA256... [--agency A] [--reason R] [--by WHO] [--db DB]", stderr)
	db := dbFlag(fs)
	agency := fs.String("agency", "", "the series' agency, when several have one of that name")
	reason := fs.String("reason", "", "why")
	by := byFlag(fs)
	pos, st, err := parseOpen(ctx, fs, args, db, -1, "")
	if err != nil {
		return err
	}
	defer st.Close()
	if len(pos) < 2 {
		return usageErr("want a series NAME and at least one SHA256")
	}
	s, err := nodeByName(ctx, st, store.NodeSeries, pos[0], *agency)
	if err != nil {
		return err
	}
	g := graph.New(st)
	d := graph.Decision{AgencyID: s.AgencyID, CaseID: s.CaseID, By: *by, Reason: *reason}
	for _, h := range pos[1:] {
		m, err := resolveRef(ctx, st, s.AgencyID, "media:"+h)
		if err != nil {
			return err
		}
		if _, err := g.Link(ctx, d, m, graph.InSeries, store.Ref{Kind: store.NodeSeries, ID: s.ID}); err != nil {
			return fmt.Errorf("media %s: %w", h, err)
		}
	}
	fmt.Fprintf(stdout, "%d media in series %s\n", len(pos)-1, s.Label)
	return nil
}

// seriesMerge is "series merge A B": B's media are confirmed in A, B is
// marked the same as A and "merged into A"; nothing is removed.
func seriesMerge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("series merge", "INTO FROM [--agency A] [--reason R] [--by WHO] [--db DB]", stderr)
	db := dbFlag(fs)
	agency := fs.String("agency", "", "the agency of both series")
	reason := fs.String("reason", "", "why")
	by := byFlag(fs)
	pos, st, err := parseOpen(ctx, fs, args, db, 2, "two series: INTO and FROM")
	if err != nil {
		return err
	}
	defer st.Close()
	into, err := nodeByName(ctx, st, store.NodeSeries, pos[0], *agency)
	if err != nil {
		return err
	}
	from, err := st.NodeByLabel(ctx, into.AgencyID, store.NodeSeries, pos[1])
	if err != nil {
		return err
	}
	n, err := graph.New(st).MergeSeries(ctx, graph.Decision{AgencyID: into.AgencyID, CaseID: into.CaseID, By: *by, Reason: *reason}, into, from)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "series %s merged into %s: %d media moved over\n", from.Label, into.Label, n)
	return nil
}

// seriesShow is "series show NAME".
func seriesShow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("series show", "NAME [--agency A] [--json] [--db DB]", stderr)
	db := dbFlag(fs)
	agency := fs.String("agency", "", "the series' agency, when several have one of that name")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, st, err := parseOpen(ctx, fs, args, db, 1, "one series NAME")
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := nodeByName(ctx, st, store.NodeSeries, pos[0], *agency)
	if err != nil {
		return err
	}
	shown, err := graph.New(st).Show(ctx, s)
	if err != nil {
		return err
	}
	if err := recordAudit(ctx, st, *db, audit.Entry{Agency: s.Agency, Action: "view-" + string(s.Kind), Object: fmt.Sprintf("%s:%d", s.Kind, s.ID)}); err != nil {
		return err
	}
	if *asJSON {
		return printJSON(stdout, shown)
	}
	return shown.WriteText(stdout)
}
