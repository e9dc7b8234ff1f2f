package preview

import (
	"archive/zip"
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ariadne-vid/ariadne/internal/metadata/metadatatest"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

func jpegBytes(t *testing.T, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestRead: a file and a member of an archive are read by their recorded
// paths, and the evidence keeps its times.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	pic := jpegBytes(t, synth.Scene(3, 320, 240))
	plain := filepath.Join(dir, "a.jpg")
	os.WriteFile(plain, pic, 0o444)
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.Create("DCIM/b.jpg")
	w.Write(pic)
	zw.Close()
	zipped := filepath.Join(dir, "phone.zip")
	os.WriteFile(zipped, zb.Bytes(), 0o444)
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, p := range []string{plain, zipped} {
		os.Chtimes(p, old, old)
	}
	for _, p := range []string{plain, zipped + "!/DCIM/b.jpg"} {
		got, err := Read(p)
		if err != nil || !bytes.Equal(got, pic) {
			t.Fatalf("Read(%s): %d bytes, %v", p, len(got), err)
		}
	}
	if _, err := Read(zipped + "!/DCIM/none.jpg"); err == nil {
		t.Error("a missing member was read")
	}
	for _, p := range []string{plain, zipped} {
		st, _ := os.Stat(p)
		if !st.ModTime().Equal(old) {
			t.Errorf("%s: modified time changed to %v", p, st.ModTime())
		}
	}
}

// detail is the mean absolute difference of neighbouring pixels' red:
// what a blur takes away.
func detail(t *testing.T, data []byte) (float64, image.Rectangle) {
	t.Helper()
	m, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b := m.Bounds()
	sum, n := 0.0, 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X + 1; x < b.Max.X; x++ {
			r1, _, _, _ := m.At(x, y).RGBA()
			r0, _, _, _ := m.At(x-1, y).RGBA()
			sum += max(float64(r1)-float64(r0), float64(r0)-float64(r1)) / 257
			n++
		}
	}
	return sum / float64(n), b
}

// TestRender: a blurred thumbnail fits 256 px and has lost nearly all
// detail; a revealed picture fits 1024 px and keeps it; content that is
// no picture is ErrNoPicture.
func TestRender(t *testing.T) {
	// A scene with text over it: detail a blur must take away.
	pic := jpegBytes(t, synth.Caption(synth.Resize(synth.Text(400, 300, []string{"THE QUICK BROWN FOX", "JUMPS OVER", "THE LAZY DOG", "0123456789"}), 1600, 1200), "caption"))
	blurred, err := Render(pic, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sharp, err := Render(pic, Options{Reveal: true, MaxSide: ThumbnailSide})
	if err != nil {
		t.Fatal(err)
	}
	revealed, err := Render(pic, Options{Reveal: true})
	if err != nil {
		t.Fatal(err)
	}
	db, bb := detail(t, blurred)
	ds, _ := detail(t, sharp)
	_, rb := detail(t, revealed)
	if bb.Dx() != 256 || bb.Dy() != 192 || rb.Dx() != 1024 || rb.Dy() != 768 {
		t.Fatalf("sizes: blurred %v, revealed %v", bb, rb)
	}
	if db > ds/8 {
		t.Errorf("blurred detail %.2f, unblurred at the same size %.2f: not blurred enough", db, ds)
	}
	t.Logf("detail: blurred %.2f, unblurred %.2f", db, ds)
	if _, err := Render([]byte("plain text, no picture"), Options{}); !errors.Is(err, ErrNoPicture) {
		t.Errorf("text: %v, want ErrNoPicture", err)
	}
}

// TestRenderUpright: a JPEG whose EXIF says it is turned 90° is shown
// upright (its sides swapped).
func TestRenderUpright(t *testing.T) {
	metadatatest.RequireExifTool(t)
	p := filepath.Join(t.TempDir(), "turned.jpg")
	os.WriteFile(p, jpegBytes(t, synth.Scene(6, 400, 200)), 0o644)
	if out, err := exec.Command("exiftool", "-q", "-overwrite_original", "-Orientation#=6", p).CombinedOutput(); err != nil {
		t.Fatalf("exiftool: %v %s", err, out)
	}
	data, _ := os.ReadFile(p)
	out, err := Render(data, Options{Reveal: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, b := detail(t, out); b.Dx() != 200 || b.Dy() != 400 {
		t.Errorf("upright size %v, want 200x400", b)
	}
}

func TestLocate(t *testing.T) {
	roots := []string{"/mnt/new/phone", "/mnt/old/phone", "/mnt/old/laptop", "relative/phone"}
	for _, tc := range []struct {
		recorded string
		want     []string
	}{
		{"phone/DCIM/a.jpg", []string{"/mnt/new/phone/DCIM/a.jpg", "/mnt/old/phone/DCIM/a.jpg"}},
		{"laptop/x.zip!/b.jpg", []string{"/mnt/old/laptop/x.zip!/b.jpg"}},
		{"phone", []string{"/mnt/new/phone", "/mnt/old/phone"}},
		{"tablet/a.jpg", nil},
	} {
		if got := Locate(tc.recorded, roots); !slices.Equal(got, tc.want) {
			t.Errorf("Locate(%s) = %q, want %q", tc.recorded, got, tc.want)
		}
	}
}
