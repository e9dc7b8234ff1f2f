package imaging

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"

	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/testvectors"
)

// pattern draws a benign test pattern: gradients and a few discs.
func pattern(w, h int, set func(x, y int, r, g, b uint8)) {
	for y := range h {
		for x := range w {
			r := uint8(255 * x / w)
			g := uint8(255 * y / h)
			b := uint8((x*y/7 + x) % 256)
			dx, dy := x-w/3, y-h/2
			if dx*dx+dy*dy < w*h/20 {
				r, g, b = 250, 240, 20
			}
			set(x, y, r, g, b)
		}
	}
}

func rgbaPattern(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	pattern(w, h, func(x, y int, r, g, b uint8) { m.SetNRGBA(x, y, color.NRGBA{r, g, b, 255}) })
	return m
}

func encode(t testing.TB, f func(*bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := f(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func hashOf(t testing.TB, data []byte) (pdq.Signal, *Image) {
	t.Helper()
	img, err := Decode(data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return pdq.FromLuma(img.Luma, img.LumaRows, img.LumaCols), img
}

func TestDecodeFormats(t *testing.T) {
	src := rgbaPattern(300, 200)
	grey := image.NewGray(src.Bounds())
	grey16 := image.NewGray16(src.Bounds())
	wide := image.NewNRGBA64(src.Bounds())
	pal := image.NewPaletted(src.Bounds(), color.Palette{color.Black, color.White, color.NRGBA{250, 240, 20, 255}, color.NRGBA{20, 60, 200, 255}})
	for y := range 200 {
		for x := range 300 {
			c := src.NRGBAAt(x, y)
			l := pdq.Luma(c.R, c.G, c.B)
			grey.SetGray(x, y, color.Gray{uint8(l)})
			grey16.SetGray16(x, y, color.Gray16{uint16(l) * 257})
			wide.SetNRGBA64(x, y, color.NRGBA64{uint16(c.R) * 257, uint16(c.G) * 257, uint16(c.B) * 257, 0xffff})
			pal.Set(x, y, c)
		}
	}
	ref, _ := hashOf(t, encode(t, func(b *bytes.Buffer) error { return png.Encode(b, src) }))
	// The palette copies are compared with the same quantised pixels
	// stored as RGB.
	palRGB := image.NewNRGBA(pal.Bounds())
	for y := range 200 {
		for x := range 300 {
			palRGB.Set(x, y, pal.At(x, y))
		}
	}
	palRef, _ := hashOf(t, encode(t, func(b *bytes.Buffer) error { return png.Encode(b, palRGB) }))
	tests := []struct {
		name   string
		data   []byte
		format Format
		model  string
		// maximum distance from the RGB PNG's hash (the palette copies':
		// from their RGB twin): lossless copies must be identical, lossy
		// or reduced copies close.
		maxDist int
	}{
		{"png rgb", encode(t, func(b *bytes.Buffer) error { return png.Encode(b, src) }), PNG, "rgba", 0},
		{"png 16-bit", encode(t, func(b *bytes.Buffer) error { return png.Encode(b, wide) }), PNG, "rgba", 0},
		{"png grey", encode(t, func(b *bytes.Buffer) error { return png.Encode(b, grey) }), PNG, "grey", 8},
		{"png grey 16-bit", encode(t, func(b *bytes.Buffer) error { return png.Encode(b, grey16) }), PNG, "grey", 8},
		{"png palette", encode(t, func(b *bytes.Buffer) error { return png.Encode(b, pal) }), PNG, "palette", 0},
		{"gif", encode(t, func(b *bytes.Buffer) error { return gif.Encode(b, pal, nil) }), GIF, "palette", 0},
		{"bmp", encode(t, func(b *bytes.Buffer) error { return bmp.Encode(b, src) }), BMP, "rgba", 0},
		{"tiff", encode(t, func(b *bytes.Buffer) error { return tiff.Encode(b, src, nil) }), TIFF, "rgba", 0},
		{"jpeg", encode(t, func(b *bytes.Buffer) error { return jpeg.Encode(b, src, &jpeg.Options{Quality: 90}) }), JPEG, "ycbcr", 16},
		{"jpeg grey", encode(t, func(b *bytes.Buffer) error { return jpeg.Encode(b, grey, &jpeg.Options{Quality: 90}) }), JPEG, "grey", 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff(tt.data); got != tt.format {
				t.Fatalf("sniffed %v, want %v", got, tt.format)
			}
			s, img := hashOf(t, tt.data)
			if img.Width != 300 || img.Height != 200 || img.LumaCols != 300 || img.LumaRows != 200 {
				t.Errorf("size %dx%d, luma %dx%d", img.Width, img.Height, img.LumaCols, img.LumaRows)
			}
			if img.ColorModel != tt.model {
				t.Errorf("colour model %q, want %q", img.ColorModel, tt.model)
			}
			want := ref.Hash
			if tt.model == "palette" {
				want = palRef.Hash
			}
			if d := pdq.Distance(s.Hash, want); d > tt.maxDist {
				t.Errorf("distance %d from the RGB original, want <= %d", d, tt.maxDist)
			}
		})
	}
}

// Alpha is ignored: a transparent copy hashes as its stored colours.
func TestAlphaIgnored(t *testing.T) {
	opaque := rgbaPattern(200, 150)
	clear := rgbaPattern(200, 150)
	for i := 3; i < len(clear.Pix); i += 4 {
		clear.Pix[i] = uint8(i / 4 % 256)
	}
	a, _ := hashOf(t, encode(t, func(b *bytes.Buffer) error { return png.Encode(b, opaque) }))
	c, _ := hashOf(t, encode(t, func(b *bytes.Buffer) error { return png.Encode(b, clear) }))
	if a.Hash != c.Hash {
		t.Errorf("alpha changed the hash: %s vs %s", a.Hash, c.Hash)
	}
}

// Images over 512 px are sampled to 512x512 as the reference does.
func TestLargeImageSampled(t *testing.T) {
	src := rgbaPattern(1200, 700)
	img, err := Decode(encode(t, func(b *bytes.Buffer) error { return png.Encode(b, src) }), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if img.LumaCols != 512 || img.LumaRows != 512 || img.Width != 1200 || img.Height != 700 {
		t.Fatalf("luma %dx%d for %dx%d", img.LumaCols, img.LumaRows, img.Width, img.Height)
	}
	// Grid cell (y, x) holds source pixel (y*700/512, x*1200/512).
	for _, p := range [][2]int{{0, 0}, {511, 511}, {100, 300}} {
		c := src.NRGBAAt(p[1]*1200/512, p[0]*700/512)
		if got, want := img.Luma[p[0]*512+p[1]], pdq.Luma(c.R, c.G, c.B); got != want {
			t.Errorf("cell %v: %v, want %v", p, got, want)
		}
	}
}

func TestPixelLimit(t *testing.T) {
	data := encode(t, func(b *bytes.Buffer) error { return png.Encode(b, rgbaPattern(100, 100)) })
	_, err := Decode(data, Options{MaxPixels: 5000})
	if err == nil || !strings.Contains(err.Error(), "over the limit") {
		t.Fatalf("got %v, want a pixel-limit error", err)
	}
	jp := encode(t, func(b *bytes.Buffer) error { return jpeg.Encode(b, rgbaPattern(100, 100), nil) })
	if _, err := Decode(jp, Options{MaxPixels: 5000}); err == nil || !strings.Contains(err.Error(), "over the limit") {
		t.Fatalf("JPEG: got %v, want a pixel-limit error", err)
	}
}

func TestAnimatedGIFFirstFrame(t *testing.T) {
	pal := color.Palette{color.Black, color.White, color.NRGBA{200, 30, 30, 255}}
	f1 := image.NewPaletted(image.Rect(0, 0, 64, 48), pal)
	f2 := image.NewPaletted(image.Rect(0, 0, 64, 48), pal)
	for y := range 48 {
		for x := range 64 {
			f1.SetColorIndex(x, y, uint8((x/8+y/8)%3))
			f2.SetColorIndex(x, y, uint8((x/4)%2))
		}
	}
	still := encode(t, func(b *bytes.Buffer) error { return gif.Encode(b, f1, nil) })
	anim := encode(t, func(b *bytes.Buffer) error {
		return gif.EncodeAll(b, &gif.GIF{Image: []*image.Paletted{f1, f2}, Delay: []int{10, 10}})
	})
	s1, i1 := hashOf(t, still)
	s2, i2 := hashOf(t, anim)
	if i1.Animated || !i2.Animated {
		t.Errorf("animated: still %v, animation %v", i1.Animated, i2.Animated)
	}
	if s1.Hash != s2.Hash {
		t.Errorf("animation's hash %s is not its first frame's %s", s2.Hash, s1.Hash)
	}
}

// An animated WebP is built around the lossy bitstream of a shared still
// WebP; its first frame must hash as the still does.
func TestAnimatedWebPFirstFrame(t *testing.T) {
	dir := testvectors.Dir(t, "pdq/misc-images/modes")
	still, err := os.ReadFile(filepath.Join(dir, "F.webp"))
	if err != nil {
		t.Fatal(err)
	}
	chunks, err := riffChunks(still[12:])
	if err != nil {
		t.Fatal(err)
	}
	var frame []byte
	for _, c := range chunks {
		if c.id == "VP8 " || c.id == "VP8L" {
			frame = appendChunk(nil, c.id, c.data)
		}
	}
	if frame == nil {
		t.Fatal("F.webp has no VP8 chunk")
	}
	img, err := Decode(still, Options{})
	if err != nil {
		t.Fatal(err)
	}
	anmf := make([]byte, 16)
	putUint24(anmf[6:], img.Width-1)
	putUint24(anmf[9:], img.Height-1)
	vp8x := make([]byte, 10)
	vp8x[0] = 0x02 // animation
	putUint24(vp8x[4:], img.Width-1)
	putUint24(vp8x[7:], img.Height-1)
	body := appendChunk([]byte("WEBP"), "VP8X", vp8x)
	body = appendChunk(body, "ANIM", make([]byte, 6))
	body = appendChunk(body, "ANMF", append(anmf, frame...))
	body = appendChunk(body, "ANMF", append(anmf, frame...))
	anim := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
	anim = append(anim, body...)

	s1, _ := hashOf(t, still)
	s2, i2 := hashOf(t, anim)
	if !i2.Animated || s1.Hash != s2.Hash {
		t.Errorf("animated %v, hash %s, want %s", i2.Animated, s2.Hash, s1.Hash)
	}
}

func TestEXIFOrientation(t *testing.T) {
	base := encode(t, func(b *bytes.Buffer) error { return jpeg.Encode(b, rgbaPattern(64, 64), nil) })
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		// A minimal TIFF structure: header, IFD0 with one entry (0x0112).
		tiffData := make([]byte, 8+2+12+4)
		if order == binary.LittleEndian {
			copy(tiffData, "II")
		} else {
			copy(tiffData, "MM")
		}
		order.PutUint16(tiffData[2:], 42)
		order.PutUint32(tiffData[4:], 8)
		order.PutUint16(tiffData[8:], 1)
		order.PutUint16(tiffData[10:], 0x0112)
		order.PutUint16(tiffData[12:], 3)
		order.PutUint32(tiffData[14:], 1)
		order.PutUint16(tiffData[18:], 6)
		seg := append([]byte("Exif\x00\x00"), tiffData...)
		app1 := []byte{0xFF, 0xE1, 0, 0}
		binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
		data := append(append(append([]byte{}, base[:2]...), append(app1, seg...)...), base[2:]...)
		a, img := hashOf(t, data)
		b, _ := hashOf(t, base)
		if img.Orientation != 6 {
			t.Errorf("%v: orientation %d, want 6", order, img.Orientation)
		}
		if a.Hash != b.Hash {
			t.Error("orientation must not change the hashed pixels")
		}
	}
	if dir := testvectors.Dir(t, "pdq/reg-test-input/exif-rotn"); dir != "" {
		data, err := os.ReadFile(filepath.Join(dir, "exif-rotn-6.jpg"))
		if err != nil {
			t.Fatal(err)
		}
		_, img := hashOf(t, data)
		if img.Orientation != 6 || img.Width != 4032 || img.Height != 3024 {
			t.Errorf("exif-rotn-6.jpg: orientation %d, %dx%d", img.Orientation, img.Width, img.Height)
		}
	}
}

func TestCorruptInput(t *testing.T) {
	good := encode(t, func(b *bytes.Buffer) error { return jpeg.Encode(b, rgbaPattern(200, 200), nil) })
	goodPNG := encode(t, func(b *bytes.Buffer) error { return png.Encode(b, rgbaPattern(200, 200)) })
	tests := []struct {
		name      string
		data      []byte
		wantErr   bool
		wantWarn  bool
		errSubstr string
	}{
		{"empty", nil, true, false, "not a supported image"},
		{"text", []byte("hello, world"), true, false, "not a supported image"},
		{"jpeg magic only", []byte{0xFF, 0xD8, 0xFF}, true, false, "JPEG"},
		{"png magic only", []byte("\x89PNG\r\n\x1a\n"), true, false, "png"},
		{"truncated png", goodPNG[:len(goodPNG)/2], true, false, "png"},
		{"gif header only", []byte("GIF89a"), true, false, "gif"},
		{"webp header only", []byte("RIFF\x04\x00\x00\x00WEBP"), true, false, "webp"},
	}
	if JPEGDecoder == "libjpeg-turbo" {
		// libjpeg, like the reference, decodes a truncated JPEG as far as
		// it goes; we hash it and say so.
		tests = append(tests, struct {
			name      string
			data      []byte
			wantErr   bool
			wantWarn  bool
			errSubstr string
		}{"truncated jpeg", good[:len(good)/2], false, true, ""})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := Decode(tt.data, Options{})
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), tt.errSubstr) {
					t.Fatalf("got %v, want an error containing %q", err, tt.errSubstr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantWarn && img.Warning == "" {
				t.Error("no warning for damaged data")
			}
		})
	}
}
