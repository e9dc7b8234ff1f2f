package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/imaging"
	"github.com/ariadne-vid/ariadne/internal/metadata"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/walk"
)

func init() {
	register(command{name: "bench", summary: "measure speed: bench hash|index|index-data|import|ingest|exhibit|video|audio|suggest|local-features|local-index", run: runBench})
}

func runBench(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageErr("bench what? (hash, index, index-data, import, ingest, exhibit, video, audio, suggest, local-features, local-index)")
	}
	switch args[0] {
	case "hash":
		return benchHash(args[1:], stdout, stderr)
	case "index":
		return benchIndex(args[1:], stdout, stderr)
	case "index-data":
		return benchIndexData(args[1:], stdout, stderr)
	case "import":
		return benchImport(args[1:], stdout, stderr)
	case "ingest":
		return benchIngest(args[1:], stdout, stderr)
	case "exhibit":
		return benchExhibit(args[1:], stdout, stderr)
	case "video":
		return benchVideo(args[1:], stdout, stderr)
	case "audio":
		return benchAudio(args[1:], stdout, stderr)
	case "local-features":
		return benchLocalFeatures(args[1:], stdout, stderr)
	case "local-index":
		return benchLocalIndex(args[1:], stdout, stderr)
	case "suggest":
		return benchSuggest(args[1:], stdout, stderr)
	}
	return usageErr("unknown benchmark %q (hash, index, index-data, import, ingest, exhibit, video, audio, suggest, local-features, local-index)", args[0])
}

// measure runs fn and returns its wall and CPU time.
func measure(fn func() error) (wall, cpu time.Duration, err error) {
	runtime.GC()
	c0, t0 := cpuTime(), time.Now()
	err = fn()
	return time.Since(t0), cpuTime() - c0, err
}

func benchHash(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench hash", "[--jobs N] [--exact] DIR...", stderr)
	jobs := fs.Int("jobs", 1, "workers")
	exact := fs.Bool("exact", false, "decode JPEGs at full size (bit-identical to the reference)")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return usageErr("no DIR given")
	}
	var files []string
	if err := walk.Walk(context.Background(), paths, func(e walk.Entry) error {
		if e.IsRegular() {
			files = append(files, e.Path)
		}
		return nil
	}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "files: %d, jobs: %d, JPEG decoder: %s, mode: %s\n", len(files), *jobs, imaging.JPEGDecoder, map[bool]string{true: "exact", false: "fast"}[*exact])

	// 1. ariadne hash as the command runs it: read, three digests, decode,
	// PDQ.
	var images atomic.Int64
	opts := hasher.Options{Imaging: imaging.Options{Fast: !*exact}}
	wall, cpu, err := measure(func() error {
		return hasher.Run(context.Background(), paths, *jobs, opts, func(r hasher.Result) error {
			if r.PDQ != nil {
				images.Add(1)
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	printRate(stdout, "ariadne hash", images.Load(), wall, cpu)
	hashCPU := cpu

	// 2. The baseline: the same files' bytes read and decoded at full size
	// by the JPEG library, nothing else.
	var decoded atomic.Int64
	wall, cpu, err = measure(func() error {
		return parallel(files, *jobs, func(path string) {
			data, err := os.ReadFile(path)
			if err == nil && imaging.Sniff(data) == imaging.JPEG && imaging.BaselineDecodeJPEG(data) == nil {
				decoded.Add(1)
			}
		})
	})
	if err != nil {
		return err
	}
	printRate(stdout, imaging.JPEGDecoder+" full decode", decoded.Load(), wall, cpu)

	// 3. What metadata extraction adds to the hash pass: the same files
	// read, and their metadata parsed (their thumbnails decoded and
	// hashed, as ariadne hash does), minus reading them alone.
	readOnly := func(parse bool) (time.Duration, error) {
		_, cpu, err := measure(func() error {
			return parallel(files, *jobs, func(path string) {
				data, err := os.ReadFile(path)
				if err != nil || !parse {
					return
				}
				if m, _ := metadata.Read(data); len(m.Thumbnail) > 0 {
					if t, err := imaging.Decode(m.Thumbnail, imaging.Options{}); err == nil {
						pdq.FromLuma(t.Luma, t.LumaRows, t.LumaCols)
					}
				}
			})
		})
		return cpu, err
	}
	readCPU, err := readOnly(false)
	if err != nil {
		return err
	}
	metaCPU, err := readOnly(true)
	if err != nil {
		return err
	}
	extra := max(0, metaCPU-readCPU)
	fmt.Fprintf(stdout, "metadata extraction: %.3f s CPU over %d files: adds %.2f%% to hashing without it\n", extra.Seconds(), len(files), 100*extra.Seconds()/max(1e-9, (hashCPU-extra).Seconds()))
	return nil
}

func printRate(w io.Writer, what string, n int64, wall, cpu time.Duration) {
	fmt.Fprintf(w, "%-30s %6d images  %7.2f s wall  %7.2f s CPU  %7.1f images/s  %7.1f images/CPU-s\n",
		what, n, wall.Seconds(), cpu.Seconds(), float64(n)/wall.Seconds(), float64(n)/cpu.Seconds())
}

// parallel runs fn over items with jobs goroutines.
func parallel(items []string, jobs int, fn func(string)) error {
	ch := make(chan string)
	var wg sync.WaitGroup
	for range max(jobs, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range ch {
				fn(it)
			}
		}()
	}
	for _, it := range items {
		ch <- it
	}
	close(ch)
	wg.Wait()
	return nil
}
