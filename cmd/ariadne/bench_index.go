package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"github.com/ariadne-vid/ariadne/internal/index"
)

func benchIndexData(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench index-data", "--n N --queries Q [--seed S] --out DIR", stderr)
	n := fs.Int("n", 1_000_000, "stored hashes")
	q := fs.Int("queries", 10_000, "queries")
	seed := fs.Uint64("seed", 1, "random seed (the same seed gives the same files)")
	out := fs.String("out", "", "folder for hashes.txt and queries.txt")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageErr("--out is required")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	hf, err := os.Create(filepath.Join(*out, "hashes.txt"))
	if err != nil {
		return err
	}
	defer hf.Close()
	qf, err := os.Create(filepath.Join(*out, "queries.txt"))
	if err != nil {
		return err
	}
	defer qf.Close()
	if err := index.WriteDataset(hf, qf, *n, *q, *seed); err != nil {
		return err
	}
	if err := hf.Close(); err != nil {
		return err
	}
	if err := qf.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d hashes and %d queries to %s\n", *n, *q, *out)
	return nil
}

// currentRSS is the process's resident set size now, in bytes.
func currentRSS() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	var size, resident int64
	fmt.Sscan(string(b), &size, &resident)
	return resident * int64(os.Getpagesize())
}

// pairChecksum is an order-independent checksum of (query, id) pairs: the
// sum, modulo 2^64, of splitmix64(splitmix64(query line) XOR id). The FAISS
// script in scripts/ computes the same.
func pairChecksum(query int, id uint64) uint64 { return splitmix64(splitmix64(uint64(query)) ^ id) }

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func benchIndex(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench index", "--hashes FILE --queries FILE [--radius 31] [--jobs N] [--batch]", stderr)
	hashFile := fs.String("hashes", "", "stored hashes (one hex hash per line, optional tab and ID)")
	queryFile := fs.String("queries", "", "queries (same format)")
	radius := fs.Int("radius", index.DefaultRadius, "Hamming radius")
	jobs := fs.Int("jobs", 1, "query goroutines, each asking one query at a time")
	batch := fs.Bool("batch", false, "answer the queries with SearchBatch instead of one at a time")
	save := fs.Bool("save", true, "also save the index to a temporary file and time opening it")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *hashFile == "" || *queryFile == "" {
		return usageErr("--hashes and --queries are required")
	}
	hashes, ids, err := loadHashFile(*hashFile)
	if err != nil {
		return err
	}
	queries, _, err := loadHashFile(*queryFile)
	if err != nil {
		return err
	}
	rssLoaded := peakRSS()
	fmt.Fprintf(stdout, "hashes: %d, queries: %d, radius: %d, jobs: %d\n", len(hashes), len(queries), *radius, *jobs)

	t0 := time.Now()
	ix := index.Build(hashes, ids)
	fmt.Fprintf(stdout, "build: %.2f s\n", time.Since(t0).Seconds())
	hashes, ids = nil, nil // the index has its own copies
	runtime.GC()
	debug.FreeOSMemory()

	if *save {
		tmp, err := os.MkdirTemp("", "ariadne-bench-index-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		path := filepath.Join(tmp, "bench.idx")
		t0 = time.Now()
		if err := ix.Save(path); err != nil {
			return err
		}
		saved := time.Since(t0)
		st, _ := os.Stat(path)
		ix.Close()
		debug.FreeOSMemory()
		t0 = time.Now()
		opened, err := index.Open(path)
		if err != nil {
			return err
		}
		defer opened.Close()
		fmt.Fprintf(stdout, "save: %.2f s, file: %.1f MiB, open: %.3f s (queries below use the opened file)\n",
			saved.Seconds(), float64(st.Size())/(1<<20), time.Since(t0).Seconds())
		ix = opened
	}

	results := make([][]index.Match, len(queries))
	var stats index.SearchStats
	var statsMu sync.Mutex
	wall, cpu, _ := measure(func() error {
		if *batch {
			results = ix.SearchBatch(queries, *radius)
			return nil
		}
		var wg sync.WaitGroup
		for j := range max(*jobs, 1) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := ix.Searcher()
				for i := j; i < len(queries); i += max(*jobs, 1) {
					results[i] = s.Search(nil, queries[i], *radius)
				}
				st := s.Stats()
				statsMu.Lock()
				stats.Probes += st.Probes
				stats.Verified += st.Verified
				stats.Scanned += st.Scanned
				statsMu.Unlock()
			}()
		}
		wg.Wait()
		return nil
	})
	var pairs int
	var sum uint64
	for q, ms := range results {
		pairs += len(ms)
		for _, m := range ms {
			sum += pairChecksum(q, m.ID)
		}
	}
	fmt.Fprintf(stdout, "queries: %.3f s wall, %.3f s CPU: %.0f queries/s, %.0f queries/CPU-s\n",
		wall.Seconds(), cpu.Seconds(), float64(len(queries))/wall.Seconds(), float64(len(queries))/cpu.Seconds())
	fmt.Fprintf(stdout, "pairs: %d, checksum: %016x\n", pairs, sum)
	if !*batch {
		nq := float64(max(len(queries), 1))
		fmt.Fprintf(stdout, "per query: %.0f directory probes, %.0f candidates verified, %.0f hashes scanned\n",
			float64(stats.Probes)/nq, float64(stats.Verified)/nq, float64(stats.Scanned)/nq)
	}
	fmt.Fprintf(stdout, "resident now: %.1f MiB; peak: %.1f MiB (after reading the text files: %.1f MiB)\n",
		float64(currentRSS())/(1<<20), float64(peakRSS())/(1<<20), float64(rssLoaded)/(1<<20))
	return nil
}
