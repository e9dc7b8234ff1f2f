// Package video computes vPDQ, Meta's video hash (the PDQ hash of every
// frame, or of one frame every N), as its reference does, reads and
// writes the reference's text format, and matches two videos: the
// reference's match percentages, plus the time segments where they
// align, so a clip cut from a longer video is shown where it sits.
package video

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/ffmpeg"
	"github.com/ariadne-vid/ariadne/internal/pdq"
)

// Frame is the PDQ hash of one video frame.
type Frame struct {
	Index     int      `json:"index"`
	Quality   int      `json:"quality"`
	Hash      pdq.Hash `json:"pdq"`
	Timestamp float64  `json:"timestamp"` // index / average frame rate, as float32 like the reference
}

// Options choose how a video is hashed.
type Options struct {
	// SecondsPerHash hashes one frame every int(SecondsPerHash × average
	// frame rate) frames, at least every frame; 0 hashes every frame.
	SecondsPerHash float64
	// Size, when not 0, scales each frame to Size×Size first (the
	// reference's -s option; its 2023 sample hashes used Lanczos).
	Size int
	// CColourConversion uses ffmpeg's C colour conversion (the older
	// reference hashes were made that way).
	CColourConversion bool
	// Info, when set, is what ffprobe said of the file already: starting
	// ffprobe again costs a tenth of a second of CPU.
	Info *ffmpeg.Info
}

// Hash is a video's vPDQ hash and what was learned decoding it.
type Hash struct {
	Info   ffmpeg.Info
	Every  int // frames hashed: every Every-th
	Frames []Frame
}

// Every is the frame step the reference uses for secondsPerHash at a
// frame rate.
func Every(secondsPerHash, frameRate float64) int {
	return max(1, int(secondsPerHash*frameRate))
}

// HashFile computes the vPDQ hash of a video file.
func HashFile(ctx context.Context, path string, opts Options) (Hash, error) {
	var info ffmpeg.Info
	if opts.Info != nil {
		info = *opts.Info
	} else {
		var err error
		if info, err = ffmpeg.Probe(ctx, path); err != nil {
			return Hash{}, err
		}
	}
	if !info.HasVideo || info.Width == 0 || info.Height == 0 {
		return Hash{Info: info}, fmt.Errorf("no video stream")
	}
	h := Hash{Info: info, Every: Every(opts.SecondsPerHash, info.FrameRate)}
	var hasher pdq.Hasher
	w, hgt := info.Width, info.Height
	if opts.Size > 0 {
		w, hgt = opts.Size, opts.Size
	}
	fps := float32(info.FrameRate)
	err := ffmpeg.Frames(ctx, path, info.Width, info.Height, ffmpeg.FrameOptions{Every: h.Every, Size: opts.Size, CColourConversion: opts.CColourConversion},
		func(index int, rgb []byte) error {
			s := hasher.FromRGB(rgb, hgt, w)
			ts := 0.0
			if fps > 0 {
				ts = float64(float32(index) / fps)
			}
			h.Frames = append(h.Frames, Frame{Index: index, Quality: s.Quality, Hash: s.Hash, Timestamp: ts})
			return nil
		})
	return h, err
}

// WriteLines writes frames in the reference's text format, one line per
// hashed frame: index,quality,hex,timestamp (3 decimals).
func WriteLines(w io.Writer, frames []Frame) error {
	bw := bufio.NewWriter(w)
	for _, f := range frames {
		fmt.Fprintf(bw, "%d,%d,%s,%.3f\n", f.Index, f.Quality, f.Hash, f.Timestamp)
	}
	return bw.Flush()
}

// ReadLines reads the reference's text format (the timestamp column is
// optional, as in files older than 2022).
func ReadLines(r io.Reader) ([]Frame, error) {
	sc := bufio.NewScanner(r)
	var out []Frame
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		parts := strings.Split(text, ",")
		if len(parts) != 3 && len(parts) != 4 {
			return nil, fmt.Errorf("line %d: want index,quality,pdq[,timestamp], got %d fields", line, len(parts))
		}
		var f Frame
		var err error
		if f.Index, err = strconv.Atoi(parts[0]); err != nil || f.Index < 0 {
			return nil, fmt.Errorf("line %d: frame index %q", line, parts[0])
		}
		if f.Quality, err = strconv.Atoi(parts[1]); err != nil || f.Quality < 0 || f.Quality > 100 {
			return nil, fmt.Errorf("line %d: quality %q", line, parts[1])
		}
		if f.Hash, err = pdq.ParseHex(parts[2]); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if len(parts) == 4 {
			if f.Timestamp, err = strconv.ParseFloat(parts[3], 64); err != nil {
				return nil, fmt.Errorf("line %d: timestamp %q", line, parts[3])
			}
		}
		out = append(out, f)
	}
	return out, sc.Err()
}
