package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Agency is an organisation that owns cases: what other agencies see of
// it is its name, country and contact.
type Agency struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Country string `json:"country,omitempty"`
	// Contact is how another agency reaches it about shared material: a
	// desk or a functional address, not a person's details.
	Contact string `json:"contact,omitempty"`
	// Scheme is the category scheme it grades under by default.
	Scheme string `json:"category_scheme,omitempty"`
	Notes  string `json:"notes,omitempty"`
	// RequireTOTP makes a second factor mandatory for its users.
	RequireTOTP bool `json:"require_totp"`
}

// ErrExists is returned when a record to be created already exists.
var ErrExists = errors.New("already exists")

// AddAgency creates an agency; its name must be new.
func (s *Store) AddAgency(ctx context.Context, a Agency) (Agency, error) {
	if a.Name == "" {
		return a, errors.New("an agency needs a name")
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, s.rebind(`SELECT COUNT(*) FROM agency WHERE name = ?`), a.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrExists
		}
		return tx.QueryRowContext(ctx, s.rebind(`INSERT INTO agency (name, country, contact, category_scheme, notes, require_totp) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
			a.Name, nullable(a.Country), nullable(a.Contact), nullable(a.Scheme), nullable(a.Notes), a.RequireTOTP).Scan(&a.ID)
	})
	if err != nil {
		return a, fmt.Errorf("add agency %s: %w", a.Name, err)
	}
	return a, nil
}

// UpdateAgency sets an agency's country, contact, scheme and notes.
func (s *Store) UpdateAgency(ctx context.Context, a Agency) error {
	res, err := s.db.ExecContext(ctx, s.rebind(`UPDATE agency SET country = ?, contact = ?, category_scheme = ?, notes = ?, require_totp = ? WHERE id = ?`),
		nullable(a.Country), nullable(a.Contact), nullable(a.Scheme), nullable(a.Notes), a.RequireTOTP, a.ID)
	if err != nil {
		return fmt.Errorf("update agency %s: %w", a.Name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("agency %s: %w", a.Name, ErrNotFound)
	}
	return nil
}

const agencyColumns = `id, name, COALESCE(country, ''), COALESCE(contact, ''), COALESCE(category_scheme, ''), COALESCE(notes, ''), require_totp`

func scanAgency(row interface{ Scan(...any) error }) (Agency, error) {
	var a Agency
	err := row.Scan(&a.ID, &a.Name, &a.Country, &a.Contact, &a.Scheme, &a.Notes, &a.RequireTOTP)
	return a, err
}

// AgencyByName finds an agency.
func (s *Store) AgencyByName(ctx context.Context, name string) (Agency, error) {
	a, err := scanAgency(s.db.QueryRowContext(ctx, s.rebind(`SELECT `+agencyColumns+` FROM agency WHERE name = ?`), name))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("agency %s: %w", name, ErrNotFound)
	}
	return a, err
}

// AgencyByID finds an agency.
func (s *Store) AgencyByID(ctx context.Context, id int64) (Agency, error) {
	a, err := scanAgency(s.db.QueryRowContext(ctx, s.rebind(`SELECT `+agencyColumns+` FROM agency WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("agency #%d: %w", id, ErrNotFound)
	}
	return a, err
}

// Agencies lists every agency by name.
func (s *Store) Agencies(ctx context.Context) ([]Agency, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+agencyColumns+` FROM agency ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Agency
	for rows.Next() {
		a, err := scanAgency(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
