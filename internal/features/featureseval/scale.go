package featureseval

import (
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/ariadne-vid/ariadne/internal/features"
)

// ScaleSpec sizes an index measurement.
type ScaleSpec struct {
	Images   int    // pictures in the index
	Queries  int    // altered copies of indexed rooms looked up
	PerImage int    // features kept per picture (0: features.Stored)
	Pool     int    // generated rooms whose features the filler pictures are drawn from
	Seed     uint64 // of everything
	// File, when set, keeps the pictures' features in this file
	// (features.NewFileIndex) instead of memory.
	File string
}

// ScaleReport is what a lookup costs as the index grows.
type ScaleReport struct {
	Spec       ScaleSpec `json:"spec"`
	BuildSecs  float64   `json:"build_seconds"`
	IndexBytes int64     `json:"index_bytes"`
	HeapBytes  uint64    `json:"heap_bytes"` // in use after the build
	Found      int       `json:"found"`      // queries whose room came first
	Wrong      int       `json:"wrong"`      // hits that were not the query's room
	MeanMs     float64   `json:"mean_ms"`
	P50Ms      float64   `json:"p50_ms"`
	P95Ms      float64   `json:"p95_ms"`
	MaxMs      float64   `json:"max_ms"`
}

// Scale fills an index with Images pictures — Queries real rooms, the
// rest made of features drawn from Pool real rooms' features, each
// descriptor with a tenth of its bits flipped, so the filler has the
// statistics of real descriptors without being copies of anything — and
// times a lookup of a 10%-crop of each real room, on one goroutine.
func Scale(s ScaleSpec, progress io.Writer) (ScaleReport, error) {
	if progress == nil {
		progress = io.Discard
	}
	rep := ScaleReport{Spec: s}
	rng := rand.New(rand.NewPCG(s.Seed, 0x5ca1e))
	var pool []features.Descriptor
	var poolKP []features.Keypoint
	for i := range s.Pool {
		p, err := Prepare(original(s.Seed+77, 1000+i, 1024), 90, false)
		if err != nil {
			return rep, err
		}
		pool = append(pool, p.Features.Descriptors...)
		poolKP = append(poolKP, p.Features.Keypoints...)
	}
	fmt.Fprintf(progress, "%d pool descriptors from %d rooms\n", len(pool), s.Pool)
	x := features.NewIndex(s.PerImage)
	if s.File != "" {
		var err error
		if x, err = features.NewFileIndex(s.PerImage, s.File); err != nil {
			return rep, err
		}
	}
	defer x.Close()
	per := s.PerImage
	if per <= 0 {
		per = features.Stored
	}
	// The real rooms sit at evenly spread positions among the filler.
	realAt := map[int]int{}
	for q := range s.Queries {
		realAt[q*s.Images/max(1, s.Queries)] = q
	}
	queries := make([]Picture, s.Queries)
	start := time.Now()
	for i := range s.Images {
		if q, ok := realAt[i]; ok {
			m := original(s.Seed+99, q, 1024)
			stored, err := Prepare(m, 90, false)
			if err != nil {
				return rep, err
			}
			if err := x.Add(uint64(i), stored.Features); err != nil {
				return rep, err
			}
			if queries[q], err = Prepare(crop(m, 0.1, 0.1, 0.1, 0.1), 90, true); err != nil {
				return rep, err
			}
			continue
		}
		set := &features.Set{Width: 512, Height: 384, Keypoints: make([]features.Keypoint, per), Descriptors: make([]features.Descriptor, per)}
		for k := range per {
			j := rng.IntN(len(pool))
			d := pool[j]
			for range 26 {
				b := rng.IntN(256)
				d[b/64] ^= 1 << (b % 64)
			}
			set.Descriptors[k], set.Keypoints[k] = d, poolKP[j]
		}
		if err := x.Add(uint64(i), set); err != nil {
			return rep, err
		}
		if (i+1)%100000 == 0 {
			fmt.Fprintf(progress, "%d pictures indexed\n", i+1)
		}
	}
	rep.BuildSecs = time.Since(start).Seconds()
	rep.IndexBytes = x.Bytes()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rep.HeapBytes = ms.HeapInuse
	inv := map[int]uint64{}
	for i, q := range realAt {
		inv[q] = uint64(i)
	}
	var times []float64
	for q, p := range queries {
		t := time.Now()
		hits, err := x.Search(p.Features, p.Mirrored, features.SearchOptions{})
		if err != nil {
			return rep, err
		}
		times = append(times, float64(time.Since(t).Microseconds())/1000)
		if len(hits) > 0 && hits[0].ID == inv[q] {
			rep.Found++
		}
		for _, h := range hits {
			if h.ID != inv[q] {
				rep.Wrong++
			}
		}
	}
	slices.Sort(times)
	sum := 0.0
	for _, t := range times {
		sum += t
	}
	if len(times) > 0 {
		rep.MeanMs = sum / float64(len(times))
		rep.P50Ms = times[len(times)/2]
		rep.P95Ms = times[len(times)*95/100]
		rep.MaxMs = times[len(times)-1]
	}
	return rep, nil
}
