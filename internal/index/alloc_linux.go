package index

import (
	"syscall"
	"unsafe"
)

// Large arrays of a segment live in anonymous memory that asks the kernel
// for transparent huge pages: a search is thousands of random reads, and
// with 4 KiB pages nearly every one of them also misses the TLB (measured:
// random reads over 256 MiB take a third less time on huge pages). Such
// memory is not the garbage collector's, so a segment releases it when it
// is replaced.

const (
	hugeThreshold = 4 << 20
	madvHugepage  = 14 // MADV_HUGEPAGE
)

// allocSlice returns a zeroed slice of n elements, in huge-page memory
// owned by s when it is large.
func allocSlice[T any](s *segment, n int) []T {
	var zero T
	size := n * int(unsafe.Sizeof(zero))
	if size < hugeThreshold {
		return make([]T, n)
	}
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]T, n)
	}
	_ = syscall.Madvise(b, madvHugepage) // a hint: without it, plain pages
	s.mem = append(s.mem, b)
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n)
}

// release returns the segment's large arrays to the system. The segment
// must no longer be reachable by any search.
func (s *segment) release() {
	for _, b := range s.mem {
		_ = syscall.Munmap(b)
	}
	s.mem = nil
	s.hashes, s.ids, s.dirs, s.posts = nil, nil, nil, nil
}
