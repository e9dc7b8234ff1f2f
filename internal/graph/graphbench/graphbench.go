// Package graphbench builds a seeded store for measuring the graph's
// suggestion rules, and knows the truth behind it: which media are
// near-duplicates, which belong to a series, which camera took which
// media, where they were taken, and which another agency also holds.
// Nothing in it is a picture: media are rows with generated hashes and
// metadata, so a case of 100,000 media and a set of 1,000,000 entries are
// made in seconds. Evaluate compares what Suggest proposed with the
// truth, rule by rule.
package graphbench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"text/tabwriter"

	"github.com/ariadne-vid/ariadne/internal/graph"
	"github.com/ariadne-vid/ariadne/internal/metadata"
	"github.com/ariadne-vid/ariadne/internal/store"
)

// Options size the corpus.
type Options struct {
	Media   int    // media of the case (default 100,000)
	Entries int    // entries of the known-bad set (default 1,000,000)
	Seed    uint64 // default 1
}

func (o *Options) applyDefaults() {
	if o.Media == 0 {
		o.Media = 100_000
	}
	if o.Entries == 0 {
		o.Entries = 1_000_000
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
}

// Truth is what the corpus was made to hold, by media ID.
type Truth struct {
	Case        store.Case
	Media       []int64          // every media of the case
	NearGroup   map[int64]int    // near-duplicate family (media of one family are within 8 bits)
	Series      map[int64]string // the series a matched known entry names
	Entry       map[int64]int64  // the known entry it matched
	Serial      map[int64]string // the camera's serial, for media taken with one
	Place       map[int64]int    // the place (a cluster of positions within 100 m)
	OtherAgency map[int64]bool   // also held by agency B's case
}

// Build fills an empty store: agencies A and B, case A-1 with Media
// media, case B-1 holding 1% of them, and a known-bad set of Entries
// entries of which one in 1,000 names a series. Of the case's media, 10%
// come in near-duplicate families of 2 to 5 (one random hash, the others
// with up to 8 bits flipped), 1% match a series entry, 5% carry a
// camera serial (cameras of 2 to 20 media), 4% a position (places of 2
// to 10, 100 m across, places at least 50 km apart); the rest are random
// hashes, which lie about 128 bits from each other.
func Build(ctx context.Context, st *store.Store, opts Options) (*Truth, error) {
	opts.applyDefaults()
	rng := rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15))
	for _, a := range []store.Agency{{Name: "Bench agency A", Contact: "a@bench.example"}, {Name: "Bench agency B", Contact: "b@bench.example"}} {
		if _, err := st.AddAgency(ctx, a); err != nil {
			return nil, err
		}
	}
	caseA, err := st.CreateCase(ctx, store.Case{Number: "A-1", Agency: "Bench agency A"})
	if err != nil {
		return nil, err
	}
	if _, err := st.CreateCase(ctx, store.Case{Number: "B-1", Agency: "Bench agency B"}); err != nil {
		return nil, err
	}
	seriesEntries, err := writeSet(ctx, st, rng, opts.Entries)
	if err != nil {
		return nil, err
	}

	t := &Truth{Case: caseA, NearGroup: map[int64]int{}, Series: map[int64]string{}, Entry: map[int64]int64{}, Serial: map[int64]string{}, Place: map[int64]int{}, OtherAgency: map[int64]bool{}}
	type planned struct {
		file      store.IngestedFile
		nearGroup int
		series    string
		entry     int64
		serial    string
		place     int
		other     bool
	}
	plan := make([]planned, opts.Media)
	for i := range plan {
		p := &plan[i]
		sum := sha256.Sum256(fmt.Appendf(nil, "bench media %d seed %d", i, opts.Seed))
		h := hex.EncodeToString(sum[:])
		p.file = store.IngestedFile{File: store.File{Path: fmt.Sprintf("DCIM/%06d.jpg", i), Size: 1000, Class: store.ClassNew},
			Media: &store.Media{SHA256: h, MD5: h[:32], SHA1: h[:40], Size: 1000, MIME: "image/jpeg"}}
	}
	// Near-duplicate families over the first 10%.
	family := 0
	for i := 0; i < opts.Media/10; {
		n := min(2+rng.IntN(4), opts.Media/10-i)
		if n < 2 {
			break
		}
		family++
		base := randomHash(rng)
		for range n {
			h := base
			for range rng.IntN(9) {
				bit := rng.IntN(256)
				h[bit/8] ^= 1 << (bit % 8)
			}
			plan[i].file.Signals = pdqSignal(h)
			plan[i].nearGroup = family
			i++
		}
	}
	for i := opts.Media / 10; i < opts.Media; i++ {
		plan[i].file.Signals = pdqSignal(randomHash(rng))
	}
	// Metadata and matches are spread over the whole case, seeded.
	order := rng.Perm(opts.Media)
	at := 0
	take := func(n int) []int {
		out := order[at:min(at+n, len(order))]
		at += len(out)
		return out
	}
	for _, i := range take(opts.Media / 100) {
		e := seriesEntries[rng.IntN(len(seriesEntries))]
		plan[i].series, plan[i].entry = e.series, e.id
		plan[i].file.Matches = append(plan[i].file.Matches, store.Match{EntryID: e.id, SignalType: store.SignalPDQ, Distance: rng.IntN(20)})
		plan[i].file.File.Class = store.ClassNear
	}
	camera := 0
	for left := opts.Media / 20; left > 0; {
		camera++
		n := min(2+rng.IntN(19), left)
		serial := fmt.Sprintf("SN-BENCH-%05d", camera)
		for _, i := range take(n) {
			plan[i].serial = serial
			plan[i].file.Metadata = &metadata.Metadata{Make: "BenchCam", Model: "B1", Serial: serial}
		}
		left -= n
	}
	place := 0
	for left := opts.Media / 25; left > 0; {
		place++
		n := min(2+rng.IntN(9), left)
		// Places on a grid 0.5° apart (over 50 km), members within 50 m
		// of the centre (0.00045° of latitude is 50 m).
		lat := -60 + float64(place/700)*0.5
		lon := -170 + float64(place%700)*0.5
		for _, i := range take(n) {
			plan[i].place = place
			md := plan[i].file.Metadata
			if md == nil {
				md = &metadata.Metadata{}
				plan[i].file.Metadata = md
			}
			md.GPS = &metadata.GPS{Lat: lat + (rng.Float64()-0.5)*0.0006, Lon: lon + (rng.Float64()-0.5)*0.0006}
		}
		left -= n
	}
	for _, i := range take(opts.Media / 100) {
		plan[i].other = true
	}

	exA, err := st.AddExhibit(ctx, store.Exhibit{CaseNumber: "A-1", Label: "E"})
	if err != nil {
		return nil, err
	}
	exB, err := st.AddExhibit(ctx, store.Exhibit{CaseNumber: "B-1", Label: "E"})
	if err != nil {
		return nil, err
	}
	var batchA, batchB []store.IngestedFile
	flush := func(force bool) error {
		if len(batchA) >= 2000 || force && len(batchA) > 0 {
			if err := st.WriteIngested(ctx, exA.ID, batchA); err != nil {
				return err
			}
			batchA = batchA[:0]
		}
		if len(batchB) >= 2000 || force && len(batchB) > 0 {
			if err := st.WriteIngested(ctx, exB.ID, batchB); err != nil {
				return err
			}
			batchB = batchB[:0]
		}
		return nil
	}
	for i := range plan {
		batchA = append(batchA, plan[i].file)
		if plan[i].other {
			other := plan[i].file
			other.File.Path = "copies/" + other.File.Path
			other.Matches = nil
			batchB = append(batchB, other)
		}
		if err := flush(false); err != nil {
			return nil, err
		}
	}
	if err := flush(true); err != nil {
		return nil, err
	}
	ids, err := st.MediaBySHA256(ctx, shasOf(plan, func(i int) string { return plan[i].file.Media.SHA256 }))
	if err != nil {
		return nil, err
	}
	for _, p := range plan {
		id := ids[p.file.Media.SHA256]
		t.Media = append(t.Media, id)
		if p.nearGroup != 0 {
			t.NearGroup[id] = p.nearGroup
		}
		if p.series != "" {
			t.Series[id], t.Entry[id] = p.series, p.entry
		}
		if p.serial != "" {
			t.Serial[id] = p.serial
		}
		if p.place != 0 {
			t.Place[id] = p.place
		}
		if p.other {
			t.OtherAgency[id] = true
		}
	}
	return t, nil
}

func shasOf[T any](plan []T, sha func(int) string) []string {
	out := make([]string, len(plan))
	for i := range plan {
		out[i] = sha(i)
	}
	return out
}

func randomHash(rng *rand.Rand) [32]byte {
	var h [32]byte
	for k := 0; k < 32; k += 8 {
		v := rng.Uint64()
		for b := range 8 {
			h[k+b] = byte(v >> (8 * b))
		}
	}
	return h
}

func pdqSignal(h [32]byte) []store.Signal {
	q := 100
	return []store.Signal{{Type: store.SignalPDQ, Value: hex.EncodeToString(h[:]), Quality: &q, Version: "bench"}}
}

type seriesEntry struct {
	id     int64
	series string
}

// writeSet imports the known-bad set and returns its entries that name a
// series.
func writeSet(ctx context.Context, st *store.Store, rng *rand.Rand, n int) ([]seriesEntry, error) {
	set, err := st.SaveHashSet(ctx, store.HashSet{Name: "bench-known", Kind: store.KnownBad, Radius: 31})
	if err != nil {
		return nil, err
	}
	w, err := st.NewEntryWriter(ctx, set.ID, store.WriterOptions{Bulk: true})
	if err != nil {
		return nil, err
	}
	var keys []string
	for i := range n {
		h := randomHash(rng)
		e := store.Entry{Key: fmt.Sprintf("e%07d", i), PDQ: hex.EncodeToString(h[:])}
		if i%1000 == 0 {
			e.Series = fmt.Sprintf("Bench series %04d", i/1000)
			keys = append(keys, e.Key)
		}
		if err := w.Write(e); err != nil {
			w.Rollback()
			return nil, err
		}
	}
	if err := w.Commit(); err != nil {
		return nil, err
	}
	var out []seriesEntry
	for _, k := range keys {
		id, err := st.EntryID(ctx, "bench-known", k)
		if err != nil {
			return nil, err
		}
		out = append(out, seriesEntry{id: id, series: fmt.Sprintf("Bench series %04d", (len(out)))})
	}
	return out, nil
}

// RuleScore is how one rule did against the truth.
type RuleScore struct {
	Rule     string `json:"rule"`
	Links    int    `json:"links"`
	Right    int    `json:"right"`
	Expected int    `json:"expected"` // links the truth supports
}

// Evaluate scores every link of the case's agency against the truth.
func Evaluate(ctx context.Context, st *store.Store, t *Truth) ([]RuleScore, error) {
	links, err := st.Links(ctx, store.LinkFilter{AgencyID: t.Case.AgencyID, CaseID: t.Case.ID})
	if err != nil {
		return nil, err
	}
	nodes, err := st.NodesOf(ctx, t.Case.AgencyID, "")
	if err != nil {
		return nil, err
	}
	byID := map[int64]store.Node{}
	for _, n := range nodes {
		byID[n.ID] = n
	}
	// A location is right when all its media come from one true place.
	placeOf := map[int64]map[int]int{}
	for _, l := range links {
		if l.Last.Rule == graph.RulePlace {
			if placeOf[l.To.ID] == nil {
				placeOf[l.To.ID] = map[int]int{}
			}
			placeOf[l.To.ID][t.Place[l.From.ID]]++
		}
	}
	// Another agency holds a media when its case holds it or a
	// near-duplicate of it (a member of its family).
	heldFamily := map[int]bool{}
	for id := range t.OtherAgency {
		if g := t.NearGroup[id]; g != 0 {
			heldFamily[g] = true
		}
	}
	held := func(id int64) bool { return t.OtherAgency[id] || heldFamily[t.NearGroup[id]] && t.NearGroup[id] != 0 }
	rules := []string{graph.RuleNearDuplicate, graph.RuleSameKnown, graph.RuleKnownSeries, graph.RuleDevice, graph.RulePlace, graph.RuleOtherAgency}
	scores := map[string]*RuleScore{}
	for _, r := range rules {
		scores[r] = &RuleScore{Rule: r}
	}
	for _, l := range links {
		s := scores[l.Last.Rule]
		if s == nil {
			continue
		}
		s.Links++
		right := false
		switch l.Last.Rule {
		case graph.RuleNearDuplicate:
			g := t.NearGroup[l.From.ID]
			right = g != 0 && g == t.NearGroup[l.To.ID]
		case graph.RuleSameKnown:
			right = t.Entry[l.From.ID] != 0 && t.Entry[l.From.ID] == t.Entry[l.To.ID]
		case graph.RuleKnownSeries:
			right = t.Series[l.From.ID] == byID[l.To.ID].Label
		case graph.RuleDevice:
			right = t.Serial[l.From.ID] != "" && t.Serial[l.From.ID] == byID[l.To.ID].Serial
		case graph.RulePlace:
			right = t.Place[l.From.ID] != 0 && len(placeOf[l.To.ID]) == 1
		case graph.RuleOtherAgency:
			right = held(l.From.ID)
		}
		if right {
			s.Right++
		}
	}
	families := map[int]int{}
	for _, g := range t.NearGroup {
		families[g]++
	}
	for _, n := range families {
		scores[graph.RuleNearDuplicate].Expected += n * (n - 1) / 2
	}
	byEntry := map[int64]int{}
	for _, e := range t.Entry {
		byEntry[e]++
	}
	for _, n := range byEntry {
		scores[graph.RuleSameKnown].Expected += n - 1 // a star per entry
	}
	scores[graph.RuleKnownSeries].Expected = len(t.Series)
	scores[graph.RuleDevice].Expected = len(t.Serial)
	places := map[int]int{}
	for _, p := range t.Place {
		places[p]++
	}
	for _, n := range places {
		if n >= 2 {
			scores[graph.RulePlace].Expected += n
		}
	}
	for _, id := range t.Media {
		if held(id) {
			scores[graph.RuleOtherAgency].Expected++
		}
	}
	var out []RuleScore
	for _, r := range rules {
		out = append(out, *scores[r])
	}
	return out, nil
}

// WriteTable prints the scores.
func WriteTable(w io.Writer, scores []RuleScore) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tLINKS\tRIGHT\tTRUTH HOLDS")
	for _, s := range scores {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", s.Rule, s.Links, s.Right, s.Expected)
	}
	return tw.Flush()
}
