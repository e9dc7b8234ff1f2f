package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/auth"
	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
)

// TestLogin: sign-in with a password (and TOTP) sets a new __Host-
// session cookie that the JSON API accepts; failures are audited and,
// after 5 in 15 minutes for an account, answered 429 with Retry-After
// even with the right password; a TOTP code is good once; sign-out and
// disabling the user end the session; idle sessions end; a cross-site
// POST is refused. The clock is a value the test moves (both engines).
func TestLogin(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		st := e.Store
		a, _ := st.AddAgency(ctx, store.Agency{Name: "Agency A"})
		st.CreateCase(ctx, store.Case{Number: "A-1", Agency: a.Name})
		hash, _ := auth.HashPassword("a long synthetic passphrase")
		alice, _ := st.AddUser(ctx, store.User{AgencyID: a.ID, Name: "alice", Role: string(auth.Specialist), PasswordHash: hash})
		secret, _, _ := auth.NewTOTP("Ariadne", "tom")
		st.AddUser(ctx, store.User{AgencyID: a.ID, Name: "tom", Role: string(auth.Examiner), PasswordHash: hash, TOTPSecret: secret})
		now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
		var audited []audit.Entry
		srv, err := New(ctx, st, Options{Hasher: DefaultHasher(hasher.AVOptions{}), Now: func() time.Time { return now },
			Audit: func(_ context.Context, es ...audit.Entry) error { audited = append(audited, es...); return nil }})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		login := func(user, password, code string, header ...string) *http.Response {
			req, _ := http.NewRequest("POST", ts.URL+"/login", strings.NewReader(url.Values{"username": {user}, "password": {password}, "totp": {code}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for i := 0; i+1 < len(header); i += 2 {
				req.Header.Set(header[i], header[i+1])
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp
		}
		cookieOf := func(resp *http.Response) *http.Cookie {
			for _, c := range resp.Cookies() {
				if c.Name == SessionCookie {
					return c
				}
			}
			return nil
		}
		get := func(path string, c *http.Cookie) int {
			req, _ := http.NewRequest("GET", ts.URL+path, nil)
			if c != nil {
				req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}

		resp := login("alice", "a long synthetic passphrase", "")
		c := cookieOf(resp)
		if resp.StatusCode != 200 || c == nil || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
			t.Fatalf("sign-in: %d, cookie %+v", resp.StatusCode, c)
		}
		if code := get("/api/v1/cases", c); code != 200 {
			t.Errorf("the session on the API: %d", code)
		}
		again := cookieOf(login("alice", "a long synthetic passphrase", ""))
		if again == nil || again.Value == c.Value {
			t.Error("a second sign-in did not get a new session ID")
		}
		if r := login("alice", "a long synthetic passphrase", "", "Sec-Fetch-Site", "cross-site"); r.StatusCode != 403 {
			t.Errorf("cross-site sign-in: %d, want 403", r.StatusCode)
		}

		// TOTP: required, good once.
		step := func(t0 time.Time) string {
			code, _ := totp.GenerateCodeCustom(secret, t0, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
			return code
		}
		if r := login("tom", "a long synthetic passphrase", ""); r.StatusCode != 401 {
			t.Errorf("without the TOTP code: %d", r.StatusCode)
		}
		if r := login("tom", "a long synthetic passphrase", step(now)); r.StatusCode != 200 {
			t.Errorf("with the TOTP code: %d", r.StatusCode)
		}
		if r := login("tom", "a long synthetic passphrase", step(now)); r.StatusCode != 401 {
			t.Errorf("the same TOTP code again: %d, want 401", r.StatusCode)
		}

		// An agency that requires a second factor lets nobody in without one.
		strict, _ := st.AddAgency(ctx, store.Agency{Name: "Agency T", RequireTOTP: true})
		st.AddUser(ctx, store.User{AgencyID: strict.ID, Name: "nofactor", Role: string(auth.Specialist), PasswordHash: hash})
		if r := login("nofactor", "a long synthetic passphrase", ""); r.StatusCode != 401 {
			t.Errorf("a user without the second factor their agency requires: %d", r.StatusCode)
		}

		// Idle: 31 minutes later the session is over.
		now = now.Add(31 * time.Minute)
		if code := get("/api/v1/cases", c); code != 401 {
			t.Errorf("an idle session: %d, want 401", code)
		}
		fresh := cookieOf(login("alice", "a long synthetic passphrase", ""))

		// Sign-out ends the session; so does disabling the user.
		req, _ := http.NewRequest("POST", ts.URL+"/logout", nil)
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: fresh.Value})
		if r, _ := http.DefaultClient.Do(req); r.StatusCode != 200 {
			t.Errorf("sign-out: %d", r.StatusCode)
		}
		if code := get("/api/v1/cases", fresh); code != 401 {
			t.Errorf("after sign-out: %d", code)
		}
		other := cookieOf(login("alice", "a long synthetic passphrase", ""))
		alice.Disabled = true
		st.UpdateUser(ctx, alice)
		now = now.Add(2 * time.Second) // past the identity cache's second
		if code := get("/api/v1/cases", other); code != 401 {
			t.Errorf("a disabled user's session: %d", code)
		}
		alice.Disabled = false
		st.UpdateUser(ctx, alice)

		// Brute force: 5 failures, then 429 even with the right password.
		for i := range 5 {
			if r := login("alice", "wrong guess number "+string(rune('a'+i)), ""); r.StatusCode != 401 {
				t.Errorf("failure %d: %d", i+1, r.StatusCode)
			}
		}
		r := login("alice", "a long synthetic passphrase", "")
		if r.StatusCode != 429 || r.Header.Get("Retry-After") == "" {
			t.Errorf("after 5 failures: %d, Retry-After %q", r.StatusCode, r.Header.Get("Retry-After"))
		}
		now = now.Add(16 * time.Minute)
		if r := login("alice", "a long synthetic passphrase", ""); r.StatusCode != 200 {
			t.Errorf("16 minutes later: %d", r.StatusCode)
		}
		outcomes := map[string]int{}
		for _, e := range audited {
			if e.Action == "login" {
				outcomes[e.Outcome]++
			}
		}
		if outcomes["ok"] < 5 || outcomes["failed"] != 8 || outcomes["throttled"] != 1 {
			t.Errorf("audited sign-ins %v", outcomes)
		}
		for _, e := range audited {
			if strings.Contains(e.Detail+e.Reason, "passphrase") || strings.Contains(e.Detail, "wrong guess") {
				t.Errorf("a password reached the audit log: %+v", e)
			}
		}
	})
}
