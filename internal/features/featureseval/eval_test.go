package featureseval

import (
	"strings"
	"testing"
)

// TestNoFalseMatches runs a small benchmark (another seed than the
// documented one): no pair of unrelated pictures matches, and at least
// 90% of 10%-crops and of captioned copies do.
func TestNoFalseMatches(t *testing.T) {
	r, err := Run(Spec{Originals: 10, Unrelated: 40, Seed: 2, Width: 1024}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	WriteTable(&b, r)
	t.Log("\n" + b.String())
	if r.Unrelated != 780 || r.LocalFalse != 0 {
		t.Errorf("%d unrelated pairs, %d false matches by local features", r.Unrelated, r.LocalFalse)
	}
	for _, row := range r.Rows {
		switch row.Alteration {
		case "crop 10% per edge", "caption band":
			if row.Local*10 < row.Pairs*9 {
				t.Errorf("%s: %d of %d matched", row.Alteration, row.Local, row.Pairs)
			}
		}
		if row.Pairs != 10 {
			t.Errorf("%s: %d pairs", row.Alteration, row.Pairs)
		}
	}
}

// TestIndexScale: in an index of 3,000 pictures, crops of the real
// rooms among them are found first, and nothing else is found.
func TestIndexScale(t *testing.T) {
	r, err := Scale(ScaleSpec{Images: 3000, Queries: 10, Pool: 20, Seed: 3, File: t.TempDir() + "/x.idx"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Found < 9 || r.Wrong != 0 {
		t.Errorf("found %d of 10 first, %d wrong hits", r.Found, r.Wrong)
	}
}
