package main

import (
	"fmt"
	"io"

	"github.com/ariadne-vid/ariadne/internal/audio"
	"github.com/ariadne-vid/ariadne/internal/features"
	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/imaging"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/video"
)

func init() {
	register(command{name: "compare", summary: "explain how two media files relate: exact, PDQ, vPDQ, audio, local features", run: runCompare})
}

// comparison is what compare reports; its JSON is the --json output.
type comparison struct {
	A, B string `json:"-"`
	// Match is set when any signal matches; By names those that do:
	// sha256, pdq, vpdq-frame, vpdq, audio, local-features.
	Match       bool     `json:"match"`
	By          []string `json:"by"`
	SameContent bool     `json:"same_sha256"`
	// Images: the smallest PDQ distance over B's rotations and mirrors.
	PDQDistance *int   `json:"pdq_distance,omitempty"`
	PDQVariant  string `json:"pdq_variant,omitempty"`
	// An image and a video: the video frame nearest the image.
	FrameDistance *int     `json:"frame_distance,omitempty"`
	FrameTime     *float64 `json:"frame_time,omitempty"`
	// Two videos: vPDQ both ways (query A against B, and B against A).
	VPDQ        *video.Comparison `json:"vpdq_a_in_b,omitempty"`
	VPDQReverse *video.Comparison `json:"vpdq_b_in_a,omitempty"`
	// Two recordings (or soundtracks).
	Audio *audio.Comparison `json:"audio,omitempty"`
	// Two pictures: their local features (A, upright or mirrored, against
	// B), with the transform, inliers and overlapping regions.
	LocalFeatures *features.Result `json:"local_features,omitempty"`
}

func runCompare(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("compare", "A B [--json] [--seconds-per-hash S] [--exact]", stderr)
	jsonOut := fs.Bool("json", false, "print the comparison as JSON")
	exact := fs.Bool("exact", false, "decode JPEGs at full size (PDQ bit-identical to the reference)")
	av := avFlags(fs)
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(paths) != 2 {
		return usageErr("want two files")
	}
	h := hasher.New(hasher.Options{Imaging: imaging.Options{Fast: !*exact}, Dihedral: true, AV: av(), Features: true, Mirrored: true})
	a, b := h.HashFile(paths[0]), h.HashFile(paths[1])
	for _, r := range []hasher.Result{a, b} {
		if r.Error != "" && r.SHA256 == "" {
			return fmt.Errorf("%s: %s", r.Path, r.Error)
		}
	}
	c := compareResults(a, b)
	if *jsonOut {
		return printJSON(stdout, c)
	}
	writeComparison(stdout, a, b, c)
	return nil
}

func compareResults(a, b hasher.Result) comparison {
	c := comparison{A: a.Path, B: b.Path, SameContent: a.SHA256 != "" && a.SHA256 == b.SHA256, By: []string{}}
	by := func(signal string, matched bool) {
		if matched {
			c.By = append(c.By, signal)
		}
	}
	by("sha256", c.SameContent)
	if a.PDQ != nil && b.PDQ != nil {
		best, how := 257, ""
		for i, d := range b.PDQDihedral {
			if dist := pdq.Distance(*a.PDQ, d); dist < best {
				best, how = dist, pdq.DihedralNames[i]
			}
		}
		c.PDQDistance, c.PDQVariant = &best, how
		by("pdq", best <= pdq.DefaultRadius)
	}
	// A still and a video, either way round.
	still, vid := a, b
	if still.PDQ == nil {
		still, vid = b, a
	}
	if still.PDQ != nil && len(vid.VPDQFrames) > 0 {
		best, at := 257, 0.0
		for _, f := range vid.VPDQFrames {
			if d := pdq.Distance(*still.PDQ, f.Hash); d < best {
				best, at = d, f.Timestamp
			}
		}
		c.FrameDistance, c.FrameTime = &best, &at
		by("vpdq-frame", best <= video.DefaultMatch.Distance)
	}
	if len(a.VPDQFrames) > 0 && len(b.VPDQFrames) > 0 {
		ab := video.Compare(a.VPDQFrames, b.VPDQFrames, video.DefaultMatch)
		ba := video.Compare(b.VPDQFrames, a.VPDQFrames, video.DefaultMatch)
		c.VPDQ, c.VPDQReverse = &ab, &ba
		by("vpdq", ab.Match || ba.Match)
	}
	if len(a.AudioItems) > 0 && len(b.AudioItems) > 0 {
		au := audio.CompareAtSpeeds(a.AudioItems, a.AudioAtSpeeds, b.AudioItems, audio.DefaultMatch)
		c.Audio = &au
		by("audio", au.Match)
	}
	if a.Features != nil && b.Features != nil {
		lf := features.CompareMirrored(a.Features, a.FeaturesMirrored, b.Features.Truncate(features.Stored), features.DefaultMatch)
		c.LocalFeatures = &lf
		by("local-features", lf.Match)
	}
	c.Match = len(c.By) > 0
	return c
}

func writeComparison(w io.Writer, a, b hasher.Result, c comparison) {
	fmt.Fprintf(w, "A: %s (%s, %d bytes)\nB: %s (%s, %d bytes)\n\n", a.Path, a.MIME, a.Size, b.Path, b.MIME, b.Size)
	if c.SameContent {
		fmt.Fprintln(w, "exact:  the same content (SHA-256 equal)")
	} else {
		fmt.Fprintln(w, "exact:  different content")
	}
	if c.PDQDistance != nil {
		verdict := "not a near-duplicate"
		if *c.PDQDistance <= pdq.DefaultRadius {
			verdict = fmt.Sprintf("near-duplicate (PDQ threshold %d)", pdq.DefaultRadius)
		}
		fmt.Fprintf(w, "PDQ:    distance %d (B's %s), %s\n", *c.PDQDistance, c.PDQVariant, verdict)
	}
	if c.FrameDistance != nil {
		fmt.Fprintf(w, "frame:  the still is at PDQ distance %d of the video's frame at %.3f s\n", *c.FrameDistance, *c.FrameTime)
	}
	if c.VPDQ != nil {
		fmt.Fprintf(w, "vPDQ:   %.1f%% of A's frames match B, %.1f%% of B's match A (frames of quality >= %d, distance <= %d): ",
			c.VPDQ.QueryPercent, c.VPDQ.ComparedPercent, video.DefaultMatch.MinQuality, video.DefaultMatch.Distance)
		switch {
		case c.VPDQ.Match && c.VPDQReverse.Match:
			fmt.Fprintln(w, "the same video")
		case c.VPDQ.Match:
			fmt.Fprintln(w, "A is contained in B")
		case c.VPDQReverse.Match:
			fmt.Fprintln(w, "B is contained in A")
		default:
			fmt.Fprintf(w, "no vPDQ match (%g%% needed)\n", video.DefaultMatch.QueryPercent)
		}
		for _, s := range c.VPDQ.Segments {
			fmt.Fprintf(w, "        A %.3f–%.3f s = B %.3f–%.3f s (offset %+.3f s, %d frames)\n", s.QueryStart, s.QueryEnd, s.ComparedStart, s.ComparedEnd, s.Offset, s.Frames)
		}
	}
	if lf := c.LocalFeatures; lf != nil {
		switch {
		case lf.Match && lf.Kind == features.KindCopy:
			fmt.Fprintf(w, "local:  a copy (crop, caption, border...): %d features agree on one transform", lf.Inliers)
		case lf.Match:
			fmt.Fprintf(w, "local:  the same place: the pictures share a region (%d features agree)", lf.Inliers)
		default:
			fmt.Fprintf(w, "local:  no match (%d features agree, %d needed)\n", lf.Inliers, features.DefaultMatch.MinInliers)
		}
		if lf.Match {
			t := lf.Transform
			mirrored := ""
			if t.Mirrored {
				mirrored = ", A mirrored"
			}
			fmt.Fprintf(w, " (scale %.3f, turn %.1f°%s)\n", t.Scale, t.Angle, mirrored)
			fmt.Fprintf(w, "        A's region x %.2f–%.2f, y %.2f–%.2f = B's x %.2f–%.2f, y %.2f–%.2f (%.0f%% of A, %.0f%% of B)\n",
				lf.RegionA.X0, lf.RegionA.X1, lf.RegionA.Y0, lf.RegionA.Y1, lf.RegionB.X0, lf.RegionB.X1, lf.RegionB.Y0, lf.RegionB.Y1, 100*lf.OverlapA, 100*lf.OverlapB)
		}
	}
	if c.Audio != nil {
		if c.Audio.Match {
			speed := ""
			if c.Audio.Speed != 0 {
				speed = fmt.Sprintf(", A is B played at %g× speed", c.Audio.Speed)
			}
			fmt.Fprintf(w, "audio:  the same sound for %.1f s, bit error rate %.3f, evidence %.0f bits%s\n", c.Audio.Seconds, c.Audio.BER, c.Audio.Evidence, speed)
		} else {
			fmt.Fprintln(w, "audio:  no common sound found")
		}
		for _, s := range c.Audio.Segments {
			fmt.Fprintf(w, "        A %.3f–%.3f s = B %.3f–%.3f s (offset %+.3f s, bit error rate %.3f)\n", s.QueryStart, s.QueryEnd, s.ComparedStart, s.ComparedEnd, s.Offset, s.BER)
		}
	}
}
