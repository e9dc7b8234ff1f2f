package graph

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/deconflict"
	"github.com/ariadne-vid/ariadne/internal/index"
	"github.com/ariadne-vid/ariadne/internal/metadata"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/store"
)

// The suggestion rules, by the name their links record.
const (
	RuleNearDuplicate = "near-duplicate"   // PDQ (rotations and mirrors too), embedded thumbnail, vPDQ, a still in a video, audio
	RuleSameKnown     = "same-known-entry" // both matched one known entry (any signal: PDQ, vPDQ, audio, frames)
	RuleKnownSeries   = "known-series"     // matched a known entry that names a series
	RuleSeriesOfNear  = "series-of-near"   // a near-duplicate of media confirmed in a series
	RuleDevice        = "device"           // one camera serial, image unique ID or XMP document ID
	RulePlace         = "place"            // positions within PlaceRadiusKm
	RuleSamePlace     = "same-place"       // pictures sharing a region by local features
	RuleOtherAgency   = "other-agency"     // another agency's case holds it (deconfliction)
	RuleSetCategory   = "set-category"     // a matched entry's category, as a vote
)

// Rules lists the rules in the order Suggest runs them.
var Rules = []string{RuleNearDuplicate, RuleSameKnown, RuleKnownSeries, RuleSeriesOfNear, RuleDevice, RulePlace, RuleSamePlace, RuleOtherAgency, RuleSetCategory}

// SuggestBy is who the rules' links say made them.
const SuggestBy = "ariadne suggest"

// SuggestOptions tune the rules; zero values take the defaults.
type SuggestOptions struct {
	// Radius is the PDQ distance for near-duplicates (default 31, the
	// matcher's); MinQuality the PDQ quality both hashes need (50).
	Radius     int
	MinQuality int
	// PlaceRadiusKm joins positions into one location (default 0.25).
	PlaceRadiusKm float64
}

func (o *SuggestOptions) applyDefaults() {
	if o.Radius == 0 {
		o.Radius = pdq.DefaultRadius
	}
	if o.MinQuality == 0 {
		o.MinQuality = pdq.DefaultMinQuality
	}
	if o.PlaceRadiusKm == 0 {
		o.PlaceRadiusKm = 0.25
	}
}

// RuleCount is what one rule did.
type RuleCount struct {
	Rule  string `json:"rule"`
	Links int    `json:"links"` // links it proposed (new and already recorded)
	New   int    `json:"new"`   // of those, not recorded before
	Nodes int    `json:"new_nodes,omitempty"`
	Votes int    `json:"new_votes,omitempty"`
}

// media is what the rules know of one media of the case.
type media struct {
	id           int64
	sha          string
	pdq          string
	quality      int
	dihedral     string
	thumb        string
	thumbQuality int
	meta         *metadata.Metadata
	matches      []store.MatchedEntry
}

// suggestion is a link a rule proposes, with its evidence.
type suggestion struct {
	from     store.Ref
	relation string
	to       store.Ref
	evidence any
}

// Suggest runs every rule over a case and records what they propose as
// suggested links (and a matched entry's category as a vote). It is
// idempotent: a link the agency already holds, whatever its status, is
// not proposed again, so a second run adds nothing and a rejected
// suggestion stays rejected.
func (g *Graph) Suggest(ctx context.Context, c store.Case, opts SuggestOptions) ([]RuleCount, error) {
	opts.applyDefaults()
	if c.AgencyID == 0 {
		return nil, fmt.Errorf("case %s belongs to no agency: suggestions are made within an agency (ariadne case create --agency)", c.Number)
	}
	ms, err := g.caseMedia(ctx, c)
	if err != nil {
		return nil, err
	}
	var counts []RuleCount
	record := func(rule string, ss []suggestion, nodes int) error {
		rc := RuleCount{Rule: rule, Links: len(ss), Nodes: nodes}
		if len(ss) > 0 {
			links := make([]store.Link, len(ss))
			events := make([]store.LinkEvent, len(ss))
			for i, s := range ss {
				ev, err := json.Marshal(s.evidence)
				if err != nil {
					return err
				}
				links[i] = store.Link{AgencyID: c.AgencyID, CaseID: c.ID, From: s.from, Relation: s.relation, To: s.to}
				events[i] = store.LinkEvent{Status: store.LinkSuggested, Basis: store.ByRule, Rule: rule, Evidence: ev, By: SuggestBy}
			}
			if rc.New, err = g.st.AddLinks(ctx, links, events); err != nil {
				return fmt.Errorf("rule %s: %w", rule, err)
			}
		}
		counts = append(counts, rc)
		return nil
	}

	av, err := g.avNearDuplicates(ctx, ms)
	if err != nil {
		return nil, err
	}
	localNear, samePlace, madePlaces, err := g.localFeatures(ctx, c, ms)
	if err != nil {
		return nil, err
	}
	near := joinNear(nearDuplicates(ms, opts), append(av, localNear...))
	if err := record(RuleNearDuplicate, near, 0); err != nil {
		return nil, err
	}
	same := sameKnownEntry(ms)
	if err := record(RuleSameKnown, same, 0); err != nil {
		return nil, err
	}
	series, made, err := g.knownSeries(ctx, c, ms)
	if err != nil {
		return nil, err
	}
	if err := record(RuleKnownSeries, series, made); err != nil {
		return nil, err
	}
	propagated, err := g.seriesOfNear(ctx, c, ms, append(near, same...))
	if err != nil {
		return nil, err
	}
	if err := record(RuleSeriesOfNear, propagated, 0); err != nil {
		return nil, err
	}
	devices, made, err := g.devices(ctx, c, ms)
	if err != nil {
		return nil, err
	}
	if err := record(RuleDevice, devices, made); err != nil {
		return nil, err
	}
	places, made, err := g.places(ctx, c, ms, opts.PlaceRadiusKm)
	if err != nil {
		return nil, err
	}
	if err := record(RulePlace, places, made); err != nil {
		return nil, err
	}
	if err := record(RuleSamePlace, samePlace, madePlaces); err != nil {
		return nil, err
	}
	others, err := g.otherAgencies(ctx, c, ms)
	if err != nil {
		return nil, err
	}
	if err := record(RuleOtherAgency, others, 0); err != nil {
		return nil, err
	}
	votes, err := g.setVotes(ctx, c, ms)
	if err != nil {
		return nil, err
	}
	counts = append(counts, votes)
	return counts, nil
}

// caseMedia gathers the case's media with their signals, metadata and
// matches, by SHA-256.
func (g *Graph) caseMedia(ctx context.Context, c store.Case) ([]*media, error) {
	byID := map[int64]*media{}
	var ms []*media
	err := g.st.ScopeFiles(ctx, c.ID, 0, func(sf store.ScopedFile) error {
		if sf.Media == nil || byID[sf.Media.ID] != nil {
			return nil
		}
		m := &media{id: sf.Media.ID, sha: sf.Media.SHA256, pdq: sf.PDQ, quality: sf.Quality, dihedral: sf.Dihedral, thumb: sf.Thumbnail, thumbQuality: sf.ThumbnailQuality}
		byID[m.id] = m
		ms = append(ms, m)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("media of case %s: %w", c.Number, err)
	}
	slices.SortFunc(ms, func(a, b *media) int { return cmp.Compare(a.sha, b.sha) })
	ids := mediaIDs(ms)
	meta, err := g.st.MetadataOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	matches, err := g.st.MatchesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		m.meta, m.matches = meta[m.id], matches[m.id]
	}
	return ms, nil
}

func mediaRef(m *media) store.Ref { return store.Ref{Kind: store.NodeMedia, ID: m.id} }

func mediaIDs(ms []*media) []int64 {
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.id
	}
	return ids
}

// pair orders two media so a symmetric link is recorded one way.
func pair(a, b *media) (store.Ref, store.Ref) {
	if a.id > b.id {
		a, b = b, a
	}
	return mediaRef(a), mediaRef(b)
}

// nearDuplicates proposes a link between two media of the case whose PDQ
// hashes (the query's rotations and mirrors included) are within the
// radius, or where one's embedded thumbnail is within it of the other's
// PDQ; both hashes of at least MinQuality.
func nearDuplicates(ms []*media, opts SuggestOptions) []suggestion {
	var hashes []index.Hash
	var ids []uint64
	for i, m := range ms {
		if h, err := index.ParseHex(m.pdq); err == nil && m.pdq != "" && m.quality >= opts.MinQuality {
			hashes, ids = append(hashes, h), append(ids, uint64(i))
		}
	}
	s := index.Build(hashes, ids).Searcher()
	type key struct{ a, b int64 }
	best := map[key]suggestion{}
	dist := map[key]int{}
	add := func(i int, found []index.Match, signal string) {
		for _, f := range found {
			j := int(f.ID)
			if j == i {
				continue
			}
			from, to := pair(ms[i], ms[j])
			k := key{from.ID, to.ID}
			if d, ok := dist[k]; ok && d <= f.Distance {
				continue
			}
			dist[k] = f.Distance
			best[k] = suggestion{from: from, relation: NearDuplicate, to: to, evidence: map[string]any{"signal": signal, "distance": f.Distance, "radius": opts.Radius}}
		}
	}
	var found []index.Match
	var qs []index.Hash
	for k, h := range hashes {
		i := int(ids[k])
		found = s.Search(found[:0], h, opts.Radius)
		add(i, found, store.SignalPDQ)
		var err error
		if qs, err = index.AppendDihedral(qs[:0], ms[i].dihedral); err != nil {
			slog.Warn("stored dihedral PDQ hashes unreadable; rotations and mirrors not compared", "sha256", ms[i].sha, "err", err)
		}
		if len(qs) > 0 {
			found = s.SearchAny(found[:0], qs, opts.Radius)
			add(i, found, "pdq-dihedral")
		}
	}
	for i, m := range ms {
		if h, err := index.ParseHex(m.thumb); err == nil && m.thumb != "" && m.thumbQuality >= opts.MinQuality {
			add(i, s.Search(found[:0], h, opts.Radius), store.SignalThumbnailPDQ)
		}
	}
	return sortedSuggestions(best)
}

func sortedSuggestions[K comparable](m map[K]suggestion) []suggestion {
	out := make([]suggestion, 0, len(m))
	for _, s := range m {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b suggestion) int {
		return cmp.Or(cmp.Compare(a.from.ID, b.from.ID), cmp.Compare(a.to.Kind, b.to.Kind), cmp.Compare(a.to.ID, b.to.ID))
	})
	return out
}

// sameKnownEntry proposes a link between media that matched one known
// entry: each to the first of them (by SHA-256), so a widely matched
// entry makes a star, not every pair.
func sameKnownEntry(ms []*media) []suggestion {
	type entryKey struct{ set, key string }
	first := map[entryKey]*media{}
	type key struct{ a, b int64 }
	out := map[key]suggestion{}
	for _, m := range ms {
		for _, me := range m.matches {
			k := entryKey{me.HashSet, me.Entry.Key}
			f, ok := first[k]
			if !ok {
				first[k] = m
				continue
			}
			if f.id == m.id {
				continue
			}
			from, to := pair(f, m)
			if _, done := out[key{from.ID, to.ID}]; done {
				continue
			}
			out[key{from.ID, to.ID}] = suggestion{from: from, relation: NearDuplicate, to: to,
				evidence: map[string]any{"hashset": me.HashSet, "entry": me.Entry.Key, "signal": me.SignalType, "distance": me.Distance}}
		}
	}
	return sortedSuggestions(out)
}

// knownSeries proposes, for media that matched a known entry naming a
// series, a link to that series in the case's agency (created when the
// agency has no series of the name, and said to come from the set).
func (g *Graph) knownSeries(ctx context.Context, c store.Case, ms []*media) ([]suggestion, int, error) {
	type key struct {
		media  int64
		series string
	}
	out := map[key]suggestion{}
	nodes := map[string]store.Node{}
	made := 0
	for _, m := range ms {
		for _, me := range m.matches {
			name := strings.TrimSpace(me.Entry.Series)
			if name == "" || me.Kind != string(store.KnownBad) {
				continue
			}
			n, ok := nodes[name]
			if !ok {
				var created bool
				var err error
				n, created, err = g.st.EnsureNode(ctx, store.Node{Kind: store.NodeSeries, AgencyID: c.AgencyID, CaseID: c.ID, Label: name,
					CreatedBy: SuggestBy, Notes: "named by hash set " + me.HashSet})
				if err != nil {
					return nil, 0, err
				}
				if created {
					made++
				}
				nodes[name] = n
			}
			k := key{m.id, name}
			if _, done := out[k]; done {
				continue
			}
			out[k] = suggestion{from: mediaRef(m), relation: InSeries, to: store.Ref{Kind: store.NodeSeries, ID: n.ID},
				evidence: map[string]any{"hashset": me.HashSet, "entry": me.Entry.Key, "signal": me.SignalType, "distance": me.Distance, "series": name}}
		}
	}
	return sortedSuggestions(out), made, nil
}

// seriesOfNear proposes, for each near-duplicate pair where one media is
// confirmed in a series, the other in that series too.
func (g *Graph) seriesOfNear(ctx context.Context, c store.Case, ms []*media, pairs []suggestion) ([]suggestion, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	byID := map[int64]*media{}
	for _, m := range ms {
		byID[m.id] = m
	}
	// Confirmed in a series in any of the agency's cases.
	links, err := g.st.Links(ctx, store.LinkFilter{AgencyID: c.AgencyID})
	if err != nil {
		return nil, err
	}
	inSeries := map[int64][]int64{} // media → confirmed series
	for _, l := range links {
		if l.Relation == InSeries && l.Status == store.LinkConfirmed && l.From.Kind == store.NodeMedia && byID[l.From.ID] != nil {
			inSeries[l.From.ID] = append(inSeries[l.From.ID], l.To.ID)
		}
	}
	type key struct{ media, series int64 }
	out := map[key]suggestion{}
	for _, p := range pairs {
		for _, dir := range [][2]int64{{p.from.ID, p.to.ID}, {p.to.ID, p.from.ID}} {
			member, other := dir[0], dir[1]
			for _, s := range inSeries[member] {
				if slices.Contains(inSeries[other], s) {
					continue
				}
				k := key{other, s}
				if _, done := out[k]; done {
					continue
				}
				out[k] = suggestion{from: store.Ref{Kind: store.NodeMedia, ID: other}, relation: InSeries, to: store.Ref{Kind: store.NodeSeries, ID: s},
					evidence: map[string]any{"near_duplicate_of": byID[member].sha, "basis": p.evidence}}
			}
		}
	}
	return sortedSuggestions(out), nil
}

// devices proposes one device per camera: media with one body serial
// (and make and model) are one device, and media that share an EXIF
// image unique ID or an XMP document or original-document ID with them,
// or with each other, are taken with it too. A serial makes a device
// even for one media (the serial is the lead); shared IDs alone make one
// only for two media or more. Media of two serials are never joined.
func (g *Graph) devices(ctx context.Context, c store.Case, ms []*media) ([]suggestion, int, error) {
	parent := map[int]int{}
	var find func(int) int
	find = func(i int) int {
		if p, ok := parent[i]; ok && p != i {
			r := find(p)
			parent[i] = r
			return r
		}
		return i
	}
	serial := map[int]string{} // a group's root → its serial
	owner := map[string]int{}  // a key (serial or ID) → the first media holding it
	for i, m := range ms {
		md := m.meta
		if md == nil {
			continue
		}
		serial[i] = md.Serial
		keys := []string{"image-unique-id:" + md.ImageUniqueID, "document-id:" + md.DocumentID, "document-id:" + md.OriginalDocumentID}
		if md.Serial != "" {
			keys = append(keys, "serial:"+md.Make+"\x00"+md.Model+"\x00"+md.Serial)
		}
		for _, k := range keys {
			if strings.HasSuffix(k, ":") {
				continue
			}
			j, ok := owner[k]
			if !ok {
				owner[k] = i
				continue
			}
			a, b := find(i), find(j)
			if a == b || serial[a] != "" && serial[b] != "" && serial[a] != serial[b] {
				continue
			}
			root, other := min(a, b), max(a, b)
			parent[other] = root
			serial[root] = cmp.Or(serial[root], serial[other])
		}
	}
	groups := map[int][]int{}
	var roots []int
	for i, m := range ms {
		if m.meta == nil {
			continue
		}
		r := find(i)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], i)
	}
	var out []suggestion
	made := 0
	for _, r := range roots {
		members := groups[r]
		var camera *metadata.Metadata
		for _, i := range members {
			if ms[i].meta.Serial != "" {
				camera = ms[i].meta
				break
			}
		}
		if camera == nil && len(members) < 2 {
			continue
		}
		n := store.Node{Kind: store.NodeDevice, AgencyID: c.AgencyID, CaseID: c.ID, CreatedBy: SuggestBy}
		if camera != nil {
			n.Make, n.Model, n.Serial = camera.Make, camera.Model, camera.Serial
			n.Label = strings.TrimSpace(strings.TrimSpace(camera.Make+" "+camera.Model) + " #" + camera.Serial)
		} else {
			n.Label = "camera of " + sharedID(ms, members)
		}
		node, created, err := g.st.EnsureNode(ctx, n)
		if err != nil {
			return nil, 0, err
		}
		if created {
			made++
		}
		for _, i := range members {
			md := ms[i].meta
			ev := map[string]any{}
			for k, v := range map[string]string{"make": md.Make, "model": md.Model, "serial": md.Serial, "image_unique_id": md.ImageUniqueID,
				"document_id": md.DocumentID, "original_document_id": md.OriginalDocumentID} {
				if v != "" {
					ev[k] = v
				}
			}
			if md.Serial == "" && camera != nil {
				ev["joined_by"] = "an ID shared with media of serial " + camera.Serial
			}
			out = append(out, suggestion{from: mediaRef(ms[i]), relation: TakenWith, to: store.Ref{Kind: store.NodeDevice, ID: node.ID}, evidence: ev})
		}
	}
	return out, made, nil
}

// sharedID is the first ID two members share, for a device's label.
func sharedID(ms []*media, members []int) string {
	seen := map[string]bool{}
	for _, i := range members {
		md := ms[i].meta
		for _, id := range []string{md.ImageUniqueID, md.DocumentID, md.OriginalDocumentID} {
			if id == "" {
				continue
			}
			if seen[id] {
				return id
			}
			seen[id] = true
		}
	}
	return "shared IDs"
}

// places proposes one location per group of two or more positions
// within radiusKm of each other (through chains), at their mean.
func (g *Graph) places(ctx context.Context, c store.Case, ms []*media, radiusKm float64) ([]suggestion, int, error) {
	var pts []metadata.GPS
	var who []*media
	for _, m := range ms {
		if m.meta != nil && m.meta.GPS != nil {
			pts, who = append(pts, *m.meta.GPS), append(who, m)
		}
	}
	var out []suggestion
	made := 0
	for _, group := range metadata.Places(pts, radiusKm) {
		if len(group) < 2 {
			continue
		}
		var lat, lon float64
		for _, i := range group {
			lat, lon = lat+pts[i].Lat, lon+pts[i].Lon
		}
		lat, lon = lat/float64(len(group)), lon/float64(len(group))
		n := store.Node{Kind: store.NodeLocation, AgencyID: c.AgencyID, CaseID: c.ID, CreatedBy: SuggestBy,
			Label: fmt.Sprintf("place near %.4f,%.4f", lat, lon), Lat: &lat, Lon: &lon,
			Notes: fmt.Sprintf("positions of %d media within %.0f m of each other", len(group), radiusKm*1000)}
		node, created, err := g.st.EnsureNode(ctx, n)
		if err != nil {
			return nil, 0, err
		}
		if created {
			made++
		}
		centre := metadata.GPS{Lat: lat, Lon: lon}
		for _, i := range group {
			out = append(out, suggestion{from: mediaRef(who[i]), relation: TakenAt, to: store.Ref{Kind: store.NodeLocation, ID: node.ID},
				evidence: map[string]any{"gps": []float64{pts[i].Lat, pts[i].Lon}, "metres_from_centre": math.Round(metadata.DistanceKm(pts[i], centre) * 1000),
					"radius_m": radiusKm * 1000}})
		}
	}
	return out, made, nil
}

// otherAgencies proposes a held-by link from media to each case of
// another agency that holds it or a near-duplicate of it: deconfliction.
func (g *Graph) otherAgencies(ctx context.Context, c store.Case, ms []*media) ([]suggestion, error) {
	items := make([]deconflict.Item, len(ms))
	ids := make([]int64, len(ms))
	bySHA := map[string]*media{}
	for i, m := range ms {
		items[i] = deconflict.Item{ID: m.id, SHA256: m.sha, PDQ: m.pdq, Quality: m.quality, Dihedral: m.dihedral, Thumbnail: m.thumb, ThumbnailQuality: m.thumbQuality}
		ids[i] = m.id
		bySHA[m.sha] = m
	}
	sightings, err := g.st.SightingsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	others, err := deconflict.Find(ctx, g.st, c, items, sightings)
	if err != nil {
		return nil, err
	}
	var out []suggestion
	for _, o := range others {
		oc, err := g.st.CaseByNumber(ctx, o.Number)
		if err != nil {
			return nil, err
		}
		if oc.AgencyID == c.AgencyID || oc.AgencyID == 0 {
			continue
		}
		for _, sha := range o.Media {
			how := "the same content"
			if slices.Contains(o.NearOnly, sha) {
				how = "a near-duplicate (PDQ within the radius)"
			}
			out = append(out, suggestion{from: mediaRef(bySHA[sha]), relation: HeldBy, to: store.Ref{Kind: store.NodeCase, ID: oc.ID},
				evidence: map[string]any{"holds": how}})
		}
	}
	return out, nil
}

// setVotes records each matched known-bad entry's category as a vote of
// "set:NAME" under the entry's scheme: one vote, never a grade alone.
func (g *Graph) setVotes(ctx context.Context, c store.Case, ms []*media) (RuleCount, error) {
	var votes []store.Vote
	for _, m := range ms {
		for _, me := range m.matches {
			if me.Entry.Category == nil || me.Entry.CategoryScheme == "" || me.Kind != string(store.KnownBad) {
				continue
			}
			votes = append(votes, store.Vote{AgencyID: c.AgencyID, MediaID: m.id, Scheme: me.Entry.CategoryScheme, Value: *me.Entry.Category, Grader: "set:" + me.HashSet})
		}
	}
	n, err := g.st.AddVotes(ctx, votes)
	if err != nil {
		return RuleCount{}, errors.Join(fmt.Errorf("rule %s", RuleSetCategory), err)
	}
	return RuleCount{Rule: RuleSetCategory, Votes: n}, nil
}
