package auth

import "context"

// Identity is who a request comes from, as the server established it.
type Identity struct {
	User     string
	AgencyID int64
	Agency   string
	Role     Role
	Scope    Scope // of the token it came with
}

type identityKey struct{}

// WithIdentity returns a context carrying id.
func WithIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// IdentityFrom returns the identity a context carries (false: none).
func IdentityFrom(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(identityKey{}).(Identity)
	return id, ok
}
