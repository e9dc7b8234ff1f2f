package graph

import (
	"context"
	"fmt"

	"github.com/ariadne-vid/ariadne/internal/category"
	"github.com/ariadne-vid/ariadne/internal/store"
)

// Contribution is what the agency's own work says of one media of a
// case, for contributing it back (VICS, ICSE): nil or "" where it said
// nothing.
type Contribution struct {
	Category           *string // the consensus under the agency's scheme
	Series             string  // the first series (by name) it is confirmed in
	VictimIdentified   *bool   // of the victims it is confirmed to depict: any identified
	OffenderIdentified *bool
	Baseline           *bool // the consensus under "baseline"
}

// Contributions gathers the contribution of every media of the case
// that the agency's work says something of, by media ID. The scheme is
// the agency's default; without one, categories are left to the
// matches.
func (g *Graph) Contributions(ctx context.Context, c store.Case) (map[int64]Contribution, error) {
	if c.AgencyID == 0 {
		return nil, fmt.Errorf("case %s belongs to no agency", c.Number)
	}
	agency, err := g.st.AgencyByID(ctx, c.AgencyID)
	if err != nil {
		return nil, err
	}
	ids, _, err := g.st.CaseMediaIDs(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	out := map[int64]Contribution{}
	inCase := map[int64]bool{}
	for _, id := range ids {
		inCase[id] = true
	}
	declared, err := g.st.Schemes(ctx, c.AgencyID)
	if err != nil {
		return nil, err
	}
	votes, err := g.st.VotesOf(ctx, c.AgencyID, ids, "")
	if err != nil {
		return nil, err
	}
	baseline, _ := category.Lookup("baseline", nil)
	var scheme *category.Scheme
	mappings := map[string]category.Mapping{}
	if agency.Scheme != "" {
		s, err := category.Lookup(agency.Scheme, declared)
		if err != nil {
			return nil, fmt.Errorf("agency %s's scheme: %w", agency.Name, err)
		}
		scheme = &s
		defs, err := g.st.Mappings(ctx, c.AgencyID, s.Name)
		if err != nil {
			return nil, err
		}
		for from, def := range defs {
			m, err := category.ParseMapping([]byte(def), declared)
			if err != nil {
				return nil, fmt.Errorf("mapping %s → %s: %w", from, s.Name, err)
			}
			mappings[from] = m
		}
	}
	for id, vs := range votes {
		con := out[id]
		if scheme != nil {
			// A vote under another scheme counts when a declared mapping
			// translates it; one it cannot translate is left out.
			var under []store.Vote
			for _, v := range vs {
				if v.Scheme == scheme.Name {
					under = append(under, v)
				} else if m, ok := mappings[v.Scheme]; ok {
					if t, ok := m.Translate(v.Value); ok {
						v.Scheme, v.Value, v.Grader = scheme.Name, t, v.Grader+" (from "+m.From+")"
						under = append(under, v)
					}
				}
			}
			if o := scheme.Decide(under); o.Value != "" {
				v := o.Value
				con.Category = &v
			}
		}
		if o := baseline.Decide(vs); o.Value != "" {
			b := o.Value == "yes"
			con.Baseline = &b
		}
		out[id] = con
	}
	links, err := g.st.Links(ctx, store.LinkFilter{AgencyID: c.AgencyID})
	if err != nil {
		return nil, err
	}
	nodes, err := g.st.NodesOf(ctx, c.AgencyID, "")
	if err != nil {
		return nil, err
	}
	byID := map[int64]store.Node{}
	for _, n := range nodes {
		byID[n.ID] = n
	}
	for _, l := range links {
		if l.Status != store.LinkConfirmed || l.From.Kind != store.NodeMedia || !inCase[l.From.ID] {
			continue
		}
		n, ok := byID[l.To.ID]
		if !ok || n.Kind != l.To.Kind {
			continue
		}
		con := out[l.From.ID]
		switch {
		case l.Relation == InSeries && (con.Series == "" || n.Label < con.Series):
			con.Series = n.Label
		case l.Relation == Depicts && n.Kind == store.NodeVictim:
			con.VictimIdentified = orTrue(con.VictimIdentified, n.Identified)
		case l.Relation == Depicts && n.Kind == store.NodeOffender:
			con.OffenderIdentified = orTrue(con.OffenderIdentified, n.Identified)
		}
		out[l.From.ID] = con
	}
	return out, nil
}

// orTrue combines what is known: any true is true; false only when
// something said false and nothing said true.
func orTrue(a, b *bool) *bool {
	switch {
	case a != nil && *a, b == nil:
		return a
	case b != nil && *b, a == nil:
		return b
	}
	return a
}
