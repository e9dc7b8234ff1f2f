// Package archive lists and reads the members of archives found in
// evidence (zip, tar, gzip-compressed tar, and archives nested in them)
// without extracting anything to disk. Hostile archives are expected:
// expansion is bounded per member, per archive and by compression ratio,
// nesting by depth, and member names that would escape an extraction
// folder (../, absolute paths) are flagged, not followed, since nothing
// is ever extracted.
package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Kind is an archive format recognised by its content.
type Kind int

// The archive formats read.
const (
	NotArchive Kind = iota
	Zip
	Tar
	Gzip // gzip-compressed, read as a tar inside
)

// Sniff recognises an archive from its first 512 bytes.
func Sniff(head []byte) Kind {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return Zip
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return Gzip
	case len(head) >= 262 && bytes.Equal(head[257:262], []byte("ustar")):
		return Tar
	}
	return NotArchive
}

// Limits bound what reading an archive may cost.
type Limits struct {
	MaxDepth      int   // nesting of archives in archives (default 4)
	MaxMemberSize int64 // bytes of one member once expanded (default 4 GiB)
	MaxTotal      int64 // bytes expanded from one top-level archive (default 64 GiB)
	MaxRatio      int64 // expanded/compressed bytes of a zip member (default 1000)
	MaxNested     int64 // size of a nested archive, which is held in memory (default 512 MiB)
}

func (l Limits) withDefaults() Limits {
	def := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = 4
	}
	def(&l.MaxMemberSize, 4<<30)
	def(&l.MaxTotal, 64<<30)
	def(&l.MaxRatio, 1000)
	def(&l.MaxNested, 512<<20)
	return l
}

// Member is one file inside an archive.
type Member struct {
	// Path is the archive's path, "!/", and the member's name, repeated
	// for each level of nesting: "phone.zip!/DCIM/a.zip!/b.jpg".
	Path     string
	Size     int64 // as the archive declares it
	Modified time.Time
	// Warning tells of a suspicious name (../, absolute) or anything
	// else worth recording that did not stop the read.
	Warning string
	// Err is set when the member cannot be read (limits, damage); its
	// content is then not offered.
	Err error
	// Open reads the content, once, bounded by the limits. Nil when Err
	// is set.
	Open func() (io.Reader, error)
}

// ErrLimit marks a member or archive refused by a limit.
var ErrLimit = errors.New("archive limit")

// Walk reads the archive r (of the given size, named name) and calls fn
// for every member, depth first into nested archives, which fn does not
// see as members of their own. A damaged archive ends with an error
// naming the member where it broke; the members before it were given.
func Walk(name string, r io.ReaderAt, size int64, limits Limits, fn func(Member) error) error {
	l := limits.withDefaults()
	head := make([]byte, 512)
	n, _ := r.ReadAt(head, 0)
	w := &walker{limits: l}
	w.fn = func(m Member) error {
		if err := fn(m); err != nil {
			w.stopped = err
			return err
		}
		return nil
	}
	return w.walk(name, Sniff(head[:n]), r, size, 1)
}

type walker struct {
	limits   Limits
	fn       func(Member) error
	expanded int64
	// stopped is the error fn returned: it ends the whole walk, where a
	// damaged nested archive ends only its own.
	stopped error
}

func (w *walker) walk(name string, kind Kind, r io.ReaderAt, size int64, depth int) error {
	switch kind {
	case Zip:
		return w.walkZip(name, r, size, depth)
	case Tar:
		return w.walkTar(name, io.NewSectionReader(r, 0, size), depth)
	case Gzip:
		gz, err := gzip.NewReader(io.NewSectionReader(r, 0, size))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		defer gz.Close()
		// The expansion of the whole stream is bounded like a member's.
		return w.walkTar(name, &ratioReader{r: gz, in: size, max: w.limits.MaxRatio, name: name}, depth)
	}
	return fmt.Errorf("%s: not an archive", name)
}

// nameWarning flags a member name that would escape an extraction folder.
func nameWarning(n string) string {
	clean := strings.ReplaceAll(n, `\`, "/")
	switch {
	case strings.HasPrefix(clean, "/") || (len(clean) > 1 && clean[1] == ':'):
		return "absolute member path"
	case clean == ".." || strings.HasPrefix(clean, "../") || strings.Contains(clean, "/../") || strings.HasSuffix(clean, "/.."):
		return "member path escapes the archive (..)"
	}
	return ""
}

func (w *walker) walkZip(name string, r io.ReaderAt, size int64, depth int) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		m := Member{Path: name + "!/" + f.Name, Size: int64(f.UncompressedSize64), Modified: f.Modified, Warning: nameWarning(f.Name)}
		switch {
		case f.UncompressedSize64 > uint64(w.limits.MaxMemberSize):
			m.Err = fmt.Errorf("%w: %d bytes expanded, over %d", ErrLimit, f.UncompressedSize64, w.limits.MaxMemberSize)
		case f.CompressedSize64 > 0 && f.UncompressedSize64/f.CompressedSize64 > uint64(w.limits.MaxRatio):
			m.Err = fmt.Errorf("%w: compression ratio %d:1, over %d:1 (a zip bomb?)", ErrLimit, f.UncompressedSize64/f.CompressedSize64, w.limits.MaxRatio)
		case w.expanded+int64(f.UncompressedSize64) > w.limits.MaxTotal:
			m.Err = fmt.Errorf("%w: the archive expands past %d bytes", ErrLimit, w.limits.MaxTotal)
		}
		if m.Err != nil {
			if err := w.fn(m); err != nil {
				return err
			}
			continue
		}
		w.expanded += int64(f.UncompressedSize64)
		open := func() (io.Reader, error) {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			// The declared size is not trusted: reading stops past it
			// (archive/zip also checks the CRC at the end).
			return &closingReader{r: io.LimitReader(rc, int64(f.UncompressedSize64)+1), c: rc}, nil
		}
		if err := w.member(m, open, depth); err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) walkTar(name string, r io.Reader, depth int) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if h.Typeflag != tar.TypeReg && h.Typeflag != tar.TypeRegA {
			continue // links, folders and devices hold no content
		}
		m := Member{Path: name + "!/" + h.Name, Size: h.Size, Modified: h.ModTime, Warning: nameWarning(h.Name)}
		if h.Size > w.limits.MaxMemberSize {
			m.Err = fmt.Errorf("%w: %d bytes, over %d", ErrLimit, h.Size, w.limits.MaxMemberSize)
		} else if w.expanded+h.Size > w.limits.MaxTotal {
			m.Err = fmt.Errorf("%w: the archive expands past %d bytes", ErrLimit, w.limits.MaxTotal)
		}
		if m.Err != nil {
			if err := w.fn(m); err != nil {
				return err
			}
			continue
		}
		w.expanded += h.Size
		used := false
		open := func() (io.Reader, error) {
			if used {
				return nil, errors.New("a tar member can be read once")
			}
			used = true
			return tr, nil
		}
		if err := w.member(m, open, depth); err != nil {
			return err
		}
	}
}

// member hands a member to fn, or, when it is itself an archive within
// the depth limit, walks into it.
func (w *walker) member(m Member, open func() (io.Reader, error), depth int) error {
	rd, err := open()
	if err != nil {
		m.Err = err
		return w.fn(m)
	}
	br := &peekReader{r: rd}
	head, _ := br.peek(512)
	kind := Sniff(head)
	if kind == NotArchive {
		m.Open = func() (io.Reader, error) { return br, nil }
		return w.fn(m)
	}
	if depth >= w.limits.MaxDepth {
		m.Warning = strings.TrimPrefix(m.Warning+"; nested archive not opened: depth limit reached", "; ")
		m.Open = func() (io.Reader, error) { return br, nil }
		return w.fn(m)
	}
	if m.Size > w.limits.MaxNested {
		m.Err = fmt.Errorf("%w: nested archive of %d bytes, over %d held in memory", ErrLimit, m.Size, w.limits.MaxNested)
		return w.fn(m)
	}
	data, err := io.ReadAll(io.LimitReader(br, w.limits.MaxNested+1))
	if err != nil {
		m.Err = err
		return w.fn(m)
	}
	if int64(len(data)) > w.limits.MaxNested {
		m.Err = fmt.Errorf("%w: nested archive over %d bytes held in memory", ErrLimit, w.limits.MaxNested)
		return w.fn(m)
	}
	if err := w.walk(m.Path, kind, bytes.NewReader(data), int64(len(data)), depth+1); err != nil {
		if w.stopped != nil {
			return w.stopped
		}
		// A damaged nested archive is recorded, and the outer one goes on.
		m.Err = err
		return w.fn(m)
	}
	return nil
}

// peekReader lets the first bytes be looked at and then read again.
type peekReader struct {
	r   io.Reader
	buf []byte
}

func (p *peekReader) peek(n int) ([]byte, error) {
	for len(p.buf) < n {
		chunk := make([]byte, n-len(p.buf))
		k, err := p.r.Read(chunk)
		p.buf = append(p.buf, chunk[:k]...)
		if err != nil {
			return p.buf, err
		}
	}
	return p.buf, nil
}

func (p *peekReader) Read(b []byte) (int, error) {
	if len(p.buf) > 0 {
		n := copy(b, p.buf)
		p.buf = p.buf[n:]
		return n, nil
	}
	return p.r.Read(b)
}

type closingReader struct {
	r io.Reader
	c io.Closer
}

func (c *closingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	if err == io.EOF {
		c.c.Close()
	}
	return n, err
}

// ratioReader stops a compressed stream that expands more than max times
// its compressed size.
type ratioReader struct {
	r       io.Reader
	in, out int64
	max     int64
	name    string
}

func (r *ratioReader) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	r.out += int64(n)
	if r.in > 0 && r.out > r.in*r.max && r.out > 1<<20 {
		return n, fmt.Errorf("%s: %w: expands more than %d:1 (a compression bomb?)", r.name, ErrLimit, r.max)
	}
	return n, err
}

// Detect recognises an archive from the start of r. A gzip stream counts
// only when a tar is inside: a single compressed file has no members.
func Detect(r io.ReaderAt, size int64) Kind {
	head := make([]byte, 512)
	n, _ := r.ReadAt(head, 0)
	kind := Sniff(head[:n])
	if kind != Gzip {
		return kind
	}
	gz, err := gzip.NewReader(io.NewSectionReader(r, 0, size))
	if err != nil {
		return NotArchive
	}
	defer gz.Close()
	inner := make([]byte, 512)
	m, _ := io.ReadFull(gz, inner)
	if Sniff(inner[:m]) == Tar {
		return Gzip
	}
	return NotArchive
}

// errFound stops a walk at the member looked for.
var errFound = errors.New("member found")

// ReadMember returns the content of one member, named by its Path (as
// Walk gives it, "phone.zip!/DCIM/a.jpg", nesting included), reading at
// most max bytes of it; a member that is not there is ErrNotMember.
func ReadMember(name string, r io.ReaderAt, size int64, limits Limits, path string, max int64) ([]byte, error) {
	var data []byte
	err := Walk(name, r, size, limits, func(m Member) error {
		if m.Path != path {
			return nil
		}
		if m.Err != nil {
			return m.Err
		}
		rd, err := m.Open()
		if err != nil {
			return err
		}
		if data, err = io.ReadAll(io.LimitReader(rd, max+1)); err != nil {
			return err
		}
		if int64(len(data)) > max {
			return fmt.Errorf("%s: over %d bytes: %w", path, max, ErrLimit)
		}
		return errFound
	})
	switch {
	case errors.Is(err, errFound):
		return data, nil
	case err != nil:
		return nil, err
	}
	return nil, fmt.Errorf("%s: %w", path, ErrNotMember)
}

// ErrNotMember is returned for a member an archive does not hold.
var ErrNotMember = errors.New("no such member in the archive")
