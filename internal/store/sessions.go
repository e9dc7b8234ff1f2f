package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Session is a web session's record (never its secret).
type Session struct {
	ID         int64
	UserID     int64
	Client     string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	Ended      bool
}

// timeFormat is fixed-width, so that stored times (all UTC) compare as
// text.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

// AddSession records a new session by its secret's hash.
func (s *Store) AddSession(ctx context.Context, userID int64, hash, client string, now, expires time.Time) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, s.rebind(`INSERT INTO web_session (user_id, hash, client, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
		userID, hash, nullable(client), now.UTC().Format(timeFormat), now.UTC().Format(timeFormat), expires.UTC().Format(timeFormat)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add session: %w", err)
	}
	return id, nil
}

// SessionByHash finds a session and its user by the secret's hash.
func (s *Store) SessionByHash(ctx context.Context, hash string) (Session, User, error) {
	var ss Session
	var created, seen, expires string
	var ended sql.NullString
	err := s.read.QueryRowContext(ctx, s.rebind(`SELECT id, user_id, COALESCE(client, ''), created_at, last_seen_at, expires_at, ended_at FROM web_session WHERE hash = ?`), hash).Scan(
		&ss.ID, &ss.UserID, &ss.Client, &created, &seen, &expires, &ended)
	if errors.Is(err, sql.ErrNoRows) {
		return ss, User{}, fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return ss, User{}, err
	}
	ss.CreatedAt, _ = time.Parse(timeFormat, created)
	ss.LastSeenAt, _ = time.Parse(timeFormat, seen)
	ss.ExpiresAt, _ = time.Parse(timeFormat, expires)
	ss.Ended = ended.Valid
	u, err := scanUser(s.read.QueryRowContext(ctx, s.rebind(`SELECT `+userColumns+` WHERE u.id = ?`), ss.UserID))
	return ss, u, err
}

// TouchSession records that a session was used at now.
func (s *Store) TouchSession(ctx context.Context, id int64, now time.Time) error {
	_, err := s.db.ExecContext(ctx, s.rebind(`UPDATE web_session SET last_seen_at = ? WHERE id = ?`), now.UTC().Format(timeFormat), id)
	return err
}

// EndSession ends one session.
func (s *Store) EndSession(ctx context.Context, id int64, now time.Time) error {
	_, err := s.db.ExecContext(ctx, s.rebind(`UPDATE web_session SET ended_at = ? WHERE id = ? AND ended_at IS NULL`), now.UTC().Format(timeFormat), id)
	return err
}

// EndUserSessions ends every session of a user (when they are disabled).
func (s *Store) EndUserSessions(ctx context.Context, userID int64, now time.Time) error {
	_, err := s.db.ExecContext(ctx, s.rebind(`UPDATE web_session SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL`), now.UTC().Format(timeFormat), userID)
	return err
}

// AddLoginFailure records a failed sign-in.
func (s *Store) AddLoginFailure(ctx context.Context, user, client string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, s.rebind(`INSERT INTO login_failure (user_name, client, at) VALUES (?, ?, ?)`), user, client, at.UTC().Format(timeFormat))
	return err
}

// LoginFailuresSince returns the times of the failed sign-ins for a user
// name and for a client since a time, oldest first.
func (s *Store) LoginFailuresSince(ctx context.Context, user, client string, since time.Time) (byUser, byClient []time.Time, err error) {
	read := func(col, v string) ([]time.Time, error) {
		rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT at FROM login_failure WHERE `+col+` = ? AND at >= ? ORDER BY at`), v, since.UTC().Format(timeFormat))
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []time.Time
		for rows.Next() {
			var at string
			if err := rows.Scan(&at); err != nil {
				return nil, err
			}
			t, _ := time.Parse(timeFormat, at)
			out = append(out, t)
		}
		return out, rows.Err()
	}
	if byUser, err = read("user_name", user); err != nil {
		return nil, nil, err
	}
	byClient, err = read("client", client)
	return byUser, byClient, err
}
