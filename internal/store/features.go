package store

import (
	"context"
	"fmt"
)

// MediaFeatures calls fn for the local features of version of every
// media that has them, by media ID; onlyKnown keeps known media: those
// exactly (MD5, SHA-1 or SHA-256) an entry of a known-bad set.
func (s *Store) MediaFeatures(ctx context.Context, version string, onlyKnown bool, fn func(mediaID int64, data []byte) error) error {
	q := `SELECT media_id, data FROM media_features WHERE version = ?`
	if onlyKnown {
		q += ` AND media_id IN (SELECT mt.media_id FROM matches mt JOIN hashset_entry e ON e.id = mt.entry_id
			JOIN hashset h ON h.id = e.hashset_id WHERE h.kind = 'known-bad' AND mt.signal_type <> '` + SignalLocalFeatures + `')`
	}
	rows, err := s.db.QueryContext(ctx, s.rebind(q+` ORDER BY media_id`), version)
	if err != nil {
		return fmt.Errorf("local features: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			return err
		}
		if err := fn(id, data); err != nil {
			return err
		}
	}
	return rows.Err()
}

// FeaturesOf returns the local features of version of each media.
func (s *Store) FeaturesOf(ctx context.Context, version string, mediaIDs []int64) (map[int64][]byte, error) {
	out := map[int64][]byte{}
	err := inChunks(mediaIDs, func(ph string, args []any) error {
		rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT media_id, data FROM media_features WHERE version = ? AND media_id IN (`+ph+`)`), append([]any{version}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var data []byte
			if err := rows.Scan(&id, &data); err != nil {
				return err
			}
			out[id] = data
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("local features: %w", err)
	}
	return out, nil
}

// KnownEntriesOf returns, for each media, the known-bad entries it is
// exactly (MD5, SHA-1 or SHA-256): what a copy of it found by its local
// features is near.
func (s *Store) KnownEntriesOf(ctx context.Context, mediaIDs []int64) (map[int64][]int64, error) {
	out, err := s.idPairs(ctx, `SELECT DISTINCT mt.media_id, mt.entry_id FROM matches mt JOIN hashset_entry e ON e.id = mt.entry_id
		JOIN hashset h ON h.id = e.hashset_id WHERE h.kind = 'known-bad' AND mt.signal_type IN ('md5', 'sha1', 'sha256') AND mt.media_id IN (%s)
		ORDER BY mt.media_id, mt.entry_id`, mediaIDs)
	if err != nil {
		return nil, fmt.Errorf("known entries of media: %w", err)
	}
	return out, nil
}

// ExhibitsOfMedia returns the exhibits holding each media.
func (s *Store) ExhibitsOfMedia(ctx context.Context, mediaIDs []int64) (map[int64][]int64, error) {
	out, err := s.idPairs(ctx, `SELECT DISTINCT media_id, exhibit_id FROM file WHERE media_id IN (%s) ORDER BY media_id, exhibit_id`, mediaIDs)
	if err != nil {
		return nil, fmt.Errorf("exhibits of media: %w", err)
	}
	return out, nil
}

// idPairs runs a query of (media ID, other ID) rows over mediaIDs, in
// chunks (the %s of query takes the placeholders), and groups the other
// IDs by media.
func (s *Store) idPairs(ctx context.Context, query string, mediaIDs []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	err := inChunks(mediaIDs, func(ph string, args []any) error {
		rows, err := s.db.QueryContext(ctx, s.rebind(fmt.Sprintf(query, ph)), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m, x int64
			if err := rows.Scan(&m, &x); err != nil {
				return err
			}
			out[m] = append(out[m], x)
		}
		return rows.Err()
	})
	return out, err
}

// SHA256Of returns the SHA-256 of each media.
func (s *Store) SHA256Of(ctx context.Context, mediaIDs []int64) (map[int64]string, error) {
	out := map[int64]string{}
	err := inChunks(mediaIDs, func(ph string, args []any) error {
		rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT id, sha256 FROM media WHERE id IN (`+ph+`)`), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var h string
			if err := rows.Scan(&id, &h); err != nil {
				return err
			}
			out[id] = h
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("SHA-256 of media: %w", err)
	}
	return out, nil
}

// PDQOf returns each media's PDQ hash and quality, and its rotations'
// and mirrors' hashes when recorded (comma separated, as ScopedFile's).
func (s *Store) PDQOf(ctx context.Context, mediaIDs []int64) (map[int64]ScopedFile, error) {
	out := map[int64]ScopedFile{}
	err := inChunks(mediaIDs, func(ph string, args []any) error {
		rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT media_id, type, value, COALESCE(quality, 0) FROM signal
			WHERE type IN (?, ?) AND media_id IN (`+ph+`) ORDER BY media_id, type`), append([]any{SignalPDQ, SignalPDQDihedral}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var typ, value string
			var q int
			if err := rows.Scan(&id, &typ, &value, &q); err != nil {
				return err
			}
			sf := out[id]
			if typ == SignalPDQ {
				sf.PDQ, sf.Quality = value, q
			} else {
				sf.Dihedral = value
			}
			out[id] = sf
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("PDQ hashes of media: %w", err)
	}
	return out, nil
}
