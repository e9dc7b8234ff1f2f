package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/ariadne-vid/ariadne/internal/store"
)

func init() {
	register(command{name: "exhibit", summary: "manage a case's exhibits: exhibit add|list", run: runExhibit})
}

func runExhibit(args []string, stdout, stderr io.Writer) error {
	return runVerb("exhibit", map[string]verb{"add": exhibitAdd, "list": exhibitList}, args, stdout, stderr)
}

// exhibitAdd is "exhibit add --case C LABEL": a new exhibit with its chain-of-custody facts.
func exhibitAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("exhibit add", "--case C LABEL [--description D] [--seized-at T] [--seized-by P] [--seized-where W] [--source PATH] [--acquisition-hash H] [--notes N] [--db DB]", stderr)
	db := dbFlag(fs)
	var e store.Exhibit
	fs.StringVar(&e.CaseNumber, "case", "", "case number")
	fs.StringVar(&e.Description, "description", "", "what the exhibit is")
	fs.StringVar(&e.SeizedAt, "seized-at", "", "when it was seized")
	fs.StringVar(&e.SeizedBy, "seized-by", "", "who seized it")
	fs.StringVar(&e.SeizedWhere, "seized-where", "", "where it was seized")
	fs.StringVar(&e.SourcePath, "source", "", "path of the acquired copy")
	fs.StringVar(&e.AcquisitionHash, "acquisition-hash", "", "hash of the acquired image, if known")
	fs.StringVar(&e.Notes, "notes", "", "notes")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || e.CaseNumber == "" {
		return usageErr("want --case C and one LABEL")
	}
	e.Label = pos[0]
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.AddExhibit(ctx, e); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exhibit %s added to case %s\n", e.Label, e.CaseNumber)
	return nil
}

// exhibitList is "exhibit list --case C": the case's exhibits.
func exhibitList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("exhibit list", "--case C [--db DB]", stderr)
	db := dbFlag(fs)
	caseNumber := fs.String("case", "", "case number")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *caseNumber == "" {
		return usageErr("--case is required")
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.CaseByNumber(ctx, *caseNumber); err != nil {
		return err
	}
	ex, err := st.Exhibits(ctx, *caseNumber)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LABEL\tDESCRIPTION\tSEIZED AT\tSEIZED BY\tSOURCE")
	for _, e := range ex {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Label, e.Description, e.SeizedAt, e.SeizedBy, e.SourcePath)
	}
	return tw.Flush()
}
