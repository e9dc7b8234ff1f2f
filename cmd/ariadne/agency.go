package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/ariadne-vid/ariadne/internal/store"
)

func init() {
	register(command{name: "agency", summary: "manage agencies: agency add|list", run: runAgency})
}

func runAgency(args []string, stdout, stderr io.Writer) error {
	return runVerb("agency", map[string]verb{"add": agencyAdd, "list": agencyList}, args, stdout, stderr)
}

// agencyAdd is "agency add NAME": a new agency.
func agencyAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("agency add", "NAME [--country CC] [--contact TEXT] [--scheme SCHEME] [--require-totp] [--db DB]", stderr)
	db := dbFlag(fs)
	country := fs.String("country", "", "ISO 3166 country code")
	contact := fs.String("contact", "", "how other agencies reach it about shared material (a desk, not a person)")
	scheme := fs.String("scheme", "", "the category scheme it grades under by default")
	requireTOTP := fs.Bool("require-totp", false, "every user of the agency needs a TOTP second factor")
	pos, st, err := parseOpen(ctx, fs, args, db, 1, "one agency NAME")
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := st.AddAgency(ctx, store.Agency{Name: pos[0], Country: *country, Contact: *contact, Scheme: *scheme, RequireTOTP: *requireTOTP})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "agency %s added\n", a.Name)
	return nil
}

// agencyList is "agency list".
func agencyList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("agency list", "[--db DB]", stderr)
	db := dbFlag(fs)
	_, st, err := parseOpen(ctx, fs, args, db, 0, "no arguments")
	if err != nil {
		return err
	}
	defer st.Close()
	as, err := st.Agencies(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tCOUNTRY\tCONTACT\tSCHEME")
	for _, a := range as {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Name, a.Country, a.Contact, a.Scheme)
	}
	return tw.Flush()
}
