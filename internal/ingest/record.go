package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ariadne-vid/ariadne/internal/archive"
	"github.com/ariadne-vid/ariadne/internal/audio"
	"github.com/ariadne-vid/ariadne/internal/features"
	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/match"
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
	triage match.Result // what the matches say (its Matches are in matches)
}

// query is what the matcher is asked of the record.
func (r *record) query() match.Query {
	var q match.Query
	if r.media != nil {
		q.MD5, q.SHA1, q.SHA256 = r.media.MD5, r.media.SHA1, r.media.SHA256
	}
	if r.res.PDQ != nil && len(r.dihedral) > 0 {
		q.PDQ, q.PDQQuality, q.Dihedral = r.res.PDQ, *r.res.PDQQuality, r.dihedral
	}
	q.VPDQ, q.Audio, q.AudioAtSpeeds = r.res.VPDQFrames, r.res.AudioItems, r.res.AudioAtSpeeds
	q.Features, q.FeaturesMirrored = r.res.Features, r.res.FeaturesMirrored
	if md := r.res.Metadata; md != nil && md.ThumbnailPDQ != "" {
		if h, err := pdq.ParseHex(md.ThumbnailPDQ); err == nil {
			q.Thumbnail, q.ThumbnailQuality = &h, *md.ThumbnailQuality
		}
	}
	return q
}

// matched takes in what the matcher found and sets the record's class.
func (r *record) matched(res match.Result) {
	r.matches = append(r.matches, res.Matches...)
	r.triage = match.Result{Known: res.Known, Near: res.Near, Ignorable: res.Ignorable}
	r.file.Class = r.class()
}

// class is the record's triage class; the precedence is the order of the
// checks.
func (r *record) class() store.Class {
	if c := r.triage.Class(); c != "" {
		return c
	}
	switch {
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
	if r.media != nil {
		out.Metadata = r.res.Metadata
		if f := r.res.Features; f != nil && f.Len() > 0 {
			out.Features, out.FeaturesVersion = f.Truncate(features.Stored).Encode(), features.Version
		}
	}
	if r.media != nil && len(r.res.VPDQ) > 0 {
		out.AVSignals = append(out.AVSignals, store.Signal{Type: store.SignalVPDQ, Value: strings.Join(r.res.VPDQ, "\n") + "\n", Version: vpdqVersion})
	}
	if r.media != nil && r.res.Audio != "" {
		out.AVSignals = append(out.AVSignals, store.Signal{Type: store.SignalChromaprint, Value: r.res.Audio, Version: "chromaprint-2"})
		// The speed variants too, so rematch finds sped-up and slowed
		// copies without reading the evidence again.
		for i, items := range r.res.AudioAtSpeeds {
			if len(items) > 0 {
				out.AVSignals = append(out.AVSignals, store.Signal{Type: store.SignalChromaprintAt(audio.Speeds[i]), Value: audio.Encode(items), Version: "chromaprint-2"})
			}
		}
	}
	if r.res.PDQ != nil && r.media != nil {
		q := *r.res.PDQQuality
		out.Signals = append(out.Signals, store.Signal{Type: store.SignalPDQ, Value: r.res.PDQ.String(), Quality: &q, Version: pdqVersion})
		// The rotations and mirrors too: reports group new media with
		// their mirrored copies, and the image is not read again for it.
		if len(r.dihedral) == 8 {
			out.Signals = append(out.Signals, store.Signal{Type: store.SignalPDQDihedral, Value: pdq.FormatDihedral(r.dihedral), Quality: &q, Version: pdqVersion})
		}
		if md := r.res.Metadata; md != nil && md.ThumbnailPDQ != "" {
			// Thumbnails are small JPEGs, decoded in full: the exact PDQ.
			out.Signals = append(out.Signals, store.Signal{Type: store.SignalThumbnailPDQ, Value: md.ThumbnailPDQ, Quality: md.ThumbnailQuality, Version: "pdq"})
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
	// members carries archive members read into memory to any worker
	// that is free, so one large archive does not keep the others idle.
	members chan member
	emit    func(*record) error
}

// member is an archive member read whole, waiting to be hashed.
type member struct {
	rec     *record
	data    []byte
	readErr error // where reading the member stopped, if it did
	size    int64
	owner   *archiveWait
}

// archiveWait counts an archive's members still being hashed by other
// workers: its own record is written only after theirs.
type archiveWait struct {
	pending  atomic.Int64
	finished chan struct{} // a member finished (capacity 1, never blocks)
	err      atomic.Pointer[error]
}

// archiveFanOut hands archive members to other workers; tests turn it
// off to compare with members hashed where they are read.
var archiveFanOut = true

// fanOutMax is the largest member handed to another worker; larger ones
// (videos, nested disk images) are hashed as they are read, so the
// members waiting in memory stay small.
const fanOutMax = 16 << 20

// hashMember hashes a member read by an archive's worker and emits it.
func (w *worker) hashMember(m member) {
	var rd io.Reader = bytes.NewReader(m.data)
	if m.readErr != nil {
		// The hasher sees the bytes read and then the error, as it would
		// have reading the archive itself.
		rd = io.MultiReader(rd, failingReader{m.readErr})
	}
	fromResult(m.rec, w.h.Hash(m.rec.file.Path, rd, m.size))
	if err := w.emit(m.rec); err != nil {
		m.owner.err.CompareAndSwap(nil, &err)
	}
	m.owner.pending.Add(-1)
	select {
	case m.owner.finished <- struct{}{}:
	default:
	}
}

// helpUntil is a worker's end, once no task is left: it hashes members
// of archives other workers still read, until all workers are done.
func (w *worker) helpUntil(ctx context.Context, allIdle <-chan struct{}, markIdle func()) error {
	markIdle()
	for {
		select {
		case m := <-w.members:
			w.hashMember(m)
		case <-allIdle:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }

// wait hashes members (its own or other archives') until every member of
// the archive is done. A worker never blocks while members wait, so the
// workers cannot all end up waiting on each other.
func (w *worker) wait(ctx context.Context, a *archiveWait) error {
	for a.pending.Load() > 0 {
		select {
		case m := <-w.members:
			w.hashMember(m)
		case <-a.finished:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if p := a.err.Load(); p != nil {
		return *p
	}
	return nil
}

// process hashes a task's file, and the members of an archive, handing
// each record to w.emit; members come before their archive, so that the
// archive's own record, which a resumed run looks for, is written last.
func (w *worker) process(ctx context.Context, t task) error {
	emit := w.emit
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
	waiting := &archiveWait{finished: make(chan struct{}, 1)}
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
		if !archiveFanOut || m.Size > fanOutMax {
			fromResult(mr, w.h.Hash(m.Path, rd, m.Size))
			return emit(mr)
		}
		data, readErr := io.ReadAll(io.LimitReader(rd, fanOutMax+1))
		if readErr == nil && len(data) > fanOutMax {
			// Larger than the archive declared: hash it here, as read on.
			fromResult(mr, w.h.Hash(m.Path, io.MultiReader(bytes.NewReader(data), rd), m.Size))
			return emit(mr)
		}
		job := member{rec: mr, data: data, readErr: readErr, size: m.Size, owner: waiting}
		waiting.pending.Add(1)
		select {
		case w.members <- job:
		default: // every worker is busy: hash it here
			w.hashMember(job)
		}
		return nil
	})
	// The archive's record comes after its members' (a resumed run looks
	// for it to know the members are recorded).
	if werr := w.wait(ctx, waiting); werr != nil {
		return werr
	}
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
