// Package metadata reads what a picture says about itself besides its
// pixels: the camera (make, model, body and lens serials, owner), the
// software, the capture time, the place (GPS), the XMP document IDs that
// survive editing, and the embedded EXIF thumbnail. These tie a series to
// one device, point at a time and place, and link an edited copy to its
// original.
//
// The parsers are written for hostile input: every offset is checked
// against the data, counts and sizes are bounded before anything is
// allocated, IFD chains are followed at most once each and to a bounded
// depth, and a malformed block yields what could be read plus an error,
// never a panic.
package metadata

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// Metadata is what a file says about itself. Its JSON is the "metadata"
// object of ariadne hash; absent fields are left out.
type Metadata struct {
	Make       string `json:"make,omitempty"`
	Model      string `json:"model,omitempty"`
	Serial     string `json:"serial,omitempty"` // the body's serial number
	LensSerial string `json:"lens_serial,omitempty"`
	Owner      string `json:"owner,omitempty"`
	Software   string `json:"software,omitempty"`
	// DateTimeOriginal is ISO 8601, with the offset when
	// OffsetTimeOriginal gives one ("2021-06-01T14:03:22+02:00").
	DateTimeOriginal   string `json:"datetime_original,omitempty"`
	GPS                *GPS   `json:"gps,omitempty"`
	ImageUniqueID      string `json:"image_unique_id,omitempty"`
	DocumentID         string `json:"document_id,omitempty"` // XMP xmpMM:DocumentID
	OriginalDocumentID string `json:"original_document_id,omitempty"`
	InstanceID         string `json:"instance_id,omitempty"`
	ThumbnailPDQ       string `json:"thumbnail_pdq,omitempty"`
	ThumbnailQuality   *int   `json:"thumbnail_pdq_quality,omitempty"`

	// Thumbnail is the embedded EXIF thumbnail (a JPEG), for hashing.
	Thumbnail []byte `json:"-"`
}

// GPS is a position in decimal degrees (south and west negative) and
// metres above sea level.
type GPS struct {
	Lat float64  `json:"lat"`
	Lon float64  `json:"lon"`
	Alt *float64 `json:"alt,omitempty"`
}

// Empty reports whether nothing was found.
func (m *Metadata) Empty() bool {
	if m == nil {
		return true
	}
	// Every field but Thumbnail is in the JSON, and absent ones are
	// left out of it.
	b, err := json.Marshal(m)
	return err == nil && string(b) == "{}" && len(m.Thumbnail) == 0
}

// Limits on what a block may make the parser do.
const (
	maxIFDs       = 32       // IFDs followed in one block
	maxEntries    = 4096     // entries in one IFD
	maxString     = 1024     // bytes of a text value kept
	maxThumbnail  = 1 << 20  // bytes of an embedded thumbnail kept
	maxBlock      = 16 << 20 // bytes of one EXIF block parsed
	tiffHeaderLen = 8
)

// ErrMalformed wraps what a damaged block could not give.
var ErrMalformed = errors.New("malformed metadata")

// FromEXIF reads a TIFF-structured EXIF block (starting with its "II*\0"
// or "MM\0*" header; a leading "Exif\0\0" is skipped) into m.
func (m *Metadata) FromEXIF(b []byte) error {
	b = bytes.TrimPrefix(b, []byte("Exif\x00\x00"))
	if len(b) > maxBlock {
		b = b[:maxBlock]
	}
	t, err := newTIFF(b)
	if err != nil {
		return err
	}
	return t.read(m)
}

// tiff is one TIFF-structured block.
type tiff struct {
	b       []byte
	order   binary.ByteOrder
	visited map[uint32]bool
	errs    []error
}

func newTIFF(b []byte) (*tiff, error) {
	if len(b) < tiffHeaderLen {
		return nil, fmt.Errorf("%w: EXIF block of %d bytes", ErrMalformed, len(b))
	}
	t := &tiff{b: b, visited: map[uint32]bool{}}
	switch string(b[:4]) {
	case "II*\x00":
		t.order = binary.LittleEndian
	case "MM\x00*":
		t.order = binary.BigEndian
	default:
		return nil, fmt.Errorf("%w: no TIFF header", ErrMalformed)
	}
	return t, nil
}

// entry is one IFD entry.
type entry struct {
	tag, typ uint16
	count    uint32
	value    []byte // the value's bytes (inline or at its offset), bounded
	off      uint32 // where value starts in the block
}

// Tags Ariadne reads.
const (
	tagMake             = 0x010F
	tagModel            = 0x0110
	tagSoftware         = 0x0131
	tagThumbOffset      = 0x0201
	tagThumbLength      = 0x0202
	tagExifIFD          = 0x8769
	tagGPSIFD           = 0x8825
	tagDateTimeOriginal = 0x9003
	tagOffsetTimeOrig   = 0x9011
	tagMakerNote        = 0x927C
	tagImageUniqueID    = 0xA420
	tagOwnerName        = 0xA430
	tagBodySerial       = 0xA431
	tagLensSerial       = 0xA435
	tagCameraSerial     = 0xC62F // DNG's CameraSerialNumber, in IFD0
	tagXMP              = 0x02BC
)

var typeSize = map[uint16]uint32{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}

// ifd reads the IFD at off: its entries and the offset of the next IFD.
func (t *tiff) ifd(off uint32) ([]entry, uint32, error) {
	if t.visited[off] || len(t.visited) >= maxIFDs {
		return nil, 0, fmt.Errorf("%w: IFD at %d seen already or too many IFDs", ErrMalformed, off)
	}
	t.visited[off] = true
	if int64(off)+2 > int64(len(t.b)) {
		return nil, 0, fmt.Errorf("%w: IFD offset %d past the block", ErrMalformed, off)
	}
	n := uint32(t.order.Uint16(t.b[off:]))
	if n > maxEntries || int64(off)+2+int64(n)*12 > int64(len(t.b)) {
		return nil, 0, fmt.Errorf("%w: IFD at %d of %d entries does not fit", ErrMalformed, off, n)
	}
	out := make([]entry, 0, n)
	for i := range n {
		p := off + 2 + i*12
		e := entry{tag: t.order.Uint16(t.b[p:]), typ: t.order.Uint16(t.b[p+2:]), count: t.order.Uint32(t.b[p+4:])}
		size, ok := typeSize[e.typ]
		if !ok {
			continue
		}
		total := uint64(size) * uint64(e.count)
		switch {
		case total <= 4:
			e.value, e.off = t.b[p+8:p+8+uint32(total)], p+8
		default:
			voff := uint64(t.order.Uint32(t.b[p+8:]))
			if voff+total > uint64(len(t.b)) {
				t.errs = append(t.errs, fmt.Errorf("%w: tag %#04x value past the block", ErrMalformed, e.tag))
				continue
			}
			e.value, e.off = t.b[voff:voff+total], uint32(voff)
		}
		out = append(out, e)
	}
	next := uint32(0)
	if q := int64(off) + 2 + int64(n)*12; q+4 <= int64(len(t.b)) {
		next = t.order.Uint32(t.b[q:])
	}
	return out, next, nil
}

func (t *tiff) read(m *Metadata) error {
	ifd0, next, err := t.ifd(t.order.Uint32(t.b[4:]))
	if err != nil {
		return err
	}
	var exifOff, gpsOff uint32
	for _, e := range ifd0 {
		switch e.tag {
		case tagMake:
			m.Make = t.text(e)
		case tagModel:
			m.Model = t.text(e)
		case tagSoftware:
			m.Software = t.text(e)
		case tagCameraSerial:
			if m.Serial == "" {
				m.Serial = t.text(e)
			}
		case tagExifIFD:
			exifOff = t.long(e)
		case tagGPSIFD:
			gpsOff = t.long(e)
		case tagXMP:
			m.FromXMP(e.value)
		}
	}
	var makerNote []byte
	var makerNoteOff uint32
	offset := ""
	if exifOff != 0 {
		entries, _, err := t.ifd(exifOff)
		if err != nil {
			t.errs = append(t.errs, err)
		}
		for _, e := range entries {
			switch e.tag {
			case tagDateTimeOriginal:
				m.DateTimeOriginal = t.text(e)
			case tagOffsetTimeOrig:
				offset = t.text(e)
			case tagImageUniqueID:
				m.ImageUniqueID = t.text(e)
			case tagOwnerName:
				m.Owner = t.text(e)
			case tagBodySerial:
				m.Serial = t.text(e) // the standard tag wins over DNG's
			case tagLensSerial:
				m.LensSerial = t.text(e)
			case tagMakerNote:
				makerNote, makerNoteOff = e.value, e.off
			}
		}
	}
	m.DateTimeOriginal = isoTime(m.DateTimeOriginal, offset)
	if gpsOff != 0 {
		if err := t.gps(gpsOff, m); err != nil {
			t.errs = append(t.errs, err)
		}
	}
	if next != 0 {
		if err := t.thumbnail(next, m); err != nil {
			t.errs = append(t.errs, err)
		}
	}
	if m.Serial == "" && len(makerNote) > 0 {
		m.Serial = makerNoteSerial(m.Make, makerNote, makerNoteOff, t)
	}
	return errors.Join(t.errs...)
}

// thumbnail reads IFD1's JPEG thumbnail.
func (t *tiff) thumbnail(off uint32, m *Metadata) error {
	entries, _, err := t.ifd(off)
	if err != nil {
		return err
	}
	var start, length uint32
	for _, e := range entries {
		switch e.tag {
		case tagThumbOffset:
			start = t.long(e)
		case tagThumbLength:
			length = t.long(e)
		}
	}
	if length == 0 {
		return nil
	}
	if length > maxThumbnail || uint64(start)+uint64(length) > uint64(len(t.b)) {
		return fmt.Errorf("%w: thumbnail of %d bytes at %d does not fit", ErrMalformed, length, start)
	}
	m.Thumbnail = t.b[start : start+length]
	return nil
}

// gps reads the GPS IFD.
func (t *tiff) gps(off uint32, m *Metadata) error {
	entries, _, err := t.ifd(off)
	if err != nil {
		return err
	}
	var latRef, lonRef string
	var lat, lon []float64
	var alt []float64
	altBelow := false
	for _, e := range entries {
		switch e.tag {
		case 1:
			latRef = t.text(e)
		case 2:
			lat = t.rationals(e)
		case 3:
			lonRef = t.text(e)
		case 4:
			lon = t.rationals(e)
		case 5:
			altBelow = len(e.value) > 0 && e.value[0] == 1
		case 6:
			alt = t.rationals(e)
		}
	}
	if len(lat) != 3 || len(lon) != 3 {
		return nil
	}
	g := &GPS{Lat: degrees(lat), Lon: degrees(lon)}
	if latRef == "S" {
		g.Lat = -g.Lat
	}
	if lonRef == "W" {
		g.Lon = -g.Lon
	}
	if g.Lat < -90 || g.Lat > 90 || g.Lon < -180 || g.Lon > 180 {
		return fmt.Errorf("%w: GPS position %v, %v out of range", ErrMalformed, g.Lat, g.Lon)
	}
	if len(alt) == 1 {
		a := alt[0]
		if altBelow {
			a = -a
		}
		g.Alt = &a
	}
	m.GPS = g
	return nil
}

func degrees(dms []float64) float64 { return dms[0] + dms[1]/60 + dms[2]/3600 }

// text is an ASCII or UTF-8 value without its NUL padding, bounded.
func (t *tiff) text(e entry) string {
	v := e.value
	if e.typ != 2 && e.typ != 7 && e.typ != 1 {
		return ""
	}
	if i := bytes.IndexByte(v, 0); i >= 0 {
		v = v[:i]
	}
	if len(v) > maxString {
		v = v[:maxString]
	}
	return string(bytes.TrimSpace(v))
}

// long is a SHORT or LONG value.
func (t *tiff) long(e entry) uint32 {
	switch {
	case e.typ == 3 && len(e.value) >= 2:
		return uint32(t.order.Uint16(e.value))
	case e.typ == 4 && len(e.value) >= 4:
		return t.order.Uint32(e.value)
	}
	return 0
}

// rationals are RATIONAL values (a zero denominator gives 0).
func (t *tiff) rationals(e entry) []float64 {
	if e.typ != 5 {
		return nil
	}
	var out []float64
	for i := 0; i+8 <= len(e.value) && len(out) < 8; i += 8 {
		num, den := t.order.Uint32(e.value[i:]), t.order.Uint32(e.value[i+4:])
		if den == 0 {
			out = append(out, 0)
			continue
		}
		out = append(out, float64(num)/float64(den))
	}
	return out
}

// isoTime turns EXIF's "2021:06:01 14:03:22" into ISO 8601, with the
// offset ("+02:00") when given; other text is kept as it is.
func isoTime(s, offset string) string {
	if len(s) < 19 || s[4] != ':' || s[7] != ':' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return s
	}
	out := s[0:4] + "-" + s[5:7] + "-" + s[8:10] + "T" + s[11:19]
	if len(offset) == 6 && (offset[0] == '+' || offset[0] == '-') && offset[3] == ':' {
		out += offset
	}
	return out
}

// DistanceKm is the great-circle distance between two positions, in
// kilometres (haversine, on a sphere of the Earth's mean radius).
func DistanceKm(a, b GPS) float64 {
	const r = 6371.0088
	rad := func(d float64) float64 { return d * math.Pi / 180 }
	dLat, dLon := rad(b.Lat-a.Lat), rad(b.Lon-a.Lon)
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(rad(a.Lat))*math.Cos(rad(b.Lat))*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}
