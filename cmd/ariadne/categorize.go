package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/category"
)

func init() {
	register(command{name: "categorize", summary: "vote a category for media under a scheme, and see the consensus", run: runCategorize})
	register(command{name: "scheme", summary: "category schemes: scheme add FILE|map FILE|list", run: runScheme})
}

// runCategorize is "categorize --case C --scheme S --category V SHA256...".
func runCategorize(args []string, stdout, stderr io.Writer) error {
	ctx := context.Background()
	fs := newFlags("categorize", "--case C [--scheme SCHEME] --category VALUE SHA256... [--grader NAME] [--json] [--db DB]", stderr)
	db := dbFlag(fs)
	caseNumber := fs.String("case", "", "the case holding the media")
	schemeName := fs.String("scheme", "", "the scheme (default: the agency's)")
	value := fs.String("category", "", "the category, a value of the scheme")
	grader := fs.String("grader", "", "who votes (default: --by)")
	by := byFlag(fs)
	asJSON := fs.Bool("json", false, "print the outcome per media as JSON")
	pos, st, err := parseOpen(ctx, fs, args, db, -1, "")
	if err != nil {
		return err
	}
	defer st.Close()
	if len(pos) == 0 || *value == "" {
		return usageErr("want --category and at least one SHA256")
	}
	c, err := agencyCase(ctx, st, *caseNumber)
	if err != nil {
		return err
	}
	if *schemeName == "" {
		agency, err := st.AgencyByID(ctx, c.AgencyID)
		if err != nil {
			return err
		}
		if agency.Scheme == "" {
			return usageErr("agency %s has no default scheme: give --scheme", agency.Name)
		}
	}
	ids, err := mediaOf(ctx, st, c, pos)
	if err != nil {
		return err
	}
	who := *grader
	if who == "" {
		who = *by
	}
	scheme, outcomes, err := category.Cast(ctx, st, c.AgencyID, *schemeName, *value, who, ids)
	if err != nil {
		return err
	}
	entries := make([]audit.Entry, len(pos))
	for i, h := range pos {
		entries[i] = audit.Entry{User: *by, Agency: c.Agency, Action: "categorize", Object: "media:" + h, Detail: scheme.Name + " " + *value + ", grader " + who}
	}
	if err := recordAudit(ctx, st, *db, entries...); err != nil {
		return err
	}
	type outcome struct {
		SHA256 string `json:"sha256"`
		category.Outcome
	}
	outs := make([]outcome, len(ids))
	for i := range ids {
		outs[i] = outcome{SHA256: pos[i], Outcome: outcomes[i]}
	}
	if *asJSON {
		return printJSON(stdout, outs)
	}
	for _, o := range outs {
		state := "no consensus yet"
		if o.Value != "" {
			state = "category " + o.Value
		}
		if o.Disagreement {
			state += ", graders disagree"
		}
		fmt.Fprintf(stdout, "%s: %s under %s (%d votes)\n", o.SHA256, state, scheme.Name, len(o.Counted))
	}
	return nil
}

func runScheme(args []string, stdout, stderr io.Writer) error {
	return runVerb("scheme", map[string]verb{"add": schemeAdd, "map": schemeMap, "list": schemeList}, args, stdout, stderr)
}

// schemeAdd is "scheme add FILE --agency A": a scheme the agency
// declares (JSON, see internal/category.Parse).
func schemeAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("scheme add", "FILE --agency A [--db DB]", stderr)
	db := dbFlag(fs)
	agency := fs.String("agency", "", "the declaring agency")
	pos, st, err := parseOpen(ctx, fs, args, db, 1, "one scheme FILE")
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := st.AgencyByName(ctx, *agency)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	s, err := category.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	if _, err := category.Lookup(s.Name, nil); err == nil {
		return fmt.Errorf("%s is a built-in scheme; give yours another name", s.Name)
	}
	if err := st.SaveScheme(ctx, a.ID, s.Name, string(data)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "scheme %s (%d values, rule %s) declared for %s\n", s.Name, len(s.Values), s.Consensus.Kind, a.Name)
	return nil
}

// schemeList is "scheme list [--agency A]": the built-in schemes and the
// agency's.
func schemeList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("scheme list", "[--agency A] [--db DB]", stderr)
	db := dbFlag(fs)
	agency := fs.String("agency", "", "also list this agency's schemes")
	_, st, err := parseOpen(ctx, fs, args, db, 0, "no arguments")
	if err != nil {
		return err
	}
	defer st.Close()
	schemes := append([]category.Scheme(nil), category.Builtin...)
	if *agency != "" {
		a, err := st.AgencyByName(ctx, *agency)
		if err != nil {
			return err
		}
		declared, err := st.Schemes(ctx, a.ID)
		if err != nil {
			return err
		}
		for name := range declared {
			s, err := category.Lookup(name, declared)
			if err != nil {
				return err
			}
			schemes = append(schemes, s)
		}
	}
	return printJSON(stdout, schemes)
}

// schemeMap is "scheme map FILE --agency A": a mapping from one scheme
// into another ({"from", "to", "values": {...}}); exports translate
// votes under from into the agency's scheme through it.
func schemeMap(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("scheme map", "FILE --agency A [--db DB]", stderr)
	db := dbFlag(fs)
	agency := fs.String("agency", "", "the declaring agency")
	pos, st, err := parseOpen(ctx, fs, args, db, 1, "one mapping FILE")
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := st.AgencyByName(ctx, *agency)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	declared, err := st.Schemes(ctx, a.ID)
	if err != nil {
		return err
	}
	m, err := category.ParseMapping(data, declared)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	from, _ := category.Lookup(m.From, declared)
	if err := st.SaveMapping(ctx, a.ID, m.From, m.To, string(data)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "mapping %s → %s declared for %s: %d values translate", m.From, m.To, a.Name, len(m.Pairs))
	if left := m.Untranslatable(from); len(left) > 0 {
		fmt.Fprintf(stdout, "; these do not: %v", left)
	}
	fmt.Fprintln(stdout)
	return nil
}
