package main

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"time"

	"github.com/ariadne-vid/ariadne/internal/audio"
	"github.com/ariadne-vid/ariadne/internal/ffmpeg"
	"github.com/ariadne-vid/ariadne/internal/video"
)

// measureAll is measure counting the CPU of ffmpeg as well.
func measureAll(fn func() error) (wall, cpu time.Duration, err error) {
	c0, k0, t0 := cpuTime(), childrenCPU(), time.Now()
	err = fn()
	return time.Since(t0), cpuTime() - c0 + childrenCPU() - k0, err
}

// benchVideo measures, one file at a time (one core's work), ffmpeg's
// decode alone, vPDQ of every frame, vPDQ at one frame per second, and
// the audio fingerprint of the decoded sound.
func benchVideo(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench video", "FILE...", stderr)
	rounds := fs.Int("rounds", 1, "times to repeat each measurement")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return usageErr("no FILE given")
	}
	ctx := context.Background()
	var seconds, frames float64
	var decodeCPU, everyCPU, oneCPU, audioDecodeCPU, audioCPU time.Duration
	var audioSeconds float64
	for range *rounds {
		for _, p := range paths {
			info, err := ffmpeg.Probe(ctx, p)
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			seconds += info.Duration
			_, cpu, err := measureAll(func() error {
				return exec.Command("ffmpeg", "-nostdin", "-v", "error", "-threads", "1", "-i", p, "-map", "0:v:0", "-an", "-f", "null", "-").Run()
			})
			if err != nil {
				return fmt.Errorf("%s: decode: %w", p, err)
			}
			decodeCPU += cpu
			var h video.Hash
			_, cpu, err = measureAll(func() error {
				var err error
				h, err = video.HashFile(ctx, p, video.Options{})
				return err
			})
			if err != nil {
				return err
			}
			frames += float64(len(h.Frames))
			everyCPU += cpu
			_, cpu, err = measureAll(func() error {
				_, err := video.HashFile(ctx, p, video.Options{SecondsPerHash: 1})
				return err
			})
			if err != nil {
				return err
			}
			oneCPU += cpu
			if info.HasAudio {
				var pcm []int16
				_, cpu, err = measureAll(func() error {
					return ffmpeg.PCM(ctx, p, func(s []int16) error { pcm = append(pcm, s...); return nil })
				})
				if err != nil {
					return err
				}
				audioDecodeCPU += cpu
				_, cpu, _ = measure(func() error { audio.Fingerprint(pcm); return nil })
				audioCPU += cpu
				audioSeconds += float64(len(pcm)) / audio.SampleRate
			}
		}
	}
	fmt.Fprintf(stdout, "%d files × %d rounds, %.1f s of video, %.0f frames (CPU of ariadne and ffmpeg together)\n", len(paths), *rounds, seconds, frames)
	fmt.Fprintf(stdout, "ffmpeg decode alone:        %7.1f s of video per CPU-second\n", seconds/decodeCPU.Seconds())
	fmt.Fprintf(stdout, "vPDQ every frame:           %7.1f frames per CPU-second (%.1f s of video per CPU-second)\n", frames/everyCPU.Seconds(), seconds/everyCPU.Seconds())
	fmt.Fprintf(stdout, "vPDQ one frame a second:    %7.1f s of video per CPU-second (%.0f%% of decode alone)\n", seconds/oneCPU.Seconds(), 100*decodeCPU.Seconds()/oneCPU.Seconds())
	if audioSeconds > 0 {
		fmt.Fprintf(stdout, "audio decode to 11,025 Hz:  %7.1f× real time\n", audioSeconds/audioDecodeCPU.Seconds())
		fmt.Fprintf(stdout, "audio fingerprint (Go):     %7.1f× real time after decoding\n", audioSeconds/audioCPU.Seconds())
	}
	return nil
}
