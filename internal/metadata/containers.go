package metadata

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Read finds the metadata blocks of a JPEG, PNG, TIFF or WebP file held
// in memory and reads them. HEIF files give their blocks through
// FromEXIF and FromXMP (the imaging package's decoder finds them). It
// returns what it could read and the damage it met, if any; a file
// without metadata gives an empty Metadata and no error.
func Read(data []byte) (*Metadata, error) {
	m := &Metadata{}
	var err error
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8}):
		err = m.fromJPEG(data)
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		err = m.fromPNG(data)
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		err = m.fromTIFFFile(data)
	case len(data) >= 12 && string(data[0:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		err = m.fromWebP(data)
	}
	return m, err
}

var xmpJPEG = []byte("http://ns.adobe.com/xap/1.0/\x00")

// fromJPEG reads the APP1 segments (EXIF and XMP) before the image data.
func (m *Metadata) fromJPEG(b []byte) error {
	var errs []error
	for p := 2; p+4 <= len(b); {
		if b[p] != 0xFF {
			return errors.Join(append(errs, fmt.Errorf("%w: JPEG marker expected at %d", ErrMalformed, p))...)
		}
		marker := b[p+1]
		if marker == 0xFF { // fill byte
			p++
			continue
		}
		if marker == 0xD9 || marker == 0xDA { // end, or the scan: no metadata after it
			break
		}
		if marker >= 0xD0 && marker <= 0xD7 || marker == 0x01 {
			p += 2
			continue
		}
		n := int(binary.BigEndian.Uint16(b[p+2:]))
		if n < 2 || p+2+n > len(b) {
			return errors.Join(append(errs, fmt.Errorf("%w: JPEG segment at %d runs past the file", ErrMalformed, p))...)
		}
		seg := b[p+4 : p+2+n]
		if marker == 0xE1 {
			switch {
			case bytes.HasPrefix(seg, []byte("Exif\x00\x00")):
				if err := m.FromEXIF(seg); err != nil {
					errs = append(errs, err)
				}
			case bytes.HasPrefix(seg, xmpJPEG):
				m.FromXMP(seg[len(xmpJPEG):])
			}
		}
		p += 2 + n
	}
	return errors.Join(errs...)
}

// fromPNG reads the eXIf chunk and XMP in an iTXt chunk.
func (m *Metadata) fromPNG(b []byte) error {
	var errs []error
	for p := 8; p+12 <= len(b); {
		n := binary.BigEndian.Uint32(b[p:])
		typ := string(b[p+4 : p+8])
		if uint64(p)+12+uint64(n) > uint64(len(b)) {
			return errors.Join(append(errs, fmt.Errorf("%w: PNG chunk %q runs past the file", ErrMalformed, typ))...)
		}
		data := b[p+8 : p+8+int(n)]
		switch typ {
		case "eXIf":
			if err := m.FromEXIF(data); err != nil {
				errs = append(errs, err)
			}
		case "iTXt":
			if bytes.HasPrefix(data, []byte("XML:com.adobe.xmp\x00")) {
				m.FromXMP(data)
			}
		case "IDAT", "IEND":
			// Metadata after the image data is rare; PNG allows eXIf
			// only before it.
			if typ == "IEND" {
				return errors.Join(errs...)
			}
		}
		p += 12 + int(n)
	}
	return errors.Join(errs...)
}

// fromTIFFFile reads a TIFF (or a RAW built on TIFF: DNG, CR2, NEF,
// ARW), which is its own EXIF block.
func (m *Metadata) fromTIFFFile(b []byte) error {
	t, err := newTIFF(b)
	if err != nil {
		return err
	}
	return t.read(m)
}

// fromWebP reads the EXIF and XMP chunks of an extended WebP.
func (m *Metadata) fromWebP(b []byte) error {
	var errs []error
	for p := 12; p+8 <= len(b); {
		id := string(b[p : p+4])
		n := binary.LittleEndian.Uint32(b[p+4:])
		if uint64(p)+8+uint64(n) > uint64(len(b)) {
			return errors.Join(append(errs, fmt.Errorf("%w: WebP chunk %q runs past the file", ErrMalformed, id))...)
		}
		data := b[p+8 : p+8+int(n)]
		switch id {
		case "EXIF":
			if err := m.FromEXIF(data); err != nil {
				errs = append(errs, err)
			}
		case "XMP ":
			m.FromXMP(data)
		}
		p += 8 + int(n) + int(n&1)
	}
	return errors.Join(errs...)
}

// FromXMP reads the xmpMM document IDs from an XMP packet, written as
// attributes (xmpMM:DocumentID="...") or elements.
func (m *Metadata) FromXMP(b []byte) {
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{"xmpMM:DocumentID", &m.DocumentID},
		{"xmpMM:OriginalDocumentID", &m.OriginalDocumentID},
		{"xmpMM:InstanceID", &m.InstanceID},
	} {
		if *f.dst == "" {
			*f.dst = xmpValue(b, f.name)
		}
	}
}

func xmpValue(b []byte, name string) string {
	for rest := b; ; {
		i := bytes.Index(rest, []byte(name))
		if i < 0 {
			return ""
		}
		rest = rest[i+len(name):]
		switch {
		case bytes.HasPrefix(rest, []byte(`="`)), bytes.HasPrefix(rest, []byte(`='`)):
			q := rest[1]
			rest = rest[2:]
			if j := bytes.IndexByte(rest, q); j >= 0 && j <= maxString {
				return string(bytes.TrimSpace(rest[:j]))
			}
		case bytes.HasPrefix(rest, []byte(">")):
			rest = rest[1:]
			if j := bytes.IndexByte(rest, '<'); j >= 0 && j <= maxString {
				return string(bytes.TrimSpace(rest[:j]))
			}
		}
	}
}

// makerNoteSerial reads the body serial from the maker notes of the
// makers that keep it there: Canon (an IFD with tag 0x000C, a number, or
// 0x0096, text) and Nikon (its own TIFF header after "Nikon\0", tag
// 0x001D).
func makerNoteSerial(make string, note []byte, at uint32, outer *tiff) string {
	switch {
	case bytes.HasPrefix(note, []byte("Nikon\x00")) && len(note) > 18:
		t, err := newTIFF(note[10:])
		if err != nil {
			return ""
		}
		entries, _, err := t.ifd(t.order.Uint32(t.b[4:]))
		if err != nil {
			return ""
		}
		for _, e := range entries {
			if e.tag == 0x001D {
				return t.text(e)
			}
		}
	case bytes.HasPrefix(bytes.ToLower([]byte(make)), []byte("canon")):
		// Canon's maker note is a bare IFD whose offsets count from the
		// EXIF block's TIFF header.
		entries, _, err := outer.ifd(at)
		if err != nil {
			return ""
		}
		serial := ""
		for _, e := range entries {
			switch e.tag {
			case 0x000C:
				if v := outer.long(e); v != 0 {
					serial = strconv.FormatUint(uint64(v), 10)
				}
			case 0x0096:
				if serial == "" {
					serial = outer.text(e)
				}
			}
		}
		return serial
	}
	return ""
}

// FromVideoTags reads what phones write into MP4 and MOV metadata, as
// ffprobe names the tags: make and model (plain or Apple's
// com.apple.quicktime keys, Android's com.android ones), the creation
// time, and the ISO 6709 location ("+48.8566+002.3522+035.000/").
func (m *Metadata) FromVideoTags(tags map[string]string) error {
	get := func(keys ...string) string {
		for _, k := range keys {
			if v := tags[k]; v != "" {
				return v
			}
		}
		return ""
	}
	m.Make = get("com.apple.quicktime.make", "make", "com.android.manufacturer")
	m.Model = get("com.apple.quicktime.model", "model", "com.android.model")
	m.Software = get("com.apple.quicktime.software", "software", "encoder_software")
	m.DateTimeOriginal = get("com.apple.quicktime.creationdate", "creation_time")
	if loc := get("com.apple.quicktime.location.ISO6709", "location", "location-eng", "com.android.location"); loc != "" {
		g, err := parseISO6709(loc)
		if err != nil {
			return err
		}
		m.GPS = g
	}
	return nil
}

// parseISO6709 reads "±DD.DDDD±DDD.DDDD[±AAA.AAA][CRS]/", the decimal
// degrees form phones write.
func parseISO6709(s string) (*GPS, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "/")
	var nums []float64
	for i := 0; i < len(s) && len(nums) < 3; {
		if s[i] != '+' && s[i] != '-' {
			break
		}
		j := i + 1
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
			j++
		}
		v, err := strconv.ParseFloat(s[i:j], 64)
		if err != nil {
			return nil, fmt.Errorf("%w: ISO 6709 location %q", ErrMalformed, s)
		}
		nums = append(nums, v)
		i = j
	}
	if len(nums) < 2 || nums[0] < -90 || nums[0] > 90 || nums[1] < -180 || nums[1] > 180 {
		return nil, fmt.Errorf("%w: ISO 6709 location %q", ErrMalformed, s)
	}
	g := &GPS{Lat: nums[0], Lon: nums[1]}
	if len(nums) == 3 {
		g.Alt = &nums[2]
	}
	return g, nil
}
