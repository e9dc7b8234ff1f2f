// Package hasher computes every signal Ariadne records for a file, its
// exact digests and, for images, PDQ, reading the file's bytes once: the
// one pass feeds the three digests and the image decoder.
package hasher

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/digest"
	"github.com/ariadne-vid/ariadne/internal/features"
	"github.com/ariadne-vid/ariadne/internal/ffmpeg"
	"github.com/ariadne-vid/ariadne/internal/imaging"
	"github.com/ariadne-vid/ariadne/internal/metadata"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/video"
	"github.com/ariadne-vid/ariadne/internal/walk"
)

// Result is what hashing one file gives. Field names are the JSON the
// `ariadne hash` command prints.
type Result struct {
	Path string `json:"path"`
	Size int64  `json:"size"`
	digest.Sums
	MIME        string     `json:"mime,omitempty"`
	Width       int        `json:"width,omitempty"`
	Height      int        `json:"height,omitempty"`
	PDQ         *pdq.Hash  `json:"pdq,omitempty"`
	PDQQuality  *int       `json:"pdq_quality,omitempty"`
	PDQDihedral []pdq.Hash `json:"pdq_dihedral,omitempty"`
	// Features are the image's local features (Options.Features), and
	// FeaturesMirrored its mirror image's (Options.Mirrored).
	Features         *features.Set `json:"-"`
	FeaturesMirrored *features.Set `json:"-"`
	Orientation      int           `json:"exif_orientation,omitempty"`
	// Metadata is what the file says about itself (camera, time, place,
	// document IDs, the embedded thumbnail's PDQ).
	Metadata *metadata.Metadata `json:"metadata,omitempty"`
	// FirstFrame is set for animated GIF and WebP files: only their first
	// frame was hashed.
	FirstFrame bool `json:"first_frame_only,omitempty"`
	// Video and audio: the duration, the vPDQ hash as the reference's
	// lines (index,quality,hex,timestamp) and the audio fingerprint as
	// fpcalc prints it (of the first audio stream).
	Duration   float64       `json:"duration,omitempty"`
	VPDQ       []string      `json:"vpdq,omitempty"`
	Audio      string        `json:"audio,omitempty"`
	VPDQFrames []video.Frame `json:"-"`
	AudioItems []uint32      `json:"-"`
	// AudioAtSpeeds are the fingerprints of the audio resampled to undo
	// a copy played at each of audio.Speeds (matching only).
	AudioAtSpeeds [][]uint32 `json:"-"`
	Warning       string     `json:"warning,omitempty"`
	Error         string     `json:"error,omitempty"`
}

// Options configure a Hasher.
type Options struct {
	Imaging  imaging.Options
	Dihedral bool
	// MaxImageBytes: image files larger than this get exact hashes and an
	// error instead of being held in memory to decode (default 512 MiB).
	MaxImageBytes int64
	// AV hashes video (vPDQ) and audio (fingerprint) through ffmpeg.
	AV AVOptions
	// Features describes images by local features (internal/features),
	// from the luma already decoded for PDQ; Mirrored describes their
	// mirror image too, for lookups.
	Features, Mirrored bool
}

// AVOptions configure video and audio hashing.
type AVOptions struct {
	Enabled bool
	// SecondsPerHash: vPDQ hashes one frame every int(S × frame rate)
	// frames (0: every frame).
	SecondsPerHash float64
	// ffmpeg reads a temporary copy, written while the digests read the
	// file (one pass over the evidence): ffmpeg opening the evidence
	// itself would update its access time, and a member of an archive
	// has no file of its own. The copy goes to SpoolDir (default the
	// system's temporary folder) and is removed at once; files over
	// MaxSpool bytes (default 4 GiB) get exact hashes only.
	SpoolDir string
	MaxSpool int64
}

const defaultMaxImageBytes = 512 << 20

// Hasher hashes files one at a time; use one per goroutine. It keeps its
// buffers between files.
type Hasher struct {
	opts   Options
	digest *digest.Writer
	pdq    pdq.Hasher
	buf    []byte
	copy   []byte
}

// New returns a Hasher.
func New(opts Options) *Hasher {
	if opts.MaxImageBytes <= 0 {
		opts.MaxImageBytes = defaultMaxImageBytes
	}
	return &Hasher{opts: opts, digest: digest.New(), copy: make([]byte, 1<<20)}
}

// HashFile opens path read-only (without touching its access time) and
// hashes it. Errors are reported in the
// Result, never returned: one bad file must not stop a run.
func (h *Hasher) HashFile(path string) Result {
	f, err := walk.Open(path)
	if err != nil {
		return Result{Path: path, Error: fmt.Sprintf("open: %v", unwrapPath(err))}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Result{Path: path, Error: fmt.Sprintf("stat: %v", unwrapPath(err))}
	}
	if !st.Mode().IsRegular() {
		return Result{Path: path, Error: fmt.Sprintf("not a regular file (%s)", st.Mode().Type())}
	}
	return h.Hash(path, f, st.Size())
}

// unwrapPath drops the path from *PathError: the result names it already.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Hash hashes the content of r, whose size is expected to be size (an
// archive member has no file of its own). name is reported as the path.
func (h *Hasher) Hash(name string, r io.Reader, size int64) Result {
	res := Result{Path: name}
	h.digest.Reset()
	// Sniff from the stream itself: the bytes read here are fed to the
	// digests like all the others.
	var head [512]byte
	n, err := io.ReadFull(r, head[:])
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return h.fail(res, fmt.Errorf("read: %w", err))
	}
	format := imaging.Sniff(head[:n])
	if av := ffmpeg.Sniff(head[:n]); av != "" && format == imaging.Unknown && h.opts.AV.Enabled {
		res.MIME = av
		return h.hashAV(res, head[:n], r, size)
	}
	if format == imaging.Unknown {
		res.MIME = http.DetectContentType(head[:n])
		if err := h.drain(head[:n], r); err != nil {
			return h.fail(res, err)
		}
		res.Size, res.Sums = h.digest.Len(), h.digest.Sums()
		if strings.HasPrefix(res.MIME, "image/") {
			res.Error = fmt.Sprintf("unsupported image format (%s)", res.MIME)
		}
		return res
	}
	res.MIME = format.MIME()
	if size > h.opts.MaxImageBytes {
		if err := h.drain(head[:n], r); err != nil {
			return h.fail(res, err)
		}
		res.Size, res.Sums = h.digest.Len(), h.digest.Sums()
		res.Error = fmt.Sprintf("%s file of %d bytes is over the %d-byte limit for decoding; exact hashes only", format, size, h.opts.MaxImageBytes)
		return res
	}
	// Images are held in memory for the decoder; the digests see the same
	// bytes, so the file is still read once.
	if want := int(size) + 1; cap(h.buf) < want {
		h.buf = make([]byte, 0, want) // +1 so EOF needs no growth
	}
	h.buf = append(h.buf[:0], head[:n]...)
	for {
		if len(h.buf) == cap(h.buf) {
			h.buf = append(h.buf, 0)[:len(h.buf)]
		}
		m, err := r.Read(h.buf[len(h.buf):cap(h.buf)])
		h.buf = h.buf[:len(h.buf)+m]
		if err == io.EOF {
			break
		}
		if err != nil {
			return h.fail(res, fmt.Errorf("read: %w", err))
		}
		if int64(len(h.buf)) > h.opts.MaxImageBytes {
			return h.fail(res, fmt.Errorf("file grew past the %d-byte decoding limit while being read", h.opts.MaxImageBytes))
		}
	}
	h.digest.Write(h.buf)
	res.Size, res.Sums = h.digest.Len(), h.digest.Sums()
	h.addImage(&res, h.buf)
	// Do not keep a huge buffer alive for the next, likely smaller, file.
	if cap(h.buf) > 64<<20 {
		h.buf = nil
	}
	return res
}

// addImage decodes an image and adds its signals to res.
func (h *Hasher) addImage(res *Result, data []byte) {
	img, err := imaging.Decode(data, h.opts.Imaging)
	if err != nil {
		res.Error = err.Error()
		return
	}
	res.Width, res.Height = img.Width, img.Height
	res.Orientation = img.Orientation
	res.FirstFrame = img.Animated
	res.Warning = img.Warning
	s := h.pdq.FromLuma(img.Luma, img.LumaRows, img.LumaCols)
	res.PDQ = &s.Hash
	res.PDQQuality = &s.Quality
	if h.opts.Dihedral {
		d := s.Dihedral()
		res.PDQDihedral = d[:]
	}
	if h.opts.Features {
		res.Features = features.FromLuma(img.Luma, img.LumaRows, img.LumaCols, img.Width, img.Height, features.Options{})
		if h.opts.Mirrored {
			res.FeaturesMirrored = features.FromLuma(img.Luma, img.LumaRows, img.LumaCols, img.Width, img.Height, features.Options{Mirror: true})
		}
	}
	h.addMetadata(res, data, img.Metadata)
}

// addMetadata reads what the file says about itself, and hashes its
// embedded thumbnail. fromDecoder is what the decoder found (HEIF keeps
// its EXIF where only libheif looks); damage is a warning, not an error:
// the pixels were read.
func (h *Hasher) addMetadata(res *Result, data []byte, fromDecoder *metadata.Metadata) {
	m, err := metadata.Read(data)
	if fromDecoder != nil {
		m, err = fromDecoder, nil
	}
	if err != nil {
		res.Warning = joinWarning(res.Warning, "metadata: "+err.Error())
	}
	if len(m.Thumbnail) > 0 {
		if thumb, err := imaging.Decode(m.Thumbnail, imaging.Options{MaxPixels: 1 << 22}); err == nil {
			s := h.pdq.FromLuma(thumb.Luma, thumb.LumaRows, thumb.LumaCols)
			m.ThumbnailPDQ, m.ThumbnailQuality = s.Hash.String(), &s.Quality
		} else {
			res.Warning = joinWarning(res.Warning, "embedded thumbnail: "+err.Error())
		}
	}
	if !m.Empty() {
		res.Metadata = m
	}
}

func joinWarning(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// drain feeds head and the rest of r to the digests.
func (h *Hasher) drain(head []byte, r io.Reader) error {
	h.digest.Write(head)
	if _, err := io.CopyBuffer(h.digest, r, h.copy); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	return nil
}

func (h *Hasher) fail(res Result, err error) Result {
	res.Error = err.Error()
	return res
}
