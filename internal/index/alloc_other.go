//go:build !linux

package index

// Elsewhere than Linux the large arrays are ordinary Go memory (no
// transparent huge pages to ask for).

func allocSlice[T any](s *segment, n int) []T { return make([]T, n) }

// release drops the segment's arrays. The segment must no longer be
// reachable by any search.
func (s *segment) release() {
	s.mem = nil
	s.hashes, s.ids, s.dirs, s.posts = nil, nil, nil, nil
}
