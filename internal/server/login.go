package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/auth"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/web"
)

// SessionCookie is the web session's cookie. The __Host- prefix makes
// browsers refuse it unless it is Secure, for the whole host and set by
// it; browsers treat loopback HTTP as secure.
const SessionCookie = "__Host-ariadne_session"

// Session and throttling limits.
const (
	sessionIdle     = 30 * time.Minute
	sessionAbsolute = 12 * time.Hour
	failureWindow   = 15 * time.Minute
	failureLimit    = 5 // failed sign-ins per account, and per address, within failureWindow
)

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

func (s *Server) audit(ctx context.Context, e audit.Entry) error {
	if s.opts.Audit == nil {
		return nil
	}
	return s.opts.Audit(ctx, e)
}

// login is POST /login: form fields username, password and, for a user
// with a second factor, totp. After failureLimit failures within
// failureWindow for the account or the address, it answers 429 with
// Retry-After, whatever the password. Success sets a new session.
//
// The sign-in page's form also sends next, the page to return to: it is
// answered as a browser expects, with a redirect there on success and the
// page again, with the reason, on failure.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return badRequest("sign-in form: %v", err)
	}
	err := s.signIn(w, r)
	if !r.PostForm.Has("next") {
		return err
	}
	next := r.PostForm.Get("next")
	var he *httpError
	switch {
	case err == nil:
		http.Redirect(w, r, web.SafeNext(next), http.StatusSeeOther)
		return nil
	case errors.As(err, &he):
		return web.LoginPage(w, he.code, next, map[int]string{
			http.StatusUnauthorized:    "Sign-in failed.",
			http.StatusTooManyRequests: "Too many failed sign-ins: try again later.",
		}[he.code])
	}
	return err
}

// signIn checks the form's credentials and sets a new session.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	name, password, code := r.PostForm.Get("username"), r.PostForm.Get("password"), r.PostForm.Get("totp")
	client := clientAddr(r)
	now := s.now()
	byUser, byClient, err := s.st.LoginFailuresSince(ctx, name, client, now.Add(-failureWindow))
	if err != nil {
		return err
	}
	if len(byUser) >= failureLimit || len(byClient) >= failureLimit {
		oldest := byUser
		if len(byClient) >= failureLimit && (len(byUser) < failureLimit || byClient[len(byClient)-failureLimit].After(oldest[len(oldest)-failureLimit])) {
			oldest = byClient
		}
		wait := oldest[len(oldest)-failureLimit].Add(failureWindow).Sub(now)
		w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(max(wait.Seconds(), 1)))))
		if err := s.audit(ctx, audit.Entry{User: name, Action: "login", Outcome: "throttled", Client: client}); err != nil {
			return err
		}
		return &httpError{http.StatusTooManyRequests, "too many failed sign-ins: try again later"}
	}
	fail := func(why string) error {
		if err := s.st.AddLoginFailure(ctx, name, client, now); err != nil {
			return err
		}
		if err := s.audit(ctx, audit.Entry{User: name, Action: "login", Outcome: "failed", Client: client, Detail: why}); err != nil {
			return err
		}
		// One message for every cause: nothing tells a guesser which part was wrong.
		return &httpError{http.StatusUnauthorized, "sign-in failed"}
	}
	u, err := s.st.UserByName(ctx, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		auth.VerifyPassword(password, dummyHash) // as long as for a real user
		return fail("no such user")
	case err != nil:
		return err
	case !auth.VerifyPassword(password, u.PasswordHash):
		return fail("wrong password")
	case u.Disabled:
		return fail("user disabled")
	}
	agency, err := s.st.AgencyByID(ctx, u.AgencyID)
	if err != nil {
		return err
	}
	if !u.HasTOTP && auth.NeedsTOTP(auth.Role(u.Role), agency.RequireTOTP) {
		return fail("a second factor is required and none is set")
	}
	if u.HasTOTP {
		step, ok := auth.CheckTOTP(u.TOTPSecret, code, now, u.TOTPLastStep)
		if !ok {
			return fail("wrong or reused TOTP code")
		}
		u.TOTPLastStep = step
		if err := s.st.UpdateUser(ctx, u); err != nil {
			return err
		}
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	token := base64.RawURLEncoding.EncodeToString(secret)
	if _, err := s.st.AddSession(ctx, u.ID, auth.TokenHash(token), client, now, now.Add(sessionAbsolute)); err != nil {
		return err
	}
	if err := s.audit(ctx, audit.Entry{User: u.Name, Agency: u.Agency, Action: "login", Outcome: "ok", Client: client}); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode,
		MaxAge: int(sessionAbsolute.Seconds())})
	if r.PostForm.Has("next") {
		return nil // login redirects
	}
	return writeJSON(w, map[string]string{"user": u.Name, "agency": u.Agency, "role": u.Role})
}

// dummyHash is verified against when the user does not exist, so that a
// sign-in takes as long either way.
var dummyHash = func() string {
	h, err := auth.HashPassword("not a password anyone has, only for timing")
	if err != nil {
		panic(err)
	}
	return h
}()

// logout is POST /logout: ends the request's session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return &httpError{http.StatusUnauthorized, "no session"}
	}
	ss, u, err := s.st.SessionByHash(r.Context(), auth.TokenHash(c.Value))
	if err != nil {
		return &httpError{http.StatusUnauthorized, "no session"}
	}
	if err := s.st.EndSession(r.Context(), ss.ID, s.now()); err != nil {
		return err
	}
	s.identities.drop(auth.TokenHash(c.Value))
	if err := s.audit(r.Context(), audit.Entry{User: u.Name, Agency: u.Agency, Action: "logout", Outcome: "ok", Client: clientAddr(r)}); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	if strings.Contains(r.Header.Get("Accept"), "text/html") {
		http.Redirect(w, r, "/login", http.StatusSeeOther) // the home page's sign-out button
		return nil
	}
	return writeJSON(w, map[string]string{"signed_out": u.Name})
}

// sessionIdentity is who a session cookie belongs to, if it is live.
func (s *Server) sessionIdentity(ctx context.Context, value string) (Identity, error) {
	hash := auth.TokenHash(value)
	now := s.now()
	if id, ok := s.identities.get(hash, now); ok {
		return id, nil
	}
	ss, u, err := s.st.SessionByHash(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return Identity{}, errNoIdentity
	}
	if err != nil {
		return Identity{}, err
	}
	if ss.Ended || u.Disabled || now.After(ss.ExpiresAt) || now.Sub(ss.LastSeenAt) > sessionIdle {
		return Identity{}, errNoIdentity
	}
	// Touch at most once a minute: idle time is measured in minutes.
	if now.Sub(ss.LastSeenAt) > time.Minute {
		if err := s.st.TouchSession(ctx, ss.ID, now); err != nil {
			return Identity{}, err
		}
	}
	id := Identity{User: u.Name, AgencyID: u.AgencyID, Agency: u.Agency, Role: auth.Role(u.Role), Scope: auth.ScopeAPI}
	s.identities.put(hash, id, now)
	return id, nil
}
