package hashsets

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/store"
)

// Contribution is what an agency's own work says of a media, for an
// export: the consensus category under its scheme, the series it
// confirmed, whether a victim or offender it depicts is identified. A
// nil field (or "") says nothing, and the closest match's value is used.
type Contribution struct {
	Category           *string
	Series             string
	VictimIdentified   *bool
	OffenderIdentified *bool
	Baseline           *bool
}

// WriteCaseVICS writes a case's media as VICS JSON 2.0: hashes, size,
// type, every path as MediaFiles, the agency's contribution (contrib,
// by media ID; nil for none) and otherwise the category and series of
// the closest match. Content never leaves: only hashes and metadata.
func WriteCaseVICS(w io.Writer, each func(func(store.CaseMedia) error) error, contrib map[int64]Contribution) error {
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
				e.VictimIdentified, e.OffenderIdentified, e.IsDistributed = best.VictimIdentified, best.OffenderIdentified, best.IsDistributed
			}
			if c, ok := contrib[m.ID]; ok {
				e.Category = cmp.Or(c.Category, e.Category)
				e.Series = cmp.Or(c.Series, e.Series)
				e.VictimIdentified = cmp.Or(c.VictimIdentified, e.VictimIdentified)
				e.OffenderIdentified = cmp.Or(c.OffenderIdentified, e.OffenderIdentified)
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
func WriteCaseCSV(w io.Writer, each func(func(store.CaseMedia) error) error, _ map[int64]Contribution) error {
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

// ICSEHeader is the header of the ICSE-style CSV export, as the ICSE
// database's own export names its columns.
var ICSEHeader = []string{"MD5", "SHA1", "PhotoDNA", "Image ID", "Is distributed", "Victim identified", "Offender identified",
	"Series name", "Number of submissions", "File Available", "Media Type", "Baseline"}

// WriteCaseICSE writes a case's media as the ICSE-style CSV (semicolon
// separated): one row per media, the flags from the agency's
// contribution, else from the closest match; a flag nobody recorded is
// left empty, never "no". Image ID (ICSE's own) and PhotoDNA are left
// empty unless a match carries them; Number of submissions counts the
// files of the case holding the media.
func WriteCaseICSE(w io.Writer, each func(func(store.CaseMedia) error) error, contrib map[int64]Contribution) error {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.Write(ICSEHeader)
	flag := func(b *bool) string {
		switch {
		case b == nil:
			return ""
		case *b:
			return "Yes"
		}
		return "No"
	}
	err := each(func(m store.CaseMedia) error {
		var best store.Entry
		if len(m.Matches) > 0 {
			best = m.Matches[0].Entry
		}
		c := contrib[m.ID]
		mediaType := "Other"
		switch {
		case strings.HasPrefix(m.MIME, "image/"):
			mediaType = "Image"
		case strings.HasPrefix(m.MIME, "video/"):
			mediaType = "Video"
		case strings.HasPrefix(m.MIME, "audio/"):
			mediaType = "Audio"
		}
		return cw.Write([]string{m.MD5, m.SHA1, best.PhotoDNA, "", flag(best.IsDistributed), flag(cmp.Or(c.VictimIdentified, best.VictimIdentified)),
			flag(cmp.Or(c.OffenderIdentified, best.OffenderIdentified)), cmp.Or(c.Series, best.Series), strconv.Itoa(len(m.Paths)), "Yes", mediaType, flag(c.Baseline)})
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
