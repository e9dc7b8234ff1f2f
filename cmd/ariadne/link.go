package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/graph"
	"github.com/ariadne-vid/ariadne/internal/store"
)

func init() {
	register(command{name: "link", summary: "links of the graph: link add|confirm|reject|retract|show", run: runLink})
}

func runLink(args []string, stdout, stderr io.Writer) error {
	decide := func(to store.LinkStatus) verb {
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			return linkDecide(ctx, to, args, stdout, stderr)
		}
	}
	return runVerb("link", map[string]verb{"add": linkAdd, "confirm": decide(store.LinkConfirmed), "reject": decide(store.LinkRejected),
		"retract": decide(store.LinkRetracted), "show": linkShow}, args, stdout, stderr)
}

// linkAdd is "link add FROM RELATION TO --case C": a link a person makes
// (confirmed).
func linkAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("link add", "FROM RELATION TO --case C [--reason R] [--by WHO] [--db DB]\n  FROM, TO: KIND:ID, media:SHA256 or KIND:LABEL; RELATION one of "+fmt.Sprint(graph.Relations()), stderr)
	db := dbFlag(fs)
	caseNumber := fs.String("case", "", "the case the link is made in (its agency owns the link)")
	reason := fs.String("reason", "", "why")
	by := byFlag(fs)
	pos, st, err := parseOpen(ctx, fs, args, db, 3, "FROM RELATION TO")
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := agencyCase(ctx, st, *caseNumber)
	if err != nil {
		return err
	}
	from, err := resolveRef(ctx, st, c.AgencyID, pos[0])
	if err != nil {
		return err
	}
	to, err := resolveRef(ctx, st, c.AgencyID, pos[2])
	if err != nil {
		return err
	}
	l, err := graph.New(st).Link(ctx, graph.Decision{AgencyID: c.AgencyID, CaseID: c.ID, By: *by, Reason: *reason}, from, pos[1], to)
	if err != nil {
		return err
	}
	if err := recordAudit(ctx, st, *db, audit.Entry{User: *by, Agency: c.Agency, Action: "link-add", Object: fmt.Sprintf("link:%d", l.ID),
		Reason: *reason, Detail: fmt.Sprintf("%s %s %s", l.From, l.Relation, l.To)}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "link #%d %s %s %s: %s\n", l.ID, l.From, l.Relation, l.To, l.Status)
	return nil
}

// linkDecide is "link confirm|reject|retract ID --case C".
func linkDecide(ctx context.Context, to store.LinkStatus, args []string, stdout, stderr io.Writer) error {
	name := map[store.LinkStatus]string{store.LinkConfirmed: "confirm", store.LinkRejected: "reject", store.LinkRetracted: "retract"}[to]
	fs := newFlags("link "+name, "ID --case C [--reason R] [--by WHO] [--db DB]", stderr)
	db := dbFlag(fs)
	caseNumber := fs.String("case", "", "a case of the link's agency")
	reason := fs.String("reason", "", "why")
	by := byFlag(fs)
	pos, st, err := parseOpen(ctx, fs, args, db, 1, "one link ID")
	if err != nil {
		return err
	}
	defer st.Close()
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return usageErr("link ID %q: a number", pos[0])
	}
	c, err := agencyCase(ctx, st, *caseNumber)
	if err != nil {
		return err
	}
	l, err := graph.New(st).Decide(ctx, graph.Decision{AgencyID: c.AgencyID, CaseID: c.ID, By: *by, Reason: *reason}, id, to)
	if err != nil {
		return err
	}
	if err := recordAudit(ctx, st, *db, audit.Entry{User: *by, Agency: c.Agency, Action: "link-" + name, Object: fmt.Sprintf("link:%d", l.ID), Reason: *reason}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "link #%d %s %s %s: %s\n", l.ID, l.From, l.Relation, l.To, l.Status)
	return nil
}

// linkShow is "link show ID --case C": the link and its history.
func linkShow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("link show", "ID --case C [--db DB]", stderr)
	db := dbFlag(fs)
	caseNumber := fs.String("case", "", "a case of the link's agency")
	pos, st, err := parseOpen(ctx, fs, args, db, 1, "one link ID")
	if err != nil {
		return err
	}
	defer st.Close()
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return usageErr("link ID %q: a number", pos[0])
	}
	c, err := agencyCase(ctx, st, *caseNumber)
	if err != nil {
		return err
	}
	l, err := st.LinkByID(ctx, c.AgencyID, id)
	if err != nil {
		return err
	}
	history, err := st.LinkHistory(ctx, c.AgencyID, id)
	if err != nil {
		return err
	}
	return printJSON(stdout, struct {
		store.Link
		History []store.LinkEvent `json:"history"`
	}{l, history})
}
