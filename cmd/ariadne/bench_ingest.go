package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/ariadne-vid/ariadne/internal/match"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/progress"
	"image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/hashsets"
	"github.com/ariadne-vid/ariadne/internal/imaging"
	"github.com/ariadne-vid/ariadne/internal/ingest"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/synth"
	"github.com/ariadne-vid/ariadne/internal/walk"
)

// benchIngest compares ingest with hashing alone on the same files, with
// the same workers, against a store holding a large known-bad set: what
// the store and the matching cost on top of hashing.
func benchIngest(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench ingest", "[--entries 1000000] [--jobs N] [--rounds 2] [--db DB] DIR...", stderr)
	entries := fs.Int("entries", 1_000_000, "entries of the synthetic known-bad set (MD5, SHA-1, PDQ, category)")
	jobs := fs.Int("jobs", 0, "workers, for both (0: one per CPU)")
	rounds := fs.Int("rounds", 2, "hash-then-ingest rounds (each ingest into a new exhibit)")
	db := fs.String("db", "", "store (default: a new SQLite file in a temporary folder, removed after)")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return usageErr("no DIR given")
	}
	ctx := context.Background()
	if *db == "" {
		tmp, err := os.MkdirTemp("", "ariadne-bench-ingest-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		*db = filepath.Join(tmp, "bench.db")
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if set, err := st.HashSet(ctx, "bench"); err != nil || set.Entries != int64(*entries) {
		csvPath := *db + ".entries.csv"
		if err := writeBenchSet(csvPath, *entries); err != nil {
			return err
		}
		wall, _, err := measure(func() error {
			_, err := hashsets.Import(ctx, st, csvPath, hashsets.ImportOptions{Set: store.HashSet{Name: "bench", Kind: store.KnownBad}, Format: hashsets.FormatCSV, Bulk: true})
			return err
		})
		os.Remove(csvPath)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "known-bad set: %d entries imported in %.1f s\n", *entries, wall.Seconds())
	}
	cache := indexCachePath(*db)
	wall, _, err := measure(func() error {
		m, err := match.NewMatcher(ctx, st, cache, pdq.DefaultMinQuality)
		if err == nil {
			fmt.Fprintf(stdout, "PDQ index of %d known-bad hashes ready (built or opened from its cache)", m.Len())
			m.Close()
		}
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, " in %.2f s; runs below open the cache\n", wall.Seconds())
	if _, err := st.CaseByNumber(ctx, "BENCH"); err != nil {
		if _, err := st.CreateCase(ctx, store.Case{Number: "BENCH"}); err != nil {
			return err
		}
	}
	// Read everything once so that both start from a warm page cache.
	var files, bytes int64
	err = walk.Walk(ctx, paths, func(e walk.Entry) error {
		if !e.IsRegular() {
			return nil
		}
		f, err := walk.Open(e.Path)
		if err != nil {
			return nil
		}
		n, _ := io.Copy(io.Discard, f)
		f.Close()
		files++
		bytes += n
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "files: %d (%s), jobs %d\n", files, progress.Bytes(bytes), *jobs)
	hopts := hasher.Options{Imaging: imaging.Options{Fast: true}}
	line := func(what string, n int64, wall, cpu time.Duration) {
		fmt.Fprintf(stdout, "%-24s %7d files %8.2f s wall %8.2f s CPU %8.1f files/s %8.1f files/CPU-s\n",
			what, n, wall.Seconds(), cpu.Seconds(), float64(n)/wall.Seconds(), float64(n)/cpu.Seconds())
	}
	for round := 1; round <= *rounds; round++ {
		var hashed int64
		hw, hc, err := measure(func() error {
			enc := json.NewEncoder(io.Discard)
			return hasher.Run(ctx, paths, *jobs, hopts, func(r hasher.Result) error {
				hashed++
				return enc.Encode(r)
			})
		})
		if err != nil {
			return err
		}
		line(fmt.Sprintf("round %d: hash", round), hashed, hw, hc)
		ex, err := st.AddExhibit(ctx, store.Exhibit{CaseNumber: "BENCH", Label: fmt.Sprintf("run-%d-%d", time.Now().Unix(), round)})
		if err != nil {
			return err
		}
		var sum ingest.Summary
		iw, ic, err := measure(func() error {
			var err error
			sum, err = ingest.Run(ctx, st, ex, paths, ingest.Options{Jobs: *jobs, Hasher: hopts, IndexCache: cache}, nil)
			return err
		})
		if err != nil {
			return err
		}
		line(fmt.Sprintf("round %d: ingest", round), sum.Files, iw, ic)
		fmt.Fprintf(stdout, "round %d: ingest/hash = %.1f%% (wall), %.1f%% (CPU); %d records, classes %v\n", round,
			100*hw.Seconds()/iw.Seconds(), 100*hc.Seconds()/ic.Seconds(), sum.Records, sum.Classes)
	}
	return nil
}

// benchExhibit writes a large synthetic exhibit for ingest benchmarks:
// copies of a photo corpus, small synthetic JPEGs (thumbnails, app
// caches) and small non-media files, spread over folders.
func benchExhibit(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench exhibit", "--out DIR [--photos CORPUS --copies 10] [--thumbs 20000] [--small 24000]", stderr)
	out := fs.String("out", "", "folder to create")
	photos := fs.String("photos", "", "a folder of photos (../shared/bench/make_corpus.sh) to copy")
	copies := fs.Int("copies", 10, "copies of each photo, in different folders")
	thumbs := fs.Int("thumbs", 20000, "small synthetic JPEGs (320x240 and smaller)")
	small := fs.Int("small", 24000, "small non-media files (text and binary, 100 B to 64 KiB)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageErr("--out is required")
	}
	n := 0
	write := func(name string, data []byte) error {
		p := filepath.Join(*out, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		n++
		return os.WriteFile(p, data, 0o644)
	}
	if *photos != "" {
		ents, err := os.ReadDir(*photos)
		if err != nil {
			return err
		}
		for _, e := range ents {
			data, err := os.ReadFile(filepath.Join(*photos, e.Name()))
			if err != nil || !e.Type().IsRegular() {
				continue
			}
			for c := range *copies {
				if err := write(fmt.Sprintf("photos/%02d/%s", c, e.Name()), data); err != nil {
					return err
				}
			}
		}
	}
	// Drawing a scene is slow: 100 scenes, each thumbnail made distinct
	// by a few pixels.
	var scenes []*image.NRGBA
	for i := range 100 {
		w := 160 + 16*(i%11)
		scenes = append(scenes, synth.Scene(uint64(9000+i), w, w*3/4))
	}
	for i := range *thumbs {
		m := scenes[i%len(scenes)]
		m.Pix[0], m.Pix[1], m.Pix[2] = byte(i), byte(i>>8), byte(i>>16)
		var b bytes.Buffer
		if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 80}); err != nil {
			return err
		}
		if err := write(fmt.Sprintf("cache/thumbs/%03d/%06d.jpg", i/500, i), b.Bytes()); err != nil {
			return err
		}
	}
	for i := range *small {
		size := 100 + (i*7919)%(64<<10)
		data := make([]byte, size)
		for k := range data {
			data[k] = byte(k*31 + i)
		}
		ext := ".bin"
		if i%2 == 0 {
			ext = ".txt"
			for k := range data {
				data[k] = 'a' + byte((k+i)%26)
			}
		}
		if err := write(fmt.Sprintf("data/%03d/%06d%s", i/500, i, ext), data); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%d files written to %s\n", n, *out)
	return nil
}
