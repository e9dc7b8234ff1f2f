package imaging

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/pdq"
)

// corpusFiles returns the JPEGs of the benchmark corpus named by
// ARIADNE_CORPUS (made by ../shared/bench/make_corpus.sh), or skips.
func corpusFiles(tb testing.TB) []string {
	dir := os.Getenv("ARIADNE_CORPUS")
	if dir == "" {
		tb.Skip("set ARIADNE_CORPUS to a folder made by shared/bench/make_corpus.sh")
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.jpg"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no JPEGs in %s: %v", dir, err)
	}
	return files
}

// TestCorpusFastVsExact measures how far the fast path's hashes are from
// the exact path's (which are the reference's, bit for bit) on the
// benchmark corpus, for several smallest decode sides. Run it with
// ARIADNE_CORPUS=DIR go test -run CorpusFastVsExact -v ./internal/imaging
func TestCorpusFastVsExact(t *testing.T) {
	files := corpusFiles(t)
	exact := make([]pdq.Hash, len(files))
	for i, f := range files {
		s, _ := hashFile(t, f, Options{})
		exact[i] = s.Hash
	}
	for _, side := range corpusSides {
		var dists []int
		for i, f := range files {
			s, _ := hashFile(t, f, Options{Fast: true, MinSide: side})
			dists = append(dists, pdq.Distance(s.Hash, exact[i]))
		}
		slices.Sort(dists)
		hist := map[int]int{}
		sum := 0
		for _, d := range dists {
			hist[d]++
			sum += d
		}
		t.Logf("min side %3d: %d images, distance to exact: mean %.2f, median %d, p95 %d, p99 %d, max %d; histogram %v",
			side, len(dists), float64(sum)/float64(len(dists)), dists[len(dists)/2],
			dists[len(dists)*95/100], dists[len(dists)*99/100], dists[len(dists)-1], fmt.Sprint(hist))
	}
}

var corpusSides = []int{128, 256, 512, 1024}

func BenchmarkCorpusDecode(b *testing.B) {
	files := corpusFiles(b)
	data := make([][]byte, len(files))
	for i, f := range files {
		var err error
		if data[i], err = os.ReadFile(f); err != nil {
			b.Fatal(err)
		}
	}
	for _, side := range corpusSides {
		b.Run(fmt.Sprintf("fast-min-side-%d", side), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				if _, err := Decode(data[i%len(data)], Options{Fast: true, MinSide: side}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("exact", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := Decode(data[i%len(data)], Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
