package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/ariadne-vid/ariadne/internal/archive"
	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/imaging"
	"github.com/ariadne-vid/ariadne/internal/ingest"
	"github.com/ariadne-vid/ariadne/internal/progress"
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
	counters := ingest.NewProgress()
	var printer progress.Printer = &progress.JSON{W: stdout}
	interval := time.Second
	if !*jsonOut {
		t := &progress.Terminal{Stdout: stdout, Stderr: stderr, TTY: progress.IsTerminal(stderr),
			Next: fmt.Sprintf("report: ariadne report --case %s --exhibit %s", *caseNumber, *label)}
		if t.TTY {
			interval = 250 * time.Millisecond
		}
		printer = t
	}
	if *every > 0 {
		interval = *every
	}
	updates := progress.Start(interval, counters.Snapshot, printer)
	sum, err := ingest.Run(ctx, st, ex, paths, opts, counters)
	updates.Stop()
	if sum.Status == "" { // the run did not start (the exhibit is busy, the store failed)
		return err
	}
	printer.Finish(counters.Snapshot(), sum)
	if aerr := recordAudit(ctx, st, *db, audit.Entry{Action: "ingest", Object: "exhibit:" + ex.CaseNumber + "/" + ex.Label, Outcome: string(sum.Status),
		Detail: fmt.Sprintf("%d files, %d records", sum.Files, sum.Records)}); aerr != nil {
		return errors.Join(err, aerr)
	}
	if err != nil && sum.Status == store.RunInterrupted {
		return errInterrupted
	}
	if err != nil {
		return err
	}
	return suggestAfter(ctx, st, ex.CaseNumber, stderr)
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
	return filepath.Join(dir, fmt.Sprintf("store-%016x.pdq", fnv64(dsn)))
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
