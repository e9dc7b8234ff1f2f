package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ariadne-vid/ariadne/internal/auth"
	"github.com/ariadne-vid/ariadne/internal/store"
)

// publicRoutes are the only routes served without a token.
// /logout checks its own session.
var publicRoutes = map[string]bool{"/status": true, "/status/live": true, "/login": true, "/logout": true}

// Identity is who a request comes from.
type Identity = auth.Identity

var errNoIdentity = errors.New("a token is required: Authorization: Bearer TOKEN (ariadne token create)")

// identify finds who a request comes from: a user's API token (Bearer),
// not revoked or expired, of an enabled user; or, for old HMA tooling,
// the deprecated shared API key, which acts as an api user.
func (s *Server) identify(ctx context.Context, r *http.Request) (Identity, error) {
	bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	key := r.Header.Get("X-API-Key")
	if !ok && key == "" {
		if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
			return s.sessionIdentity(ctx, c.Value)
		}
		return Identity{}, errNoIdentity
	}
	if s.opts.APIKey != "" {
		given := key
		if ok {
			given = bearer
		}
		if subtle.ConstantTimeCompare([]byte(given), []byte(s.opts.APIKey)) == 1 {
			return Identity{User: "api-key", Role: auth.API, Scope: auth.ScopeLookup}, nil
		}
	}
	if !ok || !strings.HasPrefix(bearer, auth.TokenPrefix) {
		return Identity{}, errNoIdentity
	}
	hash := auth.TokenHash(bearer)
	if id, ok := s.identities.get(hash, s.now()); ok {
		return id, nil
	}
	h, err := s.st.TokenHolderByHash(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return Identity{}, errNoIdentity
	}
	if err != nil {
		return Identity{}, err
	}
	t, u := h.Token, h.User
	if t.RevokedAt != "" || t.ExpiresAt != "" && t.ExpiresAt <= s.now().UTC().Format(time.RFC3339) || u.Disabled {
		return Identity{}, errNoIdentity
	}
	id := Identity{User: u.Name, AgencyID: u.AgencyID, Agency: u.Agency, Role: auth.Role(u.Role), Scope: auth.Scope(t.Scope)}
	s.identities.put(hash, id, s.now())
	return id, nil
}

// identityTTL is how long a token, once checked, is trusted without
// reading the store again: a revocation, an expiry or a disabled user
// takes effect within it. One store read per request would halve the
// lookups served (docs/benchmarks.md).
const identityTTL = time.Second

// identityCache remembers recently checked tokens (by hash), briefly.
// Its lock is never held across a store read.
type identityCache struct {
	mu      sync.Mutex
	entries map[string]cachedIdentity
}

type cachedIdentity struct {
	id    Identity
	until time.Time
}

func (c *identityCache) get(hash string, now time.Time) (Identity, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || now.After(e.until) {
		return Identity{}, false
	}
	return e.id, true
}

func (c *identityCache) drop(hash string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, hash)
}

func (c *identityCache) put(hash string, id Identity, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= 10_000 {
		c.entries = map[string]cachedIdentity{} // bounded: dropped whole, refilled by use
	}
	c.entries[hash] = cachedIdentity{id: id, until: now.Add(identityTTL)}
}
