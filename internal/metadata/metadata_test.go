package metadata

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"github.com/ariadne-vid/ariadne/internal/metadata/metadatatest"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	xtiff "golang.org/x/image/tiff"

	"github.com/ariadne-vid/ariadne/internal/synth"
)

// exifToolArgs write every field Ariadne reads; the values are invented.
var exifToolArgs = []string{
	"-Make=ExampleCam", "-Model=Model 7", "-SerialNumber=SN0001234", "-LensSerialNumber=L998", "-OwnerName=Test Owner",
	"-Software=Synth 1.0", "-DateTimeOriginal=2021:06:01 14:03:22", "-OffsetTimeOriginal=+02:00",
	"-GPSLatitude=48.8566", "-GPSLatitudeRef=S", "-GPSLongitude=2.3522", "-GPSLongitudeRef=W", "-GPSAltitude=35.5", "-GPSAltitudeRef=0",
	"-ImageUniqueID=abc123", "-XMP-xmpMM:DocumentID=xmp.did:1234", "-XMP-xmpMM:InstanceID=xmp.iid:5678", "-XMP-xmpMM:OriginalDocumentID=xmp.did:0001",
}

// exifToolRead is ExifTool's reading of the same fields, the oracle.
func exifToolRead(t *testing.T, path string) map[string]any {
	t.Helper()
	out, err := exec.Command("exiftool", "-j", "-n", "-Make", "-Model", "-SerialNumber", "-LensSerialNumber", "-OwnerName", "-Software",
		"-DateTimeOriginal", "-OffsetTimeOriginal", "-GPSLatitude", "-GPSLongitude", "-GPSAltitude", "-ImageUniqueID",
		"-DocumentID", "-InstanceID", "-OriginalDocumentID", "-ThumbnailLength", path).Output()
	if err != nil {
		t.Fatalf("exiftool %s: %v", path, err)
	}
	var r []map[string]any
	if err := json.Unmarshal(out, &r); err != nil || len(r) != 1 {
		t.Fatalf("exiftool output %s: %v", out, err)
	}
	return r[0]
}

// TestAgreesWithExifTool writes metadata with ExifTool into generated,
// benign JPEG, PNG and TIFF files (and a WebP holding ExifTool's EXIF
// block) and compares Ariadne's reading with ExifTool's, field by field.
func TestAgreesWithExifTool(t *testing.T) {
	metadatatest.RequireExifTool(t)
	dir := t.TempDir()
	scene := synth.Scene(5, 320, 240)
	var thumb bytes.Buffer
	jpeg.Encode(&thumb, synth.Resize(scene, 160, 120), &jpeg.Options{Quality: 80})
	thumbPath := filepath.Join(dir, "thumb.jpg")
	os.WriteFile(thumbPath, thumb.Bytes(), 0o644)
	files := map[string]func(*bytes.Buffer) error{
		"a.jpg": func(b *bytes.Buffer) error { return jpeg.Encode(b, scene, &jpeg.Options{Quality: 90}) },
		"a.png": func(b *bytes.Buffer) error { return png.Encode(b, scene) },
		"a.tif": func(b *bytes.Buffer) error { return xtiff.Encode(b, scene, nil) },
	}
	for name, enc := range files {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := enc(&b); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, name)
			os.WriteFile(p, b.Bytes(), 0o644)
			args := append([]string{"-q", "-overwrite_original"}, exifToolArgs...)
			if name == "a.jpg" {
				args = append(args, "-ThumbnailImage<="+thumbPath)
			}
			if out, err := exec.Command("exiftool", append(args, p)...).CombinedOutput(); err != nil {
				t.Fatalf("exiftool write: %v\n%s", err, out)
			}
			data, _ := os.ReadFile(p)
			m, err := Read(data)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			compare(t, m, exifToolRead(t, p))
			if name == "a.jpg" {
				if !bytes.Equal(m.Thumbnail, thumb.Bytes()) {
					t.Errorf("thumbnail: %d bytes, ExifTool wrote %d", len(m.Thumbnail), thumb.Len())
				}
				// The same EXIF block in a WebP's EXIF chunk.
				webp := webpWith(t, exifBlock(t, data))
				w, err := Read(webp)
				if err != nil {
					t.Fatalf("webp: %v", err)
				}
				if w.Serial != m.Serial || w.Make != m.Make || w.GPS == nil || w.DateTimeOriginal != m.DateTimeOriginal {
					t.Errorf("webp: %+v, jpeg %+v", w, m)
				}
			}
		})
	}
}

func compare(t *testing.T, m *Metadata, want map[string]any) {
	t.Helper()
	str := func(k string) string { s, _ := want[k].(string); return s }
	num := func(k string) float64 { f, _ := want[k].(float64); return f }
	for _, c := range []struct{ field, got, want string }{
		{"make", m.Make, str("Make")},
		{"model", m.Model, str("Model")},
		{"serial", m.Serial, str("SerialNumber")},
		{"lens_serial", m.LensSerial, str("LensSerialNumber")},
		{"owner", m.Owner, str("OwnerName")},
		{"software", m.Software, str("Software")},
		{"image_unique_id", m.ImageUniqueID, str("ImageUniqueID")},
		{"document_id", m.DocumentID, str("DocumentID")},
		{"instance_id", m.InstanceID, str("InstanceID")},
		{"original_document_id", m.OriginalDocumentID, str("OriginalDocumentID")},
		{"datetime_original", m.DateTimeOriginal, isoTime(str("DateTimeOriginal"), str("OffsetTimeOriginal"))},
	} {
		if c.got != c.want || c.want == "" {
			t.Errorf("%s: %q, ExifTool %q", c.field, c.got, c.want)
		}
	}
	if m.GPS == nil || math.Abs(m.GPS.Lat-num("GPSLatitude")) > 1e-6 || math.Abs(m.GPS.Lon-num("GPSLongitude")) > 1e-6 ||
		m.GPS.Alt == nil || math.Abs(*m.GPS.Alt-num("GPSAltitude")) > 1e-6 {
		t.Errorf("gps %+v, ExifTool %v, %v, %v", m.GPS, want["GPSLatitude"], want["GPSLongitude"], want["GPSAltitude"])
	}
}

// exifBlock is a JPEG's EXIF APP1 payload.
func exifBlock(t *testing.T, jpg []byte) []byte {
	t.Helper()
	i := bytes.Index(jpg, []byte("Exif\x00\x00"))
	if i < 4 {
		t.Fatal("no EXIF segment")
	}
	n := int(binary.BigEndian.Uint16(jpg[i-2:]))
	return jpg[i+6 : i-2+n]
}

// webpWith is a minimal extended WebP holding an EXIF chunk.
func webpWith(t *testing.T, exif []byte) []byte {
	var b bytes.Buffer
	chunk := func(id string, data []byte) {
		b.WriteString(id)
		binary.Write(&b, binary.LittleEndian, uint32(len(data)))
		b.Write(data)
		if len(data)%2 == 1 {
			b.WriteByte(0)
		}
	}
	chunk("VP8X", make([]byte, 10))
	chunk("EXIF", exif)
	body := b.Bytes()
	out := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(4+len(body)))...)
	return append(append(out, "WEBP"...), body...)
}

// TestMakerNoteSerials: Canon's and Nikon's maker notes give the body
// serial when the standard tag is missing (blocks built here, with the
// layout ExifTool documents for each maker).
func TestMakerNoteSerials(t *testing.T) {
	canon := canonBlock(123456789)
	m := &Metadata{}
	if err := m.FromEXIF(canon); err != nil {
		t.Fatal(err)
	}
	if m.Make != "Canon" || m.Serial != "123456789" {
		t.Errorf("canon: %+v", m)
	}
	nikon := nikonBlock("NK4711")
	m = &Metadata{}
	if err := m.FromEXIF(nikon); err != nil {
		t.Fatal(err)
	}
	if m.Make != "NIKON CORPORATION" || m.Serial != "NK4711" {
		t.Errorf("nikon: %+v", m)
	}
}

// ifdBuilder writes little-endian TIFF blocks for tests.
type ifdBuilder struct{ b []byte }

type tag struct {
	id, typ uint16
	count   uint32
	value   []byte // inline when at most 4 bytes, else at the data area
}

// ifd writes an IFD at the end of b, its large values after it, and
// returns its offset; next is the next IFD's offset.
func (w *ifdBuilder) ifd(tags []tag, next uint32) uint32 {
	off := uint32(len(w.b))
	data := off + 2 + uint32(len(tags))*12 + 4
	var area []byte
	w.b = binary.LittleEndian.AppendUint16(w.b, uint16(len(tags)))
	for _, tg := range tags {
		w.b = binary.LittleEndian.AppendUint16(w.b, tg.id)
		w.b = binary.LittleEndian.AppendUint16(w.b, tg.typ)
		w.b = binary.LittleEndian.AppendUint32(w.b, tg.count)
		if len(tg.value) <= 4 {
			v := append(append([]byte{}, tg.value...), make([]byte, 4-len(tg.value))...)
			w.b = append(w.b, v...)
		} else {
			w.b = binary.LittleEndian.AppendUint32(w.b, data+uint32(len(area)))
			area = append(area, tg.value...)
		}
	}
	w.b = binary.LittleEndian.AppendUint32(w.b, next)
	w.b = append(w.b, area...)
	return off
}

func ascii(s string) tag { return tag{typ: 2, count: uint32(len(s) + 1), value: append([]byte(s), 0)} }

func withID(t tag, id uint16) tag { t.id = id; return t }

func canonBlock(serial uint32) []byte {
	w := &ifdBuilder{b: []byte("II*\x00\x08\x00\x00\x00")}
	// IFD0 at 8: Make, and the EXIF IFD pointer patched below.
	ifd0 := w.ifd([]tag{withID(ascii("Canon"), tagMake), {id: tagExifIFD, typ: 4, count: 1, value: []byte{0, 0, 0, 0}}}, 0)
	// The maker note: a bare IFD holding 0x000C, in the EXIF IFD's value
	// area (right after that IFD of one entry).
	noteOff := uint32(len(w.b)) + 2 + 12 + 4
	exif := w.ifd([]tag{{id: tagMakerNote, typ: 7, count: 2 + 12 + 4, value: make([]byte, 18)}}, 0)
	// Write the maker note IFD where the EXIF IFD's value area put it.
	mn := &ifdBuilder{b: w.b[:noteOff]}
	mn.ifd([]tag{{id: 0x000C, typ: 4, count: 1, value: binary.LittleEndian.AppendUint32(nil, serial)}}, 0)
	w.b = mn.b
	// Patch the EXIF IFD pointer in IFD0's second entry.
	binary.LittleEndian.PutUint32(w.b[ifd0+2+12+8:], exif)
	return w.b
}

func nikonBlock(serial string) []byte {
	// The maker note: "Nikon\0", version, two bytes, then a TIFF header
	// and IFD whose offsets count from that header.
	inner := &ifdBuilder{b: []byte("II*\x00\x08\x00\x00\x00")}
	inner.ifd([]tag{withID(ascii(serial), 0x001D)}, 0)
	note := append([]byte("Nikon\x00\x02\x10\x00\x00"), inner.b...)
	w := &ifdBuilder{b: []byte("II*\x00\x08\x00\x00\x00")}
	ifd0 := w.ifd([]tag{withID(ascii("NIKON CORPORATION"), tagMake), {id: tagExifIFD, typ: 4, count: 1, value: []byte{0, 0, 0, 0}}}, 0)
	exif := w.ifd([]tag{{id: tagMakerNote, typ: 7, count: uint32(len(note)), value: note}}, 0)
	binary.LittleEndian.PutUint32(w.b[ifd0+2+12+8:], exif)
	return w.b
}

// TestHostileBlocks: loops, offsets past the end and huge counts give an
// error, not a panic or a large allocation.
func TestHostileBlocks(t *testing.T) {
	loop := &ifdBuilder{b: []byte("II*\x00\x08\x00\x00\x00")}
	loop.ifd([]tag{withID(ascii("X"), tagMake)}, 8) // IFD0's next is itself
	huge := []byte("II*\x00\x08\x00\x00\x00\xff\xff")
	past := []byte("MM\x00*\x7f\xff\xff\xff")
	for name, b := range map[string][]byte{"loop": loop.b, "huge count": huge, "past the end": past, "short": []byte("II*")} {
		m := &Metadata{}
		if err := m.FromEXIF(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// What the loop's IFD held is still read.
	m := &Metadata{}
	m.FromEXIF(loop.b)
	if m.Make != "X" {
		t.Errorf("loop: make %q", m.Make)
	}
}

func FuzzRead(f *testing.F) {
	f.Add(canonBlock(42))
	f.Add(nikonBlock("N1"))
	var b bytes.Buffer
	jpeg.Encode(&b, synth.Scene(1, 32, 24), nil)
	f.Add(b.Bytes())
	f.Add(webpWith(nil, canonBlock(7)))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, _ := Read(data)
		if m == nil {
			t.Fatal("nil metadata")
		}
		e := &Metadata{}
		e.FromEXIF(data)
		if p, _, _ := RawPreview(data); len(p) > len(data) {
			t.Fatal("a preview larger than the file")
		}
		if len(e.Thumbnail) > maxThumbnail || len(m.Make) > maxString {
			t.Fatalf("limits broken: thumbnail %d, make %d", len(e.Thumbnail), len(m.Make))
		}
	})
}

func TestVideoTags(t *testing.T) {
	alt := 35.0
	for _, c := range []struct {
		name string
		tags map[string]string
		want Metadata
		err  bool
	}{
		{"ffmpeg", map[string]string{"make": "ExampleCam", "model": "Model 7", "creation_time": "2021-06-01T14:03:22Z", "location": "+48.8566-002.3522+035.000/"},
			Metadata{Make: "ExampleCam", Model: "Model 7", DateTimeOriginal: "2021-06-01T14:03:22Z", GPS: &GPS{Lat: 48.8566, Lon: -2.3522, Alt: &alt}}, false},
		{"Apple", map[string]string{"com.apple.quicktime.make": "Apple", "com.apple.quicktime.model": "iPhone X", "com.apple.quicktime.creationdate": "2021-06-01T16:03:22+0200",
			"com.apple.quicktime.location.ISO6709": "-33.9249+018.4241/"},
			Metadata{Make: "Apple", Model: "iPhone X", DateTimeOriginal: "2021-06-01T16:03:22+0200", GPS: &GPS{Lat: -33.9249, Lon: 18.4241}}, false},
		{"no position", map[string]string{"location": "somewhere"}, Metadata{}, true},
		{"out of range", map[string]string{"location": "+98.0+010.0/"}, Metadata{}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var m Metadata
			err := m.FromVideoTags(c.tags)
			if (err != nil) != c.err {
				t.Fatalf("error %v, want error %v", err, c.err)
			}
			got, _ := json.Marshal(m)
			want, _ := json.Marshal(c.want)
			if string(got) != string(want) {
				t.Errorf("%s, want %s", got, want)
			}
		})
	}
}
