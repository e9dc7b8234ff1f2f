// Package api is Ariadne's JSON API under /api/v1/: cases, the knowledge
// graph (nodes, links and their decisions, notes, suggestions) and
// category votes, for the web workbench and for scripts. Every handler
// takes the user and agency from the request's identity (never from the
// URL), makes its store calls scoped to that agency, and answers an
// object of another agency as absent. Views and decisions are audited.
// The server (internal/server) authenticates, checks the route's action
// against the role table and maps errors to statuses.
package api

import (
	"context"
	"encoding/json"

	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/auth"
	"github.com/ariadne-vid/ariadne/internal/graph"
	"github.com/ariadne-vid/ariadne/internal/store"
)

// AuditFunc records entries in the audit log.
type AuditFunc func(ctx context.Context, entries ...audit.Entry) error

// API serves /api/v1.
type API struct {
	st    *store.Store
	graph *graph.Graph
	audit AuditFunc
}

// New returns the API over st; record (nil for none) keeps its audit
// entries.
func New(st *store.Store, record AuditFunc) *API {
	if record == nil {
		record = func(context.Context, ...audit.Entry) error { return nil }
	}
	return &API{st: st, graph: graph.New(st), audit: record}
}

// Route is one route: its method and pattern, the action a user's role
// must allow, and its handler.
type Route struct {
	Pattern string
	Action  auth.Action
	Handler func(http.ResponseWriter, *http.Request) error
}

// Routes lists every route of the API, in one place.
func (a *API) Routes() []Route {
	return []Route{
		{"GET /api/v1/cases", auth.ViewCase, a.listCases},
		{"GET /api/v1/cases/{number}", auth.ViewCase, a.showCase},
		{"GET /api/v1/cases/{number}/graph", auth.ViewCase, a.caseGraph},
		{"POST /api/v1/cases/{number}/suggest", auth.EditGraph, a.suggest},
		{"GET /api/v1/media/{sha256}", auth.ViewMedia, a.showMedia},
		{"GET /api/v1/media/{sha256}/picture", auth.ViewMedia, a.picture},
		{"GET /api/v1/nodes", auth.ViewCase, a.listNodes},
		{"POST /api/v1/nodes", auth.EditGraph, a.createNode},
		{"GET /api/v1/nodes/{id}", auth.ViewCase, a.showNode},
		{"POST /api/v1/links", auth.EditGraph, a.addLink},
		{"GET /api/v1/links/{id}", auth.ViewCase, a.showLink},
		{"POST /api/v1/links/{id}/decision", auth.EditGraph, a.decideLink},
		{"POST /api/v1/notes", auth.EditGraph, a.addNote},
		{"POST /api/v1/votes", auth.Categorize, a.vote},
	}
}

// Error is a client's error with its status.
type Error struct {
	Code int
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

func badRequest(format string, args ...any) error {
	return &Error{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// identity is the request's user; the server always sets it on these
// routes.
func identity(r *http.Request) (auth.Identity, error) {
	id, ok := auth.IdentityFrom(r.Context())
	if !ok || id.AgencyID == 0 {
		return id, &Error{http.StatusForbidden, "the JSON API is for users of an agency"}
	}
	return id, nil
}

// maxBody bounds a JSON request body.
const maxBody = 1 << 20

// decode reads a JSON body into v, refusing unknown fields, trailing
// data and bodies over maxBody.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody+1))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("request body: %v", err)
	}
	if dec.More() {
		return badRequest("request body: one JSON object expected")
	}
	return nil
}

func writeJSON(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(v)
}

// ownCase finds a case of the user's agency; another agency's is not
// found.
func (a *API) ownCase(ctx context.Context, id auth.Identity, number string) (store.Case, error) {
	c, err := a.st.CaseByNumber(ctx, number)
	if err != nil {
		return c, err
	}
	if c.AgencyID != id.AgencyID {
		return store.Case{}, fmt.Errorf("case %s: %w", number, store.ErrNotFound)
	}
	return c, nil
}

func pathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, badRequest("%s %q: a positive number", name, r.PathValue(name))
	}
	return n, nil
}

func (a *API) record(r *http.Request, id auth.Identity, action, object, reason, detail string) error {
	return a.audit(r.Context(), audit.Entry{User: id.User, Agency: id.Agency, Action: action, Object: object, Outcome: "ok",
		Client: r.RemoteAddr, Reason: reason, Detail: detail})
}
