// Package imaging recognises image files by their content, decodes them and
// turns their pixels into the float luma buffer that PDQ hashes, following
// what Meta's reference photo hasher does: stored pixels (EXIF orientation
// is reported, not applied), images over 512 px on a side sampled to
// 512x512 by nearest neighbour, luma from 8-bit RGB with the BT.601
// coefficients, grey images used as they are.
//
// Policies where the reference gives no answer (it refuses 2- and
// 4-channel images):
//   - Alpha is ignored: the stored, un-premultiplied colour of each pixel is
//     hashed, as OpenCV's imread and PIL's convert("RGB") do, so hashes agree
//     with the Python tools around HMA. Grey+alpha is hashed as grey.
//   - CMYK and YCCK JPEGs (Adobe-inverted or not) become RGB by the naive
//     formula R = (1-C)(1-K), the arithmetic of Go's color.CMYKToRGB, with
//     no ICC profile applied.
//   - 16-bit samples keep their high byte.
package imaging

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"

	"github.com/ariadne-vid/ariadne/internal/metadata"
	"github.com/ariadne-vid/ariadne/internal/pdq"
)

// Format is an image file format recognised by its magic bytes.
type Format int

// The formats Ariadne decodes.
const (
	Unknown Format = iota
	JPEG
	PNG
	GIF
	WebP
	BMP
	TIFF
	HEIC // HEIF with HEVC images (an iPhone's photos)
	AVIF // HEIF with AV1 images
	HEIF // HEIF of another codec (or brands that do not say)
	// JPEGXL is recognised so that it is reported, not decoded: no
	// decoder with a fitting licence is linked.
	JPEGXL
)

var formatNames = [...]string{"", "jpeg", "png", "gif", "webp", "bmp", "tiff", "heic", "avif", "heif", "jpeg-xl"}
var formatMIME = [...]string{"", "image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/tiff", "image/heic", "image/avif", "image/heif", "image/jxl"}

func (f Format) String() string { return formatNames[f] }

// MIME returns the format's media type, or "" for Unknown.
func (f Format) MIME() string { return formatMIME[f] }

// SniffLen is how many leading bytes Sniff needs at most (HEIF lists its
// brands in its first box).
const SniffLen = 64

// Sniff recognises an image format from a file's first bytes, never from
// its name.
func Sniff(head []byte) Format {
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return JPEG
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return GIF
	case len(head) >= 12 && bytes.Equal(head[0:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("WEBP")):
		return WebP
	case bytes.HasPrefix(head, []byte("BM")) && len(head) >= 14:
		return BMP
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return TIFF
	case bytes.HasPrefix(head, []byte{0xFF, 0x0A}), bytes.HasPrefix(head, []byte("\x00\x00\x00\x0cJXL \r\n\x87\n")):
		return JPEGXL
	}
	return heifBrand(head)
}

// heifBrand tells HEIF files by the brands of their ftyp box: the major
// brand, then the compatible ones (a file may say mif1 first).
func heifBrand(head []byte) Format {
	if len(head) < 16 || string(head[4:8]) != "ftyp" {
		return Unknown
	}
	size := int(head[0])<<24 | int(head[1])<<16 | int(head[2])<<8 | int(head[3])
	end := min(len(head), max(size, 16))
	found := Unknown
	for off := 8; off+4 <= end; off += 4 {
		if off == 12 {
			continue // the minor version
		}
		switch string(head[off : off+4]) {
		case "heic", "heix", "heim", "heis", "hevc", "hevx":
			return HEIC
		case "avif", "avis":
			return AVIF
		case "mif1", "msf1":
			found = HEIF
		}
	}
	return found
}

// Options tune decoding. The zero value decodes exactly as the reference.
type Options struct {
	// Fast decodes JPEGs at a reduced DCT scale and from their luma
	// component only: several times faster, hashes within a few bits of
	// the reference's instead of identical.
	Fast bool
	// MinSide is the smallest side a fast-path JPEG is decoded at
	// (default DefaultMinSide: never below the 512x512 grid the reference
	// samples; smaller sides decode little faster and drift further).
	MinSide int
	// MaxPixels refuses larger images with a clear error, so memory stays
	// bounded (default DefaultMaxPixels; negative: no limit).
	MaxPixels int64
}

// Defaults for Options.
const (
	DefaultMinSide   = pdq.MaxDim
	DefaultMaxPixels = 200_000_000
)

func (o Options) minSide() int {
	if o.MinSide > 0 {
		return o.MinSide
	}
	return DefaultMinSide
}

func (o Options) maxDim() int { return pdq.MaxDim }

func (o Options) maxPixels() int64 {
	switch {
	case o.MaxPixels < 0:
		return 0
	case o.MaxPixels == 0:
		return DefaultMaxPixels
	}
	return o.MaxPixels
}

// Image is a decoded image reduced to what hashing needs.
type Image struct {
	Format        Format
	Width, Height int    // stored size, before any orientation
	ColorModel    string // grey, rgb, rgba, ycbcr, cmyk, palette, ...
	Progressive   bool
	// Animated is set when the file holds more than one frame; the first
	// frame is the one decoded.
	Animated bool
	// Orientation is the EXIF orientation tag (1..8), 0 when absent.
	Orientation int
	// Warning tells of damage the decoder worked around (a truncated JPEG
	// is decoded as far as it goes, as the reference does).
	Warning string
	// Metadata is set by decoders of containers whose metadata only they
	// find (HEIF); for the others, metadata.Read reads the file.
	Metadata *metadata.Metadata
	// Luma is the reference's float luma buffer: LumaRows x LumaCols,
	// row-major, already sampled to 512x512 where the reference does.
	Luma               []float32
	LumaRows, LumaCols int
}

// ErrUnsupported is returned for content that is not a supported image.
var ErrUnsupported = errors.New("not a supported image format")

// Decode decodes an image held in memory, recognised by its content.
func Decode(data []byte, opts Options) (img *Image, err error) {
	f := Sniff(data)
	defer func() {
		// The decoders are written to return errors, but evidence is
		// hostile input: a decoder bug must not end an ingest run.
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("decode %s: decoder failed on malformed data: %v", f, r)
		}
	}()
	switch f {
	case JPEG:
		img, err = decodeJPEG(data, opts)
	case TIFF:
		// A camera RAW is a TIFF whose sensor data is no image: its
		// largest embedded JPEG preview is what is hashed.
		if preview, raw, rerr := metadata.RawPreview(data); raw {
			if rerr != nil {
				return nil, rerr
			}
			if img, err = decodeJPEG(preview, opts); err != nil {
				return nil, fmt.Errorf("camera RAW's JPEG preview: %w", err)
			}
			img.Format = TIFF
			img.Warning = joinNote(img.Warning, fmt.Sprintf("camera RAW: its largest embedded JPEG preview (%dx%d) hashed", img.Width, img.Height))
			img.Orientation = orientation(TIFF, data)
			return img, nil
		}
		img, err = decodeGo(f, data, opts)
	case PNG, GIF, BMP, WebP:
		img, err = decodeGo(f, data, opts)
	case HEIC, AVIF, HEIF:
		// libheif applies the container's rotation and mirroring (irot,
		// imir) as heif-convert does: HEIF has no other orientation.
		return decodeHEIF(f, data, opts)
	case JPEGXL:
		return nil, errors.New("JPEG XL is not decoded (no decoder is linked); exact hashes only")
	default:
		return nil, ErrUnsupported
	}
	if err != nil {
		return nil, err
	}
	img.Orientation = orientation(f, data)
	return img, nil
}

// decodeGo decodes the formats that the Go libraries handle.
func decodeGo(f Format, data []byte, opts Options) (*Image, error) {
	var cfg image.Config
	var err error
	animated := false
	r := bytes.NewReader(data)
	switch f {
	case PNG:
		cfg, err = png.DecodeConfig(r)
	case GIF:
		cfg, err = gif.DecodeConfig(r)
		if err == nil {
			animated = gifFrameCount(data) > 1
		}
	case BMP:
		cfg, err = bmp.DecodeConfig(r)
	case TIFF:
		cfg, err = tiff.DecodeConfig(r)
	case WebP:
		data, animated, err = webpFirstFrame(data)
		if err == nil {
			cfg, err = webpDecodeConfig(data)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("corrupt or unsupported %s: %w", f, err)
	}
	if max := opts.maxPixels(); max > 0 && int64(cfg.Width)*int64(cfg.Height) > max {
		return nil, fmt.Errorf("%s is %dx%d, over the limit of %d pixels", f, cfg.Width, cfg.Height, max)
	}
	r.Reset(data)
	var m image.Image
	switch f {
	case PNG:
		m, err = png.Decode(r)
	case GIF:
		m, err = gif.Decode(r)
	case BMP:
		m, err = bmp.Decode(r)
	case TIFF:
		m, err = tiff.Decode(r)
	case WebP:
		m, err = webpDecode(data)
	}
	if err != nil {
		return nil, fmt.Errorf("corrupt %s: %w", f, err)
	}
	img := &Image{Format: f, Animated: animated}
	img.fromImage(m, opts)
	return img, nil
}

// fromImage fills the size, colour model and luma buffer from a decoded
// image, sampling only the pixels of the reference's grid.
func (img *Image) fromImage(m image.Image, opts Options) {
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	img.Width, img.Height = w, h
	gw, gh := w, h
	if maxDim := opts.maxDim(); w > maxDim || h > maxDim {
		gw, gh = maxDim, maxDim
	}
	grey := false
	switch m.(type) {
	case *image.Gray, *image.Gray16:
		grey = true
		img.ColorModel = "grey"
	case *image.Paletted:
		// libpng expands palettes to RGB for the reference, even grey ones.
		img.ColorModel = "palette"
	case *image.YCbCr, *image.NYCbCrA:
		img.ColorModel = "ycbcr"
	case *image.CMYK:
		img.ColorModel = "cmyk"
	case *image.NRGBA, *image.NRGBA64, *image.RGBA, *image.RGBA64:
		img.ColorModel = "rgba"
	default:
		img.ColorModel = "rgb"
	}
	img.LumaRows, img.LumaCols = gh, gw
	img.Luma = make([]float32, gw*gh)
	cols := make([]int, gw)
	for x := range cols {
		cols[x] = b.Min.X + x*w/gw
	}
	for gy := range gh {
		y := b.Min.Y + gy*h/gh
		row := img.Luma[gy*gw : (gy+1)*gw]
		for gx, x := range cols {
			r, g, bl, ok := rgb8(m, x, y)
			if !ok {
				continue
			}
			if grey {
				row[gx] = float32(r)
			} else {
				row[gx] = pdq.Luma(r, g, bl)
			}
		}
	}
}

// rgb8 returns a pixel's stored colour as 8-bit RGB, ignoring alpha.
func rgb8(m image.Image, x, y int) (r, g, b uint8, ok bool) {
	switch m := m.(type) {
	case *image.Gray:
		v := m.Pix[m.PixOffset(x, y)]
		return v, v, v, true
	case *image.Gray16:
		v := m.Pix[m.PixOffset(x, y)]
		return v, v, v, true
	case *image.NRGBA:
		p := m.Pix[m.PixOffset(x, y):]
		return p[0], p[1], p[2], true
	case *image.NRGBA64:
		p := m.Pix[m.PixOffset(x, y):]
		return p[0], p[2], p[4], true
	case *image.RGBA:
		// Opaque RGB PNGs decode to RGBA; premultiplied pixels that are not
		// opaque take the general path below, which un-premultiplies.
		if p := m.Pix[m.PixOffset(x, y):]; p[3] == 0xff {
			return p[0], p[1], p[2], true
		}
	case *image.RGBA64:
		if p := m.Pix[m.PixOffset(x, y):]; p[6] == 0xff && p[7] == 0xff {
			return p[0], p[2], p[4], true
		}
	case *image.YCbCr:
		yi, ci := m.YOffset(x, y), m.COffset(x, y)
		r, g, b := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
		return r, g, b, true
	case *image.NYCbCrA:
		yi, ci := m.YOffset(x, y), m.COffset(x, y)
		r, g, b := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
		return r, g, b, true
	case *image.Paletted:
		r, g, b := rgb8Color(m.Palette[m.ColorIndexAt(x, y)])
		return r, g, b, true
	}
	r, g, b = rgb8Color(m.At(x, y))
	return r, g, b, true
}

// rgb8Color converts any colour to un-premultiplied 8-bit RGB.
func rgb8Color(c color.Color) (r, g, b uint8) {
	switch c := c.(type) {
	case color.NRGBA:
		return c.R, c.G, c.B
	case color.CMYK:
		return color.CMYKToRGB(c.C, c.M, c.Y, c.K)
	case color.Gray:
		return c.Y, c.Y, c.Y
	}
	n := color.NRGBA64Model.Convert(c).(color.NRGBA64)
	return uint8(n.R >> 8), uint8(n.G >> 8), uint8(n.B >> 8)
}

// fillLuma turns a sampled grid of 1 (grey) or 3 (RGB) channels into luma.
func fillLuma(dst []float32, pix []byte, channels int) {
	if channels == 1 {
		for i, v := range pix[:len(dst)] {
			dst[i] = float32(v)
		}
		return
	}
	for i := range dst {
		p := pix[3*i : 3*i+3]
		dst[i] = pdq.Luma(p[0], p[1], p[2])
	}
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
