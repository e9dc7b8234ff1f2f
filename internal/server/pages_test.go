package server

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
)

// TestPages: a browser without a session is sent to the sign-in page
// and back to where it was going; the form signs in and out; the home
// page shows the agency's cases only, escaped; a redirect never leaves
// the site; pages carry their protective headers.
func TestPages(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		f := newAPIFixture(t, e)
		ctx := context.Background()
		if _, err := e.Store.CreateCase(ctx, store.Case{Number: "A-2", Title: `<script>alert("x")</script>`, Agency: "Agency A"}); err != nil {
			t.Fatal(err)
		}
		do := func(method, path, cookie string, form url.Values) (*http.Response, string) {
			t.Helper()
			var body io.Reader
			if form != nil {
				body = strings.NewReader(form.Encode())
			}
			req, _ := http.NewRequest(method, f.ts.URL+path, body)
			if form != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			req.Header.Set("Accept", "text/html")
			if cookie != "" {
				req.Header.Set("Cookie", SessionCookie+"="+cookie)
			}
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp, string(b)
		}
		resp, _ := do("GET", "/", "", nil)
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/login?next=%2F" {
			t.Fatalf("home without a session: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body := do("GET", "/login?next=/", "", nil)
		for _, want := range []string{`name="username"`, `name="password"`, `name="totp"`, `name="next" value="/"`} {
			if !strings.Contains(body, want) {
				t.Errorf("sign-in page lacks %s", want)
			}
		}
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("sign-in page: %d, headers %v", resp.StatusCode, resp.Header)
		}
		resp, body = do("POST", "/login", "", url.Values{"username": {"A-specialist"}, "password": {"not the passphrase"}, "next": {"/"}})
		if resp.StatusCode != 401 || !strings.Contains(body, "Sign-in failed.") || resp.Header.Get("Set-Cookie") != "" {
			t.Errorf("wrong password: %d, cookie %q", resp.StatusCode, resp.Header.Get("Set-Cookie"))
		}
		for next, want := range map[string]string{"/": "/", "//evil.example/": "/", "https://evil.example/": "/", "/api/v1/cases": "/api/v1/cases"} {
			resp, _ = do("POST", "/login", "", url.Values{"username": {"A-specialist"}, "password": {"a long synthetic passphrase"}, "next": {next}})
			if resp.StatusCode != 303 || resp.Header.Get("Location") != want {
				t.Errorf("sign-in with next %q: %d to %q, want %q", next, resp.StatusCode, resp.Header.Get("Location"), want)
			}
		}
		var session string
		for _, ck := range resp.Cookies() {
			if ck.Name == SessionCookie {
				session = ck.Value
			}
		}
		if session == "" {
			t.Fatal("no session cookie after signing in")
		}
		resp, body = do("GET", "/", session, nil)
		if resp.StatusCode != 200 || !strings.Contains(body, "A-1") || strings.Contains(body, "B-1") || !strings.Contains(body, "A-specialist") {
			t.Fatalf("home: %d\n%s", resp.StatusCode, body)
		}
		if strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;") {
			t.Error("a case title reached the page unescaped")
		}
		resp, _ = do("POST", "/logout", session, url.Values{})
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/login" {
			t.Errorf("sign-out: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ = do("GET", "/", session, nil); resp.StatusCode != 303 {
			t.Errorf("home after signing out: %d", resp.StatusCode)
		}
	})
}
