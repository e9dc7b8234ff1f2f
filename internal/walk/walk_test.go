package walk

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestWalkOrderAndLinks(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"a/x", "a b", "a-c/y", "b", "a/sub/z"} {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A link loop must not be followed.
	if err := os.Symlink(dir, filepath.Join(dir, "a", "loop")); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := Walk(context.Background(), []string{dir, filepath.Join(dir, "missing")}, func(e Entry) error {
		rel, _ := filepath.Rel(dir, e.Path)
		if e.Err != nil {
			rel += " (error)"
		} else if !e.IsRegular() {
			rel += " (link)"
		}
		got = append(got, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a b", "a-c/y", "a/loop (link)", "a/sub/z", "a/x", "b", "missing (error)"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if !slices.IsSorted(want[:6]) {
		t.Error("the expected order is not full-path order")
	}
}
