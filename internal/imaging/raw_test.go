package imaging

import (
	"bytes"
	"encoding/binary"
	"image/jpeg"
	"strings"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

// dngLike builds a little-endian TIFF shaped like a DNG: IFD0 with
// DNGVersion, a small JPEG thumbnail and one SubIFD whose single strip
// is a larger JPEG preview (the sensor data is left out: it is never
// decoded).
func dngLike(thumb, preview []byte, dng bool) []byte {
	le := binary.LittleEndian
	type ent struct {
		tag, typ uint16
		count    uint32
		value    uint32
	}
	ifd := func(es []ent) []byte {
		b := le.AppendUint16(nil, uint16(len(es)))
		for _, e := range es {
			b = le.AppendUint16(b, e.tag)
			b = le.AppendUint16(b, e.typ)
			b = le.AppendUint32(b, e.count)
			b = le.AppendUint32(b, e.value)
		}
		return le.AppendUint32(b, 0)
	}
	// Layout: header (8), IFD0 (at 8, 6 entries: 2+72+4 = 78), SubIFD
	// (at 86, 3 entries: 2+36+4 = 42), thumbnail at 128, preview after.
	thumbAt := uint32(128)
	previewAt := thumbAt + uint32(len(thumb))
	ifd0 := []ent{{0x010F, 2, 4, le.Uint32([]byte("Cam\x00"))}, {0x014A, 4, 1, 86}, {0x0201, 4, 1, thumbAt}, {0x0202, 4, 1, uint32(len(thumb))}}
	if dng {
		ifd0 = append(ifd0, ent{0xC612, 1, 4, le.Uint32([]byte{1, 4, 0, 0})})
	} else {
		ifd0 = append(ifd0, ent{0x0131, 2, 4, le.Uint32([]byte("Sw\x00\x00"))})
	}
	ifd0 = append(ifd0, ent{0x0112, 3, 1, 6}) // orientation: rotate 90
	sub := []ent{{0x0103, 3, 1, 7}, {0x0111, 4, 1, previewAt}, {0x0117, 4, 1, uint32(len(preview))}}
	b := []byte("II*\x00\x08\x00\x00\x00")
	b = append(b, ifd(ifd0)...)
	b = append(b, ifd(sub)...)
	b = append(b, make([]byte, int(thumbAt)-len(b))...)
	b = append(b, thumb...)
	return append(b, preview...)
}

// TestRawPreview: a camera RAW is hashed through its largest embedded
// JPEG preview, and the record says so.
func TestRawPreview(t *testing.T) {
	scene := synth.Scene(77, 1200, 800)
	var thumb, preview bytes.Buffer
	jpeg.Encode(&thumb, synth.Resize(scene, 160, 106), &jpeg.Options{Quality: 80})
	jpeg.Encode(&preview, scene, &jpeg.Options{Quality: 90})
	want, _ := hashOf(t, preview.Bytes())
	for _, dng := range []bool{true, false} {
		raw := dngLike(thumb.Bytes(), preview.Bytes(), dng)
		if Sniff(raw) != TIFF {
			t.Fatal("not sniffed as TIFF")
		}
		img, err := Decode(raw, Options{})
		if err != nil {
			t.Fatalf("dng %v: %v", dng, err)
		}
		got := pdq.FromLuma(img.Luma, img.LumaRows, img.LumaCols)
		if img.Width != 1200 || img.Height != 800 || pdq.Distance(got.Hash, want.Hash) != 0 || img.Orientation != 6 ||
			!strings.Contains(img.Warning, "camera RAW: its largest embedded JPEG preview (1200x800) hashed") {
			t.Errorf("dng %v: %dx%d, distance %d, orientation %d, warning %q", dng, img.Width, img.Height, pdq.Distance(got.Hash, want.Hash), img.Orientation, img.Warning)
		}
	}
	// A RAW with no JPEG preview is refused with the reason.
	bare := dngLike(nil, nil, true)
	if _, err := Decode(bare, Options{}); err == nil || !strings.Contains(err.Error(), "without an embedded JPEG preview") {
		t.Errorf("no preview: %v", err)
	}
}
