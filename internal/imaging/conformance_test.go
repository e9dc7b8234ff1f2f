package imaging

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/testvectors"
)

type refRow struct {
	path    string
	hash    pdq.Hash
	quality int
}

func readExpected(tb testing.TB, file string) []refRow {
	tb.Helper()
	f, err := os.Open(file)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	var rows []refRow
	for _, r := range recs[1:] {
		h, err := pdq.ParseHex(r[1])
		if err != nil {
			tb.Fatal(err)
		}
		q, err := strconv.Atoi(r[2])
		if err != nil {
			tb.Fatal(err)
		}
		rows = append(rows, refRow{r[0], h, q})
	}
	return rows
}

func hashFile(tb testing.TB, path string, opts Options) (pdq.Signal, *Image) {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	img, err := Decode(data, opts)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return pdq.FromLuma(img.Luma, img.LumaRows, img.LumaCols), img
}

// Every image the reference hashes must come within distance 10 of its
// hash where quality >= 80 (Meta's published criterion); the log says how
// many are bit-identical. With libjpeg-turbo every one is.
func TestConformanceImages(t *testing.T) {
	dir := testvectors.Dir(t, "pdq")
	rows := readExpected(t, filepath.Join(dir, "expected.csv"))
	for _, mode := range []struct {
		name string
		opts Options
	}{{"exact", Options{}}, {"fast", Options{Fast: true}}} {
		t.Run(mode.name, func(t *testing.T) {
			identical, maxDist := 0, 0
			hist := map[int]int{}
			for _, r := range rows {
				s, _ := hashFile(t, filepath.Join(dir, r.path), mode.opts)
				d := pdq.Distance(s.Hash, r.hash)
				hist[d]++
				if d == 0 && s.Quality == r.quality {
					identical++
				}
				if r.quality >= 80 {
					maxDist = max(maxDist, d)
					if d > 10 {
						t.Errorf("%s: distance %d from the reference (quality %d)", r.path, d, r.quality)
					}
				}
				if mode.name == "exact" && jpegBackend == "libjpeg-turbo" && (d != 0 || s.Quality != r.quality) {
					t.Errorf("%s: exact mode differs from the reference: distance %d, quality %d want %d", r.path, d, s.Quality, r.quality)
				}
			}
			t.Logf("%s mode, %s JPEG decoder: %d of %d bit-identical (hash and quality); max distance at quality>=80: %d; distance histogram %v",
				mode.name, jpegBackend, identical, len(rows), maxDist, hist)
		})
	}
}
