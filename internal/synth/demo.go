package synth

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// File is one file of a synthetic exhibit.
type File struct {
	Name string
	Data []byte
}

// Find returns the content of the named file.
func Find(files []File, name string) []byte {
	for _, f := range files {
		if f.Name == name {
			return f.Data
		}
	}
	panic("demo file " + name + " missing")
}

// WriteFiles replaces dir with the files.
func WriteFiles(dir string, files []File) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	for _, f := range files {
		p := filepath.Join(dir, f.Name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// DemoEarlierExhibit is another agency's earlier exhibit: the demo's new
// forest scene as the same file, a smaller copy of its harbour scene, and
// a scene of its own.
func DemoEarlierExhibit() []File {
	return []File{
		{"Photos/forest.jpg", mustEncode(jpegQ(Scene(22, 1000, 1000), 88))},
		{"Photos/harbour_thumb.jpg", mustEncode(jpegQ(Resize(Scene(21, 1200, 900), 300, 225), 80))},
		{"Photos/own.jpg", mustEncode(jpegQ(Scene(31, 800, 600), 85))},
	}
}

// DemoExhibit makes the files of a synthetic phone export: original
// scenes and the altered copies an investigator meets (re-encoded,
// resized, mirrored, captioned, converted), an exact duplicate, a new
// series of its own, a zip holding copies and a nested zip, documents,
// "system" files and a corrupt image.
func DemoExhibit() ([]File, error) {
	var out []File
	var firstErr error
	add := func(name string, enc func(w io.Writer) error) []byte {
		var b bytes.Buffer
		if err := enc(&b); err != nil && firstErr == nil {
			firstErr = fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, File{name, b.Bytes()})
		return b.Bytes()
	}
	pngOf := func(m image.Image) func(io.Writer) error {
		return func(w io.Writer) error { return png.Encode(w, m) }
	}
	text := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	lake := Scene(11, 1600, 1000)
	dunes := Scene(12, 900, 1200)
	meadow := Scene(13, 480, 360)
	// A series of its own, matched by nothing: new material.
	harbour := Scene(21, 1200, 900)
	forest := Scene(22, 1000, 1000)

	img1 := add("DCIM/IMG_0001.jpg", jpegQ(lake, 92))
	add("DCIM/IMG_0002.jpg", jpegQ(dunes, 90))
	add("DCIM/IMG_0003.png", pngOf(meadow))
	// A JPEG cut off in its header: corrupt.
	out = append(out, File{"DCIM/IMG_0004.jpg", mustEncode(jpegQ(dunes, 90))[:200]})
	add("DCIM/IMG_0010.jpg", jpegQ(harbour, 88))
	add("DCIM/IMG_0011.jpg", jpegQ(forest, 88))
	add("Pictures/harbour_small.jpg", jpegQ(Resize(harbour, 480, 360), 70))
	add("Pictures/forest_mirrored.png", pngOf(Mirror(forest)))
	add("Pictures/lake_small.jpg", jpegQ(Resize(lake, 400, 250), 75))
	add("Pictures/lake_recompressed.jpg", jpegQ(lake, 40))
	add("Pictures/lake_mirrored.jpg", jpegQ(Mirror(lake), 85))
	add("Pictures/dunes_captioned.jpg", jpegQ(Caption(dunes, "benign demo caption"), 85))
	add("Pictures/meadow.gif", func(w io.Writer) error { return gif.Encode(w, meadow, nil) })
	add("Pictures/meadow.bmp", func(w io.Writer) error { return bmp.Encode(w, meadow) })
	add("Pictures/meadow.tiff", func(w io.Writer) error { return tiff.Encode(w, meadow, nil) })
	out = append(out, File{"backup/IMG_0001 (copy).jpg", img1})
	add("Documents/note.png", pngOf(Text(400, 120, []string{"Ariadne demo", "synthetic, benign test data", "no real material"})))
	add("Documents/todo.txt", text("A non-media file: exact hashes only.\n"))
	add("system/fonts/LICENSE.txt", text("Synthetic stand-in for a file every install of a system has.\n"))
	add("system/lib/libdemo.so", text("\x7fELF synthetic stand-in for a system library\n"))

	// A zip of copies, with a zip inside it.
	inner, err := makeZip(map[string][]byte{"old/meadow_copy.png": mustEncode(pngOf(Resize(meadow, 240, 180)))})
	if err != nil {
		return nil, err
	}
	outer, err := makeZip(map[string][]byte{
		"sent/dunes_forwarded.jpg": mustEncode(jpegQ(Resize(dunes, 600, 800), 80)),
		"sent/harbour_crop.jpg":    mustEncode(jpegQ(Caption(harbour, "forwarded"), 80)),
		"sent/readme.txt":          []byte("synthetic chat export\n"),
		"sent/older.zip":           inner,
	})
	if err != nil {
		return nil, err
	}
	out = append(out, File{"Downloads/chat-export.zip", outer})
	return out, firstErr
}

// jpegQ encodes m as a JPEG of quality q.
func jpegQ(m image.Image, q int) func(io.Writer) error {
	return func(w io.Writer) error { return jpeg.Encode(w, m, &jpeg.Options{Quality: q}) }
}

func mustEncode(enc func(io.Writer) error) []byte {
	var b bytes.Buffer
	if err := enc(&b); err != nil {
		panic(err) // encoding an in-memory synthetic image cannot fail
	}
	return b.Bytes()
}

func makeZip(members map[string][]byte) ([]byte, error) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range slices.Sorted(maps.Keys(members)) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(members[n]); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
