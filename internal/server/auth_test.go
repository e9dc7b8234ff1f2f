package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ariadne-vid/ariadne/internal/auth"
	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
)

// TestTokens: every route but /status and /status/live needs a user's
// token; a revoked or expired token, a disabled user's, a made-up one or
// none is 401; a role that may not look hashes up is 403 (both engines).
func TestTokens(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		st := e.Store
		a, _ := st.AddAgency(ctx, store.Agency{Name: "Agency A"})
		hash, _ := auth.HashPassword("a long synthetic passphrase")
		token := func(user string, role auth.Role, disabled bool, tok store.Token, revoke bool) string {
			u, err := st.AddUser(ctx, store.User{AgencyID: a.ID, Name: user, Role: string(role), PasswordHash: hash})
			if err != nil {
				t.Fatal(err)
			}
			if disabled {
				u.Disabled = true
				st.UpdateUser(ctx, u)
			}
			secret, h, _ := auth.NewToken()
			tok.UserID = u.ID
			tok, err = st.AddToken(ctx, tok, h)
			if err != nil {
				t.Fatal(err)
			}
			if revoke {
				st.RevokeToken(ctx, a.ID, tok.ID)
			}
			return secret
		}
		past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
		future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		tokens := map[string]string{
			"api":        token("machine", auth.API, false, store.Token{Scope: "lookup"}, false),
			"examiner":   token("examiner", auth.Examiner, false, store.Token{Scope: "api", ExpiresAt: future}, false),
			"auditor":    token("auditor", auth.Auditor, false, store.Token{Scope: "api"}, false),
			"revoked":    token("revoked", auth.API, false, store.Token{Scope: "lookup"}, true),
			"expired":    token("expired", auth.API, false, store.Token{Scope: "lookup", ExpiresAt: past}, false),
			"disabled":   token("disabled", auth.API, true, store.Token{Scope: "lookup"}, false),
			"made up":    auth.TokenPrefix + "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst",
			"none":       "",
			"shared key": "legacy-key",
			"wrong key":  "not-the-key",
		}
		srv, err := New(ctx, st, Options{APIKey: "legacy-key", Hasher: DefaultHasher(hasher.AVOptions{})})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		want := map[string]int{"api": 200, "examiner": 200, "auditor": 403, "revoked": 401, "expired": 401, "disabled": 401, "made up": 401, "none": 401, "shared key": 200, "wrong key": 401}
		for _, route := range srv.routes {
			if strings.HasPrefix(route, "/api/") || srv.pages[route] || route == "/login" || route == "/logout" {
				continue // TestRouteRoleMatrix walks the JSON API and the pages, TestLogin these
			}
			if route == "/c/bank/{name}" || route == "/c/bank/{name}/content/{id}" || route == "/m/lookup" || route == "/m/raw_lookup" || route == "/h/hash" {
				continue // need parameters; the checks come before them, and /c/banks stands for them
			}
			for who, tok := range tokens {
				code, _ := client{t: t, base: ts.URL, key: tok}.get(route)
				expect := want[who]
				if publicRoutes[route] || route == "/site-map" && expect == 403 {
					expect = 200 // every signed-in user may read the site map
				}
				if code != expect {
					t.Errorf("GET %s as %s: %d, want %d", route, who, code, expect)
				}
			}
		}
		req, _ := http.NewRequest("GET", ts.URL+"/c/banks", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("no token: %d, WWW-Authenticate %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	})
}

// TestIdentityCache: a checked token is trusted for identityTTL, then
// read again (so a revocation takes effect within it).
func TestIdentityCache(t *testing.T) {
	var c identityCache
	t0 := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	c.put("h", Identity{User: "u"}, t0)
	if id, ok := c.get("h", t0.Add(identityTTL/2)); !ok || id.User != "u" {
		t.Error("not remembered within the TTL")
	}
	if _, ok := c.get("h", t0.Add(identityTTL+time.Millisecond)); ok {
		t.Error("remembered after the TTL")
	}
	if _, ok := c.get("other", t0); ok {
		t.Error("an unknown token was found")
	}
}
