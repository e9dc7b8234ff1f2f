package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/ariadne-vid/ariadne/internal/metadata"
	"github.com/ariadne-vid/ariadne/internal/store"
)

// Formats lists the output formats Write knows.
var Formats = []string{"text", "json", "csv", "html"}

// Write writes the report in a format of Formats.
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case "text":
		return r.writeText(w)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "csv":
		return r.writeCSV(w)
	case "html":
		return r.writeHTML(w)
	}
	return fmt.Errorf("report format %q: want one of %s", format, strings.Join(Formats, ", "))
}

// classColumns are the classes in the order the tables show them, and
// any other value found (files of an interrupted run not yet triaged).
func (r *Report) classColumns() []store.Class {
	cols := append([]store.Class(nil), store.Classes...)
	for _, c := range slices.Sorted(maps.Keys(r.Totals)) {
		known := false
		for _, k := range cols {
			known = known || k == c
		}
		if !known {
			cols = append(cols, c)
		}
	}
	return cols
}

func (r *Report) scope() string {
	s := "case " + r.Case.Number
	if r.Case.Title != "" {
		s += " (" + r.Case.Title + ")"
	}
	if r.Exhibit != "" {
		s += ", exhibit " + r.Exhibit
	}
	return s
}

// matchLine describes a match in a few words.
func matchLine(m store.MatchedEntry) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s [%s]", m.HashSet, m.Entry.Key, m.Kind)
	if m.Entry.Category != nil {
		fmt.Fprintf(&b, ", category %s", *m.Entry.Category)
		if m.Entry.CategoryScheme != "" {
			fmt.Fprintf(&b, " (%s)", m.Entry.CategoryScheme)
		}
	}
	if m.Entry.Series != "" {
		fmt.Fprintf(&b, ", series %q", m.Entry.Series)
	}
	switch m.SignalType {
	case "pdq":
		fmt.Fprintf(&b, ", PDQ distance %d", m.Distance)
	case store.SignalVPDQ:
		fmt.Fprintf(&b, ", vPDQ: %d%% of the frames match%s", 100-m.Distance, where(m))
	case store.SignalVPDQFrame:
		fmt.Fprintf(&b, ", a frame of the known video%s at PDQ distance %d", where(m), m.Distance)
	case store.SignalFramePDQ:
		fmt.Fprintf(&b, ", a frame of this video%s at PDQ distance %d of the known image", where(m), m.Distance)
	case store.SignalChromaprint:
		fmt.Fprintf(&b, ", same sound: bit error rate %d%%%s", m.Distance, where(m))
	default:
		fmt.Fprintf(&b, ", same %s", strings.ToUpper(m.SignalType))
	}
	return b.String()
}

// where says where a video or audio match sits, from its detail: the
// first aligned segment, or the matching frame's time.
func where(m store.MatchedEntry) string {
	var d struct {
		Segments []struct {
			QueryStart    float64 `json:"query_start"`
			QueryEnd      float64 `json:"query_end"`
			ComparedStart float64 `json:"compared_start"`
			ComparedEnd   float64 `json:"compared_end"`
		} `json:"segments"`
		FrameTime *float64 `json:"frame_time"`
	}
	if len(m.Detail) == 0 || json.Unmarshal(m.Detail, &d) != nil {
		return ""
	}
	if d.FrameTime != nil {
		return fmt.Sprintf(" (at %.3f s)", *d.FrameTime)
	}
	if len(d.Segments) == 0 {
		return ""
	}
	s := d.Segments[0]
	out := fmt.Sprintf("; %.3f–%.3f s here is %.3f–%.3f s of the known one", s.QueryStart, s.QueryEnd, s.ComparedStart, s.ComparedEnd)
	if n := len(d.Segments) - 1; n > 0 {
		out += fmt.Sprintf(" (and %d more segments)", n)
	}
	return out
}

func sightingLine(s store.Sighting) string {
	return fmt.Sprintf("case %s, exhibit %s: %s", s.Case, s.Exhibit, s.Path)
}

func (r *Report) writeText(w io.Writer) error {
	fmt.Fprintf(w, "Ariadne report: %s\nGenerated %s by %s\n\n", r.scope(), r.Generated, r.Program)
	for _, n := range r.Notices {
		where := n.Agency
		if n.Case != "" {
			where = "case " + n.Case + ", agency " + n.Agency
		}
		fmt.Fprintf(w, "NOTICE (%s): %s; %d media of this case concerned\n", where, n.Text, len(n.Media))
		for _, sha := range n.Media[:min(len(n.Media), 5)] {
			fmt.Fprintf(w, "    %s\n", sha)
		}
	}
	if len(r.Notices) > 0 {
		fmt.Fprintln(w)
	}
	cols := r.classColumns()
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "EXHIBIT\tFILES\t")
	for _, c := range cols {
		fmt.Fprintf(tw, "%s\t", strings.ToUpper(string(c)))
	}
	fmt.Fprintln(tw)
	row := func(label string, files int64, counts map[store.Class]int64) {
		fmt.Fprintf(tw, "%s\t%d\t", label, files)
		for _, c := range cols {
			fmt.Fprintf(tw, "%d\t", counts[c])
		}
		fmt.Fprintln(tw)
	}
	var total int64
	for _, e := range r.Exhibits {
		row(e.Label, e.Files, e.Classes)
		total += e.Files
	}
	if len(r.Exhibits) > 1 {
		row("all", total, r.Totals)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.OtherCases) > 0 {
		fmt.Fprintf(w, "\nOTHER CASES HOLDING THIS MATERIAL: %d (the same content, or a near-duplicate: PDQ within %d)\n", len(r.OtherCases), ClusterRadius)
		for _, o := range r.OtherCases {
			fmt.Fprintf(w, "  case %s", o.Number)
			if o.Title != "" {
				fmt.Fprintf(w, " %q", o.Title)
			}
			if o.Agency != "" {
				fmt.Fprintf(w, ", agency %s", o.Agency)
			}
			fmt.Fprintf(w, ": %d media the same, %d near-duplicates\n", o.Same, o.Near)
			const shown = 5
			for _, sha := range o.Media[:min(len(o.Media), shown)] {
				fmt.Fprintf(w, "    %s\n", sha)
			}
			if len(o.Media) > shown {
				fmt.Fprintf(w, "    and %d more (the JSON report lists all)\n", len(o.Media)-shown)
			}
		}
	}
	media := func(m *Media, indent string) {
		fmt.Fprintf(w, "%s%s  %s %dx%d %d bytes", indent, m.SHA256, m.MIME, m.Width, m.Height, m.Size)
		if m.PDQ != "" {
			fmt.Fprintf(w, "  PDQ %s q%d", m.PDQ, m.Quality)
		}
		fmt.Fprintln(w)
		if line := metadataLine(m.Metadata); line != "" {
			fmt.Fprintf(w, "%s  says    %s\n", indent, line)
		}
		for _, f := range m.Files {
			fmt.Fprintf(w, "%s  file    %s: %s\n", indent, f.Exhibit, f.Path)
		}
		for _, mt := range m.Matches {
			fmt.Fprintf(w, "%s  match   %s\n", indent, matchLine(mt))
		}
		for _, s := range m.Elsewhere {
			fmt.Fprintf(w, "%s  also in %s\n", indent, sightingLine(s))
		}
	}
	for _, g := range []struct {
		title  string
		groups []Group
	}{{"ONE CAMERA", r.Cameras}, {fmt.Sprintf("ONE PLACE (positions within %g m of each other)", PlaceRadiusKm*1000), r.Places}} {
		if len(g.groups) == 0 {
			continue
		}
		fmt.Fprintf(w, "\nMEDIA OF %s: %d groups\n", g.title, len(g.groups))
		for _, gr := range g.groups {
			fmt.Fprintf(w, "  %s: %d media\n", gr.Key, len(gr.Media))
			for _, sha := range gr.Media {
				fmt.Fprintf(w, "    %s\n", sha)
			}
		}
	}
	newCount := 0
	for _, c := range r.Clusters {
		newCount += len(c.Media)
	}
	fmt.Fprintf(w, "\nNEW MEDIA: %d, in %d clusters of near-duplicates (largest first; PDQ within %d)\n", newCount, len(r.Clusters), ClusterRadius)
	for _, c := range r.Clusters {
		fmt.Fprintf(w, "\n cluster %d: %d media\n", c.ID, len(c.Media))
		for _, m := range c.Media {
			media(m, "  ")
		}
	}
	fmt.Fprintf(w, "\nNEAR-DUPLICATES OF KNOWN MATERIAL: %d media (nearest first)\n", len(r.Near))
	for _, m := range r.Near {
		media(m, "  ")
	}
	fmt.Fprintf(w, "\nKNOWN MATERIAL (exact match): %d media\n", len(r.Known))
	for _, m := range r.Known {
		media(m, "  ")
	}
	fmt.Fprintf(w, "\nFILES THAT COULD NOT BE READ: %d\n", len(r.Errors))
	for _, f := range r.Errors {
		fmt.Fprintf(w, "  %s: %s\n    %s\n", f.Exhibit, f.Path, f.Error)
	}
	if len(r.Runs) > 0 {
		fmt.Fprintln(w, "\nINGEST RUNS")
		for _, run := range r.Runs {
			fmt.Fprintf(w, "  #%d %s %s → %s: %d files (%d unchanged, skipped), %d bytes; %s\n", run.ID, run.Status, run.StartedAt, run.FinishedAt, run.Files, run.Skipped, run.Bytes, run.Roots)
		}
	}
	return nil
}

// writeCSV writes one row per file and match: the form a spreadsheet or
// another tool takes in.
func (r *Report) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"exhibit", "path", "class", "cluster", "sha256", "md5", "sha1", "mime", "size", "width", "height", "pdq", "pdq_quality",
		"hashset", "entry", "category", "series", "signal", "distance", "where", "seen_elsewhere", "error", "warning"})
	itoa := func(n int64) string {
		if n == 0 {
			return ""
		}
		return fmt.Sprint(n)
	}
	written := map[string]bool{}
	emit := func(m *Media) {
		var elsewhere []string
		for _, s := range m.Elsewhere {
			elsewhere = append(elsewhere, sightingLine(s))
		}
		for _, f := range m.Files {
			written[f.Exhibit+"\x00"+f.Path] = true
			base := []string{f.Exhibit, f.Path, string(m.Class), itoa(int64(m.Cluster)), m.SHA256, m.MD5, m.SHA1, m.MIME, fmt.Sprint(m.Size), itoa(int64(m.Width)),
				itoa(int64(m.Height)), m.PDQ, itoa(int64(m.Quality))}
			tail := []string{strings.Join(elsewhere, "; "), f.Error, f.Warning}
			if len(m.Matches) == 0 {
				cw.Write(append(append(base, "", "", "", "", "", "", ""), tail...))
			}
			for _, mt := range m.Matches {
				cat := ""
				if mt.Entry.Category != nil {
					cat = *mt.Entry.Category
				}
				// where: the aligned segment or frame time of a video or
				// audio match, as the text report words it.
				at := strings.TrimPrefix(strings.TrimPrefix(where(mt), "; "), " ")
				cw.Write(append(append(base, mt.HashSet, mt.Entry.Key, cat, mt.Entry.Series, mt.SignalType, fmt.Sprint(mt.Distance), at), tail...))
			}
		}
	}
	for _, c := range r.Clusters {
		for _, m := range c.Media {
			emit(m)
		}
	}
	for _, m := range r.Near {
		emit(m)
	}
	for _, m := range r.Known {
		emit(m)
	}
	for _, f := range r.Errors {
		if !written[f.Exhibit+"\x00"+f.Path] {
			row := make([]string, 23)
			row[0], row[1], row[2], row[21], row[22] = f.Exhibit, f.Path, string(f.Class), f.Error, f.Warning
			cw.Write(row)
		}
	}
	cw.Flush()
	return cw.Error()
}

// metadataLine is what a picture says of its camera, time and place.
func metadataLine(m *metadata.Metadata) string {
	if m == nil {
		return ""
	}
	var parts []string
	if camera := strings.TrimSpace(m.Make + " " + m.Model); camera != "" {
		parts = append(parts, camera)
	}
	if m.Serial != "" {
		parts = append(parts, "serial "+m.Serial)
	}
	if m.DateTimeOriginal != "" {
		parts = append(parts, "taken "+m.DateTimeOriginal)
	}
	if m.GPS != nil {
		parts = append(parts, fmt.Sprintf("at %.5f,%.5f", m.GPS.Lat, m.GPS.Lon))
	}
	if m.DocumentID != "" {
		parts = append(parts, "document "+m.DocumentID)
	}
	return strings.Join(parts, ", ")
}
