package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/ariadne-vid/ariadne/internal/archive"
	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/imaging"
	"github.com/ariadne-vid/ariadne/internal/ingest"
	"github.com/ariadne-vid/ariadne/internal/store"
)

func init() {
	register(command{name: "ingest", summary: "record an exhibit's files (folders, archives): hash, match against hash sets, triage", run: runIngest})
}

// errInterrupted ends a run stopped by a signal; its work is kept.
var errInterrupted = errors.New("interrupted; what was done is saved, and the same command continues the run")

func runIngest(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("ingest", "--case C --exhibit E [--jobs N] [--rehash] [--json] [--exact] [--db DB] PATH...", stderr)
	db := dbFlag(fs)
	caseNumber := fs.String("case", "", "case number (the case must exist: ariadne case create)")
	label := fs.String("exhibit", "", "exhibit label (created in the case if new)")
	jobs := fs.Int("jobs", 0, "hashing workers (0: one per CPU)")
	rehash := fs.Bool("rehash", false, "hash files again even when a previous run recorded them unchanged (size and modification time), and count those whose content changed")
	jsonOut := fs.Bool("json", false, "print progress and the summary as JSON lines on stdout (for tooling)")
	exact := fs.Bool("exact", false, "decode JPEGs at full size: PDQ bit-identical to the reference, about half the speed")
	maxPixels := fs.Int64("max-pixels", imaging.DefaultMaxPixels, "images with more pixels than this get exact hashes only (memory bound)")
	var limits archive.Limits
	fs.IntVar(&limits.MaxDepth, "archive-depth", 4, "archives nested deeper than this are recorded, not opened")
	fs.Int64Var(&limits.MaxRatio, "archive-ratio", 1000, "archive members expanding more than this many times their compressed size are refused (zip bombs)")
	fs.Int64Var(&limits.MaxMemberSize, "archive-member-max", 4<<30, "archive members larger than this (bytes, expanded) are refused")
	fs.Int64Var(&limits.MaxTotal, "archive-total-max", 64<<30, "bytes expanded from one archive, at most")
	fs.Int64Var(&limits.MaxNested, "archive-nested-max", 512<<20, "nested archives larger than this (bytes) are not opened (they are held in memory)")
	av := avFlags(fs)
	every := fs.Duration("progress-every", 0, "how often progress is shown (default 250ms on a terminal, 1s for --json)")
	cpuProfile := fs.String("cpuprofile", "", "write a Go CPU profile to this file")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *caseNumber == "" || *label == "" || len(paths) == 0 {
		return usageErr("want --case C, --exhibit E and at least one PATH")
	}
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	ctx, stop := interruptible()
	defer stop()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.CaseByNumber(ctx, *caseNumber); err != nil {
		return fmt.Errorf("%w (create it with: ariadne case create %s)", err, *caseNumber)
	}
	ex, err := st.ExhibitByLabel(ctx, *caseNumber, *label)
	if errors.Is(err, store.ErrNotFound) {
		ex, err = st.AddExhibit(ctx, store.Exhibit{CaseNumber: *caseNumber, Label: *label, SourcePath: strings.Join(paths, ", ")})
		if err == nil && !*jsonOut {
			fmt.Fprintf(stderr, "exhibit %s added to case %s\n", *label, *caseNumber)
		}
	}
	if err != nil {
		return err
	}
	opts := ingest.Options{
		Jobs:       *jobs,
		Hasher:     hasher.Options{Imaging: imaging.Options{Fast: !*exact, MaxPixels: *maxPixels}, AV: av()},
		Archive:    limits,
		Rehash:     *rehash,
		IndexCache: indexCachePath(*db),
		Version:    programVersion(),
	}
	progress := ingest.NewProgress()
	reporter := newProgressReporter(stdout, stderr, *jsonOut)
	if *every > 0 {
		reporter.every = *every
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(reporter.every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				reporter.update(progress.Snapshot())
			case <-done:
				return
			}
		}
	}()
	sum, err := ingest.Run(ctx, st, ex, paths, opts, progress)
	close(done)
	if sum.Status == "" { // the run did not start (the exhibit is busy, the store failed)
		return err
	}
	reporter.finish(progress.Snapshot(), sum, *caseNumber, *label)
	if err != nil && sum.Status == store.RunInterrupted {
		return errInterrupted
	}
	return err
}

// indexCachePath is where ingest caches the known-bad PDQ index: beside
// a SQLite store, or in the user's cache folder for PostgreSQL.
func indexCachePath(dsn string) string {
	if !strings.Contains(dsn, "://") {
		return dsn + ".pdq"
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	dir = filepath.Join(dir, "ariadne")
	if os.MkdirAll(dir, 0o700) != nil {
		return ""
	}
	var h uint64 = 14695981039346656037
	for _, c := range []byte(dsn) {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return filepath.Join(dir, fmt.Sprintf("store-%016x.pdq", h))
}

func programVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "ariadne"
	}
	v := "ariadne " + bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			v += " " + s.Value
		}
	}
	return v
}

// progressReporter shows a run's progress: a line redrawn in place on a
// terminal, JSON lines for tooling, or nothing but the summary when
// stderr is not a terminal (a log file should not fill with redraws).
type progressReporter struct {
	stdout, stderr io.Writer
	json, tty      bool
	every          time.Duration
}

func newProgressReporter(stdout, stderr io.Writer, jsonOut bool) *progressReporter {
	p := &progressReporter{stdout: stdout, stderr: stderr, json: jsonOut, every: time.Second}
	if f, ok := stderr.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty, p.every = true, 250*time.Millisecond
		}
	}
	return p
}

func (p *progressReporter) update(s ingest.Snapshot) {
	switch {
	case p.json:
		json.NewEncoder(p.stdout).Encode(struct {
			Event string `json:"event"`
			ingest.Snapshot
			ETA float64 `json:"eta_s,omitempty"`
		}{"progress", s, s.ETA().Seconds()})
	case p.tty:
		fmt.Fprintf(p.stderr, "\r\033[K%s", progressLine(s))
	}
}

func progressLine(s ingest.Snapshot) string {
	files := fmt.Sprint(s.Files)
	if s.Counted {
		files += fmt.Sprintf("/%d", s.FilesTotal)
	}
	rate := 0.0
	if secs := s.Elapsed.Seconds(); secs > 0 {
		rate = float64(s.Files-s.Skipped) / secs
	}
	line := fmt.Sprintf("%s files, %s, %.0f files/s", files, humanBytes(s.Bytes), rate)
	if eta := s.ETA(); eta > 0 {
		line += ", ETA " + eta.Round(time.Second).String()
	}
	var parts []string
	for _, c := range store.Classes {
		if n := s.Classes[c]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", c, n))
		}
	}
	if len(parts) > 0 {
		line += " | " + strings.Join(parts, " ")
	}
	return line
}

func (p *progressReporter) finish(s ingest.Snapshot, sum ingest.Summary, caseNumber, label string) {
	if p.json {
		json.NewEncoder(p.stdout).Encode(struct {
			Event string `json:"event"`
			ingest.Summary
		}{"summary", sum})
		return
	}
	if p.tty {
		fmt.Fprint(p.stderr, "\r\033[K")
	}
	rate := 0.0
	if sum.Seconds > 0 {
		rate = float64(sum.Files-sum.Skipped) / sum.Seconds
	}
	fmt.Fprintf(p.stdout, "ingest %s: %d files (%s) in %.1f s, %.1f files/s; %d unchanged since an earlier run, skipped; %d records\n",
		sum.Status, sum.Files, humanBytes(sum.Bytes), sum.Seconds, rate, sum.Skipped, sum.Records)
	for _, c := range store.Classes {
		fmt.Fprintf(p.stdout, "  %-9s %d\n", c, sum.Classes[c])
	}
	if sum.Changed > 0 {
		fmt.Fprintf(p.stdout, "  %d files changed since the previous run (see the warnings above)\n", sum.Changed)
	}
	fmt.Fprintf(p.stdout, "report: ariadne report --case %s --exhibit %s\n", caseNumber, label)
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
