package digest

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/testvectors"
)

func TestKnownVectors(t *testing.T) {
	tests := []struct {
		in   string
		want Sums
	}{
		{"", Sums{"d41d8cd98f00b204e9800998ecf8427e", "da39a3ee5e6b4b0d3255bfef95601890afd80709", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}},
		{"abc", Sums{"900150983cd24fb0d6963f7d28e17f72", "a9993e364706816aba3e25717850c26c9cd0d89d", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}},
	}
	for _, tt := range tests {
		w := New()
		// Write in two parts: the digests must not depend on how the
		// bytes arrive.
		half := len(tt.in) / 2
		w.Write([]byte(tt.in[:half]))
		w.Write([]byte(tt.in[half:]))
		if got := w.Sums(); got != tt.want {
			t.Errorf("%q: got %+v, want %+v", tt.in, got, tt.want)
		}
		if w.Len() != int64(len(tt.in)) {
			t.Errorf("%q: Len %d", tt.in, w.Len())
		}
		w.Reset()
		w.Write([]byte(tt.in))
		if got := w.Sums(); got != tt.want {
			t.Errorf("%q after Reset: got %+v", tt.in, got)
		}
	}
}

// The shared vectors' SHA256SUMS doubles as a test of the SHA-256 path.
func TestSHA256SUMS(t *testing.T) {
	dir := testvectors.Dir(t, "pdq")
	f, err := os.Open(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		want, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		w := New()
		w.Write(data)
		if got := w.Sums().SHA256; got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
		n++
	}
	if n == 0 {
		t.Fatal("SHA256SUMS listed no files")
	}
	t.Logf("%d files match SHA256SUMS", n)
}
