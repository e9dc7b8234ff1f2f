package featureseval

import (
	"os"
	"testing"
)

func TestSmall(t *testing.T) {
	r, err := Run(Spec{Originals: 8, Unrelated: 30, Seed: 1, Width: 1024}, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	WriteTable(os.Stdout, r)
}
