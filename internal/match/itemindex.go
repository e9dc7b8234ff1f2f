package match

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
)

// itemIndex maps audio fingerprint items to the known entries holding
// them, as two arrays sorted by item (4 + 4 bytes a pair, plus the entry
// IDs once): tens of millions of items fit where a map of them would take
// gigabytes.
type itemIndex struct {
	items   []uint32
	ords    []uint32 // index into entries
	entries []int64
}

// itemIndexBuilder collects each entry's distinct items.
type itemIndexBuilder struct {
	pairs   []uint64 // item<<32 | ordinal
	entries []int64
}

func (b *itemIndexBuilder) add(entry int64, items []uint32) {
	ord := uint64(len(b.entries))
	b.entries = append(b.entries, entry)
	distinct := slices.Compact(slices.Sorted(slices.Values(items)))
	for _, it := range distinct {
		b.pairs = append(b.pairs, uint64(it)<<32|ord)
	}
}

func (b *itemIndexBuilder) build() *itemIndex {
	slices.Sort(b.pairs)
	x := &itemIndex{items: make([]uint32, len(b.pairs)), ords: make([]uint32, len(b.pairs)), entries: b.entries}
	for i, p := range b.pairs {
		x.items[i], x.ords[i] = uint32(p>>32), uint32(p)
	}
	b.pairs = nil
	return x
}

func (x *itemIndex) len() int { return len(x.items) }

// each calls fn for every entry holding item.
func (x *itemIndex) each(item uint32, fn func(entry int64)) {
	i := sort.Search(len(x.items), func(k int) bool { return x.items[k] >= item })
	for ; i < len(x.items) && x.items[i] == item; i++ {
		fn(x.entries[x.ords[i]])
	}
}

const itemIndexMagic = "ariadne audio items v1\n"

// save writes the index to path (through a temporary file renamed into
// place, so a reader never sees half of one).
func (x *itemIndex) save(path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<20)
	w.WriteString(itemIndexMagic)
	binary.Write(w, binary.LittleEndian, [2]uint64{uint64(len(x.entries)), uint64(len(x.items))})
	for _, v := range []any{x.entries, x.items, x.ords} {
		if err := binary.Write(w, binary.LittleEndian, v); err != nil {
			tmp.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// loadItemIndex reads an index save wrote.
func loadItemIndex(path string) (*itemIndex, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	r := bufio.NewReaderSize(f, 1<<20)
	magic := make([]byte, len(itemIndexMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != itemIndexMagic {
		return nil, fmt.Errorf("%s: not an audio item index", path)
	}
	var n [2]uint64
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if want := int64(len(itemIndexMagic)) + 16 + 8*int64(n[0]) + 8*int64(n[1]); n[0] > 1<<32 || n[1] > 1<<40 || st.Size() != want {
		return nil, fmt.Errorf("%s: %d bytes, its header says %d", path, st.Size(), want)
	}
	x := &itemIndex{entries: make([]int64, n[0]), items: make([]uint32, n[1]), ords: make([]uint32, n[1])}
	for _, v := range []any{x.entries, x.items, x.ords} {
		if err := binary.Read(r, binary.LittleEndian, v); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	for _, o := range x.ords {
		if int(o) >= len(x.entries) {
			return nil, errors.New(path + ": an item names an entry it does not hold")
		}
	}
	return x, nil
}
