package imaging

import (
	"bytes"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// FuzzDecode feeds arbitrary bytes to the decoding entry point: it may
// fail, but must never panic or hang, and what it returns must be
// consistent. Run longer with: go test -fuzz FuzzDecode ./internal/imaging
func FuzzDecode(f *testing.F) {
	src := rgbaPattern(40, 30)
	for _, enc := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return png.Encode(b, src) },
		func(b *bytes.Buffer) error { return jpeg.Encode(b, src, nil) },
		func(b *bytes.Buffer) error { return gif.Encode(b, src, nil) },
		func(b *bytes.Buffer) error { return bmp.Encode(b, src) },
		func(b *bytes.Buffer) error { return tiff.Encode(b, src, nil) },
	} {
		f.Add(encode(f, enc))
	}
	f.Add([]byte("RIFF\x1a\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte("RIFF\x24\x00\x00\x00WEBPANMF\x18\x00\x00\x00"))
	small := encode(f, func(b *bytes.Buffer) error { return jpeg.Encode(b, src, nil) })
	f.Add(dngLike(small, small, true))
	f.Add([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Decode(data, Options{MaxPixels: 1 << 22})
		if err != nil {
			return
		}
		if len(img.Luma) != img.LumaRows*img.LumaCols || img.LumaRows > 512 || img.LumaCols > 512 {
			t.Fatalf("luma %d values for %dx%d", len(img.Luma), img.LumaRows, img.LumaCols)
		}
		if img.Orientation < 0 || img.Orientation > 8 {
			t.Fatalf("orientation %d", img.Orientation)
		}
		fast, err := Decode(data, Options{Fast: true, MaxPixels: 1 << 22})
		if err != nil {
			t.Fatalf("exact decode worked, fast failed: %v", err)
		}
		if fast.Width != img.Width || fast.Height != img.Height {
			t.Fatalf("fast size %dx%d, exact %dx%d", fast.Width, fast.Height, img.Width, img.Height)
		}
	})
}
