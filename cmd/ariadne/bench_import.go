package main

import (
	"bufio"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/ariadne-vid/ariadne/internal/hashsets"
	"github.com/ariadne-vid/ariadne/internal/store"
)

// benchEntryHashes derives entry i's hashes deterministically.
func benchEntryHashes(i int) (m, s, p string) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(i))
	m5 := md5.Sum(b[:])
	s1 := sha1.Sum(b[:])
	p1 := sha1.Sum(s1[:])
	p2 := md5.Sum(p1[:])
	return hex.EncodeToString(m5[:]), hex.EncodeToString(s1[:]), hex.EncodeToString(append(p1[:], p2[:12]...))
}

// writeBenchSet writes n synthetic entries as CSV (md5, sha1, pdq,
// category).
func writeBenchSet(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "md5,sha1,pdq,category")
	for i := range n {
		m, s, p := benchEntryHashes(i)
		fmt.Fprintf(w, "%s,%s,%s,%d\n", m, s, p, i%4)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func benchImport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench import", "[--n 10000000] [--db DB] [--lookups 10000]", stderr)
	n := fs.Int("n", 1_000_000, "entries (CSV of md5, sha1, pdq, category)")
	db := fs.String("db", "", "store to import into (default: a new SQLite file in a temporary folder)")
	lookups := fs.Int("lookups", 10_000, "exact lookups in one batch after the import (half of them present)")
	cpuProfile := fs.String("cpuprofile", "", "write a Go CPU profile of the import to this file")
	bulk := fs.Bool("bulk", true, "import as hashset import --bulk does")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx := context.Background()
	tmp, err := os.MkdirTemp("", "ariadne-bench-import-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if *db == "" {
		*db = filepath.Join(tmp, "bench.db")
	}
	csvPath := filepath.Join(tmp, "entries.csv")
	if err := writeBenchSet(csvPath, *n); err != nil {
		return err
	}

	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(stdout, "engine: %s, entries: %d\n", st.Engine(), *n)
	if *cpuProfile != "" {
		pf, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer pf.Close()
		pprof.StartCPUProfile(pf)
		defer pprof.StopCPUProfile()
	}
	var rep hashsets.Report
	wall, cpu, err := measure(func() error {
		var err error
		rep, err = hashsets.Import(ctx, st, csvPath, hashsets.ImportOptions{Set: store.HashSet{Name: "bench", Kind: store.KnownBad}, Format: hashsets.FormatCSV, Bulk: *bulk})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "import: %d accepted, %d rejected in %.1f s wall, %.1f s CPU (%.0f entries/s); peak RSS %.0f MiB\n",
		rep.Accepted, rep.Rejected, wall.Seconds(), cpu.Seconds(), float64(rep.Accepted)/wall.Seconds(), float64(peakRSS())/(1<<20))

	var batch []string
	for i := range *lookups {
		if i%2 == 0 {
			m, _, _ := benchEntryHashes(i * (*n / max(*lookups, 1)) % max(*n, 1))
			batch = append(batch, m)
		} else {
			_, s, _ := benchEntryHashes(*n + i) // not in the set
			batch = append(batch, s)
		}
	}
	t0 := time.Now()
	hits, err := st.LookupExact(ctx, batch)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "lookup: %d hashes, %d hits in %.3f s\n", len(batch), len(hits), time.Since(t0).Seconds())
	return nil
}
