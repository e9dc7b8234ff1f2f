package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"

	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/hashsets"
	"github.com/ariadne-vid/ariadne/internal/imaging"
	"github.com/ariadne-vid/ariadne/internal/index"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

func init() {
	register(command{name: "demo", summary: "make a benign synthetic exhibit, hash it and triage it against a synthetic known-bad set (a first run on a new machine)", run: runDemo})
}

// demoFile is one file of the synthetic exhibit; copyOf names the file it
// was derived from, if any.
type demoFile struct {
	name   string
	data   []byte
	copyOf string
}

func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", "[--dir D]", stderr)
	dir := fs.String("dir", "", "where to write the synthetic exhibit (default: a new temporary folder)")
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
	files, err := demoExhibit()
	if err != nil {
		return fmt.Errorf("make demo exhibit: %w", err)
	}
	exhibit := filepath.Join(*dir, "exhibit")
	for _, f := range files {
		p := filepath.Join(exhibit, f.name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "Synthetic exhibit of %d benign files written to %s\n\n", len(files), exhibit)

	results := map[string]hasher.Result{}
	var order []string
	err = hasher.Run(context.Background(), []string{exhibit}, 0, hasher.Options{Imaging: imaging.Options{Fast: true}, Dihedral: true}, func(r hasher.Result) error {
		rel, _ := filepath.Rel(exhibit, r.Path)
		results[rel] = r
		order = append(order, rel)
		return nil
	})
	if err != nil {
		return err
	}
	copyOf := map[string]string{}
	for _, f := range files {
		copyOf[f.name] = f.copyOf
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FILE\tTYPE\tSIZE\tPDQ\tQ\tCOPY OF\tDISTANCE\tNOTE")
	for _, name := range order {
		r := results[name]
		hash, q, dist, note := "-", "-", "", r.Error
		if r.PDQ != nil {
			hash, q = r.PDQ.String()[:16]+"…", fmt.Sprint(*r.PDQQuality)
		}
		if orig, ok := results[copyOf[name]]; ok && r.PDQ != nil && orig.PDQ != nil {
			// The smallest distance over the original's dihedral hashes
			// catches mirrored and rotated copies.
			best, how := 256, ""
			for i, h := range orig.PDQDihedral {
				if d := pdq.Distance(*r.PDQ, h); d < best {
					best, how = d, pdq.DihedralNames[i]
				}
			}
			dist = fmt.Sprint(best)
			if how != "orig" {
				dist += " (" + how + ")"
			}
		}
		if note == "" && r.SHA256 == results[copyOf[name]].SHA256 && copyOf[name] != "" {
			note = "exact duplicate (same SHA-256)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", name, shortMIME(r.MIME), r.Size, hash, q, copyOf[name], dist, note)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nCopies within distance 31 of their original are near-duplicates. Full output:\n  ariadne hash --dihedral %s\n", exhibit)
	return demoTriage(filepath.Join(*dir, "ariadne.db"), filepath.Join(*dir, "known-bad.json"), order, results, stdout)
}

// demoTriage imports a synthetic known-bad set (VICS JSON) covering two
// of the demo's originals into a SQLite store, then sorts every file into
// known (same MD5), near (PDQ within the set's radius, any dihedral
// variant) or new, the way ingest will.
func demoTriage(dbPath, setPath string, order []string, results map[string]hasher.Result, stdout io.Writer) error {
	ctx := context.Background()
	known := []hasher.Result{results["camera/IMG_0001.jpg"], results["camera/IMG_0002.jpg"]}
	var media []string
	for i, r := range known {
		if r.PDQ == nil {
			return fmt.Errorf("demo original %s was not hashed: %s", r.Path, r.Error)
		}
		md5 := ""
		if i == 0 { // the second is known by its PDQ only
			md5 = fmt.Sprintf(`"MD5": %q, `, r.MD5)
		}
		media = append(media, fmt.Sprintf(`{"MediaID": %d, "Category": 1, %s"Series": "Demo series (synthetic)", "IsDistributed": "true", "AlternativeHashes": [{"HashName": "PDQ", "HashValue": %q}]}`,
			i+1, md5, r.PDQ.String()))
	}
	vics := "{\"@odata.context\": \"demo\", \"value\": [" + strings.Join(media, ",\n") + "]}\n"
	if err := os.WriteFile(setPath, []byte(vics), 0o644); err != nil {
		return err
	}
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := hashsets.Import(ctx, st, setPath, hashsets.ImportOptions{Set: store.HashSet{Name: "demo-known-bad", Kind: store.KnownBad, Source: "ariadne demo (synthetic)"}})
	if err != nil {
		return err
	}
	set, err := st.HashSet(ctx, "demo-known-bad")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nKnown-bad hash set %q (%d entries, radius %d) imported into %s\n\n", set.Name, rep.Accepted, set.Radius, dbPath)

	// The set's PDQ hashes go into a similarity index, as ingest will do.
	var hashes []index.Hash
	var ids []uint64
	var entries []store.Entry
	if err := st.Entries(ctx, set.ID, func(e store.Entry) error {
		if h, err := index.ParseHex(e.PDQ); err == nil {
			hashes = append(hashes, h)
			ids = append(ids, uint64(len(entries)))
			entries = append(entries, e)
		}
		return nil
	}); err != nil {
		return err
	}
	ix := index.Build(hashes, ids)
	searcher := ix.Searcher()

	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FILE\tCLASS\tMATCH")
	for _, name := range order {
		r := results[name]
		class, match := "other", ""
		switch {
		case r.Error != "":
			class, match = "error", r.Error
		default:
			hits, err := st.LookupExact(ctx, []string{r.MD5, r.SHA1, r.SHA256})
			if err != nil {
				return err
			}
			if len(hits) > 0 {
				kind := map[int]string{32: "MD5", 40: "SHA-1", 64: "SHA-256"}[len(hits[0].Hash)]
				class, match = "known", fmt.Sprintf("%s %s (%s, same %s)", hits[0].HashSet, hits[0].Entry.Key, hits[0].Entry.Series, kind)
				break
			}
			if r.PDQ == nil {
				break
			}
			class = "new"
			var qs []index.Hash
			for _, h := range r.PDQDihedral {
				qs = append(qs, index.FromPDQ(h))
			}
			if m := searcher.SearchAny(nil, qs, set.Radius); len(m) > 0 {
				e := entries[m[0].ID]
				class, match = "near", fmt.Sprintf("%s %s (%s, PDQ distance %d)", set.Name, e.Key, e.Series, m[0].Distance)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", name, class, match)
	}
	return tw.Flush()
}

func shortMIME(m string) string {
	m, _, _ = strings.Cut(m, ";")
	return strings.TrimPrefix(m, "image/")
}

// demoExhibit makes the files: original scenes in several formats and
// the altered copies an investigator meets (re-encoded, resized, mirrored,
// captioned), a text note, a non-media file and a corrupt image.
func demoExhibit() ([]demoFile, error) {
	var out []demoFile
	add := func(name, copyOf string, enc func(w io.Writer) error) error {
		var b bytes.Buffer
		if err := enc(&b); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, demoFile{name, b.Bytes(), copyOf})
		return nil
	}
	jpegQ := func(m image.Image, q int) func(io.Writer) error {
		return func(w io.Writer) error { return jpeg.Encode(w, m, &jpeg.Options{Quality: q}) }
	}
	pngOf := func(m image.Image) func(io.Writer) error {
		return func(w io.Writer) error { return png.Encode(w, m) }
	}
	lake := synth.Scene(11, 1600, 1000)
	dunes := synth.Scene(12, 900, 1200)
	meadow := synth.Scene(13, 480, 360)
	steps := []error{
		add("camera/IMG_0001.jpg", "", jpegQ(lake, 92)),
		add("camera/IMG_0002.jpg", "", jpegQ(dunes, 90)),
		add("camera/IMG_0003.png", "", pngOf(meadow)),
		add("shared/lake_small.jpg", "camera/IMG_0001.jpg", jpegQ(synth.Resize(lake, 400, 250), 75)),
		add("shared/lake_recompressed.jpg", "camera/IMG_0001.jpg", jpegQ(lake, 40)),
		add("shared/lake_mirrored.jpg", "camera/IMG_0001.jpg", jpegQ(synth.Mirror(lake), 85)),
		add("shared/dunes_captioned.jpg", "camera/IMG_0002.jpg", jpegQ(synth.Caption(dunes, "benign demo caption"), 85)),
		add("shared/meadow.gif", "camera/IMG_0003.png", func(w io.Writer) error { return gif.Encode(w, meadow, nil) }),
		add("shared/meadow.bmp", "camera/IMG_0003.png", func(w io.Writer) error { return bmp.Encode(w, meadow) }),
		add("shared/meadow.tiff", "camera/IMG_0003.png", func(w io.Writer) error { return tiff.Encode(w, meadow, nil) }),
		add("docs/note.png", "", pngOf(synth.Text(400, 120, []string{"Ariadne demo", "synthetic, benign test data", "no real material"}))),
		add("docs/readme.txt", "", func(w io.Writer) error {
			_, err := io.WriteString(w, "A non-media file: exact hashes only.\n")
			return err
		}),
	}
	for _, err := range steps {
		if err != nil {
			return nil, err
		}
	}
	// An exact copy, and a JPEG cut off in its header: recorded as corrupt.
	out = append(out, demoFile{"backup/IMG_0001 (copy).jpg", out[0].data, "camera/IMG_0001.jpg"})
	out = append(out, demoFile{"camera/IMG_0004.jpg", out[1].data[:200], ""})
	return out, nil
}
