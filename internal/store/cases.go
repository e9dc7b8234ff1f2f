package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Case is an investigation.
type Case struct {
	ID       int64  `json:"id"`
	Number   string `json:"number"`
	Title    string `json:"title"`
	Agency   string `json:"agency,omitempty"`
	AgencyID int64  `json:"-"`
	Status   string `json:"status"`
	OpenedAt string `json:"opened_at,omitempty"`
	ClosedAt string `json:"closed_at,omitempty"`
	Notes    string `json:"notes,omitempty"`
}

// Exhibit is one seized item of a case.
type Exhibit struct {
	ID              int64  `json:"id"`
	CaseNumber      string `json:"case"`
	Label           string `json:"label"`
	Description     string `json:"description,omitempty"`
	SeizedAt        string `json:"seized_at,omitempty"`
	SeizedBy        string `json:"seized_by,omitempty"`
	SeizedWhere     string `json:"seized_where,omitempty"`
	SourcePath      string `json:"source_path,omitempty"`
	AcquisitionHash string `json:"acquisition_hash,omitempty"`
	Notes           string `json:"notes,omitempty"`
}

// nullable stores an empty string (or string-typed value) as NULL.
func nullable[S ~string](s S) any {
	if s == "" {
		return nil
	}
	return string(s)
}

// nullPtr stores a nil pointer as NULL and anything else as its value:
// NULL is "unknown", distinct from 0 or false.
func nullPtr[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// agencyID returns the ID of the named agency, creating it.
func (s *Store) agencyID(ctx context.Context, tx *sql.Tx, name string) (any, error) {
	if name == "" {
		return nil, nil
	}
	if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO agency (name) VALUES (?) ON CONFLICT (name) DO NOTHING`), name); err != nil {
		return nil, err
	}
	var id int64
	err := tx.QueryRowContext(ctx, s.rebind(`SELECT id FROM agency WHERE name = ?`), name).Scan(&id)
	return id, err
}

// CreateCase adds a case; its number must be new.
func (s *Store) CreateCase(ctx context.Context, c Case) (Case, error) {
	if c.Number == "" {
		return c, errors.New("a case needs a number")
	}
	if c.Status == "" {
		c.Status = "open"
	}
	if c.OpenedAt == "" {
		c.OpenedAt = now()
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		agency, err := s.agencyID(ctx, tx, c.Agency)
		if err != nil {
			return err
		}
		if id, ok := agency.(int64); ok {
			c.AgencyID = id
		}
		return tx.QueryRowContext(ctx, s.rebind(`INSERT INTO cases (number, title, agency_id, status, opened_at, closed_at, notes)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			c.Number, c.Title, agency, c.Status, nullable(c.OpenedAt), nullable(c.ClosedAt), nullable(c.Notes)).Scan(&c.ID)
	})
	if err != nil {
		return c, fmt.Errorf("create case %s: %w", c.Number, err)
	}
	return c, nil
}

const caseColumns = `c.id, c.number, c.title, COALESCE(a.name, ''), COALESCE(c.agency_id, 0), c.status, COALESCE(c.opened_at, ''), COALESCE(c.closed_at, ''), COALESCE(c.notes, '')`

func scanCase(row interface{ Scan(...any) error }) (Case, error) {
	var c Case
	err := row.Scan(&c.ID, &c.Number, &c.Title, &c.Agency, &c.AgencyID, &c.Status, &c.OpenedAt, &c.ClosedAt, &c.Notes)
	return c, err
}

// Cases lists every case by number.
func (s *Store) Cases(ctx context.Context) ([]Case, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases c LEFT JOIN agency a ON a.id = c.agency_id ORDER BY c.number`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CaseByNumber finds a case.
func (s *Store) CaseByNumber(ctx context.Context, number string) (Case, error) {
	c, err := scanCase(s.db.QueryRowContext(ctx, s.rebind(`SELECT `+caseColumns+` FROM cases c LEFT JOIN agency a ON a.id = c.agency_id WHERE c.number = ?`), number))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("case %s: %w", number, ErrNotFound)
	}
	return c, err
}

// AddExhibit adds an exhibit to a case; its label must be new in the case.
func (s *Store) AddExhibit(ctx context.Context, e Exhibit) (Exhibit, error) {
	c, err := s.CaseByNumber(ctx, e.CaseNumber)
	if err != nil {
		return e, err
	}
	if e.Label == "" {
		return e, errors.New("an exhibit needs a label")
	}
	err = s.db.QueryRowContext(ctx, s.rebind(`INSERT INTO exhibit (case_id, label, description, seized_at, seized_by, seized_where, source_path, acquisition_hash, notes)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		c.ID, e.Label, nullable(e.Description), nullable(e.SeizedAt), nullable(e.SeizedBy), nullable(e.SeizedWhere),
		nullable(e.SourcePath), nullable(e.AcquisitionHash), nullable(e.Notes)).Scan(&e.ID)
	if err != nil {
		return e, fmt.Errorf("add exhibit %s to case %s: %w", e.Label, e.CaseNumber, err)
	}
	return e, nil
}

// Exhibits lists a case's exhibits by label.
func (s *Store) Exhibits(ctx context.Context, caseNumber string) ([]Exhibit, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT e.id, c.number, e.label, COALESCE(e.description, ''), COALESCE(e.seized_at, ''),
		COALESCE(e.seized_by, ''), COALESCE(e.seized_where, ''), COALESCE(e.source_path, ''), COALESCE(e.acquisition_hash, ''), COALESCE(e.notes, '')
		FROM exhibit e JOIN cases c ON c.id = e.case_id WHERE c.number = ? ORDER BY e.label`), caseNumber)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Exhibit
	for rows.Next() {
		var e Exhibit
		if err := rows.Scan(&e.ID, &e.CaseNumber, &e.Label, &e.Description, &e.SeizedAt, &e.SeizedBy, &e.SeizedWhere, &e.SourcePath, &e.AcquisitionHash, &e.Notes); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ExhibitByLabel finds an exhibit of a case by its label.
func (s *Store) ExhibitByLabel(ctx context.Context, caseNumber, label string) (Exhibit, error) {
	all, err := s.Exhibits(ctx, caseNumber)
	if err != nil {
		return Exhibit{}, err
	}
	for _, e := range all {
		if e.Label == label {
			return e, nil
		}
	}
	return Exhibit{}, fmt.Errorf("exhibit %s of case %s: %w", label, caseNumber, ErrNotFound)
}
