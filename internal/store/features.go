package store

import (
	"context"
	"fmt"
)

// MediaFeatures calls fn for the local features of version of every
// media that has them, by media ID; onlyKnown keeps media matched to a
// known-bad entry.
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

// KnownEntriesOf returns, for each media, the known-bad entries it
// matched by any signal but local features: what a copy of it found by
// its local features is near.
func (s *Store) KnownEntriesOf(ctx context.Context, mediaIDs []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	err := inChunks(mediaIDs, func(ph string, args []any) error {
		rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT DISTINCT mt.media_id, mt.entry_id FROM matches mt JOIN hashset_entry e ON e.id = mt.entry_id
			JOIN hashset h ON h.id = e.hashset_id WHERE h.kind = 'known-bad' AND mt.signal_type <> '`+SignalLocalFeatures+`' AND mt.media_id IN (`+ph+`)
			ORDER BY mt.media_id, mt.entry_id`), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m, e int64
			if err := rows.Scan(&m, &e); err != nil {
				return err
			}
			out[m] = append(out[m], e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("known entries of media: %w", err)
	}
	return out, nil
}

// ExhibitMediaIDs returns the media of an exhibit's recorded files.
func (s *Store) ExhibitMediaIDs(ctx context.Context, exhibitID int64) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT DISTINCT media_id FROM file WHERE exhibit_id = ? AND media_id IS NOT NULL ORDER BY media_id`), exhibitID)
	if err != nil {
		return nil, fmt.Errorf("media of exhibit: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
