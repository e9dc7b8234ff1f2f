package progress

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ariadne-vid/ariadne/internal/ingest"
	"github.com/ariadne-vid/ariadne/internal/store"
)

func TestBytes(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {1536, "1.5 KiB"}, {5 << 20, "5.0 MiB"}, {3 << 40, "3.0 TiB"},
	} {
		if got := Bytes(c.n); got != c.want {
			t.Errorf("Bytes(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestLine(t *testing.T) {
	s := ingest.Snapshot{Elapsed: 2 * time.Second, Files: 10, Skipped: 2, FilesTotal: 20, BytesTotal: 4096, Bytes: 2048, Counted: true,
		Classes: map[store.Class]int64{store.ClassNew: 3, store.ClassKnown: 1}}
	got := Line(s)
	for _, want := range []string{"10/20 files", "2.0 KiB", "4 files/s", "ETA 2s", "new 3", "known 1"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "near") {
		t.Errorf("%q shows a class with no files", got)
	}
}

// recorder counts updates, and fails on one after Finish.
type recorder struct {
	updates  atomic.Int64
	finished atomic.Bool
	t        *testing.T
}

func (r *recorder) Update(ingest.Snapshot) {
	if r.finished.Load() {
		r.t.Error("update after the summary")
	}
	r.updates.Add(1)
}
func (r *recorder) Finish(ingest.Snapshot, ingest.Summary) { r.finished.Store(true) }

// TestUpdaterStops: after Stop no update is printed, whatever the timing.
func TestUpdaterStops(t *testing.T) {
	r := &recorder{t: t}
	p := ingest.NewProgress()
	for range 50 {
		u := Start(time.Microsecond, p.Snapshot, r)
		u.Stop()
		r.Finish(ingest.Snapshot{}, ingest.Summary{})
		r.finished.Store(false)
	}
}

func TestJSON(t *testing.T) {
	var buf bytes.Buffer
	j := &JSON{W: &buf}
	j.Update(ingest.Snapshot{Files: 3, Classes: map[store.Class]int64{store.ClassNew: 3}})
	j.Finish(ingest.Snapshot{}, ingest.Summary{Status: store.RunDone, Files: 3})
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines: %s", len(lines), buf.String())
	}
	var first, last map[string]any
	if json.Unmarshal([]byte(lines[0]), &first) != nil || json.Unmarshal([]byte(lines[1]), &last) != nil {
		t.Fatalf("not JSON lines: %s", buf.String())
	}
	if first["event"] != "progress" || first["files"] != 3.0 || last["event"] != "summary" || last["status"] != "done" {
		t.Errorf("events %v, %v", first, last)
	}
}
