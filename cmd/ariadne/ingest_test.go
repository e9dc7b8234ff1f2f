package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

// TestMain lets the test binary run as the ariadne command, so tests can
// start it as a process of its own (to kill it).
func TestMain(m *testing.M) {
	if os.Getenv("ARIADNE_TEST_AS_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// ariadneCmd is the ariadne command as a separate process.
func ariadneCmd(t *testing.T, args ...string) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "ARIADNE_TEST_AS_MAIN=1")
	return cmd
}

// TestIngestKilledAndResumed kills `ariadne ingest` with SIGKILL in the
// middle of a run, runs the same command again, and compares the store
// with that of an uninterrupted run: no file lost, none doubled.
func TestIngestKilledAndResumed(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := filepath.Join(t.TempDir(), "exhibit")
	os.MkdirAll(filepath.Join(dir, "img"), 0o755)
	os.MkdirAll(filepath.Join(dir, "txt"), 0o755)
	var first []byte
	// Drawing a scene takes milliseconds: 30 scenes, each file made
	// distinct by a few pixels.
	var scenes []*image.NRGBA
	for i := range 30 {
		scenes = append(scenes, synth.Scene(uint64(1000+i), 160, 120))
	}
	for i := range 1500 {
		m := scenes[i%len(scenes)]
		m.Pix[0], m.Pix[1], m.Pix[2] = byte(i), byte(i>>8), byte(i*7)
		var b bytes.Buffer
		(&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, m)
		if i == 0 {
			first = b.Bytes()
		}
		os.WriteFile(filepath.Join(dir, "img", fmt.Sprintf("%04d.png", i)), b.Bytes(), 0o644)
		os.WriteFile(filepath.Join(dir, "txt", fmt.Sprintf("%04d.txt", i)), []byte(fmt.Sprint("note ", i)), 0o644)
	}
	// A known-bad set with one of the images, so matches are written too.
	setup := func(db string) {
		if _, e, code := runCLI(t, "case", "create", "K-1", "--db", db); code != 0 {
			t.Fatal(e)
		}
		list := filepath.Join(t.TempDir(), "bad.txt")
		os.WriteFile(list, []byte(md5hex(first)+"\n"), 0o644)
		if _, e, code := runCLI(t, "hashset", "import", "--db", db, "--name", "bad", "--kind", "known-bad", list); code != 0 {
			t.Fatal(e)
		}
	}
	ingestArgs := func(db string) []string {
		return []string{"ingest", "--db", db, "--case", "K-1", "--exhibit", "E", "--jobs", "2", "--json", "--progress-every", "50ms", dir}
	}

	refDB := filepath.Join(t.TempDir(), "ref.db")
	setup(refDB)
	if out, err := ariadneCmd(t, ingestArgs(refDB)...).CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}
	want := storetest.Dump(t, refDB)

	db := filepath.Join(t.TempDir(), "killed.db")
	setup(db)
	cmd := ariadneCmd(t, ingestArgs(db)...)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill once some records are committed, well before the end.
	killedAt := int64(-1)
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		var ev struct {
			Event   string `json:"event"`
			Records int64  `json:"records"`
		}
		json.Unmarshal(sc.Bytes(), &ev)
		if ev.Event == "progress" && ev.Records >= 300 {
			cmd.Process.Signal(syscall.SIGKILL)
			killedAt = ev.Records
			break
		}
	}
	go func() {
		for sc.Scan() {
		}
	}()
	err := cmd.Wait()
	if killedAt < 0 || err == nil {
		t.Fatalf("the run ended before it could be killed (err %v); the test needs a slower run", err)
	}
	if killedAt >= 3000 {
		t.Fatalf("killed after all %d records", killedAt)
	}
	// Resume: the same command.
	out, err := ariadneCmd(t, ingestArgs(db)...).Output()
	if err != nil {
		t.Fatalf("resumed run: %v\n%s", err, out)
	}
	var sum struct {
		Skipped, Records int64
		Status           string
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	json.Unmarshal([]byte(lines[len(lines)-1]), &sum)
	got := storetest.Dump(t, db)
	if !slices.Equal(got, want) {
		t.Errorf("killed at %d records, resumed (%+v): the store differs from an uninterrupted run's (%d rows, want %d)", killedAt, sum, len(got), len(want))
	}
	if sum.Skipped == 0 || sum.Status != "done" {
		t.Errorf("resumed run %+v: want some files skipped and status done", sum)
	}
	// The killed run is on record as abandoned.
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ex, _ := st.ExhibitByLabel(context.Background(), "K-1", "E")
	runs, _ := st.IngestRuns(context.Background(), ex.ID)
	if len(runs) != 2 || runs[0].Status != "abandoned" || runs[1].Status != "done" {
		t.Errorf("runs: %+v", runs)
	}
	t.Logf("killed after %d records committed; resume skipped %d files and wrote %d records", killedAt, sum.Skipped, sum.Records)
}

func md5hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}
