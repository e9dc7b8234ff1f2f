package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/metadata"
	"github.com/ariadne-vid/ariadne/internal/store"
)

func init() {
	register(command{name: "search", summary: "find media across the store by camera serial, camera, place, capture time or XMP document ID", run: runSearch})
}

func runSearch(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("search", `[--camera-serial S] [--camera "MAKE MODEL"] [--near LAT,LON --km K] [--taken-from T --taken-to T] [--document-id ID] [--json] [--db DB]`, stderr)
	db := dbFlag(fs)
	var f store.MetadataFilter
	fs.StringVar(&f.Serial, "camera-serial", "", "the camera body's serial number, exactly")
	camera := fs.String("camera", "", `make and model, "MAKE MODEL" (the make is the first word; case is ignored)`)
	near := fs.String("near", "", "a position LAT,LON in decimal degrees (south and west negative)")
	fs.Float64Var(&f.Km, "km", 1, "with --near: the radius in kilometres")
	fs.StringVar(&f.TakenFrom, "taken-from", "", "captured at or after this time (ISO 8601, as stored: 2021-06-01T14:03:22)")
	fs.StringVar(&f.TakenTo, "taken-to", "", "captured at or before this time")
	fs.StringVar(&f.DocumentID, "document-id", "", "an XMP DocumentID or OriginalDocumentID")
	jsonOut := fs.Bool("json", false, "print the media found as JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *camera != "" {
		f.Make, f.Model, _ = strings.Cut(strings.TrimSpace(*camera), " ")
		f.Model = strings.TrimSpace(f.Model)
	}
	if *near != "" {
		lat, lon, ok := strings.Cut(*near, ",")
		la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
		lo, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
		if !ok || err1 != nil || err2 != nil || la < -90 || la > 90 || lo < -180 || lo > 180 || f.Km <= 0 {
			return usageErr("--near wants LAT,LON in decimal degrees and --km a positive radius")
		}
		f.Near = &metadata.GPS{Lat: la, Lon: lo}
	}
	if f == (store.MetadataFilter{Km: f.Km}) {
		return usageErr("give at least one of --camera-serial, --camera, --near, --taken-from, --taken-to, --document-id")
	}
	ctx, stop := interruptible()
	defer stop()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	hits, err := st.SearchMetadata(ctx, f)
	if err != nil {
		return err
	}
	if err := recordAudit(ctx, st, *db, audit.Entry{Action: "search", Detail: strings.Join(args, " ")}); err != nil {
		return err
	}
	if f.Near != nil {
		// The store selected a box; keep the circle.
		kept := hits[:0]
		for _, h := range hits {
			if h.Metadata != nil && h.Metadata.GPS != nil && metadata.DistanceKm(*f.Near, *h.Metadata.GPS) <= f.Km {
				kept = append(kept, h)
			}
		}
		hits = kept
	}
	if *jsonOut {
		if hits == nil {
			hits = []store.MediaHit{}
		}
		return printJSON(stdout, hits)
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SHA-256\tCAMERA\tSERIAL\tTAKEN\tPLACE\tSEEN IN")
	for _, h := range hits {
		m := h.Metadata
		place := ""
		if m.GPS != nil {
			place = fmt.Sprintf("%.5f,%.5f", m.GPS.Lat, m.GPS.Lon)
		}
		seen := ""
		if len(h.Sightings) > 0 {
			s := h.Sightings[0]
			seen = fmt.Sprintf("%s/%s/%s", s.Case, s.Exhibit, s.Path)
			if n := len(h.Sightings); n > 1 {
				seen += fmt.Sprintf(" (+%d)", n-1)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", h.SHA256[:16], strings.TrimSpace(m.Make+" "+m.Model), m.Serial, m.DateTimeOriginal, place, seen)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%d media\n", len(hits))
	return nil
}
