package store

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestOneIngestPerExhibit: while a run is alive a second start on the
// same exhibit fails with a BusyError; a run whose process is gone, or
// whose host has been silent for longer than HeartbeatStale, is taken
// over and marked abandoned; another exhibit is not held up.
func TestOneIngestPerExhibit(t *testing.T) {
	// A process id that is certainly not running: a child that exited.
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Skipf("cannot run true: %v", err)
	}
	deadPID := gone.ProcessState.Pid()
	host, _ := os.Hostname()
	old := time.Now().Add(-2 * HeartbeatStale).UTC().Format(time.RFC3339Nano)

	forEachEngine(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		s.CreateCase(ctx, Case{Number: "L"})
		ex, _ := s.AddExhibit(ctx, Exhibit{CaseNumber: "L", Label: "E"})
		other, _ := s.AddExhibit(ctx, Exhibit{CaseNumber: "L", Label: "F"})
		start := func(exhibitID int64) (int64, error) {
			return s.StartIngestRun(ctx, IngestRun{ExhibitID: exhibitID, Roots: "[]"})
		}
		set := func(id int64, host string, pid int, beat string) {
			if _, err := s.db.ExecContext(ctx, s.rebind(`UPDATE ingest_run SET host = ?, pid = ?, heartbeat_at = ? WHERE id = ?`), host, pid, beat, id); err != nil {
				t.Fatal(err)
			}
		}
		status := func(id int64) string {
			var st string
			s.db.QueryRowContext(ctx, s.rebind(`SELECT status FROM ingest_run WHERE id = ?`), id).Scan(&st)
			return st
		}

		first, err := start(ex.ID)
		if err != nil {
			t.Fatal(err)
		}
		var busy *BusyError
		if _, err := start(ex.ID); !errors.As(err, &busy) || busy.RunID != first {
			t.Fatalf("second start while the first (this process) is alive: %v", err)
		}
		if _, err := start(other.ID); err != nil {
			t.Fatalf("another exhibit is held up: %v", err)
		}

		cases := []struct {
			name  string
			host  string
			pid   int
			beat  string
			taken bool
		}{
			{"process gone on this host", host, deadPID, time.Now().UTC().Format(time.RFC3339Nano), true},
			{"live on another host", "elsewhere.example", 1, time.Now().UTC().Format(time.RFC3339Nano), false},
			{"silent on another host", "elsewhere.example", 1, old, true},
			{"silent on this host", host, os.Getpid(), old, true},
		}
		holder := first
		for _, c := range cases {
			set(holder, c.host, c.pid, c.beat)
			id, err := start(ex.ID)
			if c.taken {
				if err != nil {
					t.Fatalf("%s: not taken over: %v", c.name, err)
				}
				if st := status(holder); st != "abandoned" {
					t.Errorf("%s: the run taken over is %q, want abandoned", c.name, st)
				}
				holder = id
				continue
			}
			if !errors.As(err, &busy) || busy.RunID != holder || busy.Host != c.host {
				t.Errorf("%s: got %v, want busy", c.name, err)
			}
		}
		if err := s.FinishIngestRun(ctx, IngestRun{ID: holder, Status: "done"}); err != nil {
			t.Fatal(err)
		}
		if _, err := start(ex.ID); err != nil {
			t.Errorf("start after the holder finished: %v", err)
		}
	})
}
