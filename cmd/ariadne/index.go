package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/ariadne-vid/ariadne/internal/index"
)

func init() {
	register(command{name: "index", summary: "build and query a similarity index: index build|query", run: runIndex})
}

func runIndex(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageErr("index build HASHFILE -o INDEXFILE | index query INDEXFILE [--radius 31] < QUERIES")
	}
	switch args[0] {
	case "build":
		return indexBuild(args[1:], stdout, stderr)
	case "query":
		return indexQuery(args[1:], stdout, stderr)
	}
	return usageErr("unknown index command %q (build, query)", args[0])
}

// loadHashFile reads a whole hash file (see index.ReadHashLines).
func loadHashFile(path string) ([]index.Hash, []uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	// Size the slices from the file (65 bytes a line without IDs), so a
	// 10-million-line file is not copied through doubling appends.
	est := 0
	if st, err := f.Stat(); err == nil {
		est = int(st.Size()/65) + 1
	}
	hashes := make([]index.Hash, 0, est)
	ids := make([]uint64, 0, est)
	err = index.ReadHashLines(f, func(_ int, h index.Hash, id uint64) error {
		hashes = append(hashes, h)
		ids = append(ids, id)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return hashes, ids, nil
}

func indexBuild(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("index build", "HASHFILE -o INDEXFILE", stderr)
	out := fs.String("o", "", "index file to write")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *out == "" {
		return usageErr("want one HASHFILE and -o INDEXFILE")
	}
	start := time.Now()
	hashes, ids, err := loadHashFile(pos[0])
	if err != nil {
		return err
	}
	read := time.Since(start)
	ix := index.Build(hashes, ids)
	built := time.Since(start) - read
	if err := ix.Save(*out); err != nil {
		return err
	}
	slog.Info("index built", "hashes", len(hashes), "read_s", read.Seconds(), "build_s", built.Seconds(), "total_s", time.Since(start).Seconds(), "file", *out)
	return nil
}

func indexQuery(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("index query", "INDEXFILE [--radius 31] < QUERIES", stderr)
	radius := fs.Int("radius", index.DefaultRadius, "Hamming radius (0-256)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("want one INDEXFILE")
	}
	if *radius < 0 || *radius > 256 {
		return usageErr("--radius must be 0 to 256")
	}
	ix, err := index.Open(pos[0])
	if err != nil {
		return err
	}
	defer ix.Close()
	s := ix.Searcher()
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	type answer struct {
		Query   string        `json:"query"`
		Matches []index.Match `json:"matches"`
	}
	var buf []index.Match
	return index.ReadHashLines(stdin, func(_ int, q index.Hash, _ uint64) error {
		buf = s.Search(buf[:0], q, *radius)
		if buf == nil {
			buf = []index.Match{}
		}
		return enc.Encode(answer{q.String(), buf})
	})
}
