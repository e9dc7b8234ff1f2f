package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/ariadne-vid/ariadne/internal/auth"
	"github.com/ariadne-vid/ariadne/internal/store"
)

// publicRoutes are the only routes served without a token.
var publicRoutes = map[string]bool{"/status": true, "/status/live": true}

// Identity is who a request comes from.
type Identity struct {
	User   string
	Agency string
	Role   auth.Role
}

var errNoIdentity = errors.New("a token is required: Authorization: Bearer TOKEN (ariadne token create)")

// identify finds who a request comes from: a user's API token (Bearer),
// not revoked or expired, of an enabled user; or, for old HMA tooling,
// the deprecated shared API key, which acts as an api user.
func (s *Server) identify(ctx context.Context, r *http.Request) (Identity, error) {
	bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	key := r.Header.Get("X-API-Key")
	if !ok && key == "" {
		return Identity{}, errNoIdentity
	}
	if s.opts.APIKey != "" {
		given := key
		if ok {
			given = bearer
		}
		if subtle.ConstantTimeCompare([]byte(given), []byte(s.opts.APIKey)) == 1 {
			return Identity{User: "api-key", Role: auth.API}, nil
		}
	}
	if !ok || !strings.HasPrefix(bearer, auth.TokenPrefix) {
		return Identity{}, errNoIdentity
	}
	h, err := s.st.TokenHolderByHash(ctx, auth.TokenHash(bearer))
	if errors.Is(err, store.ErrNotFound) {
		return Identity{}, errNoIdentity
	}
	if err != nil {
		return Identity{}, err
	}
	t, u := h.Token, h.User
	if t.RevokedAt != "" || t.ExpiresAt != "" && t.ExpiresAt <= time.Now().UTC().Format(time.RFC3339) || u.Disabled {
		return Identity{}, errNoIdentity
	}
	return Identity{User: u.Name, Agency: u.Agency, Role: auth.Role(u.Role)}, nil
}
