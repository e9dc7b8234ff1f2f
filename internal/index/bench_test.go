package index

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"testing"
)

var benchData = struct {
	sync.Once
	hashes  []Hash
	ids     []uint64
	queries []Hash
}{}

// benchSize is the stored-hash count of the search benchmarks; set
// ARIADNE_INDEX_BENCH_N to try others (10000000 needs about 2 GiB).
func benchSize() int {
	n := 1_000_000
	if v := os.Getenv("ARIADNE_INDEX_BENCH_N"); v != "" {
		fmt.Sscan(v, &n)
	}
	return n
}

func loadBench(b *testing.B) {
	benchData.Do(func() {
		var hb, qb bytes.Buffer
		if err := WriteDataset(&hb, &qb, benchSize(), 10000, 1); err != nil {
			b.Fatal(err)
		}
		ReadHashLines(&hb, func(_ int, h Hash, id uint64) error {
			benchData.hashes = append(benchData.hashes, h)
			benchData.ids = append(benchData.ids, id)
			return nil
		})
		ReadHashLines(&qb, func(_ int, h Hash, _ uint64) error {
			benchData.queries = append(benchData.queries, h)
			return nil
		})
	})
}

// BenchmarkSearch is one query at a time at radius 31 over the issue's
// distribution (half near-duplicate queries, half random).
func BenchmarkSearch(b *testing.B) {
	loadBench(b)
	ix := Build(benchData.hashes, benchData.ids)
	s := ix.Searcher()
	var buf []Match
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		buf = s.Search(buf[:0], benchData.queries[i%len(benchData.queries)], DefaultRadius)
	}
}

func BenchmarkBuild(b *testing.B) {
	loadBench(b)
	for b.Loop() {
		Build(benchData.hashes, benchData.ids)
	}
}
