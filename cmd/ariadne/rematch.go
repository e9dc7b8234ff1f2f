package main

import (
	"fmt"
	"io"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/match"
)

func init() {
	register(command{name: "rematch", summary: "match a case's ingested media against the hash sets as they are now (after an import)", run: runRematch})
}

func runRematch(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("rematch", "--case C [--exhibit E] [--json] [--db DB]", stderr)
	db := dbFlag(fs)
	caseNumber := fs.String("case", "", "case number")
	label := fs.String("exhibit", "", "rematch this exhibit only")
	jsonOut := fs.Bool("json", false, "print the summary as JSON")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *caseNumber == "" || len(rest) > 0 {
		return usageErr("want --case C and no arguments besides flags")
	}
	ctx, stop := interruptible()
	defer stop()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := st.CaseByNumber(ctx, *caseNumber)
	if err != nil {
		return err
	}
	var exhibitID int64
	if *label != "" {
		ex, err := st.ExhibitByLabel(ctx, *caseNumber, *label)
		if err != nil {
			return err
		}
		exhibitID = ex.ID
	}
	sum, err := match.Rematch(ctx, st, c.ID, exhibitID, match.RematchOptions{IndexCache: indexCachePath(*db)})
	if err != nil {
		return err
	}
	if err := recordAudit(ctx, st, *db, audit.Entry{Action: "rematch", Object: "case:" + c.Number,
		Detail: fmt.Sprintf("%d media, %d new matches, %d files changed class", sum.Media, sum.NewMatches, sum.Reclassified)}); err != nil {
		return err
	}
	if err := suggestAfter(ctx, st, c.Number, stderr); err != nil {
		return err
	}
	if *jsonOut {
		return printJSON(stdout, sum)
	}
	scope := "case " + *caseNumber
	if *label != "" {
		scope += ", exhibit " + *label
	}
	fmt.Fprintf(stdout, "%s: %d media checked against the current hash sets; %d match, %d new matches recorded, %d files changed class\n",
		scope, sum.Media, sum.Matched, sum.NewMatches, sum.Reclassified)
	if sum.Reclassified > 0 {
		fmt.Fprintf(stdout, "see: ariadne report --case %s\n", *caseNumber)
	}
	return nil
}
