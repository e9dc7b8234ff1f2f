package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// Media is one unique content, keyed by SHA-256.
type Media struct {
	ID         int64  `json:"id"`
	SHA256     string `json:"sha256"`
	MD5        string `json:"md5"`
	SHA1       string `json:"sha1"`
	Size       int64  `json:"size"`
	MIME       string `json:"mime,omitempty"`
	Width      int    `json:"width,omitempty"`
	Height     int    `json:"height,omitempty"`
	DurationMS int64  `json:"duration_ms,omitempty"`
}

// File is one instance of media inside an exhibit.
type File struct {
	ID         int64  `json:"id"`
	ExhibitID  int64  `json:"exhibit_id"`
	Path       string `json:"path"`
	MediaID    int64  `json:"media_id,omitempty"`
	Size       int64  `json:"size"`
	ModifiedAt string `json:"modified_at,omitempty"`
	AccessedAt string `json:"accessed_at,omitempty"`
	ChangedAt  string `json:"changed_at,omitempty"`
	BornAt     string `json:"born_at,omitempty"`
	Deleted    bool   `json:"deleted,omitempty"`
	Error      string `json:"error,omitempty"`
	Warning    string `json:"warning,omitempty"`
	// Class is the file's triage class (ClassKnown, ...).
	Class Class `json:"class,omitempty"`
}

// Match links media (and the file it was seen as) to a hash-set entry.
type Match struct {
	MediaID      int64  `json:"media_id"`
	FileID       int64  `json:"file_id,omitempty"`
	EntryID      int64  `json:"entry_id"`
	SignalType   string `json:"signal_type"`
	Distance     int    `json:"distance"`
	IndexVersion string `json:"index_version,omitempty"`
	// Detail is what the match rests on, as JSON (segments of a video or
	// audio match), or "".
	Detail string `json:"detail,omitempty"`
}

// SaveMedia stores media by SHA-256 (existing media keep their row) and
// returns its ID.
func (s *Store) SaveMedia(ctx context.Context, m Media) (int64, error) {
	_, err := s.db.ExecContext(ctx, s.rebind(`INSERT INTO media (sha256, md5, sha1, size, mime, width, height, duration_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`),
		m.SHA256, m.MD5, m.SHA1, m.Size, nullable(m.MIME), nullZero(m.Width), nullZero(m.Height), nullZero(m.DurationMS))
	if err != nil {
		return 0, fmt.Errorf("save media %s: %w", m.SHA256, err)
	}
	var id int64
	err = s.db.QueryRowContext(ctx, s.rebind(`SELECT id FROM media WHERE sha256 = ?`), m.SHA256).Scan(&id)
	return id, err
}

func nullZero[T int | int64](v T) any {
	if v == 0 {
		return nil
	}
	return v
}

// SaveFile records a file of an exhibit (an existing path is updated).
func (s *Store) SaveFile(ctx context.Context, f File) (int64, error) {
	var media any
	if f.MediaID != 0 {
		media = f.MediaID
	}
	var id int64
	err := s.db.QueryRowContext(ctx, s.rebind(saveFileSQL), f.args(media)...).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("save file %s: %w", f.Path, err)
	}
	return id, nil
}

const saveFileSQL = `INSERT INTO file (exhibit_id, path, media_id, size, modified_at, accessed_at, changed_at, born_at, deleted, error, warning, class)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (exhibit_id, path) DO UPDATE SET media_id = excluded.media_id, size = excluded.size, modified_at = excluded.modified_at,
		accessed_at = excluded.accessed_at, changed_at = excluded.changed_at, born_at = excluded.born_at, deleted = excluded.deleted,
		error = excluded.error, warning = excluded.warning, class = excluded.class
	RETURNING id`

func (f File) args(media any) []any {
	return []any{f.ExhibitID, f.Path, media, f.Size, nullable(f.ModifiedAt), nullable(f.AccessedAt), nullable(f.ChangedAt), nullable(f.BornAt),
		f.Deleted, nullable(f.Error), nullable(f.Warning), nullable(f.Class)}
}

// insertMatchSQL records a match once (media, entry, signal type): one
// already recorded is kept as it is.
const insertMatchSQL = `INSERT INTO matches (media_id, file_id, entry_id, signal_type, distance, matched_at, index_version, detail)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (media_id, entry_id, signal_type) DO NOTHING`

// AddMatch records a match (once: a match already recorded is kept).
func (s *Store) AddMatch(ctx context.Context, m Match) error {
	var file any
	if m.FileID != 0 {
		file = m.FileID
	}
	_, err := s.db.ExecContext(ctx, s.rebind(insertMatchSQL), m.MediaID, file, m.EntryID, m.SignalType, m.Distance, now(), nullable(m.IndexVersion), nullable(m.Detail))
	if err != nil {
		return fmt.Errorf("add match: %w", err)
	}
	return nil
}

// EntryID finds an entry's row by set name and key.
func (s *Store) EntryID(ctx context.Context, hashSet, key string) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, s.rebind(`SELECT e.id FROM hashset_entry e JOIN hashset h ON h.id = e.hashset_id WHERE h.name = ? AND e.entry_key = ?`), hashSet, key).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, fmt.Errorf("entry %s of %s: %w", key, hashSet, ErrNotFound)
	}
	return id, err
}

// rawJSON is a stored detail as JSON (nil when there is none).
func rawJSON(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

// MatchedEntry is a hash-set entry that matched some media.
type MatchedEntry struct {
	HashSet    string          `json:"hashset"`
	Kind       string          `json:"kind"`
	SignalType string          `json:"signal_type"`
	Distance   int             `json:"distance"`
	Detail     json.RawMessage `json:"detail,omitempty"` // see Match.Detail
	Entry      Entry           `json:"entry"`
}

// CaseMedia is one media of a case with where it was seen and what it
// matched.
type CaseMedia struct {
	Media
	Paths   []string       `json:"paths"`
	Matches []MatchedEntry `json:"matches,omitempty"`
}

// CaseMedia calls fn for each media seen in the case's exhibits, in
// SHA-256 order, with its paths and matches.
func (s *Store) CaseMedia(ctx context.Context, caseNumber string, fn func(CaseMedia) error) error {
	c, err := s.CaseByNumber(ctx, caseNumber)
	if err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT DISTINCT m.id, m.sha256, m.md5, m.sha1, m.size, COALESCE(m.mime, ''),
		COALESCE(m.width, 0), COALESCE(m.height, 0), COALESCE(m.duration_ms, 0)
		FROM media m JOIN file f ON f.media_id = m.id JOIN exhibit x ON x.id = f.exhibit_id WHERE x.case_id = ? ORDER BY m.sha256`), c.ID)
	if err != nil {
		return err
	}
	var all []CaseMedia
	for rows.Next() {
		var cm CaseMedia
		if err := rows.Scan(&cm.ID, &cm.SHA256, &cm.MD5, &cm.SHA1, &cm.Size, &cm.MIME, &cm.Width, &cm.Height, &cm.DurationMS); err != nil {
			rows.Close()
			return err
		}
		all = append(all, cm)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, cm := range all {
		paths, err := s.db.QueryContext(ctx, s.rebind(`SELECT x.label || ':' || f.path FROM file f JOIN exhibit x ON x.id = f.exhibit_id
			WHERE f.media_id = ? AND x.case_id = ? ORDER BY 1`), cm.ID, c.ID)
		if err != nil {
			return err
		}
		for paths.Next() {
			var p string
			if err := paths.Scan(&p); err != nil {
				paths.Close()
				return err
			}
			cm.Paths = append(cm.Paths, p)
		}
		paths.Close()
		ms, err := s.db.QueryContext(ctx, s.rebind(`SELECT h.name, h.kind, mt.signal_type, mt.distance, COALESCE(mt.detail, ''), `+entryColumnsOf("e")+`
			FROM matches mt JOIN hashset_entry e ON e.id = mt.entry_id JOIN hashset h ON h.id = e.hashset_id
			WHERE mt.media_id = ? ORDER BY mt.distance, h.name, e.entry_key`), cm.ID)
		if err != nil {
			return err
		}
		for ms.Next() {
			var me MatchedEntry
			var detail string
			e, err := scanEntry(ms, &me.HashSet, &me.Kind, &me.SignalType, &me.Distance, &detail)
			if err != nil {
				ms.Close()
				return err
			}
			me.Entry, me.Detail = e, rawJSON(detail)
			cm.Matches = append(cm.Matches, me)
		}
		ms.Close()
		if err := fn(cm); err != nil {
			return err
		}
	}
	return nil
}

// MediaFile is a file holding a media, with where it was found.
type MediaFile struct {
	Case    string `json:"case"`
	Exhibit string `json:"exhibit"`
	File
}

// AgencyMedia returns a media by SHA-256 and the files holding it in the
// agency's cases; media the agency holds no file of is not found, as if
// absent, whoever else holds it.
func (s *Store) AgencyMedia(ctx context.Context, agencyID int64, sha256 string) (Media, []MediaFile, error) {
	var m Media
	var mime sql.NullString
	var w, h, dur sql.NullInt64
	err := s.db.QueryRowContext(ctx, s.rebind(`SELECT id, sha256, md5, sha1, size, mime, width, height, duration_ms FROM media WHERE sha256 = ?`), sha256).
		Scan(&m.ID, &m.SHA256, &m.MD5, &m.SHA1, &m.Size, &mime, &w, &h, &dur)
	if errors.Is(err, sql.ErrNoRows) {
		return m, nil, fmt.Errorf("media %s: %w", sha256, ErrNotFound)
	}
	if err != nil {
		return m, nil, err
	}
	m.MIME, m.Width, m.Height, m.DurationMS = mime.String, int(w.Int64), int(h.Int64), dur.Int64
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT c.number, x.label, f.id, f.exhibit_id, f.path, COALESCE(f.size, 0), COALESCE(f.modified_at, ''),
		COALESCE(f.accessed_at, ''), COALESCE(f.changed_at, ''), COALESCE(f.born_at, ''), f.deleted
		FROM file f JOIN exhibit x ON x.id = f.exhibit_id JOIN cases c ON c.id = x.case_id
		WHERE f.media_id = ? AND c.agency_id = ? ORDER BY c.number, x.label, f.path`), m.ID, agencyID)
	if err != nil {
		return m, nil, err
	}
	defer rows.Close()
	var files []MediaFile
	for rows.Next() {
		var f MediaFile
		if err := rows.Scan(&f.Case, &f.Exhibit, &f.ID, &f.ExhibitID, &f.Path, &f.Size, &f.ModifiedAt, &f.AccessedAt, &f.ChangedAt, &f.BornAt, &f.Deleted); err != nil {
			return m, nil, err
		}
		f.MediaID = m.ID
		files = append(files, f)
	}
	if err := rows.Err(); err != nil {
		return m, nil, err
	}
	if len(files) == 0 {
		return Media{}, nil, fmt.Errorf("media %s: %w", sha256, ErrNotFound)
	}
	return m, files, nil
}
