package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/imaging"
)

func init() {
	register(command{name: "hash", summary: "print exact and perceptual hashes of files and folders", run: runHash})
}

func runHash(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("hash", "[--dihedral] [--jobs N] [--format jsonl|csv] [--exact] PATH...", stderr)
	dihedral := fs.Bool("dihedral", false, "add the 8 dihedral PDQ hashes (reference order: orig, rot90, rot180, rot270, flipx, flipy, flipp, flipm)")
	jobs := fs.Int("jobs", 0, "hashing workers (0: one per CPU)")
	format := fs.String("format", "jsonl", "output: jsonl (one JSON object per file) or csv (pdq,quality,path as the reference pdq-photo-hasher prints)")
	exact := fs.Bool("exact", false, "decode JPEGs at full size, as the reference does (bit-identical hashes, about half the speed)")
	maxPixels := fs.Int64("max-pixels", imaging.DefaultMaxPixels, "refuse images with more pixels than this (memory bound)")
	av := avFlags(fs)
	cpuProfile := fs.String("cpuprofile", "", "write a Go CPU profile to this file")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return usageErr("no PATH given")
	}
	if *format != "jsonl" && *format != "csv" {
		return usageErr("--format must be jsonl or csv, not %q", *format)
	}
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	opts := hasher.Options{
		Imaging:  imaging.Options{Fast: !*exact, MaxPixels: *maxPixels},
		Dihedral: *dihedral,
		AV:       av(),
	}
	if imaging.JPEGDecoder != "libjpeg-turbo" {
		slog.Info("built without libjpeg-turbo (go build -tags libjpeg): JPEGs are decoded by Go at full size, no fast path")
	}
	ctx, stop := interruptible()
	defer stop()

	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	var files, images, failed int
	start := time.Now()
	err = hasher.Run(ctx, paths, *jobs, opts, func(r hasher.Result) error {
		files++
		if r.PDQ != nil {
			images++
		}
		if r.Error != "" {
			failed++
		}
		if *format == "csv" {
			if r.Error != "" {
				fmt.Fprintf(stderr, "%s: %s\n", r.Path, r.Error)
			}
			if r.PDQ == nil {
				return nil
			}
			_, err := fmt.Fprintf(out, "%s,%d,%s\n", r.PDQ, *r.PDQQuality, r.Path)
			return err
		}
		return enc.Encode(r)
	})
	if err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	slog.Info("hash finished", "files", files, "images", images, "errors", failed, "seconds", time.Since(start).Round(time.Millisecond).Seconds())
	if failed > 0 {
		return errSomeFailed
	}
	return nil
}
