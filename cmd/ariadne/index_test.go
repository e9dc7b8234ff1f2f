package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIndexBuildQuery(t *testing.T) {
	dir := t.TempDir()
	a := "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22"
	b := "2da9259bb1a1bd1a5362576552da32a5e63b7380c2774b4866b346c91b89ce77"
	hashes := filepath.Join(dir, "hashes.txt")
	if err := os.WriteFile(hashes, []byte(a+"\t100\n"+b+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	idx := filepath.Join(dir, "x.idx")
	if _, e, code := runCLI(t, "index", "build", hashes, "-o", idx); code != 0 {
		t.Fatalf("build: exit %d: %s", code, e)
	}
	// a with its last digit changed is 1 bit away.
	near := a[:63] + "3"
	stdin = strings.NewReader(near + "\n" + b + "\n")
	defer func() { stdin = os.Stdin }()
	out, e, code := runCLI(t, "index", "query", idx, "--radius", "31")
	if code != 0 {
		t.Fatalf("query: exit %d: %s", code, e)
	}
	type answer struct {
		Query   string `json:"query"`
		Matches []struct {
			ID       uint64 `json:"id"`
			Distance int    `json:"distance"`
		} `json:"matches"`
	}
	var got []answer
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var a answer
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		got = append(got, a)
	}
	if len(got) != 2 || got[0].Query != near || len(got[0].Matches) != 1 || got[0].Matches[0].ID != 100 || got[0].Matches[0].Distance != 1 {
		t.Fatalf("first answer %+v", got)
	}
	if len(got[1].Matches) != 1 || got[1].Matches[0].ID != 1 || got[1].Matches[0].Distance != 0 {
		t.Fatalf("second answer %+v", got[1])
	}

	// A malformed line is an error naming the line.
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte(a+"\n"+a[:10]+"\n"), 0o644)
	if _, e, code := runCLI(t, "index", "build", bad, "-o", idx); code == 0 || !strings.Contains(e, "line 2") {
		t.Errorf("malformed input: exit %d, %q", code, e)
	}
}

func TestBenchIndexSmall(t *testing.T) {
	dir := t.TempDir()
	if _, e, code := runCLI(t, "bench", "index-data", "--n", "2000", "--queries", "50", "--out", dir); code != 0 {
		t.Fatal(e)
	}
	out, e, code := runCLI(t, "bench", "index", "--hashes", filepath.Join(dir, "hashes.txt"), "--queries", filepath.Join(dir, "queries.txt"))
	if code != 0 {
		t.Fatal(e)
	}
	for _, want := range []string{"build:", "open:", "queries/CPU-s", "pairs:", "checksum:", "peak:"} {
		if !strings.Contains(out, want) {
			t.Errorf("bench output lacks %q:\n%s", want, out)
		}
	}
}
