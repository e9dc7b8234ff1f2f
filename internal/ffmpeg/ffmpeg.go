// Package ffmpeg runs the ffmpeg and ffprobe programs (Debian's ffmpeg
// package) to read video and audio: stream facts, raw RGB frames and
// mono PCM. Decoding every format seized media comes in is ffmpeg's job;
// Ariadne hashes what it decodes. Nothing is written: the programs read
// the file and write to a pipe.
package ffmpeg

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
)

// ErrMissing is returned when ffmpeg or ffprobe is not installed.
var ErrMissing = errors.New("ffmpeg/ffprobe not found: install Debian's ffmpeg package (apt-get install ffmpeg) to hash video and audio")

var (
	lookOnce              sync.Once
	ffmpegPath, probePath string
	lookErr               error
)

func find() (string, string, error) {
	lookOnce.Do(func() {
		var err1, err2 error
		ffmpegPath, err1 = exec.LookPath("ffmpeg")
		probePath, err2 = exec.LookPath("ffprobe")
		if err1 != nil || err2 != nil {
			lookErr = ErrMissing
		}
	})
	return ffmpegPath, probePath, lookErr
}

// Available reports whether ffmpeg and ffprobe are installed.
func Available() bool {
	_, _, err := find()
	return err == nil
}

// Info is what ffprobe says of a file's first video and first audio
// stream.
type Info struct {
	Format   string  `json:"format"`
	Duration float64 `json:"duration"` // seconds, of the container
	HasVideo bool    `json:"has_video"`
	Width    int     `json:"width,omitempty"`
	Height   int     `json:"height,omitempty"`
	// FrameRate is the video's average frame rate (avg_frame_rate), as
	// the vPDQ reference uses it for timestamps and sampling.
	FrameRate float64 `json:"frame_rate,omitempty"`
	Frames    int     `json:"frames,omitempty"` // as the container declares, 0 if unknown
	HasAudio  bool    `json:"has_audio"`
	AudioRate int     `json:"audio_rate,omitempty"`
	// Tags are the container's metadata as ffprobe names them (phones
	// write make, model, creation time and an ISO 6709 location).
	Tags map[string]string `json:"tags,omitempty"`
}

// Probe asks ffprobe about a file.
func Probe(ctx context.Context, path string) (Info, error) {
	_, probe, err := find()
	if err != nil {
		return Info{}, err
	}
	cmd := exec.CommandContext(ctx, probe, "-v", "error", "-of", "json", "-show_format", "-show_streams", "--", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return Info{}, fmt.Errorf("ffprobe: %s", firstLine(stderr.String(), err))
	}
	var raw struct {
		Streams []struct {
			CodecType    string `json:"codec_type"`
			Width        int    `json:"width"`
			Height       int    `json:"height"`
			AvgFrameRate string `json:"avg_frame_rate"`
			NbFrames     string `json:"nb_frames"`
			SampleRate   string `json:"sample_rate"`
			Disposition  struct {
				AttachedPic int `json:"attached_pic"`
			} `json:"disposition"`
		} `json:"streams"`
		Format struct {
			FormatName string            `json:"format_name"`
			Duration   string            `json:"duration"`
			Tags       map[string]string `json:"tags"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out, &raw); err != nil {
		return Info{}, fmt.Errorf("ffprobe output: %w", err)
	}
	info := Info{Format: raw.Format.FormatName, Tags: raw.Format.Tags}
	info.Duration, _ = strconv.ParseFloat(raw.Format.Duration, 64)
	for _, s := range raw.Streams {
		switch {
		case s.CodecType == "video" && !info.HasVideo && s.Disposition.AttachedPic == 0:
			info.HasVideo = true
			info.Width, info.Height = s.Width, s.Height
			info.FrameRate = parseRate(s.AvgFrameRate)
			info.Frames, _ = strconv.Atoi(s.NbFrames)
		case s.CodecType == "audio" && !info.HasAudio:
			info.HasAudio = true
			info.AudioRate, _ = strconv.Atoi(s.SampleRate)
		}
	}
	return info, nil
}

func parseRate(s string) float64 {
	num, den, ok := strings.Cut(s, "/")
	n, err1 := strconv.ParseFloat(num, 64)
	if !ok {
		return n
	}
	d, err2 := strconv.ParseFloat(den, 64)
	if err1 != nil || err2 != nil || d == 0 {
		return 0
	}
	return n / d
}

func firstLine(s string, err error) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return err.Error()
	}
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// FrameOptions choose how frames are decoded.
type FrameOptions struct {
	// Every keeps frames whose index is a multiple of it (1 or less:
	// every frame), selected by index as the vPDQ reference does.
	Every int
	// Size, when not 0, scales frames to Size×Size with Lanczos (the
	// reference's downsampled variant).
	Size int
	// CColourConversion forces ffmpeg's C code for the YUV to RGB
	// conversion (-cpuflags 0); the SIMD code differs by a level on some
	// pixels, and older reference hashes were made with the C code.
	CColourConversion bool
}

// Frames decodes the first video stream of path to 8-bit RGB frames,
// in decode order and at their stored orientation, and calls fn with
// each (the buffer is reused for the next frame).
func Frames(ctx context.Context, path string, width, height int, opts FrameOptions, fn func(index int, rgb []byte) error) error {
	bin, _, err := find()
	if err != nil {
		return err
	}
	args := []string{"-nostdin", "-v", "error"}
	if opts.CColourConversion {
		args = append(args, "-cpuflags", "0")
	}
	// One decoding thread: ingest runs one ffmpeg per worker, and frame
	// threads cost CPU time to synchronise.
	args = append(args, "-threads", "1", "-filter_threads", "1", "-noautorotate", "-i", path, "-map", "0:v:0", "-an", "-sn", "-dn", "-fps_mode", "passthrough", "-sws_flags", "area")
	var filters []string
	if opts.Every > 1 {
		filters = append(filters, fmt.Sprintf(`select=not(mod(n\,%d))`, opts.Every))
	}
	if opts.Size > 0 {
		filters = append(filters, fmt.Sprintf("scale=%d:%d:flags=lanczos", opts.Size, opts.Size))
		width, height = opts.Size, opts.Size
	}
	if len(filters) > 0 {
		args = append(args, "-vf", strings.Join(filters, ","))
	}
	args = append(args, "-f", "rawvideo", "-pix_fmt", "rgb24", "-")
	every := max(opts.Every, 1)
	frame := make([]byte, width*height*3)
	return stream(ctx, bin, args, func(r io.Reader) error {
		for i := 0; ; i++ {
			if _, err := io.ReadFull(r, frame); err != nil {
				if err == io.EOF || err == io.ErrUnexpectedEOF {
					return nil
				}
				return err
			}
			if err := fn(i*every, frame); err != nil {
				return err
			}
		}
	})
}

// stream runs ffmpeg with args, its output on a pipe that read consumes.
// When read fails, ffmpeg is stopped and read's error returned; else
// ffmpeg's own failure, with the first line it printed.
func stream(ctx context.Context, bin string, args []string, read func(io.Reader) error) error {
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := bigPipe(cmd)
	if err != nil {
		return err
	}
	defer out.Close()
	if err := cmd.Start(); err != nil {
		cmd.Stdout.(io.Closer).Close()
		return fmt.Errorf("ffmpeg: %w", err)
	}
	// The parent's copy of the write end must close, or reading never
	// sees the end.
	cmd.Stdout.(io.Closer).Close()
	readErr := read(out)
	if readErr != nil {
		cmd.Process.Kill()
	}
	waitErr := cmd.Wait()
	if readErr != nil {
		return readErr
	}
	if waitErr != nil {
		return fmt.Errorf("ffmpeg: %s", firstLine(stderr.String(), waitErr))
	}
	return nil
}

// Resample is the resampler fpcalc's libswresample uses in its
// compatible mode; with it ffmpeg's PCM gives fpcalc's fingerprints.
const Resample = "aresample=osr=11025:ocl=mono:osf=s16:filter_size=16:phase_shift=8:linear_interp=1:cutoff=0.8:tsf=s16p"

// PCM decodes the first audio stream of path to mono 16-bit samples at
// 11,025 Hz and calls fn with them in pieces.
func PCM(ctx context.Context, path string, fn func([]int16) error) error {
	bin, _, err := find()
	if err != nil {
		return err
	}
	args := []string{"-nostdin", "-v", "error", "-threads", "1", "-i", path, "-map", "0:a:0", "-vn", "-sn", "-dn",
		// -ac and -ar as well: without them the ffmpeg program negotiates
		// its own output layout and keeps the input's channels.
		"-af", Resample, "-ac", "1", "-ar", "11025", "-f", "s16le", "-"}
	return stream(ctx, bin, args, func(r io.Reader) error {
		buf := make([]byte, 1<<16)
		samples := make([]int16, 0, len(buf)/2)
		carry := 0 // an odd byte left from the last read
		for {
			n, err := r.Read(buf[carry:])
			data := buf[:carry+n]
			even := len(data) &^ 1
			samples = samples[:0]
			for i := 0; i < even; i += 2 {
				samples = append(samples, int16(uint16(data[i])|uint16(data[i+1])<<8))
			}
			carry = copy(buf, data[even:])
			if len(samples) > 0 {
				if err := fn(samples); err != nil {
					return err
				}
			}
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
		}
	})
}
