package match

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestItemIndex: the sorted item index answers what a map of item to
// entries would (each entry once per item), and survives a save and a
// load; a damaged file is refused.
func TestItemIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	want := map[uint32][]int64{}
	var b itemIndexBuilder
	for e := int64(10); e < 60; e++ {
		items := make([]uint32, 200)
		for i := range items {
			items[i] = uint32(rng.IntN(3000)) // repeats within and across entries
		}
		b.add(e, items)
		seen := map[uint32]bool{}
		for _, it := range items {
			if !seen[it] {
				seen[it] = true
				want[it] = append(want[it], e)
			}
		}
	}
	x := b.build()
	path := filepath.Join(t.TempDir(), "a.idx")
	if err := x.save(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := loadItemIndex(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, ix := range []*itemIndex{x, loaded} {
		for it := uint32(0); it < 3100; it++ {
			var got []int64
			ix.each(it, func(e int64) { got = append(got, e) })
			if !slices.Equal(got, want[it]) {
				t.Fatalf("item %d: entries %v, want %v", it, got, want[it])
			}
		}
	}
	data, _ := os.ReadFile(path)
	for _, bad := range [][]byte{data[:len(data)-3], append([]byte("x"), data[1:]...), []byte("")} {
		os.WriteFile(path, bad, 0o644)
		if _, err := loadItemIndex(path); err == nil {
			t.Errorf("a damaged index (%d bytes) was loaded", len(bad))
		}
	}
}

// FuzzLoadItemIndex: whatever the cache file holds, loading it returns an
// index that answers without panicking, or an error.
func FuzzLoadItemIndex(f *testing.F) {
	var b itemIndexBuilder
	b.add(7, []uint32{1, 2, 3, 2})
	b.add(9, []uint32{3, 4})
	path := filepath.Join(f.TempDir(), "seed.idx")
	if err := b.build().save(path); err != nil {
		f.Fatal(err)
	}
	seed, _ := os.ReadFile(path)
	f.Add(seed)
	f.Add([]byte(itemIndexMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "x.idx")
		os.WriteFile(p, data, 0o644)
		x, err := loadItemIndex(p)
		if err != nil {
			return
		}
		for it := uint32(0); it < 8; it++ {
			x.each(it, func(int64) {})
		}
	})
}
