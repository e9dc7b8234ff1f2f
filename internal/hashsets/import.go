package hashsets

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"github.com/ariadne-vid/ariadne/internal/digest"
	"io"
	"os"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/store"
)

// Formats a hash set file can be in.
const (
	FormatAuto = "auto"
	FormatVICS = "vics"
	FormatCSV  = "csv"
	FormatList = "list"
	FormatNSRL = "nsrl"
	FormatVPDQ = "vpdq" // one video's vPDQ hash, in the reference's text format
)

// ImportOptions say what to import and how.
type ImportOptions struct {
	Set    store.HashSet   // name, kind, source, version, radius, category scheme
	Format string          // FormatAuto (default) or a named format
	Hash   digest.HashKind // for plain lists of 64-digit hashes
	Atomic bool            // keep nothing unless every record is valid
	Bulk   bool            // drop and rebuild the entry indexes (store.WriterOptions.Bulk)
	Reject func(Rejection)
}

// Sniff tells a file's format from its first bytes.
func Sniff(head []byte) string {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	switch {
	case bytes.HasPrefix(head, []byte("SQLite format 3\x00")):
		return FormatNSRL
	case bytes.HasPrefix(bytes.TrimSpace(head), []byte("{")):
		return FormatVICS
	}
	if isVPDQ(head) {
		return FormatVPDQ
	}
	first, _, _ := bytes.Cut(head, []byte("\n"))
	if bytes.Contains(first, []byte(",")) && !bytes.HasPrefix(first, []byte("#")) {
		return FormatCSV
	}
	return FormatList
}

// Import reads a hash set file into the store: the set is created or its
// description updated, and its entries upserted (a re-import updates,
// never duplicates).
func Import(ctx context.Context, st *store.Store, path string, opts ImportOptions) (Report, error) {
	var rep Report
	f, err := os.Open(path)
	if err != nil {
		return rep, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	skipBOM(br)
	format := opts.Format
	if format == "" || format == FormatAuto {
		head, _ := br.Peek(512)
		format = Sniff(head)
	}
	if opts.Set.CategoryScheme == "" && format == FormatVICS {
		opts.Set.CategoryScheme = "projectvic-us"
	}
	if format == FormatNSRL && opts.Set.Kind == "" {
		opts.Set.Kind = store.KnownGood
	}
	hs, err := st.SaveHashSet(ctx, opts.Set)
	if err != nil {
		return rep, err
	}
	w, err := st.NewEntryWriter(ctx, hs.ID, store.WriterOptions{Atomic: opts.Atomic, Bulk: opts.Bulk})
	if err != nil {
		return rep, err
	}
	sink := Sink{Entry: w.Write, Reject: opts.Reject}
	switch format {
	case FormatVICS:
		rep, err = ReadVICS(br, hs.CategoryScheme, sink)
	case FormatCSV:
		rep, err = ReadCSV(br, hs.CategoryScheme, sink)
	case FormatList:
		rep, err = ReadList(br, opts.Hash, sink)
	case FormatVPDQ:
		rep, err = ReadVPDQ(br, path, sink)
	case FormatNSRL:
		f.Close()
		rep, err = ReadNSRL(ctx, path, sink)
	default:
		err = fmt.Errorf("unknown format %q (auto, vics, csv, list, nsrl, vpdq)", format)
	}
	if err == nil && rep.Records == 0 {
		// An import that reads nothing is an error, never "0 imported".
		err = fmt.Errorf("no records found (format %s)", format)
	}
	if err == nil && opts.Atomic && rep.Rejected > 0 {
		err = fmt.Errorf("%d records rejected: nothing imported (--atomic)", rep.Rejected)
	}
	if err != nil {
		w.Rollback()
		if opts.Atomic {
			rep.Accepted = 0
		}
		return rep, fmt.Errorf("import %s: %w", path, err)
	}
	if err := w.Commit(); err != nil {
		return rep, fmt.Errorf("import %s: %w", path, err)
	}
	if opts.Set.Source == "" && len(rep.Provenance) > 0 {
		// The cases a VICS file came in say where the set comes from.
		hs.Source = provenance(rep.Provenance)
		if _, err := st.SaveHashSet(ctx, hs); err != nil {
			return rep, fmt.Errorf("import %s: record its source: %w", path, err)
		}
	}
	return rep, nil
}

// provenance is a set's source from a VICS file's case-level fields, in
// provenanceKeys' order: "SourceApplicationName=...; CaseNumber=...".
func provenance(p map[string]string) string {
	var parts []string
	for _, k := range provenanceKeys {
		if v, ok := p[k]; ok {
			parts = append(parts, k+"="+v)
		}
	}
	return strings.Join(parts, "; ")
}

// skipBOM drops a UTF-8 byte-order mark at the start of a text file, as
// some Windows tools write one.
func skipBOM(br *bufio.Reader) {
	if head, _ := br.Peek(3); bytes.Equal(head, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
}

// Export writes a hash set in a format: vics, csv, or list:KIND.
func Export(ctx context.Context, st *store.Store, name, format string, w io.Writer) error {
	hs, err := st.HashSet(ctx, name)
	if err != nil {
		return err
	}
	each := func(fn func(store.Entry) error) error { return st.Entries(ctx, hs.ID, fn) }
	switch {
	case format == FormatVICS:
		return WriteVICS(w, each)
	case format == FormatCSV:
		return WriteCSV(w, each)
	case strings.HasPrefix(format, "list"):
		kind := digest.SHA256
		if _, k, ok := strings.Cut(format, ":"); ok {
			if kind, err = digest.ParseHashKind(k); err != nil {
				return err
			}
		}
		return WriteList(w, kind, each)
	}
	return fmt.Errorf("unknown export format %q (vics, csv, list:md5|sha1|sha256|pdq)", format)
}
