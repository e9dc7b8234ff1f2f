package hashsets

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/store"
)

// WriteCaseVICS writes a case's media as VICS JSON 2.0: hashes, size,
// type, every path as MediaFiles, and the category and series of the
// closest match. Content never leaves: only hashes and metadata.
func WriteCaseVICS(w io.Writer, each func(func(store.CaseMedia) error) error) error {
	n := 0
	return WriteVICS(w, func(emit func(store.Entry) error) error {
		return each(func(m store.CaseMedia) error {
			n++
			e := store.Entry{Key: "vics:" + strconv.Itoa(n), MD5: m.MD5, SHA1: m.SHA1, SHA256: m.SHA256, MIME: m.MIME, Size: &m.Size}
			if len(m.Paths) > 0 {
				e.FileName = m.Paths[0]
			}
			if len(m.Matches) > 0 {
				best := m.Matches[0].Entry
				e.Category, e.Series = best.Category, best.Series
				e.VictimIdentified, e.OffenderIdentified = best.VictimIdentified, best.OffenderIdentified
			}
			var files []map[string]string
			for _, p := range m.Paths {
				files = append(files, map[string]string{"FilePath": p})
			}
			extra, err := json.Marshal(map[string]any{"MediaID": n, "MediaFiles": files})
			if err != nil {
				return err
			}
			e.Extra = string(extra)
			return emit(e)
		})
	})
}

// WriteCaseCSV writes a case's media, one row per match (or one row
// without a match).
func WriteCaseCSV(w io.Writer, each func(func(store.CaseMedia) error) error) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"sha256", "md5", "sha1", "size", "mime", "paths", "hashset", "kind", "signal", "distance", "category", "series"})
	err := each(func(m store.CaseMedia) error {
		base := []string{m.SHA256, m.MD5, m.SHA1, strconv.FormatInt(m.Size, 10), m.MIME, strings.Join(m.Paths, ";")}
		if len(m.Matches) == 0 {
			return cw.Write(append(base, "", "", "", "", "", ""))
		}
		for _, x := range m.Matches {
			cat := ""
			if x.Entry.Category != nil {
				cat = *x.Entry.Category
			}
			if err := cw.Write(append(base[:6:6], x.HashSet, x.Kind, x.SignalType, strconv.Itoa(x.Distance), cat, x.Entry.Series)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
