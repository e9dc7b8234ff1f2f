package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Vote is one grader's category for a media under a scheme, in an
// agency. A grader named "set:NAME" is a matched known-set entry.
type Vote struct {
	ID       int64  `json:"id"`
	AgencyID int64  `json:"-"`
	MediaID  int64  `json:"-"`
	SHA256   string `json:"sha256,omitempty"`
	Scheme   string `json:"scheme"`
	Value    string `json:"value"`
	Grader   string `json:"grader"`
	At       string `json:"at"`
}

// AddVotes records votes in one transaction. A vote equal to the same
// grader's latest on the media and scheme is not recorded again, so a
// repeated command or a rematch adds nothing; it reports how many were
// new.
func (s *Store) AddVotes(ctx context.Context, votes []Vote) (int, error) {
	added := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		added = 0
		for _, v := range votes {
			if v.AgencyID == 0 || v.MediaID == 0 || v.Scheme == "" || v.Value == "" || v.Grader == "" {
				return errors.New("a vote needs an agency, a media, a scheme, a value and a grader")
			}
			var last string
			err := tx.QueryRowContext(ctx, s.rebind(`SELECT value FROM category_vote WHERE agency_id = ? AND media_id = ? AND scheme = ? AND grader = ?
				ORDER BY id DESC LIMIT 1`), v.AgencyID, v.MediaID, v.Scheme, v.Grader).Scan(&last)
			if err == nil && last == v.Value {
				continue
			}
			if err := notFound(err); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO category_vote (agency_id, media_id, scheme, value, grader, voted_at) VALUES (?, ?, ?, ?, ?, ?)`),
				v.AgencyID, v.MediaID, v.Scheme, v.Value, v.Grader, now()); err != nil {
				return err
			}
			added++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("record votes: %w", err)
	}
	return added, nil
}

// VotesOf returns an agency's votes on the media (any scheme when scheme
// is ""), oldest first, by media ID.
func (s *Store) VotesOf(ctx context.Context, agencyID int64, mediaIDs []int64, scheme string) (map[int64][]Vote, error) {
	out := map[int64][]Vote{}
	err := inChunks(mediaIDs, func(ph string, args []any) error {
		all := append([]any{agencyID, scheme, scheme}, args...)
		rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT v.id, v.agency_id, v.media_id, m.sha256, v.scheme, v.value, v.grader, v.voted_at
			FROM category_vote v JOIN media m ON m.id = v.media_id
			WHERE v.agency_id = ? AND (? = '' OR v.scheme = ?) AND v.media_id IN (`+ph+`) ORDER BY v.id`), all...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v Vote
			if err := rows.Scan(&v.ID, &v.AgencyID, &v.MediaID, &v.SHA256, &v.Scheme, &v.Value, &v.Grader, &v.At); err != nil {
				return err
			}
			out[v.MediaID] = append(out[v.MediaID], v)
		}
		return rows.Err()
	})
	return out, err
}

// MediaBySHA256 returns the IDs of the media with the SHA-256 values;
// values the store does not hold are left out.
func (s *Store) MediaBySHA256(ctx context.Context, sha256s []string) (map[string]int64, error) {
	out := map[string]int64{}
	args := make([]any, len(sha256s))
	for i, h := range sha256s {
		args[i] = h
	}
	for start := 0; start < len(args); start += 500 {
		chunk := args[start:min(start+500, len(args))]
		rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT sha256, id FROM media WHERE sha256 IN (`+placeholders(len(chunk))+`)`), chunk...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var h string
			var id int64
			if err := rows.Scan(&h, &id); err != nil {
				rows.Close()
				return nil, err
			}
			out[h] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CaseMediaIDs returns the IDs and SHA-256 of every media seen in a
// case, by SHA-256.
func (s *Store) CaseMediaIDs(ctx context.Context, caseID int64) ([]int64, []string, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT DISTINCT m.id, m.sha256 FROM media m JOIN file f ON f.media_id = m.id
		JOIN exhibit x ON x.id = f.exhibit_id WHERE x.case_id = ? ORDER BY m.sha256`), caseID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ids []int64
	var shas []string
	for rows.Next() {
		var id int64
		var h string
		if err := rows.Scan(&id, &h); err != nil {
			return nil, nil, err
		}
		ids, shas = append(ids, id), append(shas, h)
	}
	return ids, shas, rows.Err()
}

// SaveScheme stores (or replaces) a scheme an agency declares, as the
// JSON internal/category reads.
func (s *Store) SaveScheme(ctx context.Context, agencyID int64, name, definition string) error {
	_, err := s.db.ExecContext(ctx, s.rebind(`INSERT INTO category_scheme (agency_id, name, definition, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (agency_id, name) DO UPDATE SET definition = excluded.definition`), agencyID, name, definition, now())
	if err != nil {
		return fmt.Errorf("save scheme %s: %w", name, err)
	}
	return nil
}

// Schemes returns the definitions of the schemes an agency declared, by
// name.
func (s *Store) Schemes(ctx context.Context, agencyID int64) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT name, definition FROM category_scheme WHERE agency_id = ?`), agencyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, err
		}
		out[name] = def
	}
	return out, rows.Err()
}

// SaveMapping stores (or replaces) a mapping between two schemes an
// agency declares, as the JSON internal/category reads.
func (s *Store) SaveMapping(ctx context.Context, agencyID int64, from, to, definition string) error {
	_, err := s.db.ExecContext(ctx, s.rebind(`INSERT INTO category_mapping (agency_id, from_scheme, to_scheme, definition, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (agency_id, from_scheme, to_scheme) DO UPDATE SET definition = excluded.definition`), agencyID, from, to, definition, now())
	if err != nil {
		return fmt.Errorf("save mapping %s → %s: %w", from, to, err)
	}
	return nil
}

// Mappings returns the definitions of an agency's mappings into a scheme,
// by source scheme.
func (s *Store) Mappings(ctx context.Context, agencyID int64, to string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT from_scheme, definition FROM category_mapping WHERE agency_id = ? AND to_scheme = ?`), agencyID, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var from, def string
		if err := rows.Scan(&from, &def); err != nil {
			return nil, err
		}
		out[from] = def
	}
	return out, rows.Err()
}
