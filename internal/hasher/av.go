package hasher

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/audio"
	"github.com/ariadne-vid/ariadne/internal/ffmpeg"
	"github.com/ariadne-vid/ariadne/internal/metadata"
	"github.com/ariadne-vid/ariadne/internal/video"
)

const defaultMaxSpool = 4 << 30

// hashAV makes the digests of a video or audio file and, through ffmpeg,
// its vPDQ hash and audio fingerprint. Without ffmpeg, or when ffmpeg
// cannot decode it, the file keeps its exact hashes and says why.
func (h *Hasher) hashAV(res Result, head []byte, r io.Reader, size int64) Result {
	path := ""
	if ffmpeg.Available() {
		maxSpool := h.opts.AV.MaxSpool
		if maxSpool <= 0 {
			maxSpool = defaultMaxSpool
		}
		if size <= maxSpool {
			tmp, err := os.CreateTemp(h.opts.AV.SpoolDir, "ariadne-av-*")
			if err != nil {
				return h.fail(res, fmt.Errorf("temporary copy for ffmpeg: %w", err))
			}
			defer os.Remove(tmp.Name())
			defer tmp.Close()
			// The first bytes were read already, to recognise the format.
			if _, err := tmp.Write(head); err != nil {
				return h.fail(res, fmt.Errorf("temporary copy for ffmpeg: %w", err))
			}
			r = io.TeeReader(r, tmp)
			path = tmp.Name()
		}
	}
	if err := h.drain(head, r); err != nil {
		return h.fail(res, err)
	}
	res.Size, res.Sums = h.digest.Len(), h.digest.Sums()
	switch {
	case !ffmpeg.Available():
		res.Warning = ffmpeg.ErrMissing.Error() + "; exact hashes only"
		return res
	case path == "":
		res.Warning = fmt.Sprintf("%s of %d bytes is over the limit of the temporary copy ffmpeg reads (--spool-max); exact hashes only", res.MIME, size)
		return res
	}
	ctx := context.Background()
	info, err := ffmpeg.Probe(ctx, path)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.Duration = info.Duration
	var problems []string
	if len(info.Tags) > 0 {
		md := &metadata.Metadata{}
		if err := md.FromVideoTags(info.Tags); err != nil {
			problems = append(problems, "metadata: "+err.Error())
		}
		if !md.Empty() {
			res.Metadata = md
		}
	}
	if info.HasVideo {
		v, err := video.HashFile(ctx, path, video.Options{SecondsPerHash: h.opts.AV.SecondsPerHash, Info: &info})
		if err != nil {
			problems = append(problems, "video: "+err.Error())
		}
		res.Width, res.Height = info.Width, info.Height
		res.VPDQFrames = v.Frames
		for _, f := range v.Frames {
			res.VPDQ = append(res.VPDQ, fmt.Sprintf("%d,%d,%s,%.3f", f.Index, f.Quality, f.Hash, f.Timestamp))
		}
		if strings.HasPrefix(res.MIME, "audio/") {
			res.MIME = "video/" + strings.TrimPrefix(res.MIME, "audio/")
		}
	} else if strings.HasPrefix(res.MIME, "video/") && info.HasAudio {
		res.MIME = "audio/" + strings.TrimPrefix(res.MIME, "video/")
	}
	if info.HasAudio {
		fp := audio.NewSpeedFingerprinter()
		if err := ffmpeg.PCM(ctx, path, func(s []int16) error { fp.Write(s); return nil }); err != nil {
			problems = append(problems, "audio: "+err.Error())
		}
		res.AudioItems, res.AudioAtSpeeds = fp.Finish()
		if len(res.AudioItems) > 0 {
			res.Audio = audio.Encode(res.AudioItems)
		} else {
			res.AudioAtSpeeds = nil
		}
	}
	if !info.HasVideo && !info.HasAudio {
		problems = append(problems, "no video or audio stream")
	}
	if len(problems) > 0 {
		err := errors.New(strings.Join(problems, "; "))
		if len(res.VPDQFrames) == 0 && len(res.AudioItems) == 0 {
			res.Error = err.Error()
		} else {
			res.Warning = err.Error()
		}
	}
	return res
}
