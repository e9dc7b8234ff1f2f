package graph

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/store"
)

// OutNode is a node as `ariadne graph` prints it. A node of another
// agency carries only what its sharing allows: for deconfliction, a case
// node with that case's number, agency and contact.
type OutNode struct {
	ID      string         `json:"id"` // KIND:ID
	Kind    store.NodeKind `json:"kind"`
	Label   string         `json:"label"`
	SHA256  string         `json:"sha256,omitempty"`
	Agency  string         `json:"agency,omitempty"`
	Contact string         `json:"contact,omitempty"`
	// Foreign is set on another agency's node.
	Foreign bool `json:"foreign,omitempty"`
	// Notice is what another agency says of its node that this agency
	// must know: "victim identified by AGENCY on DATE, contact ...".
	Notice     string      `json:"notice,omitempty"`
	Node       *store.Node `json:"node,omitempty"` // the agency's own node (or a shared one), whole
	Identified *bool       `json:"identified,omitempty"`
}

// ruleDeconfliction marks an edge that shows another agency's link.
const ruleDeconfliction = "deconfliction"

// OutEdge is a link as `ariadne graph` prints it.
type OutEdge struct {
	ID       int64            `json:"id,omitempty"` // the link's, 0 for another agency's
	From     string           `json:"from"`
	To       string           `json:"to"`
	Relation string           `json:"relation"`
	Status   store.LinkStatus `json:"status"`
	Rule     string           `json:"rule,omitempty"`
	Evidence json.RawMessage  `json:"evidence,omitempty"`
	By       string           `json:"by"`
	At       string           `json:"at"`
	Reason   string           `json:"reason,omitempty"`
}

// View is a case's part of the graph.
type View struct {
	Case  string    `json:"case"`
	Nodes []OutNode `json:"nodes"`
	Edges []OutEdge `json:"edges"`
	// UnlinkedMedia counts the case's media no link touches (left out).
	UnlinkedMedia int `json:"unlinked_media"`
}

// ViewOptions narrow a view.
type ViewOptions struct {
	// From, when set ("series:3"), keeps what lies within Depth links of
	// that node.
	From  string
	Depth int
}

func refID(r store.Ref) string { return string(r.Kind) + ":" + fmt.Sprint(r.ID) }

// ParseRef reads KIND:ID.
func ParseRef(s string) (store.Ref, error) {
	kind, id, ok := strings.Cut(s, ":")
	var r store.Ref
	var err error
	if r.ID, err = strconv.ParseInt(id, 10, 64); !ok || err != nil || r.ID <= 0 {
		return r, fmt.Errorf("%q: want KIND:ID, as media:12 or series:3", s)
	}
	r.Kind = store.NodeKind(kind)
	if !r.Kind.Entity() && r.Kind != store.NodeMedia && r.Kind != store.NodeCase && r.Kind != store.NodeAgency {
		return r, fmt.Errorf("%q: no node kind %q", s, kind)
	}
	return r, nil
}

// Case builds the case's part of the graph as its agency sees it: the
// case, its agency, the case's media that links touch, every node those
// links reach and the agency's nodes of the case; and, through
// deconfliction, what other agencies' links say of the same media, as
// far as their sharing allows.
func (g *Graph) Case(ctx context.Context, c store.Case, opts ViewOptions) (*View, error) {
	if c.AgencyID == 0 {
		return nil, fmt.Errorf("case %s belongs to no agency", c.Number)
	}
	ids, shas, err := g.st.CaseMediaIDs(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	sha := make(map[int64]string, len(ids))
	for i, id := range ids {
		sha[id] = shas[i]
	}
	links, err := g.st.Links(ctx, store.LinkFilter{AgencyID: c.AgencyID})
	if err != nil {
		return nil, err
	}
	own, err := g.st.NodesOf(ctx, c.AgencyID, "")
	if err != nil {
		return nil, err
	}
	nodeByID := map[int64]store.Node{}
	for _, n := range own {
		nodeByID[n.ID] = n
	}
	touches := func(r store.Ref) bool {
		switch {
		case r.Kind == store.NodeMedia:
			return sha[r.ID] != ""
		case r.Kind.Entity():
			return nodeByID[r.ID].CaseID == c.ID
		}
		return r.Kind == store.NodeCase && r.ID == c.ID
	}
	v := &View{Case: c.Number}
	nodes := map[string]OutNode{}
	agency, err := g.st.AgencyByID(ctx, c.AgencyID)
	if err != nil {
		return nil, err
	}
	caseNode := refID(store.Ref{Kind: store.NodeCase, ID: c.ID})
	nodes[caseNode] = OutNode{ID: caseNode, Kind: store.NodeCase, Label: c.Number, Agency: agency.Name}
	agencyNode := refID(store.Ref{Kind: store.NodeAgency, ID: agency.ID})
	nodes[agencyNode] = OutNode{ID: agencyNode, Kind: store.NodeAgency, Label: agency.Name, Contact: agency.Contact}
	cases := map[int64]store.Case{c.ID: c}
	addRef := func(r store.Ref) error {
		id := refID(r)
		if _, ok := nodes[id]; ok {
			return nil
		}
		switch {
		case r.Kind == store.NodeMedia:
			h := sha[r.ID]
			if h == "" {
				h, err = g.st.MediaSHA256(ctx, r.ID)
				if err != nil {
					return err
				}
			}
			nodes[id] = OutNode{ID: id, Kind: r.Kind, Label: h[:min(12, len(h))], SHA256: h}
		case r.Kind.Entity():
			n := nodeByID[r.ID]
			nodes[id] = OutNode{ID: id, Kind: r.Kind, Label: n.Label, Agency: n.Agency, Node: &n, Identified: n.Identified}
		case r.Kind == store.NodeCase:
			oc, ok := cases[r.ID]
			if !ok {
				if oc, err = g.st.CaseByID(ctx, r.ID); err != nil {
					return err
				}
				cases[r.ID] = oc
			}
			on := OutNode{ID: id, Kind: r.Kind, Label: oc.Number, Agency: oc.Agency}
			if oc.AgencyID != c.AgencyID {
				on.Foreign = true
				if oa, err := g.st.AgencyByID(ctx, oc.AgencyID); err == nil {
					on.Contact = oa.Contact
				}
			}
			nodes[id] = on
		}
		return nil
	}
	linked := map[int64]bool{}
	for _, l := range links {
		if !touches(l.From) && !touches(l.To) && l.CaseID != c.ID {
			continue
		}
		for _, r := range []store.Ref{l.From, l.To} {
			if err := addRef(r); err != nil {
				return nil, err
			}
			if r.Kind == store.NodeMedia {
				linked[r.ID] = true
			}
		}
		v.Edges = append(v.Edges, OutEdge{ID: l.ID, From: refID(l.From), To: refID(l.To), Relation: l.Relation, Status: l.Status,
			Rule: l.Last.Rule, Evidence: l.Last.Evidence, By: l.Last.By, At: l.Last.At, Reason: l.Last.Reason})
	}
	for _, n := range own {
		if n.CaseID == c.ID {
			if err := addRef(store.Ref{Kind: n.Kind, ID: n.ID}); err != nil {
				return nil, err
			}
		}
	}
	alias, err := g.nearForeign(ctx, c, links)
	if err != nil {
		return nil, err
	}
	if err := g.foreign(ctx, c, ids, alias, nodes, &v.Edges, linked); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if !linked[id] {
			v.UnlinkedMedia++
		}
	}
	for _, n := range nodes {
		v.Nodes = append(v.Nodes, n)
	}
	slices.SortFunc(v.Nodes, func(a, b OutNode) int { return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID)) })
	if opts.From != "" {
		return v.within(opts.From, opts.Depth)
	}
	return v, nil
}

// foreign adds what other agencies' links say of the case's media: a
// shared node as itself, a deconfliction-level one as its owning case
// (number, agency, contact) with the notice of an identification; a
// private one not at all. alias (nearForeign) names other agencies'
// media that are near-duplicates of the case's: their links count for
// the case's media near them.
func (g *Graph) foreign(ctx context.Context, c store.Case, mediaIDs []int64, alias map[int64][]int64, nodes map[string]OutNode, edges *[]OutEdge, linked map[int64]bool) error {
	asked := slices.Clone(mediaIDs)
	for theirs := range alias {
		asked = append(asked, theirs)
	}
	links, err := g.st.ForeignLinksTo(ctx, c.AgencyID, asked)
	if err != nil {
		return err
	}
	var nodeIDs []int64
	for _, l := range links {
		for _, r := range []store.Ref{l.From, l.To} {
			if r.Kind.Entity() {
				nodeIDs = append(nodeIDs, r.ID)
			}
		}
	}
	theirs, err := g.st.NodesByID(ctx, nodeIDs)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, l := range links {
		media, other := l.From, l.To
		if media.Kind != store.NodeMedia {
			media, other = other, media
		}
		if !other.Kind.Entity() {
			continue // another agency's media-to-media or held-by links say nothing of its own
		}
		n, ok := theirs[other.ID]
		if !ok || n.Sharing == store.SharePrivate || n.AgencyID == c.AgencyID {
			continue
		}
		targets := alias[media.ID] // the case's media near theirs
		if slices.Contains(mediaIDs, media.ID) {
			targets = append([]int64{media.ID}, targets...)
		}
		for _, mine := range targets {
			if err := g.foreignEdge(ctx, c, l, store.Ref{Kind: store.NodeMedia, ID: mine}, other, n, nodes, edges, linked, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

// foreignEdge adds one other agency's link as it may be shown on one of
// the case's media.
func (g *Graph) foreignEdge(ctx context.Context, c store.Case, l store.Link, media, other store.Ref, n store.Node, nodes map[string]OutNode, edges *[]OutEdge, linked map[int64]bool, seen map[string]bool) error {
	{
		mediaNode := refID(media)
		if _, ok := nodes[mediaNode]; !ok {
			h, err := g.st.MediaSHA256(ctx, media.ID)
			if err != nil {
				return err
			}
			nodes[mediaNode] = OutNode{ID: mediaNode, Kind: store.NodeMedia, Label: h[:min(12, len(h))], SHA256: h}
		}
		linked[media.ID] = true
		agency, err := g.st.AgencyByID(ctx, n.AgencyID)
		if err != nil {
			return err
		}
		notice := identifiedNotice(n, agency)
		var target string
		relation := l.Relation
		if n.Sharing == store.ShareShared {
			target = refID(other)
			shared := n
			shared.Notes, shared.CreatedBy = "", "" // notes and people stay with their agency
			nodes[target] = OutNode{ID: target, Kind: n.Kind, Label: n.Label, Agency: agency.Name, Contact: agency.Contact, Foreign: true, Node: &shared, Identified: n.Identified, Notice: notice}
		} else {
			// Only the owning case: its number, agency and contact.
			caseRef := store.Ref{Kind: store.NodeCase, ID: n.CaseID}
			target = refID(caseRef)
			number := ""
			if n.CaseID != 0 {
				oc, err := g.st.CaseByID(ctx, n.CaseID)
				if err != nil {
					return err
				}
				number = oc.Number
			} else {
				target = refID(store.Ref{Kind: store.NodeAgency, ID: agency.ID})
			}
			on := nodes[target]
			on.ID, on.Label, on.Agency, on.Contact, on.Foreign = target, cmp.Or(number, agency.Name), agency.Name, agency.Contact, true
			on.Kind = store.NodeCase
			if n.CaseID == 0 {
				on.Kind = store.NodeAgency
			}
			if notice != "" {
				on.Notice = notice
			}
			nodes[target] = on
			relation = HeldBy
		}
		key := mediaNode + "→" + target + relation
		if seen[key] {
			return nil
		}
		seen[key] = true
		*edges = append(*edges, OutEdge{From: mediaNode, To: target, Relation: relation, Status: l.Status, Rule: ruleDeconfliction, By: agency.Name, At: l.Last.At})
	}
	return nil
}

// identifiedNotice says that another agency identified a victim or an
// offender, so nobody searches for a child already found.
func identifiedNotice(n store.Node, owner store.Agency) string {
	if n.Identified == nil || !*n.Identified || (n.Kind != store.NodeVictim && n.Kind != store.NodeOffender) {
		return ""
	}
	by := cmp.Or(n.IdentifiedBy, owner.Name)
	s := fmt.Sprintf("%s identified by %s", n.Kind, by)
	if n.IdentifiedOn != "" {
		s += " on " + n.IdentifiedOn
	}
	if owner.Contact != "" {
		s += ", contact " + owner.Contact
	}
	return s
}

// within keeps the nodes at most depth links from the node named from,
// and the edges between them.
func (v *View) within(from string, depth int) (*View, error) {
	if !slices.ContainsFunc(v.Nodes, func(n OutNode) bool { return n.ID == from }) {
		return nil, fmt.Errorf("node %s is not in case %s's graph: %w", from, v.Case, store.ErrNotFound)
	}
	adj := map[string][]string{}
	for _, e := range v.Edges {
		adj[e.From] = append(adj[e.From], e.To)
		adj[e.To] = append(adj[e.To], e.From)
	}
	dist := map[string]int{from: 0}
	queue := []string{from}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if dist[n] == depth {
			continue
		}
		for _, m := range adj[n] {
			if _, ok := dist[m]; !ok {
				dist[m] = dist[n] + 1
				queue = append(queue, m)
			}
		}
	}
	out := &View{Case: v.Case}
	for _, n := range v.Nodes {
		if _, ok := dist[n.ID]; ok {
			out.Nodes = append(out.Nodes, n)
		}
	}
	for _, e := range v.Edges {
		_, a := dist[e.From]
		_, b := dist[e.To]
		if a && b {
			out.Edges = append(out.Edges, e)
		}
	}
	return out, nil
}

// WriteDot writes the view as a Graphviz digraph: suggested links
// dashed, rejected and retracted ones grey, another agency's nodes in a
// double outline.
func (v *View) WriteDot(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n\trankdir=LR;\n\tnode [fontname=\"Helvetica\", fontsize=10];\n\tedge [fontname=\"Helvetica\", fontsize=9];\n", dotQuote("case "+v.Case))
	shapes := map[store.NodeKind]string{store.NodeMedia: "box", store.NodeSeries: "folder", store.NodeVictim: "ellipse", store.NodeOffender: "octagon",
		store.NodeLocation: "house", store.NodeDevice: "component", store.NodeCase: "tab", store.NodeAgency: "cylinder"}
	for _, n := range v.Nodes {
		label := string(n.Kind) + "\\n" + dotEscape(n.Label)
		if n.Agency != "" && n.Kind != store.NodeAgency {
			label += "\\n" + dotEscape(n.Agency)
		}
		if n.Notice != "" {
			label += "\\n" + dotEscape(n.Notice)
		}
		extra := ""
		if n.Foreign {
			extra = ", peripheries=2"
		}
		fmt.Fprintf(&b, "\t%s [label=\"%s\", shape=%s%s];\n", dotQuote(n.ID), label, shapes[n.Kind], extra)
	}
	for _, e := range v.Edges {
		style := "solid"
		switch e.Status {
		case store.LinkSuggested:
			style = "dashed"
		case store.LinkRejected, store.LinkRetracted:
			style = "dotted, color=grey"
		}
		fmt.Fprintf(&b, "\t%s -> %s [label=\"%s\", style=%s];\n", dotQuote(e.From), dotQuote(e.To), dotEscape(e.Relation+" ("+string(e.Status)+")"), style)
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func dotEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

func dotQuote(s string) string { return `"` + dotEscape(s) + `"` }

// Notice is what another agency says of material this case holds and
// this agency must know first: that it identified a victim or an
// offender the material depicts. It carries only the other side's case
// number, agency and contact.
type Notice struct {
	Text    string   `json:"text"`
	Case    string   `json:"case,omitempty"` // the other agency's case, when its node has one and sharing allows no more
	Agency  string   `json:"agency"`
	Contact string   `json:"contact,omitempty"`
	Media   []string `json:"media"` // SHA-256 of this case's media concerned, sorted
}

// Notices lists the identification notices other agencies' graphs give
// on the case's media, most media first. A case of no agency has none.
func (g *Graph) Notices(ctx context.Context, c store.Case) ([]Notice, error) {
	if c.AgencyID == 0 {
		return nil, nil
	}
	v, err := g.Case(ctx, c, ViewOptions{})
	if err != nil {
		return nil, err
	}
	byID := map[string]OutNode{}
	for _, n := range v.Nodes {
		byID[n.ID] = n
	}
	found := map[string]*Notice{}
	var order []string
	for _, e := range v.Edges {
		n := byID[e.To]
		from := byID[e.From]
		// Only the other agency's own links carry its notice; this
		// agency's held-by suggestions may end at the same case node.
		if !n.Foreign || n.Notice == "" || from.Kind != store.NodeMedia || e.Rule != ruleDeconfliction {
			continue
		}
		if _, ok := found[n.ID]; !ok {
			nt := &Notice{Text: n.Notice, Agency: n.Agency, Contact: n.Contact}
			if n.Kind == store.NodeCase {
				nt.Case = n.Label
			}
			found[n.ID] = nt
			order = append(order, n.ID)
		}
		if !slices.Contains(found[n.ID].Media, from.SHA256) {
			found[n.ID].Media = append(found[n.ID].Media, from.SHA256)
		}
	}
	out := make([]Notice, 0, len(order))
	for _, id := range order {
		nt := found[id]
		slices.Sort(nt.Media)
		out = append(out, *nt)
	}
	slices.SortStableFunc(out, func(a, b Notice) int { return cmp.Compare(len(b.Media), len(a.Media)) })
	return out, nil
}
