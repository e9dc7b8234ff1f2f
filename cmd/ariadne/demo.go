package main

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
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
	"strings"
	"time"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"

	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/hashsets"
	"github.com/ariadne-vid/ariadne/internal/imaging"
	"github.com/ariadne-vid/ariadne/internal/ingest"
	"github.com/ariadne-vid/ariadne/internal/report"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

func init() {
	register(command{name: "demo", summary: "the main job on a benign synthetic case: import hash sets, ingest an exhibit, print the report", run: runDemo})
}

// demoCase is the case number the demo creates.
const demoCase = "DEMO-1"

// demoEarlierCase is another agency's case that holds some of demoCase's
// new material.
const demoEarlierCase = "DEMO-0"

func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", "[--dir D] [--format text|json|csv|html]", stderr)
	dir := fs.String("dir", "", "where to write the synthetic exhibit, the hash sets, the store and the reports (default: a new temporary folder)")
	format := fs.String("format", "text", "report printed at the end: "+strings.Join(report.Formats, ", "))
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "ariadne-demo-")
		if err != nil {
			return err
		}
		*dir = d
	}
	ctx := context.Background()
	start := time.Now()
	exhibitDir := filepath.Join(*dir, "phone")
	files, err := demoExhibit()
	if err != nil {
		return fmt.Errorf("make demo exhibit: %w", err)
	}
	if err := writeDemoFiles(exhibitDir, files); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "1. Synthetic exhibit: %d benign files (procedural scenes, their altered copies, a zip with a zip inside, documents, a corrupt JPEG) in %s\n", len(files), exhibitDir)

	badPath, goodPath := filepath.Join(*dir, "known-bad.json"), filepath.Join(*dir, "known-good.txt")
	if err := writeDemoSets(files, badPath, goodPath); err != nil {
		return err
	}
	dbPath := filepath.Join(*dir, "ariadne.db")
	for _, p := range []string{dbPath, dbPath + "-wal", dbPath + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.CreateCase(ctx, store.Case{Number: demoCase, Title: "Synthetic demonstration case (benign data)"}); err != nil {
		return err
	}
	for _, set := range []struct {
		path string
		hs   store.HashSet
	}{
		{badPath, store.HashSet{Name: "demo-known-bad", Kind: store.KnownBad, Source: "ariadne demo (synthetic VICS 2.0)", CategoryScheme: "demo"}},
		{goodPath, store.HashSet{Name: "demo-known-good", Kind: store.KnownGood, Source: "ariadne demo (synthetic, NSRL-like)"}},
	} {
		rep, err := hashsets.Import(ctx, st, set.path, hashsets.ImportOptions{Set: set.hs})
		if err != nil {
			return fmt.Errorf("import %s: %w", set.path, err)
		}
		fmt.Fprintf(stderr, "2. Hash set %s (%s): %d entries from %s\n", set.hs.Name, set.hs.Kind, rep.Accepted, set.path)
	}
	opts := ingest.Options{Hasher: hasher.Options{Imaging: imaging.Options{Fast: true}}, IndexCache: dbPath + ".pdq", Version: programVersion()}
	// An earlier case of another agency holds some of the same new
	// material: the report names it (deconfliction).
	earlierDir := filepath.Join(*dir, "earlier-laptop")
	if err := writeDemoFiles(earlierDir, demoEarlierExhibit()); err != nil {
		return err
	}
	if _, err := st.CreateCase(ctx, store.Case{Number: demoEarlierCase, Title: "Earlier synthetic case", Agency: "Neighbouring agency (synthetic)"}); err != nil {
		return err
	}
	earlier, err := st.AddExhibit(ctx, store.Exhibit{CaseNumber: demoEarlierCase, Label: "laptop", SourcePath: earlierDir})
	if err != nil {
		return err
	}
	if _, err := ingest.Run(ctx, st, earlier, []string{earlierDir}, opts, nil); err != nil {
		return err
	}
	ex, err := st.AddExhibit(ctx, store.Exhibit{CaseNumber: demoCase, Label: "phone", Description: "synthetic phone export", SourcePath: exhibitDir})
	if err != nil {
		return err
	}
	sum, err := ingest.Run(ctx, st, ex, []string{exhibitDir}, opts, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "3. Ingested exhibit %q: %d files, %d records (archive members included) in %.2f s (after case %s, of another agency, %s)\n",
		ex.Label, sum.Files, sum.Records, sum.Seconds, demoEarlierCase, earlierDir)

	r, err := report.Build(ctx, st, demoCase, "", programVersion())
	if err != nil {
		return err
	}
	htmlPath := filepath.Join(*dir, "report.html")
	if err := writeFileWith(htmlPath, func(w io.Writer) error { return r.Write(w, "html") }); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "4. Report (also %s); demo done in %.1f s. Next, by hand:\n", htmlPath, time.Since(start).Seconds())
	fmt.Fprintf(stderr, "     ariadne report --db %s --case %s --format html --output report.html\n", dbPath, demoCase)
	fmt.Fprintf(stderr, "     ariadne ingest --db %s --case %s --exhibit phone %s   (again: unchanged files are skipped)\n\n", dbPath, demoCase, exhibitDir)
	return r.Write(stdout, *format)
}

// writeDemoFiles replaces dir with the files.
func writeDemoFiles(dir string, files []demoFile) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// demoEarlierExhibit is another agency's earlier exhibit: the demo's new
// forest scene as the same file, a smaller copy of its harbour scene, and
// a scene of its own.
func demoEarlierExhibit() []demoFile {
	return []demoFile{
		{"Photos/forest.jpg", mustEncode(jpegQ(synth.Scene(22, 1000, 1000), 88))},
		{"Photos/harbour_thumb.jpg", mustEncode(jpegQ(synth.Resize(synth.Scene(21, 1200, 900), 300, 225), 80))},
		{"Photos/own.jpg", mustEncode(jpegQ(synth.Scene(31, 800, 600), 85))},
	}
}

func writeFileWith(path string, fn func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// demoFile is one file of the synthetic exhibit.
type demoFile struct {
	name string
	data []byte
}

func find(files []demoFile, name string) []byte {
	for _, f := range files {
		if f.name == name {
			return f.data
		}
	}
	panic("demo file " + name + " missing")
}

// writeDemoSets writes a known-bad set in VICS JSON 2.0 (one original
// known by its MD5 and PDQ, one by its PDQ only, as shared intelligence
// often is) and a known-good list of the MD5s of the "system" files.
func writeDemoSets(files []demoFile, badPath, goodPath string) error {
	h := hasher.New(hasher.Options{Imaging: imaging.Options{Fast: true}})
	var media []string
	for i, k := range []struct {
		name    string
		withMD5 bool
	}{{"DCIM/IMG_0001.jpg", true}, {"DCIM/IMG_0002.jpg", false}} {
		data := find(files, k.name)
		res := h.Hash(k.name, bytes.NewReader(data), int64(len(data)))
		if res.PDQ == nil {
			return fmt.Errorf("demo original %s was not hashed: %s", k.name, res.Error)
		}
		md5 := ""
		if k.withMD5 {
			md5 = fmt.Sprintf(`"MD5": %q, `, res.MD5)
		}
		media = append(media, fmt.Sprintf(`  {"MediaID": %d, "Category": 1, %s"Series": "Demo series A (synthetic)", "IsDistributed": "true", "AlternativeHashes": [{"HashName": "PDQ", "HashValue": %q}]}`,
			i+1, md5, res.PDQ.String()))
	}
	vics := "{\"@odata.context\": \"ariadne demo (synthetic)\", \"value\": [\n" + strings.Join(media, ",\n") + "\n]}\n"
	if err := os.WriteFile(badPath, []byte(vics), 0o644); err != nil {
		return err
	}
	good := "# synthetic known-good list (the demo's \"system\" files), as NSRL would list them\n"
	for _, f := range files {
		if strings.HasPrefix(f.name, "system/") {
			res := h.Hash(f.name, bytes.NewReader(f.data), int64(len(f.data)))
			good += res.MD5 + "\n"
		}
	}
	return os.WriteFile(goodPath, []byte(good), 0o644)
}

// demoExhibit makes the files of a synthetic phone export: original
// scenes and the altered copies an investigator meets (re-encoded,
// resized, mirrored, captioned, converted), an exact duplicate, a new
// series of its own, a zip holding copies and a nested zip, documents,
// "system" files and a corrupt image.
func demoExhibit() ([]demoFile, error) {
	var out []demoFile
	var firstErr error
	add := func(name string, enc func(w io.Writer) error) []byte {
		var b bytes.Buffer
		if err := enc(&b); err != nil && firstErr == nil {
			firstErr = fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, demoFile{name, b.Bytes()})
		return b.Bytes()
	}
	pngOf := func(m image.Image) func(io.Writer) error {
		return func(w io.Writer) error { return png.Encode(w, m) }
	}
	text := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	lake := synth.Scene(11, 1600, 1000)
	dunes := synth.Scene(12, 900, 1200)
	meadow := synth.Scene(13, 480, 360)
	// A series of its own, matched by nothing: new material.
	harbour := synth.Scene(21, 1200, 900)
	forest := synth.Scene(22, 1000, 1000)

	img1 := add("DCIM/IMG_0001.jpg", jpegQ(lake, 92))
	add("DCIM/IMG_0002.jpg", jpegQ(dunes, 90))
	add("DCIM/IMG_0003.png", pngOf(meadow))
	// A JPEG cut off in its header: corrupt.
	out = append(out, demoFile{"DCIM/IMG_0004.jpg", mustEncode(jpegQ(dunes, 90))[:200]})
	add("DCIM/IMG_0010.jpg", jpegQ(harbour, 88))
	add("DCIM/IMG_0011.jpg", jpegQ(forest, 88))
	add("Pictures/harbour_small.jpg", jpegQ(synth.Resize(harbour, 480, 360), 70))
	add("Pictures/forest_mirrored.png", pngOf(synth.Mirror(forest)))
	add("Pictures/lake_small.jpg", jpegQ(synth.Resize(lake, 400, 250), 75))
	add("Pictures/lake_recompressed.jpg", jpegQ(lake, 40))
	add("Pictures/lake_mirrored.jpg", jpegQ(synth.Mirror(lake), 85))
	add("Pictures/dunes_captioned.jpg", jpegQ(synth.Caption(dunes, "benign demo caption"), 85))
	add("Pictures/meadow.gif", func(w io.Writer) error { return gif.Encode(w, meadow, nil) })
	add("Pictures/meadow.bmp", func(w io.Writer) error { return bmp.Encode(w, meadow) })
	add("Pictures/meadow.tiff", func(w io.Writer) error { return tiff.Encode(w, meadow, nil) })
	out = append(out, demoFile{"backup/IMG_0001 (copy).jpg", img1})
	add("Documents/note.png", pngOf(synth.Text(400, 120, []string{"Ariadne demo", "synthetic, benign test data", "no real material"})))
	add("Documents/todo.txt", text("A non-media file: exact hashes only.\n"))
	add("system/fonts/LICENSE.txt", text("Synthetic stand-in for a file every install of a system has.\n"))
	add("system/lib/libdemo.so", text("\x7fELF synthetic stand-in for a system library\n"))

	// A zip of copies, with a zip inside it.
	inner, err := makeZip(map[string][]byte{"old/meadow_copy.png": mustEncode(pngOf(synth.Resize(meadow, 240, 180)))})
	if err != nil {
		return nil, err
	}
	outer, err := makeZip(map[string][]byte{
		"sent/dunes_forwarded.jpg": mustEncode(jpegQ(synth.Resize(dunes, 600, 800), 80)),
		"sent/harbour_crop.jpg":    mustEncode(jpegQ(synth.Caption(harbour, "forwarded"), 80)),
		"sent/readme.txt":          []byte("synthetic chat export\n"),
		"sent/older.zip":           inner,
	})
	if err != nil {
		return nil, err
	}
	out = append(out, demoFile{"Downloads/chat-export.zip", outer})
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
