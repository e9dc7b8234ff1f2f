package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/graph"
	"github.com/ariadne-vid/ariadne/internal/hashsets"
	"github.com/ariadne-vid/ariadne/internal/store"
)

func init() {
	register(command{name: "case", summary: "manage cases: case create|list|show|export", run: runCase})
}

func runCase(args []string, stdout, stderr io.Writer) error {
	return runVerb("case", map[string]verb{"create": caseCreate, "list": caseList, "show": caseShow, "export": caseExport}, args, stdout, stderr)
}

// caseCreate is "case create NUMBER": a new case.
func caseCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("case create", "NUMBER --agency NAME [--title T] [--notes N] [--db DB]", stderr)
	db := dbFlag(fs)
	title := fs.String("title", "", "case title")
	agency := fs.String("agency", "", "owning agency (ariadne agency add); the graph and deconfliction need one")
	notes := fs.String("notes", "", "notes")
	pos, st, err := parseOpen(ctx, fs, args, db, 1, "one case NUMBER")
	if err != nil {
		return err
	}
	defer st.Close()
	if *agency != "" {
		// A misspelt name must not make a new agency.
		if _, err := st.AgencyByName(ctx, *agency); err != nil {
			return fmt.Errorf("%w (add it first: ariadne agency add %q)", err, *agency)
		}
	}
	c, err := st.CreateCase(ctx, store.Case{Number: pos[0], Title: *title, Agency: *agency, Notes: *notes})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "case %s created\n", c.Number)
	return nil
}

// caseList is "case list": every case, one line each.
func caseList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("case list", "[--db DB]", stderr)
	db := dbFlag(fs)
	_, st, err := parseOpen(ctx, fs, args, db, -1, "")
	if err != nil {
		return err
	}
	defer st.Close()
	cs, err := st.Cases(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NUMBER\tTITLE\tAGENCY\tSTATUS\tOPENED")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Number, c.Title, c.Agency, c.Status, c.OpenedAt)
	}
	return tw.Flush()
}

// caseShow is "case show NUMBER": a case and its exhibits, as JSON.
func caseShow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("case show", "NUMBER [--db DB]", stderr)
	db := dbFlag(fs)
	pos, st, err := parseOpen(ctx, fs, args, db, 1, "one case NUMBER")
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := st.CaseByNumber(ctx, pos[0])
	if err != nil {
		return err
	}
	ex, err := st.Exhibits(ctx, c.Number)
	if err != nil {
		return err
	}
	if err := recordAudit(ctx, st, *db, audit.Entry{Agency: c.Agency, Action: "view-case", Object: "case:" + c.Number}); err != nil {
		return err
	}
	return printJSON(stdout, struct {
		store.Case
		Exhibits []store.Exhibit `json:"exhibits"`
	}{c, ex})
}

// caseExport is "case export NUMBER": the case's media with their matches, as VICS JSON or CSV.
func caseExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("case export", "NUMBER [--format vics|icse|csv] [-o FILE] [--db DB]", stderr)
	db := dbFlag(fs)
	format := fs.String("format", "vics", "vics (VICS JSON 2.0), icse (ICSE-style CSV) or csv (a row per match)")
	out := fs.String("o", "", "output file (default: standard output)")
	pos, st, err := parseOpen(ctx, fs, args, db, 1, "one case NUMBER")
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := st.CaseByNumber(ctx, pos[0])
	if err != nil {
		return err
	}
	each := func(fn func(store.CaseMedia) error) error { return st.CaseMedia(ctx, pos[0], fn) }
	write := hashsets.WriteCaseVICS
	switch *format {
	case "vics":
	case "icse":
		write = hashsets.WriteCaseICSE
	case "csv":
		write = hashsets.WriteCaseCSV
	default:
		return usageErr("--format must be vics, icse or csv")
	}
	// The agency's own work (categories, series, identifications) goes
	// with the export; a case of no agency exports what its matches say.
	var contrib map[int64]hashsets.Contribution
	if c.AgencyID != 0 {
		cs, err := graph.New(st).Contributions(ctx, c)
		if err != nil {
			return err
		}
		contrib = make(map[int64]hashsets.Contribution, len(cs))
		for id, x := range cs {
			contrib[id] = hashsets.Contribution{Category: x.Category, Series: x.Series, VictimIdentified: x.VictimIdentified,
				OffenderIdentified: x.OffenderIdentified, Baseline: x.Baseline}
		}
	}
	w, done, err := outputTo(stdout, *out)
	if err != nil {
		return err
	}
	if err := recordAudit(ctx, st, *db, audit.Entry{Action: "export", Object: "case:" + c.Number, Detail: "format " + *format}); err != nil {
		return err
	}
	if err := write(w, each, contrib); err != nil {
		done()
		return err
	}
	return done()
}
