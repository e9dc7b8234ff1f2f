// Package testvectors locates the shared conformance vectors (Meta's
// ThreatExchange PDQ and vPDQ test data) that tests compare against. The
// vectors live outside the repository, in ../shared/testdata beside the
// checkout; tests skip with a clear message when they are absent.
package testvectors

import (
	"os"
	"path/filepath"
	"testing"
)

// EnvVar overrides where the test data is looked for.
const EnvVar = "ARIADNE_TESTDATA"

// Dir returns the absolute path of sub inside the shared test data, or
// skips the test when the data is not present.
func Dir(tb testing.TB, sub string) string {
	tb.Helper()
	root, ok := find()
	if !ok {
		tb.Skipf("conformance vectors not found: set %s or place shared/testdata beside the checkout (looked upward from the working directory for shared/testdata)", EnvVar)
	}
	p := filepath.Join(root, sub)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("conformance vectors %s not present: %v", p, err)
	}
	return p
}

func find() (string, bool) {
	if d := os.Getenv(EnvVar); d != "" {
		return d, isDir(d)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for d := wd; ; d = filepath.Dir(d) {
		for _, c := range []string{filepath.Join(d, "shared", "testdata"), filepath.Join(d, "..", "shared", "testdata")} {
			if isDir(c) {
				abs, _ := filepath.Abs(c)
				return abs, true
			}
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
