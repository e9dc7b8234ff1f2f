package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/ariadne-vid/ariadne/internal/archive"
	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/walk"
)

// record is one file on its way through the pipeline.
type record struct {
	file     store.File
	res      hasher.Result
	media    *store.Media
	dihedral []pdq.Hash
	matches  []store.Match

	// top is set for a file found on disk (not an archive member): the
	// unit that progress counts and a resumed run skips.
	top bool
	// Set by the matcher.
	known, near, ignorable bool
}

// class is the record's triage class; the precedence is the order of the
// checks.
func (r *record) class() string {
	switch {
	case r.known:
		return store.ClassKnown
	case r.near:
		return store.ClassNear
	case r.ignorable:
		return store.ClassIgnorable
	case r.file.Error != "":
		return store.ClassError
	case r.res.PDQ != nil, len(r.res.VPDQFrames) > 0, len(r.res.AudioItems) > 0,
		strings.HasPrefix(r.res.MIME, "video/"), strings.HasPrefix(r.res.MIME, "audio/"):
		// Video and audio that could not be decoded (no ffmpeg) are still
		// media: new until something says otherwise.
		return store.ClassNew
	}
	return store.ClassOther
}

func (r *record) ingested(pdqVersion, vpdqVersion string) store.IngestedFile {
	out := store.IngestedFile{File: r.file, Media: r.media, Matches: r.matches}
	if r.media != nil && len(r.res.VPDQ) > 0 {
		out.AVSignals = append(out.AVSignals, store.Signal{Type: store.SignalVPDQ, Value: strings.Join(r.res.VPDQ, "\n") + "\n", Version: vpdqVersion})
	}
	if r.media != nil && r.res.Audio != "" {
		out.AVSignals = append(out.AVSignals, store.Signal{Type: store.SignalChromaprint, Value: r.res.Audio, Version: "chromaprint-2"})
	}
	if r.res.PDQ != nil && r.media != nil {
		q := *r.res.PDQQuality
		out.Signals = append(out.Signals, store.Signal{Type: "pdq", Value: r.res.PDQ.String(), Quality: &q, Version: pdqVersion})
		// The rotations and mirrors too: reports group new media with
		// their mirrored copies, and the image is not read again for it.
		if len(r.dihedral) == 8 {
			hexes := make([]string, 8)
			for i, h := range r.dihedral {
				hexes[i] = h.String()
			}
			out.Signals = append(out.Signals, store.Signal{Type: store.SignalPDQDihedral, Value: strings.Join(hexes, ","), Quality: &q, Version: pdqVersion})
		}
	}
	return out
}

func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// fromResult fills a record from what the hasher found.
func fromResult(r *record, res hasher.Result) {
	r.res = res
	if res.Error != "" {
		r.file.Error = res.Error
	}
	if res.Warning != "" {
		r.file.Warning = joinNotes(r.file.Warning, res.Warning)
	}
	if res.FirstFrame {
		r.file.Warning = joinNotes(r.file.Warning, "animated: first frame hashed")
	}
	if res.SHA256 == "" {
		return // nothing of the content was read
	}
	r.media = &store.Media{SHA256: res.SHA256, MD5: res.MD5, SHA1: res.SHA1, Size: res.Size, MIME: res.MIME, Width: res.Width, Height: res.Height,
		DurationMS: int64(res.Duration * 1000)}
	if res.PDQ != nil {
		r.dihedral = res.PDQDihedral
	}
}

func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// task is a path found by the walk, under the name it is recorded by.
type task struct {
	entry walk.Entry
	name  string
	times store.File // size and MAC times from the walk's Lstat
}

// worker turns tasks into records. One per goroutine.
type worker struct {
	h      *hasher.Hasher
	limits archive.Limits
}

// process hashes a task's file, and the members of an archive, handing
// each record to emit; members come before their archive, so that the
// archive's own record, which a resumed run looks for, is written last.
func (w *worker) process(ctx context.Context, t task, emit func(*record) error) error {
	r := &record{file: t.times, top: true}
	r.file.Path = t.name
	e := t.entry
	switch {
	case e.Err != nil:
		r.file.Error = describeErr(e.Err)
		return emit(r)
	case e.Info.Mode()&fs.ModeSymlink != 0:
		// The target is not read: readlink updates the link's access
		// time, whatever flags are used.
		r.file.Warning = fmt.Sprintf("symbolic link (%d-byte target), not followed", e.Info.Size())
		return emit(r)
	case !e.Info.Mode().IsRegular():
		r.file.Warning = fmt.Sprintf("not a regular file (%s), not read", walk.DescribeMode(e.Info.Mode()))
		return emit(r)
	}
	f, err := walk.Open(e.Path)
	if err != nil {
		r.file.Error = describeErr(err)
		return emit(r)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		r.file.Error = describeErr(err)
		return emit(r)
	}
	if !st.Mode().IsRegular() {
		r.file.Warning = fmt.Sprintf("not a regular file (%s) when opened, not read", walk.DescribeMode(st.Mode()))
		return emit(r)
	}
	size := st.Size()
	fromResult(r, w.h.Hash(t.name, io.NewSectionReader(f, 0, size), size))
	if r.file.Error != "" || archive.Detect(f, size) == archive.NotArchive {
		return emit(r)
	}
	members := 0
	err = archive.Walk(t.name, f, size, w.limits, func(m archive.Member) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		members++
		mr := &record{file: store.File{Path: m.Path, Size: m.Size, ModifiedAt: timestamp(m.Modified), Warning: m.Warning}}
		if m.Err != nil {
			mr.file.Error = m.Err.Error()
			return emit(mr)
		}
		rd, err := m.Open()
		if err != nil {
			mr.file.Error = "read member: " + err.Error()
			return emit(mr)
		}
		fromResult(mr, w.h.Hash(m.Path, rd, m.Size))
		return emit(mr)
	})
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if err != nil {
		r.file.Error = fmt.Sprintf("archive damaged after %d members: %v", members, err)
	}
	return emit(r)
}

func describeErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}
