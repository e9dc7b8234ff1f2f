package index

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSaveOpenRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	es := dataset(rng, 3000)
	ix := New()
	for _, e := range es {
		ix.Add(e.h, e.id)
	}
	ix.Delete(es[3].id)
	live := slices.DeleteFunc(slices.Clone(es), func(e entry) bool { return e.id == es[3].id })
	path := filepath.Join(t.TempDir(), "x.idx")
	if err := ix.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if back.Len() != len(live) {
		t.Fatalf("Len %d, want %d", back.Len(), len(live))
	}
	for _, q := range queries(rng, live, 50) {
		if got, want := norm(back.Search(q, 31)), bruteForce(live, q, 31); !slices.Equal(got, want) {
			t.Fatalf("got %v want %v", got, want)
		}
	}
	// A mapped index takes adds and deletes too.
	extra := entry{randomHash(rng), 99999}
	back.Add(extra.h, extra.id)
	back.Delete(live[0].id)
	live = append(live[1:], extra)
	for _, q := range append(queries(rng, live, 20), extra.h) {
		if got, want := norm(back.Search(q, 31)), bruteForce(live, q, 31); !slices.Equal(got, want) {
			t.Fatalf("after changes: got %v want %v", got, want)
		}
	}
}

func TestSaveOpenEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.idx")
	if err := New().Save(path); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.Len() != 0 || len(ix.Search(Hash{}, 256)) != 0 {
		t.Error("not empty")
	}
}

func TestOpenCorrupt(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	es := dataset(rng, 500)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.idx")
	if err := buildFrom(es).Save(good); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string][]byte{
		"empty":     nil,
		"bad magic": append([]byte("NOTANIDX"), data[8:]...),
		"truncated": data[:len(data)/2],
	}
	// Scramble the last directory.
	bad := slices.Clone(data)
	for i := len(bad) - 4*len(es) - 200; i < len(bad)-4*len(es)-100; i++ {
		bad[i] = 0xff
	}
	tests["scrambled"] = bad
	for name, b := range tests {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if ix, err := Open(p); err == nil {
			ix.Close()
			t.Errorf("%s: opened without error", name)
		}
	}
}

func FuzzReadSegment(f *testing.F) {
	dir := f.TempDir()
	p := filepath.Join(dir, "seed.idx")
	rng := rand.New(rand.NewPCG(9, 9))
	ix := New()
	for range 40 {
		ix.Add(randomHash(rng), rng.Uint64())
	}
	if err := ix.Save(p); err != nil {
		f.Fatal(err)
	}
	seed, _ := os.ReadFile(p)
	f.Add(seed)
	f.Add([]byte(fileMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := readSegment(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		s.search(nil, &Hash{}, 31, &scratch{})
		s.release()
	})
}
