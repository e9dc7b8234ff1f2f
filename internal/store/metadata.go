package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/metadata"
)

const insertMetadataSQL = `INSERT INTO media_metadata (media_id, make, model, serial, lens_serial, owner, software, datetime_original,
	gps_lat, gps_lon, gps_alt, image_unique_id, document_id, original_document_id, instance_id)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (media_id) DO NOTHING`

func metadataArgs(mediaID int64, m *metadata.Metadata) []any {
	var lat, lon, alt any
	if m.GPS != nil {
		lat, lon = m.GPS.Lat, m.GPS.Lon
		alt = nullPtr(m.GPS.Alt)
	}
	return []any{mediaID, nullable(m.Make), nullable(m.Model), nullable(m.Serial), nullable(m.LensSerial), nullable(m.Owner), nullable(m.Software),
		nullable(m.DateTimeOriginal), lat, lon, alt, nullable(m.ImageUniqueID), nullable(m.DocumentID), nullable(m.OriginalDocumentID), nullable(m.InstanceID)}
}

// MetadataOf returns the metadata recorded for each media (those with
// none are absent).
func (s *Store) MetadataOf(ctx context.Context, mediaIDs []int64) (map[int64]*metadata.Metadata, error) {
	out := map[int64]*metadata.Metadata{}
	err := inChunks(mediaIDs, func(ph string, args []any) error {
		rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT media_id, COALESCE(make, ''), COALESCE(model, ''), COALESCE(serial, ''), COALESCE(lens_serial, ''),
			COALESCE(owner, ''), COALESCE(software, ''), COALESCE(datetime_original, ''), gps_lat, gps_lon, gps_alt, COALESCE(image_unique_id, ''),
			COALESCE(document_id, ''), COALESCE(original_document_id, ''), COALESCE(instance_id, '') FROM media_metadata WHERE media_id IN (`+ph+`)`), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var m metadata.Metadata
			var lat, lon, alt sql.NullFloat64
			if err := rows.Scan(&id, &m.Make, &m.Model, &m.Serial, &m.LensSerial, &m.Owner, &m.Software, &m.DateTimeOriginal, &lat, &lon, &alt,
				&m.ImageUniqueID, &m.DocumentID, &m.OriginalDocumentID, &m.InstanceID); err != nil {
				return err
			}
			if lat.Valid && lon.Valid {
				m.GPS = &metadata.GPS{Lat: lat.Float64, Lon: lon.Float64}
				if alt.Valid {
					a := alt.Float64
					m.GPS.Alt = &a
				}
			}
			out[id] = &m
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("metadata: %w", err)
	}
	return out, nil
}

// MetadataFilter selects media by what they say about themselves; empty
// fields do not filter. Near and Km select a box around a position (the
// caller keeps those within the exact distance).
type MetadataFilter struct {
	Serial     string // body serial, exactly
	Make       string // camera make and model, each matched ignoring case
	Model      string
	DocumentID string // xmpMM DocumentID or OriginalDocumentID
	TakenFrom  string // ISO 8601, compared as text (same offset assumed)
	TakenTo    string
	Near       *metadata.GPS
	Km         float64
	Limit      int // at most this many (default 1000)
}

// MediaHit is a media found by its metadata, with where it was seen.
type MediaHit struct {
	MediaID   int64              `json:"-"`
	SHA256    string             `json:"sha256"`
	MIME      string             `json:"mime,omitempty"`
	Metadata  *metadata.Metadata `json:"metadata"`
	Sightings []Sighting         `json:"seen_in"`
}

// SearchMetadata finds media by their metadata across the store, by
// SHA-256.
func (s *Store) SearchMetadata(ctx context.Context, f MetadataFilter) ([]MediaHit, error) {
	var where []string
	var args []any
	add := func(cond string, vals ...any) { where = append(where, cond); args = append(args, vals...) }
	if f.Serial != "" {
		add("md.serial = ?", f.Serial)
	}
	if f.Make != "" {
		add("LOWER(md.make) = LOWER(?)", f.Make)
	}
	if f.Model != "" {
		add("LOWER(md.model) = LOWER(?)", f.Model)
	}
	if f.DocumentID != "" {
		add("(md.document_id = ? OR md.original_document_id = ?)", f.DocumentID, f.DocumentID)
	}
	if f.TakenFrom != "" {
		add("md.datetime_original >= ?", f.TakenFrom)
	}
	if f.TakenTo != "" {
		add("md.datetime_original <= ?", f.TakenTo)
	}
	if f.Near != nil {
		// A box that holds the circle: a degree of latitude is 111.2 km,
		// one of longitude that times the cosine of the latitude.
		dLat := f.Km / 111.2
		dLon := 180.0
		if c := math.Cos(f.Near.Lat * math.Pi / 180); c > 0.01 {
			dLon = min(180, f.Km/(111.2*c))
		}
		add("md.gps_lat BETWEEN ? AND ? AND md.gps_lon BETWEEN ? AND ?", f.Near.Lat-dLat, f.Near.Lat+dLat, f.Near.Lon-dLon, f.Near.Lon+dLon)
	}
	if len(where) == 0 {
		return nil, fmt.Errorf("search: no filter given")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT m.id, m.sha256, COALESCE(m.mime, '') FROM media_metadata md JOIN media m ON m.id = md.media_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY m.sha256 LIMIT `+fmt.Sprint(limit)), args...)
	if err != nil {
		return nil, fmt.Errorf("search metadata: %w", err)
	}
	var hits []MediaHit
	var ids []int64
	for rows.Next() {
		var h MediaHit
		if err := rows.Scan(&h.MediaID, &h.SHA256, &h.MIME); err != nil {
			rows.Close()
			return nil, err
		}
		hits = append(hits, h)
		ids = append(ids, h.MediaID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	md, err := s.MetadataOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	seen, err := s.SightingsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range hits {
		hits[i].Metadata, hits[i].Sightings = md[hits[i].MediaID], seen[hits[i].MediaID]
	}
	return hits, nil
}
