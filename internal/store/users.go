package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// User is an account of an agency.
type User struct {
	ID           int64  `json:"id"`
	AgencyID     int64  `json:"-"`
	Agency       string `json:"agency"`
	Name         string `json:"name"`
	Role         string `json:"role"`
	PasswordHash string `json:"-"`
	TOTPSecret   string `json:"-"`
	TOTPLastStep int64  `json:"-"`
	HasTOTP      bool   `json:"totp"`
	Disabled     bool   `json:"disabled"`
	CreatedAt    string `json:"created_at"`
}

// AddUser creates a user; the name must be new (ErrExists).
func (s *Store) AddUser(ctx context.Context, u User) (User, error) {
	if u.Name == "" || u.AgencyID == 0 || u.Role == "" || u.PasswordHash == "" {
		return u, errors.New("a user needs a name, an agency, a role and a password")
	}
	u.CreatedAt = now()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, s.rebind(`SELECT COUNT(*) FROM users WHERE name = ?`), u.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrExists
		}
		return tx.QueryRowContext(ctx, s.rebind(`INSERT INTO users (agency_id, name, role, password_hash, totp_secret, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
			u.AgencyID, u.Name, u.Role, u.PasswordHash, nullable(u.TOTPSecret), u.CreatedAt).Scan(&u.ID)
	})
	if err != nil {
		return u, fmt.Errorf("add user %s: %w", u.Name, err)
	}
	u.HasTOTP = u.TOTPSecret != ""
	return u, nil
}

const userColumns = `u.id, u.agency_id, a.name, u.name, u.role, u.password_hash, COALESCE(u.totp_secret, ''), u.totp_last_step, u.disabled, u.created_at
	FROM users u JOIN agency a ON a.id = u.agency_id`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.AgencyID, &u.Agency, &u.Name, &u.Role, &u.PasswordHash, &u.TOTPSecret, &u.TOTPLastStep, &u.Disabled, &u.CreatedAt)
	u.HasTOTP = u.TOTPSecret != ""
	return u, err
}

// UserByName finds a user.
func (s *Store) UserByName(ctx context.Context, name string) (User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, s.rebind(`SELECT `+userColumns+` WHERE u.name = ?`), name))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("user %s: %w", name, ErrNotFound)
	}
	return u, err
}

// Users lists users, of one agency when agencyID is not 0, by name.
func (s *Store) Users(ctx context.Context, agencyID int64) ([]User, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT `+userColumns+` WHERE (? = 0 OR u.agency_id = ?) ORDER BY u.name`), agencyID, agencyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UpdateUser stores a user's role, password hash, TOTP secret and last
// step, and whether they are disabled.
func (s *Store) UpdateUser(ctx context.Context, u User) error {
	res, err := s.db.ExecContext(ctx, s.rebind(`UPDATE users SET role = ?, password_hash = ?, totp_secret = ?, totp_last_step = ?, disabled = ? WHERE id = ?`),
		u.Role, u.PasswordHash, nullable(u.TOTPSecret), u.TOTPLastStep, u.Disabled, u.ID)
	if err != nil {
		return fmt.Errorf("update user %s: %w", u.Name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("user %s: %w", u.Name, ErrNotFound)
	}
	return nil
}

// Token is an API token's record (never the token).
type Token struct {
	ID         int64  `json:"id"`
	UserID     int64  `json:"-"`
	User       string `json:"user"`
	Scope      string `json:"scope"`
	CreatedAt  string `json:"created_at"`
	ExpiresAt  string `json:"expires_at,omitempty"`
	RevokedAt  string `json:"revoked_at,omitempty"`
	LastUsedAt string `json:"last_used_at,omitempty"`
}

// AddToken records a token by its hash.
func (s *Store) AddToken(ctx context.Context, t Token, hash string) (Token, error) {
	t.CreatedAt = now()
	err := s.db.QueryRowContext(ctx, s.rebind(`INSERT INTO api_token (user_id, hash, scope, created_at, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id`),
		t.UserID, hash, t.Scope, t.CreatedAt, nullable(t.ExpiresAt)).Scan(&t.ID)
	if err != nil {
		return t, fmt.Errorf("add token: %w", err)
	}
	return t, nil
}

const tokenColumns = `t.id, t.user_id, u.name, t.scope, t.created_at, COALESCE(t.expires_at, ''), COALESCE(t.revoked_at, ''), COALESCE(t.last_used_at, '')
	FROM api_token t JOIN users u ON u.id = t.user_id`

func scanToken(row interface{ Scan(...any) error }) (Token, error) {
	var t Token
	err := row.Scan(&t.ID, &t.UserID, &t.User, &t.Scope, &t.CreatedAt, &t.ExpiresAt, &t.RevokedAt, &t.LastUsedAt)
	return t, err
}

// TokenByHash finds a token by its hash (revoked and expired ones too:
// the caller decides).
func (s *Store) TokenByHash(ctx context.Context, hash string) (Token, error) {
	t, err := scanToken(s.db.QueryRowContext(ctx, s.rebind(`SELECT `+tokenColumns+` WHERE t.hash = ?`), hash))
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("token: %w", ErrNotFound)
	}
	return t, err
}

// Tokens lists the tokens of a user, or of every user of an agency when
// userID is 0.
func (s *Store) Tokens(ctx context.Context, agencyID, userID int64) ([]Token, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT `+tokenColumns+` WHERE u.agency_id = ? AND (? = 0 OR t.user_id = ?) ORDER BY t.id`), agencyID, userID, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken marks a token of an agency revoked; another agency's is
// ErrNotFound.
func (s *Store) RevokeToken(ctx context.Context, agencyID, id int64) error {
	res, err := s.db.ExecContext(ctx, s.rebind(`UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL
		AND user_id IN (SELECT id FROM users WHERE agency_id = ?)`), now(), id, agencyID)
	if err != nil {
		return fmt.Errorf("revoke token #%d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("token #%d (or already revoked): %w", id, ErrNotFound)
	}
	return nil
}

// TokenHolder is a token with its user, as a request is let in by.
type TokenHolder struct {
	Token Token
	User  User
}

// TokenHolderByHash finds a token and its user in one read, through the
// read pool: every request to the server makes it.
func (s *Store) TokenHolderByHash(ctx context.Context, hash string) (TokenHolder, error) {
	var h TokenHolder
	t, u := &h.Token, &h.User
	err := s.read.QueryRowContext(ctx, s.rebind(`SELECT t.id, t.user_id, u.name, t.scope, t.created_at, COALESCE(t.expires_at, ''), COALESCE(t.revoked_at, ''),
		COALESCE(t.last_used_at, ''), u.id, u.agency_id, a.name, u.name, u.role, u.password_hash, COALESCE(u.totp_secret, ''), u.totp_last_step, u.disabled, u.created_at
		FROM api_token t JOIN users u ON u.id = t.user_id JOIN agency a ON a.id = u.agency_id WHERE t.hash = ?`), hash).Scan(
		&t.ID, &t.UserID, &t.User, &t.Scope, &t.CreatedAt, &t.ExpiresAt, &t.RevokedAt, &t.LastUsedAt,
		&u.ID, &u.AgencyID, &u.Agency, &u.Name, &u.Role, &u.PasswordHash, &u.TOTPSecret, &u.TOTPLastStep, &u.Disabled, &u.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return h, fmt.Errorf("token: %w", ErrNotFound)
	}
	u.HasTOTP = u.TOTPSecret != ""
	return h, err
}
