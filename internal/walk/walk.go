// Package walk lists the files under a set of roots in full-path order,
// without following symbolic links (a seized file system may hold loops)
// and without opening anything for writing.
package walk

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Entry is one file found by the walk, or a path that could not be read.
type Entry struct {
	Path string
	Info fs.FileInfo // from Lstat; nil when Err is set for the path itself
	Err  error       // the path (or directory listing) could not be read
}

// IsRegular reports whether the entry is a regular file.
func (e Entry) IsRegular() bool { return e.Err == nil && e.Info.Mode().IsRegular() }

// Walk calls fn for every non-directory path under the roots, sorted by
// full path (roots are sorted too), and for every error met on the way.
// Symbolic links are reported, not followed, except when a root itself is
// one. A root that does not exist is reported as an Entry with Err set.
// Walk stops when fn returns an error or ctx is cancelled.
func Walk(ctx context.Context, roots []string, fn func(Entry) error) error {
	sorted := slices.Clone(roots)
	slices.Sort(sorted)
	for _, root := range sorted {
		info, err := os.Stat(root) // a root may be a link the user chose
		if err != nil {
			if err := fn(Entry{Path: root, Err: err}); err != nil {
				return err
			}
			continue
		}
		if !info.IsDir() {
			if err := fn(Entry{Path: root, Info: info}); err != nil {
				return err
			}
			continue
		}
		if err := walkDir(ctx, root, fn); err != nil {
			return err
		}
	}
	return nil
}

func walkDir(ctx context.Context, dir string, fn func(Entry) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// Listed through Open, like files, so the listing leaves the folder's
	// access time as it was.
	f, err := Open(dir)
	if err != nil {
		return fn(Entry{Path: dir, Err: fmt.Errorf("list directory: %w", err)})
	}
	ents, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		if err := fn(Entry{Path: dir, Err: fmt.Errorf("list directory: %w", err)}); err != nil {
			return err
		}
		// Go on with the entries that were read.
	}
	// Sorting names with a trailing slash on directories gives full-path
	// order: "a b" < "a/x" because ' ' < '/'.
	key := func(e fs.DirEntry) string {
		if e.IsDir() {
			return e.Name() + "/"
		}
		return e.Name()
	}
	slices.SortFunc(ents, func(a, b fs.DirEntry) int { return strings.Compare(key(a), key(b)) })
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			if err := walkDir(ctx, p, fn); err != nil {
				return err
			}
			continue
		}
		info, err := e.Info()
		ent := Entry{Path: p, Info: info}
		if err != nil {
			ent = Entry{Path: p, Err: err}
		}
		if err := fn(ent); err != nil {
			return err
		}
	}
	return nil
}

// DescribeMode names a file type that is not a regular file, for the
// record of why it was not read.
func DescribeMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return m.Type().String()
}
