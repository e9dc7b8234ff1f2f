package main

import (
	"context"
	"io"
	"slices"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/report"
)

func init() {
	register(command{name: "report", summary: "what ingest found in a case or exhibit: new media first, then near and known matches", run: runReport})
}

func runReport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("report", "--case C [--exhibit E] [--format text|json|csv|html] [--output FILE] [--db DB]", stderr)
	db := dbFlag(fs)
	caseNumber := fs.String("case", "", "case number")
	label := fs.String("exhibit", "", "report on this exhibit only")
	format := fs.String("format", "text", "output: "+strings.Join(report.Formats, ", "))
	output := fs.String("output", "", "write to this file instead of stdout")
	ctx := context.Background()
	_, st, err := parseOpen(ctx, fs, args, db, 0, "no arguments besides flags")
	if err != nil {
		return err
	}
	defer st.Close()
	if *caseNumber == "" {
		return usageErr("--case is required")
	}
	if !slices.Contains(report.Formats, *format) {
		return usageErr("--format must be one of %s", strings.Join(report.Formats, ", "))
	}
	r, err := report.Build(ctx, st, *caseNumber, *label, programVersion())
	if err != nil {
		return err
	}
	if err := recordAudit(ctx, st, *db, audit.Entry{Agency: r.Case.Agency, Action: "view-case", Object: "case:" + r.Case.Number, Detail: "report " + *format}); err != nil {
		return err
	}
	w, done, err := outputTo(stdout, *output)
	if err != nil {
		return err
	}
	if err := r.Write(w, *format); err != nil {
		done()
		return err
	}
	return done()
}
