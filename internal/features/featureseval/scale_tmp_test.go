package featureseval

import (
	"os"
	"testing"
)

func TestScaleTmp(t *testing.T) {
	r, err := Scale(ScaleSpec{Images: 20000, Queries: 30, PerImage: 128, Pool: 60, Seed: 1}, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", r)
}
