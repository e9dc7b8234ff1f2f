package pdq

import (
	"encoding/binary"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/testvectors"
)

// readCSV returns the rows of a CSV file with a header, as maps.
func readCSV(tb testing.TB, path string) []map[string]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	var rows []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, k := range recs[0] {
			m[k] = r[i]
		}
		rows = append(rows, m)
	}
	return rows
}

func readLuma(tb testing.TB, path string, rows, cols int) []float32 {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if len(b) != 4*rows*cols {
		tb.Fatalf("%s: %d bytes, want %d", path, len(b), 4*rows*cols)
	}
	out := make([]float32, rows*cols)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

func atoi(tb testing.TB, s string) int {
	tb.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// The reference's float luma buffers must give exactly its hash and quality.
func TestConformanceLumaBuffers(t *testing.T) {
	dir := testvectors.Dir(t, "pdq/luma")
	rows := readCSV(t, filepath.Join(dir, "index.csv"))
	if len(rows) == 0 {
		t.Fatal("index.csv has no rows")
	}
	for _, r := range rows {
		t.Run(r["file"], func(t *testing.T) {
			nr, nc := atoi(t, r["rows"]), atoi(t, r["cols"])
			luma := readLuma(t, filepath.Join(dir, r["file"]), nr, nc)
			s := FromLuma(luma, nr, nc)
			if got := s.Hash.String(); got != r["pdq_hex"] {
				want, _ := ParseHex(r["pdq_hex"])
				t.Errorf("hash %s, want %s (distance %d)", got, r["pdq_hex"], Distance(s.Hash, want))
			}
			if want := atoi(t, r["quality"]); s.Quality != want {
				t.Errorf("quality %d, want %d", s.Quality, want)
			}
		})
	}
}

// The eight dihedral hashes of bridge-1-original come from its one DCT.
func TestConformanceDihedral(t *testing.T) {
	dir := testvectors.Dir(t, "pdq")
	luma := readLuma(t, filepath.Join(dir, "luma", "bridge-1-original.luma.f32"), 512, 512)
	s := FromLuma(luma, 512, 512)
	got := s.Dihedral()
	rows := readCSV(t, filepath.Join(dir, "dihedral.csv"))
	if len(rows) != 8 {
		t.Fatalf("dihedral.csv has %d rows, want 8", len(rows))
	}
	for i, r := range rows {
		if r["transform"] != DihedralNames[i] {
			t.Errorf("row %d is %q, want %q", i, r["transform"], DihedralNames[i])
		}
		if got[i].String() != r["pdq_hex"] {
			t.Errorf("%s: %s, want %s", r["transform"], got[i], r["pdq_hex"])
		}
		if atoi(t, r["quality"]) != s.Quality {
			t.Errorf("%s: quality %d, want %s", r["transform"], s.Quality, r["quality"])
		}
	}
}
