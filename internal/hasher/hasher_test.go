package hasher

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ariadne-vid/ariadne/internal/imaging"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// sampleTree writes a small mixed folder and returns its root.
func sampleTree(t *testing.T) string {
	dir := t.TempDir()
	var b bytes.Buffer
	scene := synth.Scene(1, 640, 480)
	if err := jpeg.Encode(&b, scene, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "photos", "scene.jpg"), b.Bytes())
	// The same picture under a misleading name: sniffing, not extension.
	writeFile(t, filepath.Join(dir, "photos", "scene.txt"), b.Bytes())
	writeFile(t, filepath.Join(dir, "photos", "broken.jpg"), []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F'})
	b.Reset()
	if err := png.Encode(&b, synth.Scene(2, 200, 100)); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "a b.png"), b.Bytes())
	writeFile(t, filepath.Join(dir, "notes.txt"), []byte("benign notes\n"))
	writeFile(t, filepath.Join(dir, "empty"), nil)
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("photos", filepath.Join(dir, "zlink")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func collect(t *testing.T, root string, jobs int, opts Options) []Result {
	t.Helper()
	var out []Result
	err := Run(context.Background(), []string{root}, jobs, opts, func(r Result) error {
		out = append(out, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRunMixedTree(t *testing.T) {
	root := sampleTree(t)
	got := collect(t, root, 3, Options{Dihedral: true})
	byName := map[string]Result{}
	var order []string
	for _, r := range got {
		rel, _ := filepath.Rel(root, r.Path)
		byName[rel] = r
		order = append(order, rel)
	}
	wantOrder := "a b.png,empty,notes.txt,photos/broken.jpg,photos/scene.jpg,photos/scene.txt,pipe,zlink"
	if strings.Join(order, ",") != wantOrder {
		t.Fatalf("order %v, want %s", order, wantOrder)
	}
	for name, r := range byName {
		if name == "pipe" || name == "zlink" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		m, s1, s2 := md5.Sum(data), sha1.Sum(data), sha256.Sum256(data)
		if r.MD5 != hex.EncodeToString(m[:]) || r.SHA1 != hex.EncodeToString(s1[:]) || r.SHA256 != hex.EncodeToString(s2[:]) || r.Size != int64(len(data)) {
			t.Errorf("%s: digests or size wrong: %+v", name, r)
		}
	}
	scene, txt := byName["photos/scene.jpg"], byName["photos/scene.txt"]
	if scene.PDQ == nil || scene.MIME != "image/jpeg" || scene.Width != 640 || scene.Height != 480 || len(scene.PDQDihedral) != 8 {
		t.Errorf("scene.jpg: %+v", scene)
	}
	if txt.PDQ == nil || *txt.PDQ != *scene.PDQ {
		t.Errorf("a JPEG named .txt must be hashed as an image: %+v", txt)
	}
	if r := byName["photos/broken.jpg"]; r.Error == "" || r.PDQ != nil || r.SHA256 == "" {
		t.Errorf("broken.jpg must have exact hashes and an error: %+v", r)
	}
	if r := byName["notes.txt"]; r.PDQ != nil || r.Error != "" || !strings.HasPrefix(r.MIME, "text/plain") {
		t.Errorf("notes.txt: %+v", r)
	}
	if r := byName["empty"]; r.Error != "" || r.SHA256 != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("empty: %+v", r)
	}
	if r := byName["pipe"]; !strings.Contains(r.Error, "not a regular file (named pipe)") {
		t.Errorf("pipe: %+v", r)
	}
	if r := byName["zlink"]; r.Error != `symbolic link (6-byte target), not followed` {
		t.Errorf("link: %+v", r)
	}
}

// The output is the same whatever the number of workers.
func TestRunOrderIndependentOfJobs(t *testing.T) {
	root := t.TempDir()
	for i := range 40 {
		var b bytes.Buffer
		if err := png.Encode(&b, synth.Scene(uint64(i), 64+i, 48)); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(root, string(rune('a'+i%5)), filepath.Base(t.Name())+string(rune('A'+i))+".png"), b.Bytes())
	}
	encode := func(rs []Result) string {
		var b bytes.Buffer
		for _, r := range rs {
			json.NewEncoder(&b).Encode(r)
		}
		return b.String()
	}
	one := encode(collect(t, root, 1, Options{}))
	for _, jobs := range []int{2, 7} {
		if got := encode(collect(t, root, jobs, Options{})); got != one {
			t.Errorf("--jobs %d output differs from --jobs 1", jobs)
		}
	}
}

// Hashing leaves the evidence as it was: content and times.
func TestEvidenceUntouched(t *testing.T) {
	root := sampleTree(t)
	path := filepath.Join(root, "photos", "scene.jpg")
	before, _ := os.ReadFile(path)
	old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	collect(t, root, 2, Options{})
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	atime := time.Unix(st.Sys().(*syscall.Stat_t).Atim.Unix())
	if !st.ModTime().Equal(old) || !atime.Equal(old) {
		t.Errorf("times changed: mtime %v atime %v, want %v", st.ModTime(), atime, old)
	}
	after, _ := os.ReadFile(path) // after the time check: this read may touch atime
	if !bytes.Equal(before, after) {
		t.Error("content changed")
	}
}

func TestOversizedImageGetsExactHashesOnly(t *testing.T) {
	var b bytes.Buffer
	if err := png.Encode(&b, synth.Scene(3, 100, 100)); err != nil {
		t.Fatal(err)
	}
	h := New(Options{MaxImageBytes: 100})
	r := h.Hash("x.png", bytes.NewReader(b.Bytes()), int64(b.Len()))
	if r.SHA256 == "" || r.PDQ != nil || !strings.Contains(r.Error, "limit") {
		t.Errorf("%+v", r)
	}
}

// The hasher's PDQ is the imaging and pdq packages' result.
func TestHashMatchesPackages(t *testing.T) {
	var b bytes.Buffer
	if err := png.Encode(&b, synth.Scene(4, 700, 300)); err != nil {
		t.Fatal(err)
	}
	img, err := imaging.Decode(b.Bytes(), imaging.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := pdq.FromLuma(img.Luma, img.LumaRows, img.LumaCols)
	r := New(Options{}).Hash("x.png", bytes.NewReader(b.Bytes()), int64(b.Len()))
	if r.PDQ == nil || *r.PDQ != want.Hash || *r.PDQQuality != want.Quality {
		t.Errorf("got %+v, want %s", r, want.Hash)
	}
}

// BenchmarkHashFile is the whole per-file cost: read, three digests,
// decode, PDQ.
func BenchmarkHashFile(b *testing.B) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, synth.Scene(10, 3000, 2000), &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "scene.jpg")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, fast := range []bool{true, false} {
		b.Run(map[bool]string{true: "fast", false: "exact"}[fast], func(b *testing.B) {
			h := New(Options{Imaging: imaging.Options{Fast: fast}})
			b.SetBytes(int64(buf.Len()))
			for b.Loop() {
				if r := h.HashFile(path); r.Error != "" {
					b.Fatal(r.Error)
				}
			}
		})
	}
}
