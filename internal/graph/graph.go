// Package graph connects material to what it shows and where it came
// from: media, series, victims, offenders, locations, devices, cases and
// agencies as typed nodes, joined by typed links that each carry their
// evidence and the history of their decisions. Rules suggest links from
// the signals (Suggest); only a person confirms, rejects or retracts one,
// and nothing is deleted. Every read is scoped to one agency: another
// agency's material appears only as deconfliction (its case number, its
// agency and its contact) unless its owner shares more.
package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/store"
)

// The relations links carry.
const (
	Depicts       = "depicts"        // media or series → victim, offender, location
	InSeries      = "in-series"      // media → series
	TakenWith     = "taken-with"     // media → device
	TakenAt       = "taken-at"       // media → location
	SameAs        = "same-as"        // two nodes of one kind that are one
	HeldBy        = "held-by"        // media or series → a case (another agency's: deconfliction)
	NearDuplicate = "near-duplicate" // media → media
	OwnedBy       = "owned-by"       // device → offender
)

// relations lists, for each relation, the kinds it may join.
var relations = map[string]struct{ from, to []store.NodeKind }{
	Depicts:       {[]store.NodeKind{store.NodeMedia, store.NodeSeries}, []store.NodeKind{store.NodeVictim, store.NodeOffender, store.NodeLocation}},
	InSeries:      {[]store.NodeKind{store.NodeMedia}, []store.NodeKind{store.NodeSeries}},
	TakenWith:     {[]store.NodeKind{store.NodeMedia}, []store.NodeKind{store.NodeDevice}},
	TakenAt:       {[]store.NodeKind{store.NodeMedia, store.NodeSeries}, []store.NodeKind{store.NodeLocation}},
	SameAs:        {[]store.NodeKind{store.NodeSeries, store.NodeVictim, store.NodeOffender, store.NodeLocation, store.NodeDevice}, nil},
	HeldBy:        {[]store.NodeKind{store.NodeMedia, store.NodeSeries}, []store.NodeKind{store.NodeCase}},
	NearDuplicate: {[]store.NodeKind{store.NodeMedia}, []store.NodeKind{store.NodeMedia}},
	OwnedBy:       {[]store.NodeKind{store.NodeDevice}, []store.NodeKind{store.NodeOffender}},
}

// Relations lists the relation names, sorted.
func Relations() []string {
	var out []string
	for r := range relations {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// CheckRelation says whether a relation may join the two kinds.
func CheckRelation(from store.NodeKind, relation string, to store.NodeKind) error {
	r, ok := relations[relation]
	if !ok {
		return fmt.Errorf("no relation %q (known: %s)", relation, strings.Join(Relations(), ", "))
	}
	if !slices.Contains(r.from, from) {
		return fmt.Errorf("a %s link cannot start at a %s", relation, from)
	}
	if r.to == nil && from != to || r.to != nil && !slices.Contains(r.to, to) {
		return fmt.Errorf("a %s link cannot join a %s to a %s", relation, from, to)
	}
	return nil
}

// CheckDecision says whether a person may move a link from one status to
// another: only rules suggest; a decision changes something.
func CheckDecision(from, to store.LinkStatus) error {
	switch {
	case to == store.LinkSuggested:
		return fmt.Errorf("only a rule suggests a link; a person confirms, rejects or retracts it")
	case from == to:
		return fmt.Errorf("the link is already %s", to)
	case to == store.LinkRetracted && from != store.LinkConfirmed:
		return fmt.Errorf("only a confirmed link is retracted (this one is %s: reject it instead)", from)
	case to != store.LinkConfirmed && to != store.LinkRejected && to != store.LinkRetracted:
		return fmt.Errorf("no status %q", to)
	}
	return nil
}

// Graph is what graph operations need of the store.
type Graph struct {
	st *store.Store
}

// New returns the graph kept in st.
func New(st *store.Store) *Graph { return &Graph{st: st} }

// Decision is a person's say on a link.
type Decision struct {
	AgencyID int64
	CaseID   int64
	By       string
	Reason   string
}

// Link records a link a person makes, confirmed at once. Both ends must
// be the agency's (media of one of its cases, or its nodes), except a
// held-by link's case.
func (g *Graph) Link(ctx context.Context, d Decision, from store.Ref, relation string, to store.Ref) (store.Link, error) {
	if err := CheckRelation(from.Kind, relation, to.Kind); err != nil {
		return store.Link{}, err
	}
	for _, r := range []store.Ref{from, to} {
		if r.Kind == store.NodeCase && relation == HeldBy {
			continue
		}
		if err := g.Owns(ctx, d.AgencyID, r); err != nil {
			return store.Link{}, err
		}
	}
	l := store.Link{AgencyID: d.AgencyID, CaseID: d.CaseID, From: from, Relation: relation, To: to}
	l, created, err := g.st.AddLink(ctx, l, store.LinkEvent{Status: store.LinkConfirmed, Basis: store.ByPerson, By: d.By, Reason: d.Reason})
	if err != nil || created || l.Status == store.LinkConfirmed {
		return l, err
	}
	// The link was suggested (or rejected) before: the person's link is
	// a decision on it.
	return g.st.DecideLink(ctx, d.AgencyID, l.ID, store.LinkEvent{Status: store.LinkConfirmed, Basis: store.ByPerson, By: d.By, Reason: d.Reason})
}

// Decide confirms, rejects or retracts an agency's link.
func (g *Graph) Decide(ctx context.Context, d Decision, linkID int64, to store.LinkStatus) (store.Link, error) {
	l, err := g.st.LinkByID(ctx, d.AgencyID, linkID)
	if err != nil {
		return l, err
	}
	if err := CheckDecision(l.Status, to); err != nil {
		return l, fmt.Errorf("link #%d: %w", linkID, err)
	}
	return g.st.DecideLink(ctx, d.AgencyID, linkID, store.LinkEvent{Status: to, Basis: store.ByPerson, By: d.By, Reason: d.Reason})
}

// Owns checks that a node is the agency's: a graph node it owns, a case
// of its own, or media one of its cases holds. Anything else is "not
// found", as another agency's object is.
func (g *Graph) Owns(ctx context.Context, agencyID int64, r store.Ref) error {
	switch {
	case r.Kind.Entity():
		_, err := g.st.NodeByID(ctx, agencyID, r.ID)
		return err
	case r.Kind == store.NodeCase:
		c, err := g.st.CaseByID(ctx, r.ID)
		if err != nil || c.AgencyID != agencyID {
			return fmt.Errorf("case #%d: %w", r.ID, store.ErrNotFound)
		}
		return nil
	case r.Kind == store.NodeMedia:
		ok, err := g.st.AgencyHoldsMedia(ctx, agencyID, r.ID)
		if err == nil && !ok {
			err = fmt.Errorf("media #%d: %w", r.ID, store.ErrNotFound)
		}
		return err
	}
	return fmt.Errorf("%s:%d is no object of an agency: %w", r.Kind, r.ID, store.ErrNotFound)
}
