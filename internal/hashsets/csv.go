package hashsets

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ariadne-vid/ariadne/internal/digest"
	"io"
	"strconv"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/store"
)

// csvColumns maps accepted header names (lower case, without spaces, dashes
// or underscores) to fields.
var csvColumns = map[string]string{
	"md5": "md5", "sha1": "sha1", "sha256": "sha256", "pdq": "pdq", "photodna": "photodna",
	"id": "key", "key": "key", "mediaid": "key",
	"category": "category", "series": "series", "size": "size", "mediasize": "size", "filesize": "size",
	"mime": "mime", "mimetype": "mime", "filename": "file_name", "name": "file_name", "relativefilepath": "file_name",
	"tags": "tags", "comments": "comments", "notes": "comments",
	"victimidentified": "victim_identified", "offenderidentified": "offender_identified", "isdistributed": "is_distributed",
}

func normColumn(s string) string {
	return strings.NewReplacer(" ", "", "_", "", "-", "").Replace(strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff"))))
}

// ReadCSV reads a CSV file whose header names the columns (md5, sha1,
// sha256, pdq, category, series, id, size, mime, file_name, tags,
// comments, and the VICS flags). Columns it does not know are kept in the
// entry's Extra.
func ReadCSV(r io.Reader, categoryScheme string, sink Sink) (Report, error) {
	var rep Report
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return rep, fmt.Errorf("CSV header: %w", err)
	}
	fields := make([]string, len(header))
	names := make([]string, len(header))
	hasHash := false
	for i, h := range header {
		names[i] = strings.TrimSpace(h)
		fields[i] = csvColumns[normColumn(h)]
		switch fields[i] {
		case "md5", "sha1", "sha256", "pdq", "photodna":
			hasHash = true
		}
	}
	if !hasHash {
		return rep, fmt.Errorf("CSV header %q names no hash column (md5, sha1, sha256, pdq or photodna)", strings.Join(names, ","))
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				rep.Records++
				sink.reject(&rep, pe.Line, "%v", pe.Err)
				continue
			}
			return rep, err
		}
		line, _ := cr.FieldPos(0) // only valid after a record was read
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		rep.Records++
		e, err := csvEntry(rec, fields, names, categoryScheme)
		if err != nil {
			sink.reject(&rep, line, "%v", err)
			continue
		}
		if err := sink.accept(&rep, e); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func csvEntry(rec, fields, names []string, scheme string) (store.Entry, error) {
	var e store.Entry
	if len(rec) != len(fields) {
		return e, fmt.Errorf("%d fields, the header has %d", len(rec), len(fields))
	}
	extra := map[string]string{}
	for i, v := range rec {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		var err error
		switch f := fields[i]; f {
		case "md5", "sha1", "sha256", "pdq":
			var h string
			if h, err = digest.NormHex(digest.HashKind(f), v); err == nil {
				set(&e, digest.HashKind(f), h)
			}
		case "photodna":
			e.PhotoDNA = v
		case "key":
			e.Key = "id:" + v
		case "category":
			e.Category, e.CategoryScheme = &v, scheme
		case "series":
			e.Series = v
		case "size":
			var n int64
			if n, err = strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
				e.Size = &n
			} else {
				err = fmt.Errorf("size %q is not a size", v)
			}
		case "mime":
			e.MIME = v
		case "file_name":
			e.FileName = v
		case "tags":
			e.Tags = v
		case "comments":
			e.Comments = v
		case "victim_identified", "offender_identified", "is_distributed":
			var b flexBool
			if err = b.UnmarshalJSON([]byte(strconv.Quote(v))); err == nil {
				*map[string]**bool{"victim_identified": &e.VictimIdentified, "offender_identified": &e.OffenderIdentified,
					"is_distributed": &e.IsDistributed}[f] = b.ptr()
			}
		default:
			extra[names[i]] = v
		}
		if err != nil {
			return e, fmt.Errorf("column %s: %w", names[i], err)
		}
	}
	if keyOf(&e) == "" && e.PhotoDNA == "" {
		return e, errors.New("no hash in the row")
	}
	if e.Key == "" {
		if e.Key = keyOf(&e); e.Key == "" {
			e.Key = "photodna:" + e.PhotoDNA
		}
	}
	if len(extra) > 0 {
		b, _ := json.Marshal(map[string]any{"csv": extra})
		e.Extra = string(b)
	}
	return e, nil
}

// CSVHeader is the column order WriteCSV uses (and ReadCSV reads back).
var CSVHeader = []string{"id", "md5", "sha1", "sha256", "pdq", "photodna", "category", "series", "size", "mime", "file_name",
	"tags", "comments", "victim_identified", "offender_identified", "is_distributed"}

// WriteCSV writes entries with CSVHeader's columns.
func WriteCSV(w io.Writer, each func(func(store.Entry) error) error) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	flag := func(b *bool) string {
		if b == nil {
			return ""
		}
		return strconv.FormatBool(*b)
	}
	err := each(func(e store.Entry) error {
		if e.Tombstone {
			return nil
		}
		id := ""
		if k, v, ok := strings.Cut(e.Key, ":"); ok && (k == "id" || k == "vics") {
			id = v
		}
		cat, size := "", ""
		if e.Category != nil {
			cat = *e.Category
		}
		if e.Size != nil {
			size = strconv.FormatInt(*e.Size, 10)
		}
		return cw.Write([]string{id, e.MD5, e.SHA1, e.SHA256, e.PDQ, e.PhotoDNA, cat, e.Series, size, e.MIME, e.FileName,
			e.Tags, e.Comments, flag(e.VictimIdentified), flag(e.OffenderIdentified), flag(e.IsDistributed)})
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
