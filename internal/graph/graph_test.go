package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/ingest"
	"github.com/ariadne-vid/ariadne/internal/metadata/metadatatest"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

func jpegOf(t *testing.T, seed uint64, w, h, q int, mirror bool) []byte {
	m := synth.Scene(seed, w, h)
	if mirror {
		m = synth.Mirror(m)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fixture is two agencies' cases over benign generated pictures:
//
//	A-1 (agency A): s1a.jpg and s1b.jpg (one scene, two sizes), s1m.jpg
//	  (its mirror), s2.jpg (a scene a known entry of series "Harbour"
//	  matches), cam1.jpg and cam2.jpg (serial SN-0001, GPS 60 m apart),
//	  cam3.jpg (no serial, sharing cam1's XMP document ID), lone.jpg.
//	B-1 (agency B): s1a.jpg again.
type fixture struct {
	st       *store.Store
	g        *Graph
	a, b     store.Case
	sha      map[string]string // file name → SHA-256
	mediaIDs map[string]int64
}

func newFixture(t *testing.T, e storetest.Engine) *fixture {
	metadatatest.RequireExifTool(t)
	ctx := context.Background()
	f := &fixture{st: e.Store, g: New(e.Store), sha: map[string]string{}, mediaIDs: map[string]int64{}}
	for _, a := range []store.Agency{{Name: "Agency A", Contact: "vid@a.example"}, {Name: "Agency B", Contact: "vid@b.example"}} {
		if _, err := f.st.AddAgency(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	files := map[string][]byte{
		"s1a.jpg": jpegOf(t, 11, 640, 480, 90, false), "s1b.jpg": jpegOf(t, 11, 320, 240, 75, false), "s1m.jpg": jpegOf(t, 11, 640, 480, 90, true),
		"s2.jpg": jpegOf(t, 12, 640, 480, 90, false), "cam1.jpg": jpegOf(t, 13, 400, 300, 90, false), "cam2.jpg": jpegOf(t, 14, 400, 300, 90, false),
		"cam3.jpg": jpegOf(t, 15, 400, 300, 90, false), "lone.jpg": jpegOf(t, 16, 400, 300, 90, false),
	}
	rootA := filepath.Join(dir, "A")
	os.MkdirAll(rootA, 0o755)
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(rootA, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	exif := func(name string, args ...string) {
		if out, err := exec.Command("exiftool", append(append([]string{"-q", "-overwrite_original"}, args...), filepath.Join(rootA, name))...).CombinedOutput(); err != nil {
			t.Fatalf("exiftool: %v\n%s", err, out)
		}
	}
	exif("cam1.jpg", "-Make=ExampleCam", "-Model=Model 7", "-SerialNumber=SN-0001", "-GPSLatitude=10.0000", "-GPSLatitudeRef=N", "-GPSLongitude=20", "-GPSLongitudeRef=E", "-XMP-xmpMM:DocumentID=xmp.did:one")
	exif("cam2.jpg", "-Make=ExampleCam", "-Model=Model 7", "-SerialNumber=SN-0001", "-GPSLatitude=10.00054", "-GPSLatitudeRef=N", "-GPSLongitude=20", "-GPSLongitudeRef=E")
	exif("cam3.jpg", "-XMP-xmpMM:OriginalDocumentID=xmp.did:one")
	rootB := filepath.Join(dir, "B")
	os.MkdirAll(rootB, 0o755)
	os.WriteFile(filepath.Join(rootB, "s1a.jpg"), files["s1a.jpg"], 0o644)

	// A known set names series "Harbour" for s2's picture, category 1.
	known := hasher.New(hasher.Options{}).Hash("k.jpg", bytes.NewReader(jpegOf(t, 12, 800, 600, 85, false)), 0)
	set, _ := f.st.SaveHashSet(ctx, store.HashSet{Name: "known", Kind: store.KnownBad, Radius: 31})
	cat := "1"
	storetest.WriteEntries(t, f.st, set.ID, store.Entry{Key: "k1", PDQ: known.PDQ.String(), Series: "Harbour", CategoryScheme: "projectvic-us", Category: &cat})

	for _, c := range []struct{ number, agency, root string }{{"A-1", "Agency A", rootA}, {"B-1", "Agency B", rootB}} {
		if _, err := f.st.CreateCase(ctx, store.Case{Number: c.number, Agency: c.agency}); err != nil {
			t.Fatal(err)
		}
		ex, _ := f.st.AddExhibit(ctx, store.Exhibit{CaseNumber: c.number, Label: "E"})
		if _, err := ingest.Run(ctx, f.st, ex, []string{c.root}, ingest.Options{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	f.a, _ = f.st.CaseByNumber(ctx, "A-1")
	f.b, _ = f.st.CaseByNumber(ctx, "B-1")
	f.st.ScopeFiles(ctx, f.a.ID, 0, func(sf store.ScopedFile) error {
		f.sha[filepath.Base(sf.File.Path)] = sf.Media.SHA256
		f.mediaIDs[filepath.Base(sf.File.Path)] = sf.Media.ID
		return nil
	})
	return f
}

func (f *fixture) name(id int64) string {
	for n, m := range f.mediaIDs {
		if m == id {
			return n
		}
	}
	return "?"
}

// TestSuggest: each rule proposes what the signals support and nothing
// else, a second run adds nothing, a confirmed series spreads to its
// near-duplicates as suggestions, and a rejected suggestion stays so.
func TestSuggest(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		counts, err := f.g.Suggest(ctx, f.a, SuggestOptions{})
		if err != nil {
			t.Fatal(err)
		}
		byRule := map[string]RuleCount{}
		for _, c := range counts {
			byRule[c.Rule] = c
		}
		links, _ := f.st.Links(ctx, store.LinkFilter{AgencyID: f.a.AgencyID})
		got := map[string][]string{}
		for _, l := range links {
			to := l.To.String()
			if l.To.Kind == store.NodeMedia {
				to = f.name(l.To.ID)
			}
			got[l.Last.Rule] = append(got[l.Last.Rule], f.name(l.From.ID)+" "+l.Relation+" "+to)
			if l.Status != store.LinkSuggested || l.Last.By != SuggestBy || len(l.Last.Evidence) == 0 {
				t.Errorf("link %+v: want suggested by the rules, with evidence", l)
			}
		}
		// s1a–s1b by PDQ, s1a–s1m and s1b–s1m through the mirror.
		if n := len(got[RuleNearDuplicate]); n != 3 {
			t.Errorf("near-duplicate links %v, want the 3 pairs of s1a, s1b, s1m", got[RuleNearDuplicate])
		}
		for _, l := range got[RuleNearDuplicate] {
			if !strings.HasPrefix(l, "s1") || !strings.Contains(l, " s1") {
				t.Errorf("near-duplicate link %q joins media no signal connects", l)
			}
		}
		harbour, err := f.st.NodeByLabel(ctx, f.a.AgencyID, store.NodeSeries, "Harbour")
		if err != nil {
			t.Fatal(err)
		}
		if want := "s2.jpg in-series " + (store.Ref{Kind: store.NodeSeries, ID: harbour.ID}).String(); len(got[RuleKnownSeries]) != 1 || got[RuleKnownSeries][0] != want {
			t.Errorf("known-series links %v, want %q", got[RuleKnownSeries], want)
		}
		device, err := f.st.NodeByLabel(ctx, f.a.AgencyID, store.NodeDevice, "ExampleCam Model 7 #SN-0001")
		if err != nil {
			t.Fatal(err)
		}
		if len(got[RuleDevice]) != 3 || device.Serial != "SN-0001" {
			t.Errorf("device links %v (device %+v): want cam1, cam2 by serial and cam3 by its original document ID", got[RuleDevice], device)
		}
		if len(got[RulePlace]) != 2 {
			t.Errorf("place links %v: want cam1 and cam2, 60 m apart", got[RulePlace])
		}
		if len(got[RuleOtherAgency]) != 3 {
			t.Errorf("other-agency links %v: want s1a (the same) and s1b and s1m (near) held by B-1", got[RuleOtherAgency])
		}
		if byRule[RuleSetCategory].Votes != 1 {
			t.Errorf("votes from the set: %+v", byRule[RuleSetCategory])
		}

		// A second run adds nothing.
		again, err := f.g.Suggest(ctx, f.a, SuggestOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range again {
			if c.New != 0 || c.Nodes != 0 || c.Votes != 0 {
				t.Errorf("second run: rule %s added %+v", c.Rule, c)
			}
		}

		// Confirm s1a in a series: its near-duplicates are suggested in it.
		d := Decision{AgencyID: f.a.AgencyID, CaseID: f.a.ID, By: "specialist"}
		beach, _ := f.st.CreateNode(ctx, store.Node{Kind: store.NodeSeries, AgencyID: f.a.AgencyID, CaseID: f.a.ID, Label: "Beach", CreatedBy: "specialist"})
		if _, err := f.g.Link(ctx, d, store.Ref{Kind: store.NodeMedia, ID: f.mediaIDs["s1a.jpg"]}, InSeries, store.Ref{Kind: store.NodeSeries, ID: beach.ID}); err != nil {
			t.Fatal(err)
		}
		third, _ := f.g.Suggest(ctx, f.a, SuggestOptions{})
		for _, c := range third {
			if c.Rule == RuleSeriesOfNear && c.New != 2 {
				t.Errorf("series of near-duplicates: %+v, want s1b and s1m suggested in Beach", c)
			}
		}

		// Reject one; it is not suggested again, and its history says so.
		links, _ = f.st.Links(ctx, store.LinkFilter{AgencyID: f.a.AgencyID})
		var rejected store.Link
		for _, l := range links {
			if l.Last.Rule == RulePlace {
				rejected = l
				break
			}
		}
		if _, err := f.g.Decide(ctx, d, rejected.ID, store.LinkRejected); err != nil {
			t.Fatal(err)
		}
		if _, err := f.g.Decide(ctx, d, rejected.ID, store.LinkRetracted); err == nil {
			t.Error("a rejected link was retracted")
		}
		f.g.Suggest(ctx, f.a, SuggestOptions{})
		l, _ := f.st.LinkByID(ctx, f.a.AgencyID, rejected.ID)
		history, _ := f.st.LinkHistory(ctx, f.a.AgencyID, rejected.ID)
		if l.Status != store.LinkRejected || len(history) != 2 {
			t.Errorf("after a rerun the rejected link is %s with %d events", l.Status, len(history))
		}
		// Agency B cannot decide A's links, nor link A's media.
		if _, err := f.g.Decide(ctx, Decision{AgencyID: f.b.AgencyID, By: "b"}, rejected.ID, store.LinkConfirmed); err == nil {
			t.Error("agency B decided agency A's link")
		}
		bSeries, _ := f.st.CreateNode(ctx, store.Node{Kind: store.NodeSeries, AgencyID: f.b.AgencyID, Label: "B's", CreatedBy: "b"})
		if _, err := f.g.Link(ctx, Decision{AgencyID: f.b.AgencyID, By: "b"}, store.Ref{Kind: store.NodeMedia, ID: f.mediaIDs["lone.jpg"]}, InSeries, store.Ref{Kind: store.NodeSeries, ID: bSeries.ID}); err == nil {
			t.Error("agency B linked media only agency A holds")
		}
	})
}

// TestDeconfliction: agency B's victim, linked to media agency A also
// holds, appears to A only as B's case, agency and contact with the
// identification notice; shared, as the victim itself without B's notes;
// private, not at all.
func TestDeconfliction(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		yes := true
		victim, err := f.st.CreateNode(ctx, store.Node{Kind: store.NodeVictim, AgencyID: f.b.AgencyID, CaseID: f.b.ID, Label: "V-B-0001", Identified: &yes,
			IdentifiedOn: "2026-01-15", IdentifiedBy: "Agency B", Notes: "B's restricted note", CreatedBy: "b-specialist"})
		if err != nil {
			t.Fatal(err)
		}
		d := Decision{AgencyID: f.b.AgencyID, CaseID: f.b.ID, By: "b-specialist"}
		if _, err := f.g.Link(ctx, d, store.Ref{Kind: store.NodeMedia, ID: f.mediaIDs["s1a.jpg"]}, Depicts, store.Ref{Kind: store.NodeVictim, ID: victim.ID}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			sharing store.Sharing
			want    string // the node A sees for B's victim
		}{
			{store.ShareDeconfliction, "case:B-1"},
			{store.ShareShared, "victim:V-B-0001"},
			{store.SharePrivate, ""},
		} {
			victim.Sharing = c.sharing
			if err := f.st.UpdateNode(ctx, victim); err != nil {
				t.Fatal(err)
			}
			v, err := f.g.Case(ctx, f.a, ViewOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var seen []string
			var out bytes.Buffer
			json.NewEncoder(&out).Encode(v)
			for _, n := range v.Nodes {
				if n.Foreign && n.Notice != "" {
					seen = append(seen, string(n.Kind)+":"+n.Label)
					if n.Notice != "victim identified by Agency B on 2026-01-15, contact vid@b.example" || n.Contact != "vid@b.example" {
						t.Errorf("%s: notice %q, contact %q", c.sharing, n.Notice, n.Contact)
					}
				}
			}
			if strings.Contains(out.String(), "restricted note") || strings.Contains(out.String(), "/B/") || strings.Contains(out.String(), "b-specialist") {
				t.Errorf("%s: agency B's notes, paths or people reached agency A:\n%s", c.sharing, out.String())
			}
			if c.want == "" && len(seen) != 0 || c.want != "" && (len(seen) != 1 || seen[0] != c.want) {
				t.Errorf("%s: A sees %v, want %q", c.sharing, seen, c.want)
			}
		}
		var dot bytes.Buffer
		v, _ := f.g.Case(ctx, f.a, ViewOptions{})
		if err := v.WriteDot(&dot); err != nil || !strings.HasPrefix(dot.String(), `digraph "case A-1" {`) {
			t.Errorf("dot: %v\n%s", err, dot.String())
		}
	})
}

// TestNoticeReachesNearDuplicates: another agency identifies the victim
// of a picture this case holds only a near-duplicate of (a resized
// copy); once the suggestions have linked the case's media to that
// agency's case, the identification notice shows on them too, still as
// that agency's case, agency and contact only.
func TestNoticeReachesNearDuplicates(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "resized.jpg"), jpegOf(t, 11, 500, 375, 80, false), 0o644)
		if _, err := f.st.CreateCase(ctx, store.Case{Number: "B-2", Agency: "Agency B"}); err != nil {
			t.Fatal(err)
		}
		ex, _ := f.st.AddExhibit(ctx, store.Exhibit{CaseNumber: "B-2", Label: "E"})
		if _, err := ingest.Run(ctx, f.st, ex, []string{dir}, ingest.Options{}, nil); err != nil {
			t.Fatal(err)
		}
		b2, _ := f.st.CaseByNumber(ctx, "B-2")
		ids, _, _ := f.st.CaseMediaIDs(ctx, b2.ID)
		yes := true
		victim, err := f.st.CreateNode(ctx, store.Node{Kind: store.NodeVictim, AgencyID: b2.AgencyID, CaseID: b2.ID, Label: "V-B-0002", Identified: &yes,
			IdentifiedOn: "2026-02-01", IdentifiedBy: "Agency B", Sharing: store.ShareDeconfliction, CreatedBy: "b-specialist"})
		if err != nil {
			t.Fatal(err)
		}
		d := Decision{AgencyID: b2.AgencyID, CaseID: b2.ID, By: "b-specialist"}
		if _, err := f.g.Link(ctx, d, store.Ref{Kind: store.NodeMedia, ID: ids[0]}, Depicts, store.Ref{Kind: store.NodeVictim, ID: victim.ID}); err != nil {
			t.Fatal(err)
		}
		notices := func() []Notice {
			ns, err := f.g.Notices(ctx, f.a)
			if err != nil {
				t.Fatal(err)
			}
			return ns
		}
		if ns := notices(); len(ns) != 0 {
			t.Fatalf("before the suggestions: %+v", ns)
		}
		if _, err := f.g.Suggest(ctx, f.a, SuggestOptions{}); err != nil {
			t.Fatal(err)
		}
		ns := notices()
		if len(ns) != 1 || ns[0].Case != "B-2" || ns[0].Contact != "vid@b.example" || !strings.Contains(ns[0].Text, "identified by Agency B on 2026-02-01") {
			t.Fatalf("notices %+v", ns)
		}
		var got []string
		for _, sha := range ns[0].Media {
			for name, s := range f.sha {
				if s == sha {
					got = append(got, name)
				}
			}
		}
		slices.Sort(got)
		if want := []string{"s1a.jpg", "s1b.jpg", "s1m.jpg"}; !slices.Equal(got, want) {
			t.Errorf("the notice is on %v, want %v", got, want)
		}
	})
}
