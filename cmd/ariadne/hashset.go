package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/digest"
	"github.com/ariadne-vid/ariadne/internal/hashsets"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/store"
)

func init() {
	register(command{name: "hashset", summary: "known-hash sets: hashset import|list|show|export", run: runHashSet})
}

func runHashSet(args []string, stdout, stderr io.Writer) error {
	return runVerb("hashset", map[string]verb{"import": hashSetImport, "list": hashSetList, "show": hashSetShow, "export": hashSetExport}, args, stdout, stderr)
}

// hashSetList is "hashset list": every set with its kind and entry count.
func hashSetList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("hashset list", "[--db DB]", stderr)
	db := dbFlag(fs)
	_, st, err := parseOpen(ctx, fs, args, db, -1, "")
	if err != nil {
		return err
	}
	defer st.Close()
	sets, err := st.HashSets(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tKIND\tENTRIES\tRADIUS\tSOURCE\tVERSION\tUPDATED")
	for _, h := range sets {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\t%s\n", h.Name, h.Kind, h.Entries, h.Radius, h.Source, h.Version, h.UpdatedAt)
	}
	return tw.Flush()
}

// hashSetShow is "hashset show NAME": one set, as JSON.
func hashSetShow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("hashset show", "NAME [--db DB]", stderr)
	db := dbFlag(fs)
	pos, st, err := parseOpen(ctx, fs, args, db, 1, "one NAME")
	if err != nil {
		return err
	}
	defer st.Close()
	h, err := st.HashSet(ctx, pos[0])
	if err != nil {
		return err
	}
	return printJSON(stdout, h)
}

// hashSetExport is "hashset export NAME": the set as VICS JSON, CSV or a list.
func hashSetExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("hashset export", "NAME [--format vics|csv|list:md5|list:sha1|list:sha256|list:pdq] [-o FILE] [--db DB]", stderr)
	db := dbFlag(fs)
	format := fs.String("format", "vics", "vics (VICS JSON 2.0), csv, or list:KIND")
	out := fs.String("o", "", "output file (default: standard output)")
	pos, st, err := parseOpen(ctx, fs, args, db, 1, "one NAME")
	if err != nil {
		return err
	}
	defer st.Close()
	w, done, err := outputTo(stdout, *out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	if err := hashsets.Export(ctx, st, pos[0], *format, bw); err != nil {
		done()
		return err
	}
	if err := bw.Flush(); err != nil {
		done()
		return err
	}
	return done()
}

func hashSetImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("hashset import", "FILE --name N [--kind known-bad|known-good] [--format auto|vics|csv|list|nsrl] [--hash md5|sha1|sha256|pdq] [--atomic] [--bulk] [--db DB]", stderr)
	db := dbFlag(fs)
	var o hashsets.ImportOptions
	fs.StringVar(&o.Set.Name, "name", "", "hash set name (created, or updated on re-import)")
	kind := fs.String("kind", "", "known-bad (default) or known-good (default for NSRL)")
	fs.StringVar(&o.Format, "format", "auto", "file format: auto, vics, csv, list, nsrl")
	fs.StringVar(&o.Set.Source, "source", "", "where the set comes from (Project VIC, CAID, an agency...)")
	fs.StringVar(&o.Set.Version, "version", "", "the set's version")
	fs.StringVar(&o.Set.CategoryScheme, "category-scheme", "", "what categories mean (projectvic-us, projectvic-ca, caid, ...)")
	fs.IntVar(&o.Set.Radius, "radius", pdq.DefaultRadius, "default PDQ match radius for this set")
	hash := fs.String("hash", "", "kind of the hashes in a plain list of 64-digit hashes: sha256 or pdq")
	fs.BoolVar(&o.Atomic, "atomic", false, "keep nothing unless every record is valid")
	fs.BoolVar(&o.Bulk, "bulk", false, "drop the entry indexes during the import and build them after (much faster for a large import; lookups are slow meanwhile)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || o.Set.Name == "" {
		return usageErr("want one FILE and --name")
	}
	o.Set.Kind = store.SetKind(*kind)
	if *hash != "" {
		if o.Hash, err = digest.ParseHashKind(*hash); err != nil {
			return usageErr("%v", err)
		}
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	o.Reject = func(r hashsets.Rejection) {
		fmt.Fprintf(stderr, "%s:%d: rejected: %s\n", pos[0], r.Line, r.Reason)
	}
	start := time.Now()
	rep, err := hashsets.Import(ctx, st, pos[0], o)
	for _, w := range rep.Warnings {
		slog.Warn(w, "file", pos[0])
	}
	outcome := "ok"
	if err != nil {
		outcome = "failed"
	}
	if aerr := recordAudit(ctx, st, *db, audit.Entry{Action: "hashset-import", Object: "hashset:" + o.Set.Name, Outcome: outcome,
		Detail: fmt.Sprintf("%s: %d records, %d imported, %d rejected", filepath.Base(pos[0]), rep.Records, rep.Accepted, rep.Rejected)}); aerr != nil {
		return errors.Join(err, aerr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d records, %d imported, %d rejected into hash set %q (%.1f s)\n",
		pos[0], rep.Records, rep.Accepted, rep.Rejected, o.Set.Name, time.Since(start).Seconds())
	if rep.Rejected > 0 {
		return errSomeFailed
	}
	return nil
}
