package store

import (
	"context"
	"database/sql"
	"fmt"
)

// AVSignalsOf returns the video and audio signals of each media.
func (s *Store) AVSignalsOf(ctx context.Context, mediaIDs []int64) (map[int64][]Signal, error) {
	out := map[int64][]Signal{}
	err := inChunks(mediaIDs, func(ph string, args []any) error {
		rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT media_id, type, value, algorithm_version FROM media_av_signal
			WHERE media_id IN (`+ph+`) ORDER BY media_id, type, id`), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var sg Signal
			if err := rows.Scan(&id, &sg.Type, &sg.Value, &sg.Version); err != nil {
				return err
			}
			out[id] = append(out[id], sg)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("video and audio signals: %w", err)
	}
	return out, nil
}

// outranks lists, for each class a match can give, the classes it does
// not replace: a file's class only rises (known > near > ignorable >
// anything else), as ingest's precedence has it.
var outranks = map[Class][]any{
	ClassKnown:     {string(ClassKnown)},
	ClassNear:      {string(ClassKnown), string(ClassNear)},
	ClassIgnorable: {string(ClassKnown), string(ClassNear), string(ClassIgnorable)},
}

// MediaMatches are the matches found for one media and the class they
// give its files.
type MediaMatches struct {
	MediaID int64
	Matches []Match
	Class   Class // ClassKnown, ClassNear or ClassIgnorable
}

// ApplyMatches records matches found after ingest (a hash set imported
// later) and raises the class of every file of those media, in any case,
// to what the matches give: the class follows the media's matches, which
// are facts about the content. Matches already recorded are kept as they
// are. It returns how many matches are new and how many files changed
// class.
func (s *Store) ApplyMatches(ctx context.Context, batch []MediaMatches) (added, reclassified int64, err error) {
	err = s.tx(ctx, func(tx *sql.Tx) error {
		added, reclassified = 0, 0
		match, err := tx.PrepareContext(ctx, s.rebind(insertMatchSQL))
		if err != nil {
			return err
		}
		defer match.Close()
		t := now()
		for _, mm := range batch {
			for _, m := range mm.Matches {
				res, err := match.ExecContext(ctx, mm.MediaID, nil, m.EntryID, m.SignalType, m.Distance, t, nullable(m.IndexVersion), nullable(m.Detail))
				if err != nil {
					return fmt.Errorf("save match of media %d: %w", mm.MediaID, err)
				}
				n, _ := res.RowsAffected()
				added += n
			}
			keep, ok := outranks[mm.Class]
			if !ok {
				return fmt.Errorf("media %d: matches cannot give class %q", mm.MediaID, mm.Class)
			}
			args := append([]any{string(mm.Class), mm.MediaID}, keep...)
			res, err := tx.ExecContext(ctx, s.rebind(`UPDATE file SET class = ? WHERE media_id = ? AND (class IS NULL OR class NOT IN (`+
				placeholders(len(keep))+`))`), args...)
			if err != nil {
				return fmt.Errorf("reclassify files of media %d: %w", mm.MediaID, err)
			}
			n, _ := res.RowsAffected()
			reclassified += n
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return added, reclassified, nil
}
