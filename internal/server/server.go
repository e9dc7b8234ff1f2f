// Package server answers matching queries over HTTP with the routes and
// JSON shapes of Meta's Hasher-Matcher-Actioner (HMA 2.0) API, so tooling
// written for HMA can look hashes and content up in Ariadne's hash sets
// (HMA's banks): GET /m/lookup by hash, POST /m/lookup and POST /h/hash
// with the content, GET /c/banks, GET /m/index/status, GET /status and
// GET /site-map. Matching is ingest's (internal/match, shared by concurrent requests): exact
// hashes in every set, PDQ with rotations and mirrors within each
// known-bad set's radius, vPDQ and audio against known videos and sounds.
// Content sent to it is hashed in memory or in a temporary file removed
// at once; nothing of it is stored. It also mounts the JSON API
// (internal/api) and the browser pages (internal/web), and is where every
// request is authenticated and checked against the role table.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ariadne-vid/ariadne/internal/digest"
	"io"
	"log/slog"
	"maps"
	"mime/multipart"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ariadne-vid/ariadne/internal/api"
	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/auth"
	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/imaging"
	"github.com/ariadne-vid/ariadne/internal/match"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/web"
)

// Options configure a Server.
type Options struct {
	// APIKey, when set, is also accepted in place of a user's token (as
	// "Authorization: Bearer KEY" or "X-API-Key: KEY"), as an api user:
	// deprecated, for old HMA tooling only.
	APIKey string
	// IndexCache is where the known-bad indexes are cached (as ingest's).
	IndexCache string
	// MaxUpload is the largest content accepted by POST (default 512 MiB).
	MaxUpload int64
	// Hasher hashes posted content (photos by the fast path, videos and
	// sounds through ffmpeg when AV is enabled).
	Hasher hasher.Options
	// Audit records sign-ins and what the JSON API's users view and
	// decide (nil: nothing is recorded, for tests of other things).
	Audit api.AuditFunc
	// Now is the clock (nil: time.Now), for sessions, throttling and
	// TOTP; tests set it.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.MaxUpload <= 0 {
		o.MaxUpload = 512 << 20
	}
	o.Hasher.Dihedral = true // a posted photo is matched with its rotations and mirrors
	return o
}

// Server serves lookups against a store's hash sets.
type Server struct {
	st   *store.Store
	opts Options

	// The matcher, rebuilt when a known-bad set changes; lookups use it
	// concurrently.
	matcher *match.Live

	hashers      sync.Pool // for lookups by content
	plainHashers sync.Pool // for POST /h/hash
	identities   identityCache
	routes       []string
	actions      []Route
	pages        map[string]bool // paths of pages, which send a visitor without a session to sign in
	mux          *http.ServeMux
}

// New makes a Server over st; the known-bad indexes are loaded at once.
func New(ctx context.Context, st *store.Store, opts Options) (*Server, error) {
	opts = opts.withDefaults()
	s := &Server{st: st, opts: opts}
	s.hashers.New = func() any { return hasher.New(opts.Hasher) }
	// POST /h/hash returns hashes: describing local features, which only
	// a lookup compares, would be work for nothing.
	plain := opts.Hasher
	plain.Features, plain.Mirrored = false, false
	s.plainHashers.New = func() any { return hasher.New(plain) }
	var err error
	if s.matcher, err = match.NewLive(ctx, st, opts.IndexCache, pdq.DefaultMinQuality); err != nil {
		return nil, err
	}
	s.mux = http.NewServeMux()
	s.pages = map[string]bool{}
	s.handle("GET /status", s.status)
	s.handle("GET /status/live", s.status)
	s.handleAs("POST /login", auth.ViewOwnAccount, s.login)
	s.handleAs("POST /logout", auth.ViewOwnAccount, s.logout)
	s.handleAs("GET /site-map", anyUser, s.siteMap)
	s.handle("GET /c/banks", s.banks)
	s.handle("GET /c/bank/{name}", s.bankByName)
	s.handle("GET /c/bank/{name}/content/{id}", s.bankContent)
	s.handle("GET /c/signal_type", s.signalTypes)
	s.handle("GET /m/index/status", s.indexStatus)
	s.handle("GET /m/lookup", s.lookupHash)
	s.handle("GET /m/raw_lookup", s.rawLookup)
	s.handle("POST /m/lookup", s.lookupContent)
	s.handle("POST /h/hash", s.hashContent)
	a := api.New(st, opts.Audit)
	for _, rt := range a.Routes() {
		s.handleAs(rt.Pattern, rt.Action, rt.Handler)
	}
	for _, rt := range web.New(st).Routes() {
		s.pages[rt.Pattern[strings.Index(rt.Pattern, " ")+1:]] = true
		s.handleAs(rt.Pattern, rt.Action, rt.Handler)
	}
	return s, nil
}

// Close releases the indexes.
func (s *Server) Close() { s.matcher.Close() }

func (s *Server) handle(pattern string, h func(http.ResponseWriter, *http.Request) error) {
	s.handleAs(pattern, auth.Lookup, h) // the HMA routes are all lookups
}

// handleAs serves a route to users whose role may do action (the public
// routes to anyone), and maps the handler's error to a status once: a
// client's error (httpError, api.Error) to its own, "not found" (another
// agency's object included) to 404, "already exists" to 409, anything
// else to 500, logged.
func (s *Server) handleAs(pattern string, action auth.Action, h func(http.ResponseWriter, *http.Request) error) {
	path := pattern[strings.Index(pattern, " ")+1:]
	s.routes = append(s.routes, path)
	s.actions = append(s.actions, Route{Pattern: pattern, Action: action, Public: publicRoutes[path]})
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if !publicRoutes[r.URL.Path] {
			id, err := s.identify(r.Context(), r)
			switch {
			case errors.Is(err, errNoIdentity) && s.pages[path]:
				http.Redirect(w, r, web.LoginURL(r.URL.RequestURI()), http.StatusSeeOther)
				return
			case errors.Is(err, errNoIdentity):
				w.Header().Set("WWW-Authenticate", `Bearer realm="ariadne"`)
				writeError(w, http.StatusUnauthorized, err.Error())
				return
			case err != nil:
				slog.Error("authentication failed", "path", r.URL.Path, "err", err)
				writeError(w, http.StatusInternalServerError, "internal error")
				return
			case strings.HasPrefix(path, "/api/") && id.Scope != auth.ScopeAPI:
				writeError(w, http.StatusForbidden, "this token's scope is "+string(id.Scope)+": the JSON API needs a token of scope api")
				return
			case action != anyUser && !auth.Can(id.Role, action):
				writeError(w, http.StatusForbidden, "role "+string(id.Role)+" may not "+string(action))
				return
			}
			r = r.WithContext(auth.WithIdentity(r.Context(), id))
		}
		if err := h(w, r); err != nil {
			var he *httpError
			var ae *api.Error
			switch {
			case errors.As(err, &he):
				writeError(w, he.code, he.msg)
			case errors.As(err, &ae):
				writeError(w, ae.Code, ae.Msg)
			case errors.Is(err, store.ErrNotFound):
				writeError(w, http.StatusNotFound, "not found")
			case errors.Is(err, store.ErrExists):
				writeError(w, http.StatusConflict, err.Error())
			default:
				slog.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
				writeError(w, http.StatusInternalServerError, "internal error")
			}
		}
	})
}

// anyUser marks a route every signed-in user may use, whatever the role
// (the site map).
const anyUser auth.Action = ""

// Route is a served route and what it needs.
type Route struct {
	Pattern string
	Action  auth.Action
	Public  bool
}

// Routes lists every route with the action it needs: a test walks them
// all with every role.
func (s *Server) Routes() []Route { return s.actions }

// Handler is the server's HTTP handler. Cross-site requests that change
// state are refused (403) before any route sees them.
func (s *Server) Handler() http.Handler { return http.NewCrossOriginProtection().Handler(s.mux) }

// httpError is an error the client caused, with its status.
type httpError struct {
	code int
	msg  string
}

func (e *httpError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &httpError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

func writeJSON(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func (s *Server) status(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain")
	_, err := io.WriteString(w, "I-AM-ALIVE\n")
	return err
}

func (s *Server) siteMap(w http.ResponseWriter, r *http.Request) error {
	routes := slices.Clone(s.routes)
	for i, r := range routes {
		routes[i] = strings.TrimSuffix(r, "{$}") // the home page's pattern is "/" exactly
	}
	slices.Sort(routes)
	return writeJSON(w, slices.Compact(routes))
}

// bank is a hash set as HMA lists a bank, with Ariadne's own fields.
type bank struct {
	Name                 string  `json:"name"`
	MatchingEnabledRatio float64 `json:"matching_enabled_ratio"`
	Kind                 string  `json:"kind"`
	Radius               int     `json:"pdq_radius"`
	Entries              int64   `json:"entries"`
	Source               string  `json:"source,omitempty"`
	Version              string  `json:"version,omitempty"`
	UpdatedAt            string  `json:"updated_at,omitempty"`
}

func bankOf(h store.HashSet) bank {
	return bank{Name: h.Name, MatchingEnabledRatio: 1, Kind: string(h.Kind), Radius: h.Radius, Entries: h.Entries, Source: h.Source, Version: h.Version, UpdatedAt: h.UpdatedAt}
}

func (s *Server) banks(w http.ResponseWriter, r *http.Request) error {
	sets, err := s.st.HashSets(r.Context())
	if err != nil {
		return err
	}
	out := []bank{}
	for _, h := range sets {
		out = append(out, bankOf(h))
	}
	return writeJSON(w, out)
}

func (s *Server) hashSet(ctx context.Context, name string) (store.HashSet, error) {
	h, err := s.st.HashSet(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return h, &httpError{http.StatusNotFound, fmt.Sprintf("bank %q not found", name)}
	}
	return h, err
}

// bankByName is GET /c/bank/NAME.
func (s *Server) bankByName(w http.ResponseWriter, r *http.Request) error {
	h, err := s.hashSet(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	return writeJSON(w, bankOf(h))
}

// bankContent is GET /c/bank/NAME/content/ID: an entry, as HMA gives a
// bank's content (id, bank, enabled, signals), with what Ariadne keeps of
// it (key, category, series, ...).
func (s *Server) bankContent(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	if _, err := s.hashSet(r.Context(), name); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return badRequest("content id %q: not a number", r.PathValue("id"))
	}
	ref, err := s.st.EntryByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || err == nil && ref.Set != name {
		return &httpError{http.StatusNotFound, fmt.Sprintf("content %d not found in bank %q", id, name)}
	}
	if err != nil {
		return err
	}
	e := ref.Entry
	signals := map[string]string{}
	for t, v := range map[string]string{"pdq": e.PDQ, "video_md5": e.MD5, "md5": e.MD5, "sha1": e.SHA1, "sha256": e.SHA256,
		store.SignalVPDQ: e.VPDQ, store.SignalChromaprint: e.Chromaprint} {
		if v != "" {
			signals[t] = v
		}
	}
	return writeJSON(w, map[string]any{"id": id, "bank": name, "enabled": !e.Tombstone, "signals": signals, "entry": e})
}

// Signal types a lookup by hash accepts: HMA's names (video_md5 is the
// MD5 of a file, whatever its type) and Ariadne's other exact hashes.
var hashSignalTypes = []string{"pdq", "video_md5", "md5", "sha1", "sha256"}

func (s *Server) signalTypes(w http.ResponseWriter, r *http.Request) error {
	out := map[string]map[string]bool{}
	for _, t := range append(slices.Clone(hashSignalTypes), store.SignalVPDQ, store.SignalChromaprint) {
		out[t] = map[string]bool{"enabled": true}
	}
	return writeJSON(w, out)
}

func (s *Server) indexStatus(w http.ResponseWriter, r *http.Request) error {
	st, err := s.matcher.IndexStatus(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, map[string]any{
		"pdq": map[string]any{"present": true, "size": st.Size, "built_at": st.BuiltAt.UTC().Format(time.RFC3339)},
	})
}

// bankMatch is a bank content found, as HMA returns it; distance is a string
// there ("0").
type bankMatch struct {
	BankContentID int64  `json:"bank_content_id"`
	Distance      string `json:"distance"`
	// Ariadne's: the entry's key in its set, how it matched and what the
	// match rests on (a video's or a sound's aligned segments).
	EntryKey   string          `json:"entry_key,omitempty"`
	SignalType string          `json:"signal_type"`
	Detail     json.RawMessage `json:"detail,omitempty"`
}

// lookup matches a query and groups the matches by signal type, then set.
func (s *Server) lookup(ctx context.Context, q match.Query) (map[string]map[string][]bankMatch, error) {
	res, err := s.matcher.Lookup(ctx, q)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string][]bankMatch{}
	for _, m := range res.Matches {
		ref, err := s.st.EntryByID(ctx, m.EntryID)
		if err != nil {
			return nil, err
		}
		t := hmaSignalType(m.SignalType)
		if out[t] == nil {
			out[t] = map[string][]bankMatch{}
		}
		mt := bankMatch{BankContentID: m.EntryID, Distance: strconv.Itoa(m.Distance), EntryKey: ref.Entry.Key, SignalType: m.SignalType}
		if m.Detail != "" {
			mt.Detail = json.RawMessage(m.Detail)
		}
		out[t][ref.Set] = append(out[t][ref.Set], mt)
	}
	return out, nil
}

// hmaSignalType names a match's signal type as HMA does.
func hmaSignalType(t string) string {
	switch t {
	case store.SignalVPDQFrame:
		return "pdq" // a photo's PDQ near a known video's frame
	case store.SignalFramePDQ:
		return store.SignalVPDQ // a video's frame near a known photo's PDQ
	}
	return t
}

// lookupHash is GET /m/lookup?signal_type=T&signal=V: the banks and their
// contents matching one hash.
func (s *Server) lookupHash(w http.ResponseWriter, r *http.Request) error {
	banks, err := s.lookupByHash(r)
	if err != nil {
		return err
	}
	return writeJSON(w, banks)
}

// rawLookup is GET /m/raw_lookup?signal_type=T&signal=V: the matching
// contents' IDs, {"matches": [1, 2]}, or with include_distance=true the
// contents with their distance, as HMA answers it.
func (s *Server) rawLookup(w http.ResponseWriter, r *http.Request) error {
	banks, err := s.lookupByHash(r)
	if err != nil {
		return err
	}
	var all []bankMatch
	for _, name := range slices.Sorted(maps.Keys(banks)) {
		all = append(all, banks[name]...)
	}
	if r.URL.Query().Get("include_distance") == "true" {
		out := []map[string]any{}
		for _, m := range all {
			out = append(out, map[string]any{"bank_content_id": m.BankContentID, "distance": m.Distance})
		}
		return writeJSON(w, map[string]any{"matches": out})
	}
	ids := []int64{}
	for _, m := range all {
		ids = append(ids, m.BankContentID)
	}
	return writeJSON(w, map[string]any{"matches": ids})
}

// lookupByHash matches the hash a request names: bank → contents.
func (s *Server) lookupByHash(r *http.Request) (map[string][]bankMatch, error) {
	t, v := r.URL.Query().Get("signal_type"), strings.TrimSpace(r.URL.Query().Get("signal"))
	var q match.Query
	switch t {
	case "pdq":
		h, err := pdq.ParseHex(v)
		if err != nil {
			return nil, badRequest("signal: %v", err)
		}
		// A hash sent alone is taken at face value: its quality is not known.
		q.PDQ, q.PDQQuality = &h, 100
	case "video_md5", "md5", "sha1", "sha256":
		kind := digest.HashKind(strings.TrimPrefix(t, "video_"))
		h, err := digest.NormHex(kind, v)
		if err != nil {
			return nil, badRequest("signal: %v", err)
		}
		switch kind {
		case digest.MD5:
			q.MD5 = h
		case digest.SHA1:
			q.SHA1 = h
		default:
			q.SHA256 = h
		}
	default:
		return nil, badRequest("signal_type %q: want one of %s", t, strings.Join(hashSignalTypes, ", "))
	}
	found, err := s.lookup(r.Context(), q)
	if err != nil {
		return nil, err
	}
	// HMA answers a lookup by hash with the banks alone.
	banks := map[string][]bankMatch{}
	n := 0
	for _, bySet := range found {
		for set, ms := range bySet {
			banks[set] = append(banks[set], ms...)
			n += len(ms)
		}
	}
	return banks, s.recordSearch(r, t+":"+v, n)
}

// recordSearch audits a lookup: who asked for what, and how many known
// entries it matched. The answer waits for the entry to be stored.
func (s *Server) recordSearch(r *http.Request, object string, matches int) error {
	id, _ := auth.IdentityFrom(r.Context())
	return s.audit(r.Context(), audit.Entry{User: id.User, Agency: id.Agency, Action: "search", Object: object, Outcome: "ok",
		Client: clientAddr(r), Detail: fmt.Sprintf("%d matches", matches)})
}

// lookupContent is POST /m/lookup with the content as a multipart form
// field (photo, video, or any name): hashed, then matched; the answer is
// signal type → bank → contents.
func (s *Server) lookupContent(w http.ResponseWriter, r *http.Request) error {
	res, err := s.hashUpload(w, r, &s.hashers)
	if err != nil {
		return err
	}
	q := match.Query{MD5: res.MD5, SHA1: res.SHA1, SHA256: res.SHA256, Dihedral: res.PDQDihedral, VPDQ: res.VPDQFrames, Audio: res.AudioItems, AudioAtSpeeds: res.AudioAtSpeeds,
		Features: res.Features, FeaturesMirrored: res.FeaturesMirrored}
	if res.PDQ != nil {
		q.PDQ, q.PDQQuality = res.PDQ, *res.PDQQuality
	}
	found, err := s.lookup(r.Context(), q)
	if err != nil {
		return err
	}
	n := 0
	for _, bySet := range found {
		for _, ms := range bySet {
			n += len(ms)
		}
	}
	if err := s.recordSearch(r, "content:sha256:"+res.SHA256, n); err != nil {
		return err
	}
	// The exact hashes of the content are HMA's video_md5 and Ariadne's
	// md5, sha1, sha256: one key per kind found.
	return writeJSON(w, found)
}

// hashContent is POST /h/hash: the signals of the content sent.
func (s *Server) hashContent(w http.ResponseWriter, r *http.Request) error {
	res, err := s.hashUpload(w, r, &s.plainHashers)
	if err != nil {
		return err
	}
	out := map[string]any{"md5": res.MD5, "video_md5": res.MD5, "sha1": res.SHA1, "sha256": res.SHA256}
	if res.PDQ != nil {
		out["pdq"] = res.PDQ.String()
		out["pdq_quality"] = *res.PDQQuality
	}
	if len(res.VPDQ) > 0 {
		out["vpdq"] = strings.Join(res.VPDQ, "\n") + "\n"
	}
	if res.Audio != "" {
		out["chromaprint"] = res.Audio
	}
	if res.Warning != "" {
		out["warning"] = res.Warning
	}
	return writeJSON(w, out)
}

// hashUpload hashes the first file of a multipart form, spooled to a
// temporary file that is removed before it returns.
func (s *Server) hashUpload(w http.ResponseWriter, r *http.Request, hashers *sync.Pool) (hasher.Result, error) {
	r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		return hasher.Result{}, badRequest("want a multipart/form-data body with the content in a field (photo, video): %v", err)
	}
	var part *multipart.Part
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return hasher.Result{}, badRequest("the form holds no content")
		}
		if err != nil {
			return hasher.Result{}, badRequest("reading the form: %v", err)
		}
		if p.FormName() != "" {
			part = p
			break
		}
	}
	f, err := os.CreateTemp("", "ariadne-upload-*")
	if err != nil {
		return hasher.Result{}, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	size, err := io.Copy(f, part)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return hasher.Result{}, &httpError{http.StatusRequestEntityTooLarge, fmt.Sprintf("content over %d bytes", tooBig.Limit)}
	}
	if err != nil {
		return hasher.Result{}, badRequest("reading the content: %v", err)
	}
	h := hashers.Get().(*hasher.Hasher)
	defer hashers.Put(h)
	name := part.FileName()
	if name == "" {
		name = part.FormName()
	}
	res := h.Hash(name, io.NewSectionReader(f, 0, size), size)
	if res.Error != "" {
		return res, badRequest("the content could not be hashed: %s", res.Error)
	}
	return res, nil
}

// DefaultHasher is the hashing posted content gets: the photo fast path
// (as ingest), and video and audio when ffmpeg is there.
func DefaultHasher(av hasher.AVOptions) hasher.Options {
	return hasher.Options{Imaging: imaging.Options{Fast: true}, AV: av, Features: true, Mirrored: true}
}
