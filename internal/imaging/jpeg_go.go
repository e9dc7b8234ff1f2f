//go:build !cgo || !libjpeg

package imaging

import (
	"bytes"
	"fmt"
	"image/jpeg"
)

// JPEGDecoder names the JPEG decoder in use.
const JPEGDecoder = "go image/jpeg"

// decodeJPEG is the pure-Go fallback, used unless the binary is built with
// cgo and the libjpeg tag (go build -tags libjpeg, as scripts/build does). Go's decoder upsamples chroma and rounds
// its IDCT differently from libjpeg, so hashes can differ from the
// reference's by a few bits; there is no reduced-scale fast path.
func decodeJPEG(data []byte, opts Options) (*Image, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("corrupt or unsupported JPEG: %w", err)
	}
	if max := opts.maxPixels(); max > 0 && int64(cfg.Width)*int64(cfg.Height) > max {
		return nil, fmt.Errorf("JPEG is %dx%d, over the limit of %d pixels", cfg.Width, cfg.Height, max)
	}
	m, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("corrupt or unsupported JPEG: %w", err)
	}
	img := &Image{Format: JPEG, Progressive: jpegProgressive(data)}
	img.fromImage(m, opts)
	return img, nil
}

// BaselineDecodeJPEG decodes a whole JPEG at full size the plain way, for
// speed comparisons.
func BaselineDecodeJPEG(data []byte) error {
	_, err := jpeg.Decode(bytes.NewReader(data))
	return err
}
