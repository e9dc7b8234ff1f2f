package graph

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/store"
)

// Shown is one node with its links and notes, as `show` prints it.
type Shown struct {
	Node  store.Node   `json:"node"`
	Links []ShownLink  `json:"links"`
	Notes []store.Note `json:"notes,omitempty"`
}

// ShownLink is a link seen from the shown node.
type ShownLink struct {
	store.Link
	Other  string `json:"other"`            // KIND:ID of the other end
	SHA256 string `json:"sha256,omitempty"` // when the other end is media
}

// Show gathers an agency's node with its links (confirmed first) and
// notes.
func (g *Graph) Show(ctx context.Context, n store.Node) (*Shown, error) {
	self := store.Ref{Kind: n.Kind, ID: n.ID}
	links, err := g.st.Links(ctx, store.LinkFilter{AgencyID: n.AgencyID, Touching: []store.Ref{self}})
	if err != nil {
		return nil, err
	}
	out := &Shown{Node: n}
	for _, l := range links {
		other := l.To
		if other == self {
			other = l.From
		}
		sl := ShownLink{Link: l, Other: refID(other)}
		if other.Kind == store.NodeMedia {
			if sl.SHA256, err = g.st.MediaSHA256(ctx, other.ID); err != nil {
				return nil, err
			}
		}
		out.Links = append(out.Links, sl)
	}
	rank := map[store.LinkStatus]int{store.LinkConfirmed: 0, store.LinkSuggested: 1, store.LinkRejected: 2, store.LinkRetracted: 3}
	slices.SortStableFunc(out.Links, func(a, b ShownLink) int { return cmp.Compare(rank[a.Status], rank[b.Status]) })
	if out.Notes, err = g.st.NotesOf(ctx, n.AgencyID, self); err != nil {
		return nil, err
	}
	return out, nil
}

// WriteText prints a shown node for a terminal.
func (s *Shown) WriteText(w io.Writer) error {
	n := s.Node
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s:%d), agency %s", n.Kind, n.Label, n.Kind, n.ID, n.Agency)
	if n.Case != "" {
		fmt.Fprintf(&b, ", case %s", n.Case)
	}
	fmt.Fprintf(&b, ", sharing %s\n", n.Sharing)
	for _, f := range [][2]string{{"external id", n.ExternalID}, {"status", n.Status}, {"country", n.Country}, {"kind of place", n.PlaceKind},
		{"make", n.Make}, {"model", n.Model}, {"serial", n.Serial}, {"notes", n.Notes}} {
		if f[1] != "" {
			fmt.Fprintf(&b, "  %s: %s\n", f[0], f[1])
		}
	}
	if n.Identified != nil {
		if *n.Identified {
			fmt.Fprintf(&b, "  identified by %s on %s\n", cmp.Or(n.IdentifiedBy, n.Agency), cmp.Or(n.IdentifiedOn, "an unrecorded date"))
		} else {
			b.WriteString("  not identified\n")
		}
	}
	if n.Lat != nil {
		fmt.Fprintf(&b, "  position: %.6f,%.6f\n", *n.Lat, *n.Lon)
	}
	fmt.Fprintf(&b, "  created %s by %s\n", n.CreatedAt, n.CreatedBy)
	for _, l := range s.Links {
		other := l.Other
		if l.SHA256 != "" {
			other = "media " + l.SHA256
		}
		how := l.Last.By
		if l.Last.Rule != "" {
			how = "rule " + l.Last.Rule
		}
		fmt.Fprintf(&b, "  link #%d %s %s: %s (%s, %s)", l.ID, l.Relation, other, l.Status, how, l.Last.At)
		if len(l.Last.Evidence) > 0 {
			fmt.Fprintf(&b, " evidence %s", l.Last.Evidence)
		}
		if l.Last.Reason != "" {
			fmt.Fprintf(&b, " — %s", l.Last.Reason)
		}
		b.WriteString("\n")
	}
	for _, note := range s.Notes {
		fmt.Fprintf(&b, "  note by %s, %s: %s\n", note.Author, note.At, note.Text)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// MergeSeries confirms every media confirmed in from as in into too,
// records that from is the same as into, and marks from "merged into
// INTO". Nothing is removed: from keeps its links and history. It
// returns how many media it put in into.
func (g *Graph) MergeSeries(ctx context.Context, d Decision, into, from store.Node) (int, error) {
	if into.Kind != store.NodeSeries || from.Kind != store.NodeSeries || into.AgencyID != from.AgencyID || into.ID == from.ID {
		return 0, fmt.Errorf("merge: two different series of one agency are needed")
	}
	fromRef, intoRef := store.Ref{Kind: store.NodeSeries, ID: from.ID}, store.Ref{Kind: store.NodeSeries, ID: into.ID}
	links, err := g.st.Links(ctx, store.LinkFilter{AgencyID: d.AgencyID, Touching: []store.Ref{fromRef}})
	if err != nil {
		return 0, err
	}
	why := strings.TrimSpace("merged from series " + from.Label + ". " + d.Reason)
	moved := 0
	for _, l := range links {
		if l.Relation != InSeries || l.To != fromRef || l.Status != store.LinkConfirmed {
			continue
		}
		if _, err := g.Link(ctx, Decision{AgencyID: d.AgencyID, CaseID: d.CaseID, By: d.By, Reason: why}, l.From, InSeries, intoRef); err != nil {
			return moved, err
		}
		moved++
	}
	if _, err := g.Link(ctx, d, fromRef, SameAs, intoRef); err != nil {
		return moved, err
	}
	from.Status = "merged into " + into.Label
	return moved, g.st.UpdateNode(ctx, from)
}
