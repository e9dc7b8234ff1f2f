// Package preview renders a media's picture for a person to look at:
// read from the evidence (a file, or a member of an archive in it),
// never written, and made small — a thumbnail blurred past recognition
// unless the person asked to see it, and even then no larger than a
// screen needs. The blur is applied here, on the server, so an unblurred
// picture never reaches a browser that did not ask for one.
package preview

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // decoders for image.Decode
	"image/jpeg"
	_ "image/png"
	"io"
	"path/filepath"
	"slices"
	"strings"

	xdraw "golang.org/x/image/draw"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"

	"github.com/ariadne-vid/ariadne/internal/archive"
	"github.com/ariadne-vid/ariadne/internal/imaging"
	"github.com/ariadne-vid/ariadne/internal/metadata"
	"github.com/ariadne-vid/ariadne/internal/walk"
)

// MaxSource bounds the bytes read to render one picture.
const MaxSource = 256 << 20

// Locate lists where a recorded path may be read now: ingest records a
// file under its root's base name ("phone/DCIM/a.jpg", so records do not
// depend on where evidence was mounted), and roots are the absolute paths
// ingest runs were given, newest first; each root of that base name is a
// candidate.
func Locate(recorded string, roots []string) []string {
	base, rest, _ := strings.Cut(recorded, "/")
	var out []string
	for _, r := range roots {
		if filepath.Base(r) != base || !filepath.IsAbs(r) {
			continue
		}
		p := r
		if rest != "" {
			p = r + "/" + rest
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// Read returns the content of a file of the evidence by its path: a
// file's own, or an archive's path, "!/" and the member's name (nesting
// repeated). The evidence is opened read-only.
func Read(path string) ([]byte, error) {
	outer, _, inArchive := strings.Cut(path, "!/")
	f, err := walk.Open(outer)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", outer)
	}
	if inArchive {
		return archive.ReadMember(outer, f, st.Size(), archive.Limits{}, path, MaxSource)
	}
	if st.Size() > MaxSource {
		return nil, fmt.Errorf("%s: %d bytes, over the %d a preview reads", path, st.Size(), MaxSource)
	}
	return io.ReadAll(io.LimitReader(f, MaxSource))
}

// Options choose what a preview shows.
type Options struct {
	// MaxSide bounds the longer side, in pixels (default 256 blurred,
	// 1024 revealed).
	MaxSide int
	// Reveal renders the picture unblurred; otherwise it is blurred.
	Reveal bool
	// Grey renders it in shades of grey.
	Grey bool
}

// Sizes and the blur: a thumbnail-sized picture blurred with a box of
// radius 14, three passes (about a Gaussian of sigma 14), as IPED found
// enough to hide what a picture shows while keeping its layout.
const (
	ThumbnailSide = 256
	RevealedSide  = 1024
	blurRadius    = 14
	blurPasses    = 3
)

// ErrNoPicture is returned for content that holds no picture to show.
var ErrNoPicture = errors.New("no picture to show")

// Render makes the JPEG a person is shown of a picture's content.
func Render(data []byte, o Options) ([]byte, error) {
	side := o.MaxSide
	if side <= 0 {
		side = ThumbnailSide
		if o.Reveal {
			side = RevealedSide
		}
	}
	img, err := decode(data)
	if err != nil {
		return nil, err
	}
	out := fit(img, side)
	if o.Grey {
		out = grey(out)
	}
	if !o.Reveal {
		for range blurPasses {
			boxBlur(out, blurRadius*max(out.Bounds().Dx(), out.Bounds().Dy())/ThumbnailSide+1)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, out, &jpeg.Options{Quality: 85}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// decode decodes a picture in colour where Go can (JPEG, PNG, GIF, WebP,
// BMP, TIFF, a camera RAW's embedded preview), upright by its EXIF
// orientation; HEIF and AVIF pictures in grey, from the hashing decoder.
func decode(data []byte) (image.Image, error) {
	if preview, raw, err := metadata.RawPreview(data); raw {
		if err != nil {
			return nil, err
		}
		data = preview
	}
	hashed, herr := imaging.Decode(data, imaging.Options{Fast: true})
	if img, _, err := image.Decode(bytes.NewReader(data)); err == nil {
		if hashed != nil {
			img = orient(img, hashed.Orientation)
		}
		return img, nil
	}
	if herr != nil {
		if errors.Is(herr, imaging.ErrUnsupported) {
			return nil, ErrNoPicture
		}
		return nil, herr
	}
	g := image.NewGray(image.Rect(0, 0, hashed.LumaCols, hashed.LumaRows))
	for i, v := range hashed.Luma {
		g.Pix[i] = uint8(min(255, max(0, v+0.5)))
	}
	// The hashing decoder may sample to a square: back to the picture's shape.
	w, h := hashed.Width, hashed.Height
	if w <= 0 || h <= 0 {
		return g, nil
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	xdraw.ApproxBiLinear.Scale(out, out.Bounds(), g, g.Bounds(), draw.Src, nil)
	return out, nil
}

// fit scales img so its longer side is at most side.
func fit(img image.Image, side int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if long := max(w, h); long > side {
		w, h = max(1, w*side/long), max(1, h*side/long)
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.CatmullRom.Scale(out, out.Bounds(), img, b, draw.Src, nil)
	return out
}

func grey(img *image.RGBA) *image.RGBA {
	for i := 0; i < len(img.Pix); i += 4 {
		y := color.GrayModel.Convert(color.RGBA{img.Pix[i], img.Pix[i+1], img.Pix[i+2], 255}).(color.Gray).Y
		img.Pix[i], img.Pix[i+1], img.Pix[i+2] = y, y, y
	}
	return img
}

// boxBlur averages every pixel over a (2r+1)-wide box, rows then
// columns, with edges extended.
func boxBlur(img *image.RGBA, r int) {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	line := make([]uint8, 4*max(w, h))
	pass := func(n int, at func(i int) int) {
		for c := range 3 {
			sum := 0
			px := func(i int) int { return int(img.Pix[at(min(max(i, 0), n-1))+c]) }
			for i := -r; i <= r; i++ {
				sum += px(i)
			}
			for i := range n {
				line[i] = uint8(sum / (2*r + 1))
				sum += px(i+r+1) - px(i-r)
			}
			for i := range n {
				img.Pix[at(i)+c] = line[i]
			}
		}
	}
	for y := range h {
		pass(w, func(x int) int { return y*img.Stride + 4*x })
	}
	for x := range w {
		pass(h, func(y int) int { return y*img.Stride + 4*x })
	}
}

// orient turns a picture upright by its EXIF orientation (1..8).
func orient(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	ow, oh := w, h
	if o >= 5 {
		ow, oh = h, w
	}
	out := image.NewRGBA(image.Rect(0, 0, ow, oh))
	for y := range h {
		for x := range w {
			var nx, ny int
			switch o {
			case 2:
				nx, ny = w-1-x, y
			case 3:
				nx, ny = w-1-x, h-1-y
			case 4:
				nx, ny = x, h-1-y
			case 5:
				nx, ny = y, x
			case 6:
				nx, ny = h-1-y, x
			case 7:
				nx, ny = h-1-y, w-1-x
			case 8:
				nx, ny = y, w-1-x
			}
			out.Set(nx, ny, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return out
}
