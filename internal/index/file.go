package index

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"unsafe"
)

// The index file is one compacted segment laid out as it sits in memory,
// so that Open reads each array in one pass straight into place:
//
//	0   magic "ARIADNEX", version (uint32), m (uint32), n (uint64)
//	64  m substring descriptors: offset (uint8), width (uint8), 6 bytes padding
//	    then, each starting on a 64-byte boundary:
//	    hashes  n x 32 bytes
//	    ids     n x 8 bytes
//	    per substring: directory (2^width+1) x 4 bytes, postings n x 4 bytes
//
// All integers are little-endian (the index refuses to open elsewhere).
const (
	fileMagic   = "ARIADNEX"
	fileVersion = 1
	headerSize  = 64
	align       = 64
)

func alignUp(n int64) int64 { return (n + align - 1) / align * align }

// bytesOf views a slice's memory as bytes, for writing it out.
func bytesOf[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}

var littleEndian = func() bool { x := uint16(1); return *(*byte)(unsafe.Pointer(&x)) == 1 }()

// Save compacts the index and writes it to path atomically (a temporary
// file renamed into place).
func (ix *Index) Save(path string) error {
	if !littleEndian {
		return errors.New("index files are little-endian; this machine is not")
	}
	ix.Compact()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var s *segment
	if len(ix.segments) == 1 {
		s = ix.segments[0]
	} else {
		s = buildSegment(nil, nil)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("save index: %w", err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<20)
	var pos int64
	write := func(b []byte) {
		if err == nil {
			_, err = w.Write(b)
			pos += int64(len(b))
		}
	}
	pad := func() { write(make([]byte, alignUp(pos)-pos)) }
	hdr := make([]byte, headerSize)
	copy(hdr, fileMagic)
	binary.LittleEndian.PutUint32(hdr[8:], fileVersion)
	binary.LittleEndian.PutUint32(hdr[12:], uint32(s.m))
	binary.LittleEndian.PutUint64(hdr[16:], uint64(s.len()))
	write(hdr)
	for i := range s.m {
		write([]byte{s.offset[i], s.width[i], 0, 0, 0, 0, 0, 0})
	}
	pad()
	write(bytesOf(s.hashes))
	pad()
	write(bytesOf(s.ids))
	pad()
	for i := range s.m {
		write(bytesOf(s.dirs[i]))
		pad()
		write(bytesOf(s.posts[i]))
		pad()
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("save index %s: %w", path, err)
	}
	return nil
}

// Open reads an index file, each array in one pass into memory (huge
// pages where the kernel gives them; memory-mapping the file would leave
// every random read of a search on 4 KiB pages). Adds and deletes work as
// on any index.
func Open(path string) (*Index, error) {
	if !littleEndian {
		return nil, errors.New("index files are little-endian; this machine is not")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	s, err := readSegment(bufio.NewReaderSize(f, 1<<20), st.Size())
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	ix := New()
	if s.len() > 0 {
		ix.segments = []*segment{s}
	} else {
		s.release()
	}
	return ix, nil
}

// readSegment reads and checks an index file of the given size.
func readSegment(r io.Reader, size int64) (seg *segment, err error) {
	s := &segment{}
	defer func() {
		if err != nil {
			s.release()
		}
	}()
	var pos int64
	read := func(b []byte) error {
		if pos+int64(len(b)) > size {
			return fmt.Errorf("truncated or corrupt: %d bytes at %d run past the end (%d)", len(b), pos, size)
		}
		if _, err := io.ReadFull(r, b); err != nil {
			return fmt.Errorf("read at %d: %w", pos, err)
		}
		pos += int64(len(b))
		return nil
	}
	skipPad := func() error {
		pad := make([]byte, alignUp(pos)-pos)
		return read(pad)
	}
	hdr := make([]byte, headerSize)
	if err := read(hdr); err != nil {
		return nil, err
	}
	if string(hdr[:8]) != fileMagic {
		return nil, errors.New("not an Ariadne index file (bad magic)")
	}
	if v := binary.LittleEndian.Uint32(hdr[8:]); v != fileVersion {
		return nil, fmt.Errorf("index file version %d, this build reads %d", v, fileVersion)
	}
	m := int(binary.LittleEndian.Uint32(hdr[12:]))
	n64 := binary.LittleEndian.Uint64(hdr[16:])
	// Check the sizes against the file before allocating anything.
	if n64 > 1<<32-1 || m > 256 || int64(n64)*44 > size {
		return nil, fmt.Errorf("corrupt header: %d entries in %d substrings for a file of %d bytes", n64, m, size)
	}
	n := int(n64)
	s.m = m
	desc := make([]byte, 8*m)
	if err := read(desc); err != nil {
		return nil, err
	}
	total := 0
	for i := range m {
		off, w := desc[8*i], desc[8*i+1]
		if w == 0 || w > maxWidth || int(off) != total {
			return nil, fmt.Errorf("corrupt substring %d: offset %d width %d", i, off, w)
		}
		total += int(w)
		s.offset = append(s.offset, off)
		s.width = append(s.width, w)
	}
	if m > 0 && total != 256 {
		return nil, fmt.Errorf("corrupt layout: substrings cover %d bits, not 256", total)
	}
	if err := skipPad(); err != nil {
		return nil, err
	}
	s.hashes = allocSlice[Hash](s, n)
	if err := read(bytesOf(s.hashes)); err != nil {
		return nil, err
	}
	if err := skipPad(); err != nil {
		return nil, err
	}
	s.ids = allocSlice[uint64](s, n)
	if err := read(bytesOf(s.ids)); err != nil {
		return nil, err
	}
	for i := range m {
		if err := skipPad(); err != nil {
			return nil, err
		}
		dn := 1<<s.width[i] + 1
		if int64(dn)*4 > size-pos {
			return nil, fmt.Errorf("truncated: directory %d", i)
		}
		dir := allocSlice[uint32](s, dn)
		if err := read(bytesOf(dir)); err != nil {
			return nil, err
		}
		if err := skipPad(); err != nil {
			return nil, err
		}
		posts := allocSlice[uint32](s, n)
		if err := read(bytesOf(posts)); err != nil {
			return nil, err
		}
		// A damaged file must give an error here, not a crash in a
		// search: every offset and position is checked once.
		if dir[0] != 0 || dir[dn-1] != uint32(n) {
			return nil, fmt.Errorf("corrupt directory %d", i)
		}
		for k := 1; k < dn; k++ {
			if dir[k] < dir[k-1] {
				return nil, fmt.Errorf("corrupt directory %d at %d", i, k)
			}
		}
		for _, p := range posts {
			if p >= uint32(n) {
				return nil, fmt.Errorf("corrupt postings %d: position %d of %d", i, p, n)
			}
		}
		s.dirs = append(s.dirs, dir)
		s.posts = append(s.posts, posts)
	}
	return s, nil
}

// Close releases the index's memory. The index must not be used
// afterwards.
func (ix *Index) Close() error {
	ix.writer.Lock()
	defer ix.writer.Unlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, s := range ix.segments {
		s.release()
	}
	ix.segments, ix.tail, ix.tailIDs, ix.tailDead = nil, nil, nil, nil
	return nil
}
