package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ariadne-vid/ariadne/internal/graph"
	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/hashsets"
	"github.com/ariadne-vid/ariadne/internal/imaging"
	"github.com/ariadne-vid/ariadne/internal/ingest"
	"github.com/ariadne-vid/ariadne/internal/report"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

func init() {
	register(command{name: "demo", summary: "the main job on a benign synthetic case: import hash sets, ingest an exhibit, print the report", run: runDemo})
}

// demoCase is the case number the demo creates.
const demoCase = "DEMO-1"

// demoEarlierCase is another agency's case that holds some of demoCase's
// new material.
const demoEarlierCase = "DEMO-0"

// The demo's two agencies: demoCase's, and demoEarlierCase's.
const (
	demoAgency    = "Demo agency (synthetic)"
	demoNeighbour = "Neighbouring agency (synthetic)"
)

// demoEarlierIdentification records the neighbouring agency's work on
// its earlier case: a series of its forest picture, and the victim it
// depicts identified (an invented pseudonym and date).
func demoEarlierIdentification(ctx context.Context, st *store.Store, ex store.Exhibit) error {
	c, err := st.CaseByNumber(ctx, ex.CaseNumber)
	if err != nil {
		return err
	}
	const by = "neighbouring specialist (synthetic)"
	series, err := st.CreateNode(ctx, store.Node{Kind: store.NodeSeries, AgencyID: c.AgencyID, CaseID: c.ID, Label: "Forest series (synthetic)", CreatedBy: by})
	if err != nil {
		return err
	}
	yes := true
	victim, err := st.CreateNode(ctx, store.Node{Kind: store.NodeVictim, AgencyID: c.AgencyID, CaseID: c.ID, Label: "NB-V-0001", Identified: &yes,
		IdentifiedOn: "2026-05-04", IdentifiedBy: demoNeighbour, CreatedBy: by})
	if err != nil {
		return err
	}
	// Paths are recorded under the root's own name.
	forest, err := st.FileMedia(ctx, ex.ID, filepath.Base(ex.SourcePath)+"/Photos/forest.jpg")
	if err != nil {
		return err
	}
	if forest == "" {
		return fmt.Errorf("demo: the earlier exhibit's forest picture was not recorded")
	}
	ids, err := st.MediaBySHA256(ctx, []string{forest})
	if err != nil {
		return err
	}
	g := graph.New(st)
	d := graph.Decision{AgencyID: c.AgencyID, CaseID: c.ID, By: by}
	media := store.Ref{Kind: store.NodeMedia, ID: ids[forest]}
	if _, err := g.Link(ctx, d, media, graph.InSeries, store.Ref{Kind: store.NodeSeries, ID: series.ID}); err != nil {
		return err
	}
	_, err = g.Link(ctx, d, media, graph.Depicts, store.Ref{Kind: store.NodeVictim, ID: victim.ID})
	return err
}

// demoConnect runs the suggestions on the demo case and confirms, as a
// specialist would, that the media a known set names in a series are in
// it.
func demoConnect(ctx context.Context, st *store.Store, stderr io.Writer) error {
	c, err := st.CaseByNumber(ctx, demoCase)
	if err != nil {
		return err
	}
	g := graph.New(st)
	counts, err := g.Suggest(ctx, c, graph.SuggestOptions{})
	if err != nil {
		return err
	}
	var parts []string
	for _, rc := range counts {
		if rc.New > 0 || rc.Votes > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", rc.Rule, max(rc.New, rc.Votes)))
		}
	}
	fmt.Fprintf(stderr, "4. Suggestions (links proposed, none confirmed by itself): %s\n", strings.Join(parts, ", "))
	links, err := st.Links(ctx, store.LinkFilter{AgencyID: c.AgencyID, CaseID: c.ID})
	if err != nil {
		return err
	}
	confirmed := 0
	d := graph.Decision{AgencyID: c.AgencyID, CaseID: c.ID, By: "demo specialist (synthetic)", Reason: "checked against the known series"}
	for _, l := range links {
		if l.Last.Rule == graph.RuleKnownSeries && l.Status == store.LinkSuggested {
			if _, err := g.Decide(ctx, d, l.ID, store.LinkConfirmed); err != nil {
				return err
			}
			confirmed++
		}
	}
	fmt.Fprintf(stderr, "5. A specialist confirmed %d media in the known series; %s's agency had identified the victim of one of its series (the report's notice)\n", confirmed, demoEarlierCase)
	return nil
}

func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", "[--dir D] [--format text|json|csv|html]", stderr)
	dir := fs.String("dir", "", "where to write the synthetic exhibit, the hash sets, the store and the reports (default: a new temporary folder)")
	format := fs.String("format", "text", "report printed at the end: "+strings.Join(report.Formats, ", "))
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "ariadne-demo-")
		if err != nil {
			return err
		}
		*dir = d
	}
	ctx := context.Background()
	start := time.Now()
	exhibitDir := filepath.Join(*dir, "phone")
	files, err := synth.DemoExhibit()
	if err != nil {
		return fmt.Errorf("make demo exhibit: %w", err)
	}
	if err := synth.WriteFiles(exhibitDir, files); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "1. Synthetic exhibit: %d benign files (procedural scenes, their altered copies, a zip with a zip inside, documents, a corrupt JPEG) in %s\n", len(files), exhibitDir)

	badPath, goodPath := filepath.Join(*dir, "known-bad.json"), filepath.Join(*dir, "known-good.txt")
	if err := writeDemoSets(files, badPath, goodPath); err != nil {
		return err
	}
	dbPath := filepath.Join(*dir, "ariadne.db")
	for _, p := range []string{dbPath, dbPath + "-wal", dbPath + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, a := range []store.Agency{
		{Name: demoAgency, Country: "ZZ", Contact: "vid-desk@demo-agency.example", Scheme: "projectvic-us"},
		{Name: demoNeighbour, Country: "ZZ", Contact: "vid-desk@neighbouring-agency.example", Scheme: "projectvic-us"},
	} {
		if _, err := st.AddAgency(ctx, a); err != nil {
			return err
		}
	}
	if _, err := st.CreateCase(ctx, store.Case{Number: demoCase, Title: "Synthetic demonstration case (benign data)", Agency: demoAgency}); err != nil {
		return err
	}
	for _, set := range []struct {
		path string
		hs   store.HashSet
	}{
		{badPath, store.HashSet{Name: "demo-known-bad", Kind: store.KnownBad, Source: "ariadne demo (synthetic VICS 2.0)", CategoryScheme: "projectvic-us"}},
		{goodPath, store.HashSet{Name: "demo-known-good", Kind: store.KnownGood, Source: "ariadne demo (synthetic, NSRL-like)"}},
	} {
		rep, err := hashsets.Import(ctx, st, set.path, hashsets.ImportOptions{Set: set.hs})
		if err != nil {
			return fmt.Errorf("import %s: %w", set.path, err)
		}
		fmt.Fprintf(stderr, "2. Hash set %s (%s): %d entries from %s\n", set.hs.Name, set.hs.Kind, rep.Accepted, set.path)
	}
	opts := ingest.Options{Hasher: hasher.Options{Imaging: imaging.Options{Fast: true}}, IndexCache: dbPath + ".pdq", Version: programVersion()}
	// An earlier case of another agency holds some of the same new
	// material: the report names it (deconfliction).
	earlierDir := filepath.Join(*dir, "earlier-laptop")
	if err := synth.WriteFiles(earlierDir, synth.DemoEarlierExhibit()); err != nil {
		return err
	}
	if _, err := st.CreateCase(ctx, store.Case{Number: demoEarlierCase, Title: "Earlier synthetic case", Agency: demoNeighbour}); err != nil {
		return err
	}
	earlier, err := st.AddExhibit(ctx, store.Exhibit{CaseNumber: demoEarlierCase, Label: "laptop", SourcePath: earlierDir})
	if err != nil {
		return err
	}
	if _, err := ingest.Run(ctx, st, earlier, []string{earlierDir}, opts, nil); err != nil {
		return err
	}
	if err := demoEarlierIdentification(ctx, st, earlier); err != nil {
		return err
	}
	ex, err := st.AddExhibit(ctx, store.Exhibit{CaseNumber: demoCase, Label: "phone", Description: "synthetic phone export", SourcePath: exhibitDir})
	if err != nil {
		return err
	}
	sum, err := ingest.Run(ctx, st, ex, []string{exhibitDir}, opts, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "3. Ingested exhibit %q: %d files, %d records (archive members included) in %.2f s (after case %s, of another agency, %s)\n",
		ex.Label, sum.Files, sum.Records, sum.Seconds, demoEarlierCase, earlierDir)

	if err := demoConnect(ctx, st, stderr); err != nil {
		return err
	}

	r, err := report.Build(ctx, st, demoCase, "", programVersion())
	if err != nil {
		return err
	}
	htmlPath := filepath.Join(*dir, "report.html")
	if err := writeFileWith(htmlPath, func(w io.Writer) error { return r.Write(w, "html") }); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "6. Report (also %s); demo done in %.1f s. Next, by hand:\n", htmlPath, time.Since(start).Seconds())
	fmt.Fprintf(stderr, "     ariadne report --db %s --case %s --format html --output report.html\n", dbPath, demoCase)
	fmt.Fprintf(stderr, "     ariadne ingest --db %s --case %s --exhibit phone %s   (again: unchanged files are skipped)\n", dbPath, demoCase, exhibitDir)
	fmt.Fprintf(stderr, "     ariadne graph --db %s --case %s --dot | dot -Tsvg > graph.svg\n\n", dbPath, demoCase)
	return r.Write(stdout, *format)
}

func writeFileWith(path string, fn func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeDemoSets writes a known-bad set in VICS JSON 2.0 (one original
// known by its MD5 and PDQ, one by its PDQ only, as shared intelligence
// often is) and a known-good list of the MD5s of the "system" files.
func writeDemoSets(files []synth.File, badPath, goodPath string) error {
	h := hasher.New(hasher.Options{Imaging: imaging.Options{Fast: true}})
	var media []string
	for i, k := range []struct {
		name    string
		withMD5 bool
	}{{"DCIM/IMG_0001.jpg", true}, {"DCIM/IMG_0002.jpg", false}} {
		data := synth.Find(files, k.name)
		res := h.Hash(k.name, bytes.NewReader(data), int64(len(data)))
		if res.PDQ == nil {
			return fmt.Errorf("demo original %s was not hashed: %s", k.name, res.Error)
		}
		md5 := ""
		if k.withMD5 {
			md5 = fmt.Sprintf(`"MD5": %q, `, res.MD5)
		}
		media = append(media, fmt.Sprintf(`  {"MediaID": %d, "Category": 1, %s"Series": "Demo series A (synthetic)", "IsDistributed": "true", "AlternativeHashes": [{"HashName": "PDQ", "HashValue": %q}]}`,
			i+1, md5, res.PDQ.String()))
	}
	vics := "{\"@odata.context\": \"ariadne demo (synthetic)\", \"value\": [\n" + strings.Join(media, ",\n") + "\n]}\n"
	if err := os.WriteFile(badPath, []byte(vics), 0o644); err != nil {
		return err
	}
	good := "# synthetic known-good list (the demo's \"system\" files), as NSRL would list them\n"
	for _, f := range files {
		if strings.HasPrefix(f.Name, "system/") {
			res := h.Hash(f.Name, bytes.NewReader(f.Data), int64(len(f.Data)))
			good += res.MD5 + "\n"
		}
	}
	return os.WriteFile(goodPath, []byte(good), 0o644)
}
