package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/graph"
	"github.com/ariadne-vid/ariadne/internal/store"
)

func init() {
	register(command{name: "note", summary: "notes on media and graph nodes: note add|list", run: runNote})
}

func runNote(args []string, stdout, stderr io.Writer) error {
	return runVerb("note", map[string]verb{"add": noteAdd, "list": noteList}, args, stdout, stderr)
}

// noteAdd is "note add TARGET TEXT... --case C".
func noteAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("note add", "TARGET TEXT... --case C [--by WHO] [--db DB]\n  TARGET: KIND:ID, media:SHA256 or KIND:LABEL", stderr)
	db := dbFlag(fs)
	caseNumber := fs.String("case", "", "the case whose agency keeps the note")
	by := byFlag(fs)
	pos, st, err := parseOpen(ctx, fs, args, db, -1, "")
	if err != nil {
		return err
	}
	defer st.Close()
	if len(pos) < 2 {
		return usageErr("want a TARGET and a text")
	}
	c, err := agencyCase(ctx, st, *caseNumber)
	if err != nil {
		return err
	}
	target, err := resolveRef(ctx, st, c.AgencyID, pos[0])
	if err != nil {
		return err
	}
	if err := graph.New(st).Owns(ctx, c.AgencyID, target); err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	n, err := st.AddNote(ctx, store.Note{AgencyID: c.AgencyID, Target: target, Author: *by, Text: strings.Join(pos[1:], " ")})
	if err != nil {
		return err
	}
	if err := recordAudit(ctx, st, *db, audit.Entry{User: *by, Agency: c.Agency, Action: "note", Object: n.Target.String(), Detail: fmt.Sprintf("note:%d", n.ID)}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "note #%d on %s\n", n.ID, n.Target)
	return nil
}

// noteList is "note list TARGET --case C".
func noteList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("note list", "TARGET --case C [--db DB]", stderr)
	db := dbFlag(fs)
	caseNumber := fs.String("case", "", "the case whose agency keeps the notes")
	pos, st, err := parseOpen(ctx, fs, args, db, 1, "one TARGET")
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := agencyCase(ctx, st, *caseNumber)
	if err != nil {
		return err
	}
	target, err := resolveRef(ctx, st, c.AgencyID, pos[0])
	if err != nil {
		return err
	}
	notes, err := st.NotesOf(ctx, c.AgencyID, target)
	if err != nil {
		return err
	}
	return printJSON(stdout, notes)
}
