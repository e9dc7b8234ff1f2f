package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/category"
	"github.com/ariadne-vid/ariadne/internal/graph"
	"github.com/ariadne-vid/ariadne/internal/store"
)

func (a *API) listCases(w http.ResponseWriter, r *http.Request) error {
	id, err := identity(r)
	if err != nil {
		return err
	}
	all, err := a.st.Cases(r.Context())
	if err != nil {
		return err
	}
	out := []store.Case{}
	for _, c := range all {
		if c.AgencyID == id.AgencyID {
			out = append(out, c)
		}
	}
	return writeJSON(w, map[string][]store.Case{"cases": out})
}

func (a *API) showCase(w http.ResponseWriter, r *http.Request) error {
	id, err := identity(r)
	if err != nil {
		return err
	}
	c, err := a.ownCase(r.Context(), id, r.PathValue("number"))
	if err != nil {
		return err
	}
	ex, err := a.st.Exhibits(r.Context(), c.Number)
	if err != nil {
		return err
	}
	if err := a.record(r, id, "view-case", "case:"+c.Number, "", ""); err != nil {
		return err
	}
	return writeJSON(w, struct {
		store.Case
		Exhibits []store.Exhibit `json:"exhibits"`
	}{c, ex})
}

func (a *API) caseGraph(w http.ResponseWriter, r *http.Request) error {
	id, err := identity(r)
	if err != nil {
		return err
	}
	c, err := a.ownCase(r.Context(), id, r.PathValue("number"))
	if err != nil {
		return err
	}
	opts := graph.ViewOptions{Depth: 2}
	if from := r.URL.Query().Get("from"); from != "" {
		ref, err := graph.ParseRef(from)
		if err != nil {
			return badRequest("from: %v", err)
		}
		opts.From = ref.String()
	}
	if d := r.URL.Query().Get("depth"); d != "" {
		if _, err := fmt.Sscanf(d, "%d", &opts.Depth); err != nil || opts.Depth < 0 || opts.Depth > 20 {
			return badRequest("depth %q: 0 to 20", d)
		}
	}
	v, err := a.graph.Case(r.Context(), c, opts)
	if err != nil {
		return err
	}
	if err := a.record(r, id, "view-graph", "case:"+c.Number, "", ""); err != nil {
		return err
	}
	return writeJSON(w, v)
}

func (a *API) suggest(w http.ResponseWriter, r *http.Request) error {
	id, err := identity(r)
	if err != nil {
		return err
	}
	c, err := a.ownCase(r.Context(), id, r.PathValue("number"))
	if err != nil {
		return err
	}
	counts, err := a.graph.Suggest(r.Context(), c, graph.SuggestOptions{})
	if err != nil {
		return err
	}
	if err := a.record(r, id, "suggest", "case:"+c.Number, "", ""); err != nil {
		return err
	}
	return writeJSON(w, map[string]any{"case": c.Number, "rules": counts})
}

func (a *API) listNodes(w http.ResponseWriter, r *http.Request) error {
	id, err := identity(r)
	if err != nil {
		return err
	}
	kind := store.NodeKind(r.URL.Query().Get("kind"))
	if kind != "" && !kind.Entity() {
		return badRequest("kind %q: series, victim, offender, location or device", kind)
	}
	ns, err := a.st.NodesOf(r.Context(), id.AgencyID, kind)
	if err != nil {
		return err
	}
	if ns == nil {
		ns = []store.Node{}
	}
	return writeJSON(w, map[string][]store.Node{"nodes": ns})
}

// nodeRequest is the body of POST /api/v1/nodes.
type nodeRequest struct {
	Kind         store.NodeKind `json:"kind"`
	Case         string         `json:"case"`
	Label        string         `json:"label"`
	ExternalID   string         `json:"external_id"`
	Sharing      store.Sharing  `json:"sharing"`
	Identified   *bool          `json:"identified"`
	IdentifiedOn string         `json:"identified_on"`
	Country      string         `json:"country"`
	PlaceKind    string         `json:"place_kind"`
	Lat          *float64       `json:"lat"`
	Lon          *float64       `json:"lon"`
	Notes        string         `json:"notes"`
}

func (a *API) createNode(w http.ResponseWriter, r *http.Request) error {
	id, err := identity(r)
	if err != nil {
		return err
	}
	var req nodeRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if !req.Kind.Entity() || req.Kind == store.NodeDevice {
		return badRequest("kind %q: series, victim, offender or location (devices come from metadata)", req.Kind)
	}
	switch req.Sharing {
	case "", store.SharePrivate, store.ShareDeconfliction, store.ShareShared:
	default:
		return badRequest("sharing %q: private, deconfliction or shared", req.Sharing)
	}
	c, err := a.ownCase(r.Context(), id, req.Case)
	if err != nil {
		return err
	}
	n := store.Node{Kind: req.Kind, AgencyID: id.AgencyID, CaseID: c.ID, Label: req.Label, ExternalID: req.ExternalID, Sharing: req.Sharing,
		Country: req.Country, PlaceKind: req.PlaceKind, Lat: req.Lat, Lon: req.Lon, Notes: req.Notes, CreatedBy: id.User}
	if req.Kind == store.NodeVictim || req.Kind == store.NodeOffender {
		n.Identified, n.IdentifiedOn = req.Identified, req.IdentifiedOn
		if req.Identified != nil && *req.Identified {
			n.IdentifiedBy = id.Agency
		}
	}
	if n.Label == "" {
		return badRequest("a label is needed")
	}
	n, err = a.st.CreateNode(r.Context(), n)
	if err != nil {
		return err
	}
	if err := a.record(r, id, "create-"+string(n.Kind), fmt.Sprintf("%s:%d", n.Kind, n.ID), "", n.Label); err != nil {
		return err
	}
	w.WriteHeader(http.StatusCreated)
	return writeJSON(w, n)
}

func (a *API) showNode(w http.ResponseWriter, r *http.Request) error {
	id, err := identity(r)
	if err != nil {
		return err
	}
	nid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := a.st.NodeByID(r.Context(), id.AgencyID, nid)
	if err != nil {
		return err
	}
	shown, err := a.graph.Show(r.Context(), n)
	if err != nil {
		return err
	}
	if err := a.record(r, id, "view-"+string(n.Kind), fmt.Sprintf("%s:%d", n.Kind, n.ID), "", ""); err != nil {
		return err
	}
	return writeJSON(w, shown)
}

// linkRequest is the body of POST /api/v1/links.
type linkRequest struct {
	Case     string `json:"case"`
	From     string `json:"from"` // KIND:ID
	Relation string `json:"relation"`
	To       string `json:"to"`
	Reason   string `json:"reason"`
}

func (a *API) addLink(w http.ResponseWriter, r *http.Request) error {
	id, err := identity(r)
	if err != nil {
		return err
	}
	var req linkRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	c, err := a.ownCase(r.Context(), id, req.Case)
	if err != nil {
		return err
	}
	from, err := graph.ParseRef(req.From)
	if err != nil {
		return badRequest("from: %v", err)
	}
	to, err := graph.ParseRef(req.To)
	if err != nil {
		return badRequest("to: %v", err)
	}
	if err := graph.CheckRelation(from.Kind, req.Relation, to.Kind); err != nil {
		return badRequest("%v", err)
	}
	l, err := a.graph.Link(r.Context(), graph.Decision{AgencyID: id.AgencyID, CaseID: c.ID, By: id.User, Reason: req.Reason}, from, req.Relation, to)
	if err != nil {
		return err
	}
	if err := a.record(r, id, "link-add", fmt.Sprintf("link:%d", l.ID), req.Reason, fmt.Sprintf("%s %s %s", l.From, l.Relation, l.To)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusCreated)
	return writeJSON(w, l)
}

func (a *API) showLink(w http.ResponseWriter, r *http.Request) error {
	id, err := identity(r)
	if err != nil {
		return err
	}
	lid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	l, err := a.st.LinkByID(r.Context(), id.AgencyID, lid)
	if err != nil {
		return err
	}
	history, err := a.st.LinkHistory(r.Context(), id.AgencyID, lid)
	if err != nil {
		return err
	}
	return writeJSON(w, struct {
		store.Link
		History []store.LinkEvent `json:"history"`
	}{l, history})
}

// decisionRequest is the body of POST /api/v1/links/{id}/decision.
type decisionRequest struct {
	Status store.LinkStatus `json:"status"` // confirmed, rejected, retracted
	Reason string           `json:"reason"`
}

func (a *API) decideLink(w http.ResponseWriter, r *http.Request) error {
	id, err := identity(r)
	if err != nil {
		return err
	}
	lid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req decisionRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	l, err := a.st.LinkByID(r.Context(), id.AgencyID, lid)
	if err != nil {
		return err
	}
	if err := graph.CheckDecision(l.Status, req.Status); err != nil {
		return &Error{http.StatusConflict, err.Error()}
	}
	l, err = a.graph.Decide(r.Context(), graph.Decision{AgencyID: id.AgencyID, CaseID: l.CaseID, By: id.User, Reason: req.Reason}, lid, req.Status)
	if err != nil {
		return err
	}
	if err := a.record(r, id, "link-"+string(req.Status), fmt.Sprintf("link:%d", l.ID), req.Reason, ""); err != nil {
		return err
	}
	return writeJSON(w, l)
}

// noteRequest is the body of POST /api/v1/notes.
type noteRequest struct {
	Target string `json:"target"` // KIND:ID
	Text   string `json:"text"`
}

func (a *API) addNote(w http.ResponseWriter, r *http.Request) error {
	id, err := identity(r)
	if err != nil {
		return err
	}
	var req noteRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	target, err := graph.ParseRef(req.Target)
	if err != nil {
		return badRequest("target: %v", err)
	}
	if err := a.graph.Owns(r.Context(), id.AgencyID, target); err != nil {
		return err
	}
	n, err := a.st.AddNote(r.Context(), store.Note{AgencyID: id.AgencyID, Target: target, Author: id.User, Text: req.Text})
	if err != nil {
		return badRequest("%v", err)
	}
	if err := a.record(r, id, "note", target.String(), "", fmt.Sprintf("note:%d", n.ID)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusCreated)
	return writeJSON(w, n)
}

// voteRequest is the body of POST /api/v1/votes.
type voteRequest struct {
	Case     string   `json:"case"`
	Scheme   string   `json:"scheme"` // default: the agency's
	Category string   `json:"category"`
	SHA256   []string `json:"sha256"`
}

func (a *API) vote(w http.ResponseWriter, r *http.Request) error {
	id, err := identity(r)
	if err != nil {
		return err
	}
	var req voteRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	c, err := a.ownCase(r.Context(), id, req.Case)
	if err != nil {
		return err
	}
	ids, shas, err := a.st.CaseMediaIDs(r.Context(), c.ID)
	if err != nil {
		return err
	}
	inCase := map[string]int64{}
	for i, mid := range ids {
		inCase[shas[i]] = mid
	}
	if len(req.SHA256) == 0 || len(req.SHA256) > 10_000 {
		return badRequest("sha256: 1 to 10,000 media")
	}
	mediaIDs := make([]int64, len(req.SHA256))
	for i, h := range req.SHA256 {
		mid, ok := inCase[h]
		if !ok {
			return &Error{http.StatusNotFound, fmt.Sprintf("media %s is not in case %s", h, c.Number)}
		}
		mediaIDs[i] = mid
	}
	scheme, outcomes, err := category.Cast(r.Context(), a.st, id.AgencyID, req.Scheme, req.Category, id.User, mediaIDs)
	if errors.Is(err, category.ErrBadVote) {
		return badRequest("%v", err)
	}
	if err != nil {
		return err
	}
	// One append (and one checkpoint) for the whole vote, however many media.
	entries := make([]audit.Entry, len(req.SHA256))
	for i, h := range req.SHA256 {
		entries[i] = audit.Entry{User: id.User, Agency: id.Agency, Action: "categorize", Object: "media:" + h, Outcome: "ok", Client: r.RemoteAddr,
			Detail: scheme.Name + " " + req.Category}
	}
	if err := a.audit(r.Context(), entries...); err != nil {
		return err
	}
	type outcome struct {
		SHA256 string `json:"sha256"`
		category.Outcome
	}
	out := make([]outcome, len(mediaIDs))
	for i := range mediaIDs {
		out[i] = outcome{SHA256: req.SHA256[i], Outcome: outcomes[i]}
	}
	return writeJSON(w, map[string]any{"scheme": scheme.Name, "outcomes": out})
}
