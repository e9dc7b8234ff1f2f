package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/auth"
	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/ingest"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

// apiFixture is two agencies over real HTTP: agency A with a case of two
// generated pictures, a series and a suggested link, and a user of every
// role; agency B with a specialist.
type apiFixture struct {
	ts      *httptest.Server
	srv     *Server
	tokens  map[string]string // "A/role" or "B/specialist" → token of scope api
	lookup  string            // agency A's api user with a lookup-scope token
	media   string            // a SHA-256 of case A-1
	series  int64
	link    int64
	audited []audit.Entry
	dir     string // the evidence ingested
}

// evidenceState describes the evidence files: names, sizes, times and
// contents.
func (f *apiFixture) evidenceState(t *testing.T) string {
	t.Helper()
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		info, _ := e.Info()
		data, _ := os.ReadFile(filepath.Join(f.dir, e.Name()))
		fmt.Fprintf(&b, "%s %d %s %x; ", e.Name(), info.Size(), info.ModTime().Format(time.RFC3339Nano), sha256.Sum256(data))
	}
	return b.String()
}

func newAPIFixture(t *testing.T, e storetest.Engine) *apiFixture {
	ctx := context.Background()
	st := e.Store
	f := &apiFixture{tokens: map[string]string{}}
	hash, _ := auth.HashPassword("a long synthetic passphrase")
	for _, agency := range []string{"A", "B"} {
		a, err := st.AddAgency(ctx, store.Agency{Name: "Agency " + agency, Contact: "vid@" + agency + ".example", Scheme: "caid"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateCase(ctx, store.Case{Number: agency + "-1", Agency: a.Name}); err != nil {
			t.Fatal(err)
		}
		roles := auth.Roles
		if agency == "B" {
			roles = []auth.Role{auth.Specialist}
		}
		for _, role := range roles {
			u, err := st.AddUser(ctx, store.User{AgencyID: a.ID, Name: agency + "-" + string(role), Role: string(role), PasswordHash: hash})
			if err != nil {
				t.Fatal(err)
			}
			tok, h, _ := auth.NewToken()
			st.AddToken(ctx, store.Token{UserID: u.ID, Scope: string(auth.ScopeAPI)}, h)
			f.tokens[agency+"/"+string(role)] = tok
			if agency == "A" && role == auth.API {
				tok, h, _ := auth.NewToken()
				st.AddToken(ctx, store.Token{UserID: u.ID, Scope: string(auth.ScopeLookup)}, h)
				f.lookup = tok
			}
		}
	}
	dir := t.TempDir()
	f.dir = dir
	for i, size := range [][2]int{{640, 480}, {320, 240}} {
		var b bytes.Buffer
		jpeg.Encode(&b, synth.Scene(5, size[0], size[1]), &jpeg.Options{Quality: 90})
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("p%d.jpg", i)), b.Bytes(), 0o644)
	}
	ex, _ := st.AddExhibit(ctx, store.Exhibit{CaseNumber: "A-1", Label: "E"})
	if _, err := ingest.Run(ctx, st, ex, []string{dir}, ingest.Options{}, nil); err != nil {
		t.Fatal(err)
	}
	c, _ := st.CaseByNumber(ctx, "A-1")
	ids, shas, _ := st.CaseMediaIDs(ctx, c.ID)
	f.media = shas[0]
	s, _ := st.CreateNode(ctx, store.Node{Kind: store.NodeSeries, AgencyID: c.AgencyID, CaseID: c.ID, Label: "Kestrel", CreatedBy: "fixture"})
	f.series = s.ID
	l, _, err := st.AddLink(ctx, store.Link{AgencyID: c.AgencyID, CaseID: c.ID, From: store.Ref{Kind: store.NodeMedia, ID: ids[0]}, Relation: "in-series",
		To: store.Ref{Kind: store.NodeSeries, ID: s.ID}}, store.LinkEvent{Status: store.LinkSuggested, Basis: store.ByRule, Rule: "test", By: "fixture"})
	if err != nil {
		t.Fatal(err)
	}
	f.link = l.ID
	record := func(_ context.Context, entries ...audit.Entry) error {
		f.audited = append(f.audited, entries...)
		return nil
	}
	f.srv, err = New(ctx, st, Options{Hasher: DefaultHasher(hasher.AVOptions{}), Audit: record})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.srv.Close)
	f.ts = httptest.NewServer(f.srv.Handler())
	t.Cleanup(f.ts.Close)
	return f
}

// request makes a route's request with the fixture's objects of agency
// A filled in.
func (f *apiFixture) request(t *testing.T, pattern, token string) (int, string) {
	method, path, _ := strings.Cut(pattern, " ")
	path = strings.NewReplacer("{$}", "", "{number}", "A-1", "{name}", "none", "{sha256}", f.media, "{id}", map[bool]string{true: fmt.Sprint(f.link), false: fmt.Sprint(f.series)}[strings.Contains(path, "links")]).Replace(path)
	bodies := map[string]string{
		"POST /api/v1/nodes":                  `{"kind": "victim", "case": "A-1", "label": "V-TEST"}`,
		"POST /api/v1/links":                  fmt.Sprintf(`{"case": "A-1", "from": "media:1", "relation": "in-series", "to": "series:%d"}`, f.series),
		"POST /api/v1/links/{id}/decision":    `{"status": "rejected", "reason": "test"}`,
		"POST /api/v1/notes":                  fmt.Sprintf(`{"target": "series:%d", "text": "a note"}`, f.series),
		"POST /api/v1/votes":                  fmt.Sprintf(`{"case": "A-1", "category": "B", "sha256": [%q]}`, f.media),
		"POST /api/v1/cases/{number}/suggest": `{}`,
	}
	switch pattern {
	case "GET /m/lookup", "GET /m/raw_lookup":
		path += "?signal_type=md5&signal=d41d8cd98f00b204e9800998ecf8427e"
	case "GET /c/bank/{name}/content/{id}":
		path = "/c/bank/none/content/1"
	}
	var req *http.Request
	if pattern == "POST /m/lookup" || pattern == "POST /h/hash" {
		var b bytes.Buffer
		jpeg.Encode(&b, synth.Scene(9, 100, 100), nil)
		c := client{t: t, base: f.ts.URL, key: token}
		return func() (int, string) {
			code, body := c.post(path, "photo", "p.jpg", b.Bytes())
			return code, string(body)
		}()
	}
	req, _ = http.NewRequest(method, f.ts.URL+path, strings.NewReader(bodies[pattern]))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// noRedirect answers a redirect with itself, so its status is seen.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// TestRouteRoleMatrix walks every route the server serves, as every role
// of agency A, as agency B's specialist, with a lookup-scope token and
// with none, and checks each status against the role table: 401 without
// a token, 403 where the role (or the token's scope) may not, 404 for
// agency B on agency A's objects, 2xx otherwise. A route not in the
// expectations below fails the test.
func TestRouteRoleMatrix(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		f := newAPIFixture(t, e)
		// Routes whose success is not 2xx for an allowed user of agency A
		// with the fixture's data, and why.
		okStatus := map[string]int{
			"GET /c/bank/{name}":              404, // no bank of that name
			"GET /c/bank/{name}/content/{id}": 404,
		}
		// What agency B's allowed user gets on routes about agency A's
		// objects; routes absent here answer B as they answer A.
		foreign := map[string]int{
			"GET /api/v1/cases/{number}": 404, "GET /api/v1/cases/{number}/graph": 404, "POST /api/v1/cases/{number}/suggest": 404,
			"GET /api/v1/nodes/{id}": 404, "POST /api/v1/nodes": 404, "POST /api/v1/links": 404, "GET /api/v1/links/{id}": 404,
			"POST /api/v1/links/{id}/decision": 404, "POST /api/v1/notes": 404, "POST /api/v1/votes": 404,
			"GET /api/v1/media/{sha256}": 404, "GET /api/v1/media/{sha256}/picture": 404,
		}
		callers := []struct {
			name   string
			token  string
			role   auth.Role
			scope  auth.Scope
			agency string
		}{{"none", "", "", "", ""}, {"A lookup-scope api", f.lookup, auth.API, auth.ScopeLookup, "A"}, {"B specialist", f.tokens["B/specialist"], auth.Specialist, auth.ScopeAPI, "B"}}
		for _, r := range auth.Roles {
			callers = append(callers, struct {
				name   string
				token  string
				role   auth.Role
				scope  auth.Scope
				agency string
			}{"A " + string(r), f.tokens["A/"+string(r)], r, auth.ScopeAPI, "A"})
		}
		checked := 0
		for _, rt := range f.srv.Routes() {
			if rt.Pattern == "POST /login" || rt.Pattern == "POST /logout" {
				continue // sign-in throttles repeated tries: TestLogin covers both
			}
			for _, c := range callers {
				want := okStatus[rt.Pattern]
				isAPI := strings.Contains(rt.Pattern, "/api/")
				switch {
				case rt.Public:
					want = 200
				case c.token == "" && f.srv.pages[rt.Pattern[strings.Index(rt.Pattern, " ")+1:]]:
					want = 303 // a page sends the visitor to sign in
				case c.token == "":
					want = 401
				case isAPI && c.scope != auth.ScopeAPI, rt.Action != anyUser && !auth.Can(c.role, rt.Action):
					want = 403
				case c.agency == "B" && foreign[rt.Pattern] != 0:
					want = foreign[rt.Pattern]
				}
				code, body := f.request(t, rt.Pattern, c.token)
				if want == 0 && (code < 200 || code > 299) || want != 0 && code != want {
					t.Errorf("%s as %s: %d, want %v: %s", rt.Pattern, c.name, code, map[bool]any{true: "2xx", false: want}[want == 0], strings.TrimSpace(body))
				}
				checked++
			}
		}
		// A node of a label the agency already has is a conflict, not a
		// server error.
		if code, body := f.request(t, "POST /api/v1/nodes", f.tokens["A/specialist"]); code != 409 {
			t.Errorf("the same node twice: %d %s", code, body)
		}
		if n := len(f.srv.Routes()); n < 20 {
			t.Errorf("only %d routes served", n)
		}
		t.Logf("%d routes served, %d walked here (sign-in and sign-out in TestLogin) × %d callers = %d requests", len(f.srv.Routes()), checked/len(callers), len(callers), checked)
		audited := map[string]int{}
		for _, e := range f.audited {
			if e.User != "" && e.Client != "" && e.Outcome == "ok" {
				audited[e.Action+" "+e.Object]++
			}
		}
		for _, want := range []string{"view-case case:A-1", "search md5:d41d8cd98f00b204e9800998ecf8427e"} {
			if audited[want] == 0 {
				t.Errorf("no audited %q among %d entries", want, len(f.audited))
			}
		}
		searches := 0
		for k, n := range audited {
			if strings.HasPrefix(k, "search content:sha256:") {
				searches += n
			}
		}
		if searches == 0 {
			t.Errorf("no audited lookup by content among %d entries", len(f.audited))
		}
	})
}

// TestAPIDecodersRefuse: malformed, oversized and unknown-field bodies
// are 400, never a 500.
func TestAPIDecodersRefuse(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		f := newAPIFixture(t, e)
		for name, body := range map[string]string{
			"not JSON":      `{"kind": `,
			"unknown field": `{"kind": "victim", "case": "A-1", "label": "x", "is_admin": true}`,
			"two objects":   `{"kind": "victim", "case": "A-1", "label": "x"} {}`,
			"huge":          `{"kind": "victim", "case": "A-1", "label": "` + strings.Repeat("x", 2<<20) + `"}`,
			"bad kind":      `{"kind": "agency", "case": "A-1", "label": "x"}`,
		} {
			req, _ := http.NewRequest("POST", f.ts.URL+"/api/v1/nodes", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+f.tokens["A/specialist"])
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var out map[string]string
			json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if resp.StatusCode != 400 {
				t.Errorf("%s: %d %v, want 400", name, resp.StatusCode, out)
			}
		}
	})
}

// TestMediaRoutes: a media record and its picture, for the agency that
// holds it only; the picture is blurred unless revealed with a reason;
// every view is audited as what it showed; the evidence is left as it
// was.
func TestMediaRoutes(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		f := newAPIFixture(t, e)
		get := func(path, token string) (*http.Response, []byte) {
			req, _ := http.NewRequest("GET", f.ts.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp, body
		}
		before := f.evidenceState(t)
		grader := f.tokens["A/grader"]
		resp, body := get("/api/v1/media/"+f.media, grader)
		var rec struct {
			Media struct{ SHA256 string }
			Files []struct{ Case, Path string }
		}
		if err := json.Unmarshal(body, &rec); resp.StatusCode != 200 || err != nil || rec.Media.SHA256 != f.media || len(rec.Files) != 1 || rec.Files[0].Case != "A-1" {
			t.Fatalf("media record: %d %s", resp.StatusCode, body)
		}
		for _, tc := range []struct {
			query string
			code  int
			view  string
			side  int
		}{
			{"", 200, "blurred", 256},
			{"?grey=true", 200, "blurred", 256},
			{"?reveal=true", 400, "", 0},
			{"?reveal=maybe&reason=x", 400, "", 0},
			{"?reveal=true&reason=identify+the+room", 200, "revealed", 0}, // its own size: 640 or 320
		} {
			resp, body := get("/api/v1/media/"+f.media+"/picture"+tc.query, grader)
			if resp.StatusCode != tc.code {
				t.Fatalf("picture%s: %d %s", tc.query, resp.StatusCode, body)
			}
			if tc.code != 200 {
				continue
			}
			img, err := jpeg.Decode(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("picture%s: %v", tc.query, err)
			}
			if resp.Header.Get("X-Ariadne-View") != tc.view || resp.Header.Get("Cache-Control") != "no-store, private" ||
				tc.side != 0 && max(img.Bounds().Dx(), img.Bounds().Dy()) != tc.side || tc.side == 0 && img.Bounds().Dx() != 640 && img.Bounds().Dx() != 320 {
				t.Errorf("picture%s: view %q, cache %q, bounds %v", tc.query, resp.Header.Get("X-Ariadne-View"), resp.Header.Get("Cache-Control"), img.Bounds())
			}
		}
		for _, path := range []string{"/api/v1/media/" + f.media, "/api/v1/media/" + f.media + "/picture", "/api/v1/media/" + strings.Repeat("0", 64)} {
			if resp, body := get(path, f.tokens["B/specialist"]); resp.StatusCode != 404 {
				t.Errorf("%s as agency B: %d %s", path, resp.StatusCode, body)
			}
		}
		// The picture's file comes from the store, never from the request:
		// a path in its place is a malformed hash.
		for _, p := range []string{"/api/v1/media/not-a-hash", "/api/v1/media/..%2F..%2Fetc%2Fpasswd/picture", "/api/v1/media/%2Fetc%2Fpasswd/picture"} {
			if resp, body := get(p, grader); resp.StatusCode != 400 {
				t.Errorf("%s: %d %s", p, resp.StatusCode, body)
			}
		}
		var views []string
		for _, e := range f.audited {
			if e.Object == "media:"+f.media && e.User == "A-grader" {
				views = append(views, strings.TrimSpace(e.Action+" "+e.Detail+" "+e.Reason))
			}
		}
		want := []string{"view-media", "view-thumbnail blurred", "view-thumbnail blurred", "view-thumbnail revealed identify the room"}
		if !slices.Equal(views, want) {
			t.Errorf("audited %q, want %q", views, want)
		}
		if after := f.evidenceState(t); after != before {
			t.Errorf("the evidence changed: %s, then %s", before, after)
		}
	})
}
