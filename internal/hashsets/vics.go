package hashsets

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ariadne-vid/ariadne/internal/digest"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/store"
)

// VICS JSON (Project VIC's data model) has two versions and, in each, two
// shapes, named by the fragment of the metadata URL:
//
//	1.x  {"odata.metadata": ".../1.3.xml#Cases", "value": [ {Case..., "Media": [Media, ...]} ]}
//	1.x  {"odata.metadata": ".../1.3.xml#Media", "value": [Media, ...]}
//	2.0  {"@odata.context": ".../2.0.xml/US/$metadata#Cases", "value": [ {Case..., "Media": [...]} ]}
//	2.0  {"@odata.context": ".../$metadata#Media", "value": [Media, ...]}
//
// Without a fragment, 1.x files are cases and 2.0 files media, as the
// first writers made them. The profile segment of the URL (/US/, /UK/,
// /Default/...) does not change the shape. Either is read as a token
// stream: a case's or a file's media are handled one at a time, so memory
// stays constant however many there are.

// vicsMedia is the part of a VICS Media object Ariadne maps to columns.
// Everything else in the object is kept, as JSON, in the entry's Extra.
type vicsMedia struct {
	MediaID            json.RawMessage `json:"MediaID"`
	Category           json.RawMessage `json:"Category"`
	MD5                string          `json:"MD5"`
	SHA1               string          `json:"SHA1"`
	PhotoDNA           string          `json:"PhotoDNA"`
	MediaSize          json.RawMessage `json:"MediaSize"`
	Series             string          `json:"Series"`
	Tags               json.RawMessage `json:"Tags"`
	Comments           string          `json:"Comments"`
	VictimIdentified   flexBool        `json:"VictimIdentified"`
	OffenderIdentified flexBool        `json:"OffenderIdentified"`
	IsDistributed      flexBool        `json:"IsDistributed"`
	IsPrecategorized   flexBool        `json:"IsPrecategorized"`
	MimeType           string          `json:"MimeType"`
	DateUpdated        string          `json:"DateUpdated"`
	RelativeFilePath   string          `json:"RelativeFilePath"`
	AlternativeHashes  []vicsAltHash   `json:"AlternativeHashes"`
}

type vicsAltHash struct {
	HashName  string `json:"HashName"`
	HashValue string `json:"HashValue"`
}

// mapped names the keys vicsMedia takes; the others go to Extra.
var mapped = map[string]bool{"MediaID": true, "Category": true, "MD5": true, "SHA1": true, "PhotoDNA": true, "MediaSize": true,
	"Series": true, "Tags": true, "Comments": true, "VictimIdentified": true, "OffenderIdentified": true, "IsDistributed": true,
	"IsPrecategorized": true, "MimeType": true, "DateUpdated": true, "RelativeFilePath": true, "AlternativeHashes": true}

// flexBool reads the flags real exports write: true, "true", "True", 1,
// "1", "yes", false..., and null (unknown).
type flexBool struct {
	set, v bool
}

func (b *flexBool) UnmarshalJSON(data []byte) error {
	s := strings.ToLower(strings.Trim(strings.TrimSpace(string(data)), `"`))
	switch s {
	case "null", "":
		*b = flexBool{}
	case "true", "1", "yes", "y":
		*b = flexBool{true, true}
	case "false", "0", "no", "n":
		*b = flexBool{true, false}
	default:
		return fmt.Errorf("flag %s is not true or false", data)
	}
	return nil
}

func (b flexBool) ptr() *bool {
	if !b.set {
		return nil
	}
	v := b.v
	return &v
}

// lineReader counts lines so that a record's position in the stream can
// be named; it keeps only the newlines not yet asked about.
type lineReader struct {
	r        io.Reader
	offset   int64
	newlines []int64
	line     int
}

func (l *lineReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		if c == '\n' {
			l.newlines = append(l.newlines, l.offset+int64(i))
		}
	}
	l.offset += int64(n)
	return n, err
}

// lineAt is the 1-based line of byte offset off (offsets only grow).
func (l *lineReader) lineAt(off int64) int {
	k := 0
	for k < len(l.newlines) && l.newlines[k] < off {
		k++
	}
	l.line += k
	l.newlines = l.newlines[k:]
	return l.line + 1
}

// ReadVICS reads a VICS JSON file of either version. categoryScheme is
// recorded with each category (VICS categories are numbers whose meaning
// depends on the profile: Project VIC US, Canada, UK CAID...).
func ReadVICS(r io.Reader, categoryScheme string, sink Sink) (Report, error) {
	var rep Report
	lr := &lineReader{r: r}
	br := bufio.NewReaderSize(lr, 1<<16)
	skipBOM(br)
	dec := json.NewDecoder(br)
	dec.UseNumber()
	if err := expectDelim(dec, '{'); err != nil {
		return rep, fmt.Errorf("VICS JSON: %w", err)
	}
	version, cases := "", false
	var declared []declaredCount
	for dec.More() {
		key, err := stringToken(dec)
		if err != nil {
			return rep, err
		}
		switch key {
		case "odata.metadata", "@odata.context":
			var url string
			if err := dec.Decode(&url); err != nil {
				return rep, fmt.Errorf("VICS JSON %q: %w", key, err)
			}
			version = "2.0"
			if key == "odata.metadata" {
				version = "1.x"
			}
			cases = version == "1.x"
			if _, frag, ok := strings.Cut(url, "#"); ok {
				switch strings.ToLower(frag) {
				case "cases", "case":
					cases = true
				case "media":
					cases = false
				default:
					return rep, fmt.Errorf("VICS JSON %s %q: the fragment names neither Cases nor Media", key, url)
				}
			}
		case "value":
			if version == "" {
				return rep, errors.New("VICS JSON: \"value\" before \"odata.metadata\" or \"@odata.context\": cannot tell the version")
			}
			if err := expectDelim(dec, '['); err != nil {
				return rep, fmt.Errorf("VICS JSON value: %w", err)
			}
			for dec.More() {
				if !cases {
					if err := readMedia(dec, lr, categoryScheme, sink, &rep); err != nil {
						return rep, err
					}
					continue
				}
				rep.Cases++
				d, err := readCase(dec, lr, categoryScheme, sink, &rep)
				if err != nil {
					return rep, err
				}
				declared = append(declared, d...)
			}
			if err := expectDelim(dec, ']'); err != nil {
				return rep, err
			}
		default:
			var v any
			if err := dec.Decode(&v); err != nil {
				return rep, fmt.Errorf("VICS JSON %q: %w", key, err)
			}
			if n, ok := countOf(key, v); ok {
				declared = append(declared, declaredCount{key, n, -1})
			}
		}
	}
	if version == "" {
		return rep, errors.New("VICS JSON: no odata.metadata (1.x) or @odata.context (2.0)")
	}
	if rep.Records == 0 {
		shape := "Media"
		if cases {
			shape = fmt.Sprintf("Cases (%d cases)", rep.Cases)
		}
		return rep, fmt.Errorf("VICS JSON %s in the %s shape: no media in the file", version, shape)
	}
	// Summary counters in real exports do not always agree with the
	// records: the records are what counts, and the user is told.
	for _, d := range declared {
		got := rep.Records
		if d.actual >= 0 {
			got = d.actual
		}
		if d.n != got {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s says %d media, the file holds %d; the records were counted", d.key, d.n, got))
		}
	}
	return rep, nil
}

type declaredCount struct {
	key    string
	n      int
	actual int // -1: compare with all records
}

// countOf recognises a media counter.
func countOf(key string, v any) (int, bool) {
	switch key {
	case "MediaCount", "@odata.count", "odata.count", "TotalMediaCount":
	default:
		return 0, false
	}
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	case string:
		i, err := strconv.Atoi(n)
		return i, err == nil
	}
	return 0, false
}

// provenanceKeys are the case-level fields kept as a set's provenance.
var provenanceKeys = []string{"CaseID", "CaseNumber", "SourceApplicationName", "SourceApplicationVersion", "ContactName", "ContactEmail", "ContactOrganization", "Agency"}

// addProvenance keeps a case-level field (the first value of each).
func (r *Report) addProvenance(key string, v any) {
	if !slices.Contains(provenanceKeys, key) {
		return
	}
	var text string
	switch x := v.(type) {
	case string:
		text = strings.TrimSpace(x)
	case json.Number:
		text = x.String()
	default:
		return
	}
	if text == "" {
		return
	}
	if r.Provenance == nil {
		r.Provenance = map[string]string{}
	}
	if _, seen := r.Provenance[key]; !seen {
		r.Provenance[key] = text
	}
}

// readCase reads a Case object, streaming its Media array.
func readCase(dec *json.Decoder, lr *lineReader, scheme string, sink Sink, rep *Report) ([]declaredCount, error) {
	if err := expectDelim(dec, '{'); err != nil {
		return nil, fmt.Errorf("VICS case: %w", err)
	}
	var declared []declaredCount
	before := rep.Records
	for dec.More() {
		key, err := stringToken(dec)
		if err != nil {
			return nil, err
		}
		if key == "Media" {
			if err := expectDelim(dec, '['); err != nil {
				return nil, fmt.Errorf("VICS case Media: %w", err)
			}
			for dec.More() {
				if err := readMedia(dec, lr, scheme, sink, rep); err != nil {
					return nil, err
				}
			}
			if err := expectDelim(dec, ']'); err != nil {
				return nil, err
			}
			continue
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("VICS case %q: %w", key, err)
		}
		if n, ok := countOf(key, v); ok {
			declared = append(declared, declaredCount{"case " + key, n, -2})
		}
		rep.addProvenance(key, v)
	}
	for i := range declared {
		declared[i].actual = rep.Records - before
	}
	return declared, expectDelim(dec, '}')
}

// readMedia reads one Media object and hands it to the sink.
func readMedia(dec *json.Decoder, lr *lineReader, scheme string, sink Sink, rep *Report) error {
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return fmt.Errorf("line %d: %w", lr.lineAt(dec.InputOffset()), err)
	}
	// The raw object is the input's bytes, so it started len(raw) back.
	line := lr.lineAt(dec.InputOffset() - int64(len(raw)))
	rep.Records++
	e, err := mediaEntry(raw, scheme)
	if err != nil {
		sink.reject(rep, line, "%v", err)
		return nil
	}
	return sink.accept(rep, e)
}

// mediaEntry maps one Media object.
func mediaEntry(raw json.RawMessage, scheme string) (store.Entry, error) {
	var e store.Entry
	var m vicsMedia
	if err := json.Unmarshal(raw, &m); err != nil {
		return e, fmt.Errorf("media object: %w", err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return e, fmt.Errorf("media object: %w", err)
	}
	var err error
	if m.MD5 != "" {
		if e.MD5, err = digest.NormHex(digest.MD5, m.MD5); err != nil {
			return e, err
		}
	}
	if m.SHA1 != "" {
		if e.SHA1, err = digest.NormHex(digest.SHA1, m.SHA1); err != nil {
			return e, err
		}
	}
	var otherHashes []vicsAltHash
	for _, a := range m.AlternativeHashes {
		if handled, err := setMediaSignal(&e, a.HashName, a.HashValue); handled {
			if err != nil {
				return e, fmt.Errorf("AlternativeHashes: %w", err)
			}
			continue
		}
		kind, kerr := digest.ParseHashKind(a.HashName)
		if kerr != nil || kind == digest.MD5 || kind == digest.SHA1 {
			otherHashes = append(otherHashes, a)
			continue
		}
		v, err := digest.NormHex(kind, a.HashValue)
		if err != nil {
			return e, fmt.Errorf("AlternativeHashes: %w", err)
		}
		set(&e, kind, v)
	}
	e.PhotoDNA = m.PhotoDNA
	if cat := strings.Trim(string(m.Category), `" `); cat != "" && cat != "null" {
		e.Category = &cat
		e.CategoryScheme = scheme
	}
	if s := strings.Trim(string(m.MediaSize), `" `); s != "" && s != "null" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return e, fmt.Errorf("MediaSize %s is not a size", m.MediaSize)
		}
		e.Size = &n
	}
	e.Series, e.Comments, e.MIME, e.DateUpdated, e.FileName = m.Series, m.Comments, m.MimeType, m.DateUpdated, m.RelativeFilePath
	if len(m.Tags) > 0 && string(m.Tags) != "null" {
		var s string
		if json.Unmarshal(m.Tags, &s) == nil {
			e.Tags = s
		} else {
			all["Tags"] = m.Tags // not a string: keep it as it came
		}
	}
	e.VictimIdentified, e.OffenderIdentified = m.VictimIdentified.ptr(), m.OffenderIdentified.ptr()
	e.IsDistributed, e.IsPrecategorized = m.IsDistributed.ptr(), m.IsPrecategorized.ptr()
	if keyOf(&e) == "" && e.PhotoDNA == "" {
		return e, errors.New("no MD5, SHA1, SHA256, PDQ, PhotoDNA, vPDQ or Chromaprint")
	}
	id := strings.Trim(string(m.MediaID), `" `)
	if id != "" && id != "null" {
		e.Key = "vics:" + id
	} else if e.Key = keyOf(&e); e.Key == "" {
		e.Key = "photodna:" + e.PhotoDNA
	}
	extra := map[string]json.RawMessage{}
	for k, v := range all {
		if !mapped[k] || k == "Tags" && e.Tags == "" && string(v) != "null" {
			extra[k] = v
		}
	}
	if len(otherHashes) > 0 {
		extra["AlternativeHashes"], _ = json.Marshal(otherHashes)
	}
	if len(m.MediaID) > 0 {
		extra["MediaID"] = m.MediaID // number or string, as it came
	}
	if len(extra) > 0 {
		b, err := json.Marshal(extra)
		if err != nil {
			return e, err
		}
		e.Extra = string(b)
	}
	return e, nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q, found %v", want, t)
	}
	return nil
}

func stringToken(dec *json.Decoder) (string, error) {
	t, err := dec.Token()
	if err != nil {
		return "", err
	}
	s, ok := t.(string)
	if !ok {
		return "", fmt.Errorf("expected an object key, found %v", t)
	}
	return s, nil
}

// vicsContext is the 2.0 header Ariadne writes.
const vicsContext = "http://github.com/VICSDATAMODEL/ProjectVic.svc/$metadata#Media"

// WriteVICS writes entries as VICS JSON 2.0, one Media object a line.
// Reading it back gives the same entries.
func WriteVICS(w io.Writer, each func(func(store.Entry) error) error) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintf(bw, "{\n\"@odata.context\": %q,\n\"value\": [\n", vicsContext)
	first := true
	err := each(func(e store.Entry) error {
		if e.Tombstone {
			return nil
		}
		obj, err := mediaObject(e)
		if err != nil {
			return fmt.Errorf("entry %s: %w", e.Key, err)
		}
		if !first {
			bw.WriteString(",\n")
		}
		first = false
		_, err = bw.Write(obj)
		return err
	})
	if err != nil {
		return err
	}
	bw.WriteString("\n]\n}\n")
	return bw.Flush()
}

// mediaObject builds one Media object: the columns, then what Extra kept.
func mediaObject(e store.Entry) ([]byte, error) {
	obj := map[string]any{}
	if e.Extra != "" {
		var extra map[string]json.RawMessage
		if err := json.Unmarshal([]byte(e.Extra), &extra); err != nil {
			return nil, fmt.Errorf("extra: %w", err)
		}
		for k, v := range extra {
			obj[k] = v
		}
	}
	if _, ok := obj["MediaID"]; !ok && strings.HasPrefix(e.Key, "vics:") {
		obj["MediaID"] = strings.TrimPrefix(e.Key, "vics:")
	}
	put := func(k, v string) {
		if v != "" {
			obj[k] = v
		}
	}
	put("MD5", e.MD5)
	put("SHA1", e.SHA1)
	put("PhotoDNA", e.PhotoDNA)
	put("Series", e.Series)
	put("Tags", e.Tags)
	put("Comments", e.Comments)
	put("MimeType", e.MIME)
	put("DateUpdated", e.DateUpdated)
	put("RelativeFilePath", e.FileName)
	if e.Category != nil {
		if n, err := strconv.Atoi(*e.Category); err == nil {
			obj["Category"] = n
		} else {
			obj["Category"] = *e.Category
		}
	}
	if e.Size != nil {
		obj["MediaSize"] = *e.Size
	}
	for k, b := range map[string]*bool{"VictimIdentified": e.VictimIdentified, "OffenderIdentified": e.OffenderIdentified,
		"IsDistributed": e.IsDistributed, "IsPrecategorized": e.IsPrecategorized} {
		if b != nil {
			obj[k] = *b
		}
	}
	var alt []vicsAltHash
	if e.SHA256 != "" {
		alt = append(alt, vicsAltHash{"SHA256", e.SHA256})
	}
	if e.PDQ != "" {
		alt = append(alt, vicsAltHash{"PDQ", e.PDQ})
	}
	if e.VPDQ != "" {
		alt = append(alt, vicsAltHash{"vPDQ", e.VPDQ})
	}
	if e.Chromaprint != "" {
		alt = append(alt, vicsAltHash{"Chromaprint", e.Chromaprint})
	}
	if raw, ok := obj["AlternativeHashes"].(json.RawMessage); ok {
		var others []vicsAltHash
		if err := json.Unmarshal(raw, &others); err == nil {
			alt = append(alt, others...)
		}
	}
	if len(alt) > 0 {
		obj["AlternativeHashes"] = alt
	} else {
		delete(obj, "AlternativeHashes")
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(obj); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
