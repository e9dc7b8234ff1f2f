package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ScopedFile is a file of an exhibit with its media and PDQ signal, as a
// report lists it.
type ScopedFile struct {
	Exhibit string
	File    File
	Media   *Media
	PDQ     string
	Quality int
	// Dihedral is the 8 dihedral PDQ hashes, comma separated, when
	// recorded.
	Dihedral string
	// Thumbnail is the PDQ of the embedded EXIF thumbnail, when recorded.
	Thumbnail        string
	ThumbnailQuality int
}

// ScopeFiles calls fn for every file of a case, or of one of its exhibits
// when exhibitID is not 0, by exhibit label and path.
func (s *Store) ScopeFiles(ctx context.Context, caseID, exhibitID int64, fn func(ScopedFile) error) error {
	q := `SELECT x.label, f.id, f.path, COALESCE(f.size, 0), COALESCE(f.modified_at, ''), COALESCE(f.error, ''), COALESCE(f.warning, ''),
		COALESCE(f.class, ''), m.id, COALESCE(m.sha256, ''), COALESCE(m.md5, ''), COALESCE(m.sha1, ''), COALESCE(m.size, 0),
		COALESCE(m.mime, ''), COALESCE(m.width, 0), COALESCE(m.height, 0),
		(SELECT sg.value FROM signal sg WHERE sg.media_id = m.id AND sg.type = 'pdq' ORDER BY sg.id LIMIT 1),
		(SELECT sg.quality FROM signal sg WHERE sg.media_id = m.id AND sg.type = 'pdq' ORDER BY sg.id LIMIT 1),
		(SELECT sg.value FROM signal sg WHERE sg.media_id = m.id AND sg.type = 'pdq-dihedral' ORDER BY sg.id LIMIT 1),
		(SELECT sg.value FROM signal sg WHERE sg.media_id = m.id AND sg.type = 'thumbnail-pdq' ORDER BY sg.id LIMIT 1),
		(SELECT sg.quality FROM signal sg WHERE sg.media_id = m.id AND sg.type = 'thumbnail-pdq' ORDER BY sg.id LIMIT 1)
		FROM file f JOIN exhibit x ON x.id = f.exhibit_id LEFT JOIN media m ON m.id = f.media_id
		WHERE x.case_id = ? AND (? = 0 OR x.id = ?) ORDER BY x.label, f.path`
	rows, err := s.db.QueryContext(ctx, s.rebind(q), caseID, exhibitID, exhibitID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var sf ScopedFile
		var m Media
		var mediaID sql.NullInt64
		var pdq sql.NullString
		var quality sql.NullInt64
		var dihedral, thumb sql.NullString
		var thumbQuality sql.NullInt64
		if err := rows.Scan(&sf.Exhibit, &sf.File.ID, &sf.File.Path, &sf.File.Size, &sf.File.ModifiedAt, &sf.File.Error, &sf.File.Warning,
			&sf.File.Class, &mediaID, &m.SHA256, &m.MD5, &m.SHA1, &m.Size, &m.MIME, &m.Width, &m.Height, &pdq, &quality, &dihedral, &thumb, &thumbQuality); err != nil {
			return err
		}
		if mediaID.Valid {
			m.ID = mediaID.Int64
			sf.Media = &m
			sf.File.MediaID = m.ID
		}
		sf.PDQ, sf.Quality, sf.Dihedral = pdq.String, int(quality.Int64), dihedral.String
		sf.Thumbnail, sf.ThumbnailQuality = thumb.String, int(thumbQuality.Int64)
		if err := fn(sf); err != nil {
			return err
		}
	}
	return rows.Err()
}

// inChunks runs fn on ids 500 at a time, with the placeholders for them.
func inChunks(ids []int64, fn func(placeholders string, args []any) error) error {
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		if err := fn(placeholders(len(chunk)), args); err != nil {
			return err
		}
	}
	return nil
}

// MatchesOf returns the matches of each media, nearest first.
func (s *Store) MatchesOf(ctx context.Context, mediaIDs []int64) (map[int64][]MatchedEntry, error) {
	out := map[int64][]MatchedEntry{}
	err := inChunks(mediaIDs, func(ph string, args []any) error {
		rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT mt.media_id, h.name, h.kind, mt.signal_type, mt.distance, COALESCE(mt.detail, ''), `+entryColumnsOf("e")+`
			FROM matches mt JOIN hashset_entry e ON e.id = mt.entry_id JOIN hashset h ON h.id = e.hashset_id
			WHERE mt.media_id IN (`+ph+`) ORDER BY mt.media_id, mt.distance, h.name, e.entry_key, mt.signal_type`), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var me MatchedEntry
			var detail string
			e, err := scanEntry(rows, &id, &me.HashSet, &me.Kind, &me.SignalType, &me.Distance, &detail)
			if err != nil {
				return err
			}
			me.Entry, me.Detail = e, rawJSON(detail)
			out[id] = append(out[id], me)
		}
		return rows.Err()
	})
	return out, err
}

// Sighting is a place where media was seen.
type Sighting struct {
	Case    string `json:"case"`
	Exhibit string `json:"exhibit"`
	Path    string `json:"path"`
}

// SightingsOf returns every file, in any case of the store, holding each
// media.
func (s *Store) SightingsOf(ctx context.Context, mediaIDs []int64) (map[int64][]Sighting, error) {
	out := map[int64][]Sighting{}
	err := inChunks(mediaIDs, func(ph string, args []any) error {
		rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT f.media_id, c.number, x.label, f.path FROM file f JOIN exhibit x ON x.id = f.exhibit_id
			JOIN cases c ON c.id = x.case_id WHERE f.media_id IN (`+ph+`) ORDER BY f.media_id, c.number, x.label, f.path`), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var sg Sighting
			if err := rows.Scan(&id, &sg.Case, &sg.Exhibit, &sg.Path); err != nil {
				return err
			}
			out[id] = append(out[id], sg)
		}
		return rows.Err()
	})
	return out, err
}

// OtherCaseSignal is the PDQ hash of a media held by another case.
type OtherCaseSignal struct {
	CaseID  int64
	MediaID int64
	PDQ     string
	Type    string // SignalPDQ, or SignalThumbnailPDQ for an embedded thumbnail's
}

// OtherCasesPDQ calls fn once per (case, media, signal) for every PDQ hash,
// the media's own or its embedded thumbnail's, of at least minQuality
// held by a case other than caseID: what a case's material is compared
// with for deconfliction.
func (s *Store) OtherCasesPDQ(ctx context.Context, caseID int64, minQuality int, fn func(OtherCaseSignal) error) error {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT DISTINCT x.case_id, sg.media_id, sg.value, sg.type FROM signal sg
		JOIN file f ON f.media_id = sg.media_id JOIN exhibit x ON x.id = f.exhibit_id
		WHERE sg.type IN (?, ?) AND sg.quality >= ? AND x.case_id <> ?`), SignalPDQ, SignalThumbnailPDQ, minQuality, caseID)
	if err != nil {
		return fmt.Errorf("other cases' PDQ hashes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o OtherCaseSignal
		if err := rows.Scan(&o.CaseID, &o.MediaID, &o.PDQ, &o.Type); err != nil {
			return err
		}
		if err := fn(o); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CaseByID returns a case.
func (s *Store) CaseByID(ctx context.Context, id int64) (Case, error) {
	c, err := scanCase(s.db.QueryRowContext(ctx, s.rebind(`SELECT `+caseColumns+` FROM cases c LEFT JOIN agency a ON a.id = c.agency_id WHERE c.id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("case #%d: %w", id, ErrNotFound)
	}
	return c, err
}
