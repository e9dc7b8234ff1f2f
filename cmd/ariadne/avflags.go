package main

import (
	"flag"

	"github.com/ariadne-vid/ariadne/internal/hasher"
)

// avFlags adds the video and audio flags hash and ingest share; the
// returned function gives the options once the flags are parsed.
func avFlags(fs *flag.FlagSet) func() hasher.AVOptions {
	var o hasher.AVOptions
	noAV := fs.Bool("no-av", false, "do not decode video and audio (they get exact hashes only)")
	fs.Float64Var(&o.SecondsPerHash, "seconds-per-hash", 1, "vPDQ: hash one frame every int(S × frame rate) frames; 0 hashes every frame")
	fs.StringVar(&o.SpoolDir, "spool-dir", "", "where the temporary copy of a video or sound that ffmpeg reads goes (default: the system's temporary folder)")
	fs.Int64Var(&o.MaxSpool, "spool-max", 4<<30, "videos and sounds larger than this (bytes) get exact hashes only")
	return func() hasher.AVOptions {
		o.Enabled = !*noAV
		return o
	}
}
