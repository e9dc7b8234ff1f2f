// Package report tells an investigator what an ingest found in a case or
// an exhibit: counts per triage class, the new media first (grouped into
// clusters of near-duplicates, largest first, since one series of new
// material is one lead), then the near and known matches with their hash
// set, category, series and distance, the files that could not be read,
// for each media every other place in the store where it was seen, and
// the other cases (with their agency) holding the same material or
// near-duplicates of it, for deconfliction (internal/deconflict).
// It shows hashes and metadata only, never image content.
package report

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ariadne-vid/ariadne/internal/deconflict"
	"github.com/ariadne-vid/ariadne/internal/graph"
	"github.com/ariadne-vid/ariadne/internal/index"
	"github.com/ariadne-vid/ariadne/internal/metadata"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/store"
)

// ClusterRadius is the PDQ distance within which new media are grouped.
const ClusterRadius = pdq.DefaultRadius

// Report is everything a report shows. Its JSON is the json format.
type Report struct {
	Case      store.Case            `json:"case"`
	Exhibit   string                `json:"exhibit,omitempty"` // the scope, when one exhibit
	Generated string                `json:"generated_at"`
	Program   string                `json:"program,omitempty"`
	Exhibits  []ExhibitSummary      `json:"exhibits"`
	Totals    map[store.Class]int64 `json:"totals"` // files per class
	Clusters  []Cluster             `json:"new_clusters"`
	Near      []*Media              `json:"near"`
	Known     []*Media              `json:"known"`
	Errors    []FileRef             `json:"errors"`
	Runs      []store.IngestRun     `json:"ingest_runs"`
	// Cameras groups the media by camera body serial, and Places by
	// position (chains of positions within PlaceRadiusKm), largest group
	// first: one device or one place ties material together.
	Cameras []Group `json:"cameras,omitempty"`
	Places  []Group `json:"places,omitempty"`
	// Notices are what other agencies say of this material that comes
	// first: a victim or offender it depicts already identified.
	Notices []graph.Notice `json:"notices,omitempty"`
	// OtherCases are the other cases holding this material, most first.
	OtherCases []deconflict.OtherCase `json:"other_cases"`
}

// Group is media sharing a camera or a place.
type Group struct {
	Key   string   `json:"key"`   // the camera ("ExampleCam Model 7, serial SN42"), or a place's southernmost position "LAT,LON"
	Media []string `json:"media"` // SHA-256, sorted
}

// ExhibitSummary counts an exhibit's files per class.
type ExhibitSummary struct {
	Label   string                `json:"label"`
	Files   int64                 `json:"files"`
	Classes map[store.Class]int64 `json:"classes"`
}

// Cluster is a group of new media within ClusterRadius of each other
// (through chains of near-duplicates).
type Cluster struct {
	ID    int      `json:"id"`
	Media []*Media `json:"media"`
}

// Media is one unique content of the scope.
type Media struct {
	SHA256  string               `json:"sha256"`
	MD5     string               `json:"md5"`
	SHA1    string               `json:"sha1"`
	Size    int64                `json:"size"`
	MIME    string               `json:"mime,omitempty"`
	Width   int                  `json:"width,omitempty"`
	Height  int                  `json:"height,omitempty"`
	PDQ     string               `json:"pdq,omitempty"`
	Quality int                  `json:"pdq_quality,omitempty"`
	Class   store.Class          `json:"class"`
	Cluster int                  `json:"cluster,omitempty"`
	Files   []FileRef            `json:"files"`
	Matches []store.MatchedEntry `json:"matches,omitempty"`
	// Elsewhere lists where else in the store this content was seen:
	// other exhibits of the case, and other cases.
	Elsewhere []store.Sighting `json:"seen_elsewhere,omitempty"`
	// Metadata is what the picture says: camera, time, place.
	Metadata *metadata.Metadata `json:"metadata,omitempty"`

	id           int64
	dihedral     string
	thumbnail    string // the embedded thumbnail's PDQ
	thumbQuality int
}

// FileRef is a file of the scope.
type FileRef struct {
	Exhibit string      `json:"exhibit"`
	Path    string      `json:"path"`
	Class   store.Class `json:"class,omitempty"`
	Error   string      `json:"error,omitempty"`
	Warning string      `json:"warning,omitempty"`
}

// notTriaged stands for the class of a file recorded before triage
// existed (or by a run cut short before its matcher ran).
const notTriaged store.Class = "not triaged"

// classRank orders classes by how much they say about content: a media
// seen in files of different classes (sets changed between ingests)
// takes the strongest.
var classRank = map[store.Class]int{store.ClassKnown: 0, store.ClassNear: 1, store.ClassIgnorable: 2, store.ClassError: 3, store.ClassNew: 4, store.ClassOther: 5}

// Build gathers the report of a case, or of one exhibit of it.
func Build(ctx context.Context, st *store.Store, caseNumber, exhibitLabel, program string) (*Report, error) {
	c, err := st.CaseByNumber(ctx, caseNumber)
	if err != nil {
		return nil, err
	}
	r := &Report{Case: c, Exhibit: exhibitLabel, Generated: time.Now().UTC().Format(time.RFC3339), Program: program, Totals: map[store.Class]int64{}}
	exhibits, err := st.Exhibits(ctx, caseNumber)
	if err != nil {
		return nil, err
	}
	var scopeID int64
	for _, x := range exhibits {
		if exhibitLabel != "" && x.Label != exhibitLabel {
			continue
		}
		scopeID = x.ID
		r.Exhibits = append(r.Exhibits, ExhibitSummary{Label: x.Label, Classes: map[store.Class]int64{}})
		runs, err := st.IngestRuns(ctx, x.ID)
		if err != nil {
			return nil, err
		}
		r.Runs = append(r.Runs, runs...)
	}
	if exhibitLabel == "" {
		scopeID = 0
	} else if len(r.Exhibits) == 0 {
		return nil, fmt.Errorf("exhibit %s of case %s: %w", exhibitLabel, caseNumber, store.ErrNotFound)
	}
	summary := map[string]*ExhibitSummary{}
	for i := range r.Exhibits {
		summary[r.Exhibits[i].Label] = &r.Exhibits[i]
	}
	media := map[int64]*Media{}
	err = st.ScopeFiles(ctx, c.ID, scopeID, func(sf store.ScopedFile) error {
		class := sf.File.Class
		if class == "" {
			class = notTriaged
		}
		es := summary[sf.Exhibit]
		es.Files++
		es.Classes[class]++
		r.Totals[class]++
		ref := FileRef{Exhibit: sf.Exhibit, Path: sf.File.Path, Class: class, Error: sf.File.Error, Warning: sf.File.Warning}
		if class == store.ClassError {
			r.Errors = append(r.Errors, ref)
		}
		if sf.Media == nil {
			return nil
		}
		m, ok := media[sf.Media.ID]
		if !ok {
			m = &Media{id: sf.Media.ID, SHA256: sf.Media.SHA256, MD5: sf.Media.MD5, SHA1: sf.Media.SHA1, Size: sf.Media.Size, MIME: sf.Media.MIME,
				Width: sf.Media.Width, Height: sf.Media.Height, PDQ: sf.PDQ, Quality: sf.Quality, Class: class, dihedral: sf.Dihedral,
				thumbnail: sf.Thumbnail, thumbQuality: sf.ThumbnailQuality}
			media[sf.Media.ID] = m
		}
		if rank, ok := classRank[class]; ok && rank < classRank[m.Class] {
			m.Class = class
		}
		m.Files = append(m.Files, ref)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var ids []int64
	var newMedia []*Media
	for id, m := range media {
		switch m.Class {
		case store.ClassNew:
			newMedia = append(newMedia, m)
			ids = append(ids, id)
		case store.ClassNear:
			r.Near = append(r.Near, m)
			ids = append(ids, id)
		case store.ClassKnown:
			r.Known = append(r.Known, m)
			ids = append(ids, id)
		}
	}
	matches, err := st.MatchesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	md, err := st.MetadataOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	for id, m := range md {
		media[id].Metadata = m
	}
	r.Cameras, r.Places = groups(media, ids)
	sightings, err := st.SightingsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		m := media[id]
		m.Matches = matches[id]
		for _, s := range sightings[id] {
			if s.Case == c.Number && (exhibitLabel == "" || s.Exhibit == exhibitLabel) {
				continue // a file of the scope, listed already
			}
			m.Elsewhere = append(m.Elsewhere, s)
		}
	}
	items := make([]deconflict.Item, len(ids))
	for i, id := range ids {
		m := media[id]
		items[i] = deconflict.Item{ID: id, SHA256: m.SHA256, PDQ: m.PDQ, Quality: m.Quality, Dihedral: m.dihedral,
			Thumbnail: m.thumbnail, ThumbnailQuality: m.thumbQuality, Rank: -classRank[m.Class]}
	}
	if r.Notices, err = graph.New(st).Notices(ctx, c); err != nil {
		return nil, err
	}
	if r.OtherCases, err = deconflict.Find(ctx, st, c, items, sightings); err != nil {
		return nil, err
	}
	r.Clusters = cluster(newMedia)
	byFirstFile := func(a, b *Media) int { return cmpFiles(a.Files[0], b.Files[0]) }
	// Nearest first: the distance of a media's best match.
	best := func(m *Media) int {
		if len(m.Matches) == 0 {
			return 1 << 30
		}
		return m.Matches[0].Distance
	}
	slices.SortFunc(r.Near, func(a, b *Media) int { return cmp.Or(cmp.Compare(best(a), best(b)), byFirstFile(a, b)) })
	slices.SortFunc(r.Known, byFirstFile)
	return r, nil
}

func cmpFiles(a, b FileRef) int {
	return cmp.Or(cmp.Compare(a.Exhibit, b.Exhibit), cmp.Compare(a.Path, b.Path))
}

// cluster groups new media whose PDQ hashes are within ClusterRadius,
// through chains (single linkage), largest cluster first; a media whose
// embedded thumbnail (of quality at least deconflict.MinQuality) is
// within ClusterRadius of another's PDQ joins it, since a retouched copy
// keeps its original's thumbnail. Media without a usable PDQ are clusters
// of one.
func cluster(media []*Media) []Cluster {
	slices.SortFunc(media, func(a, b *Media) int { return cmpFiles(a.Files[0], b.Files[0]) })
	sets := newDisjointSets(len(media))
	find := sets.find
	var hashes []index.Hash
	var ids []uint64
	for i, m := range media {
		if h, err := index.ParseHex(m.PDQ); err == nil && m.PDQ != "" {
			hashes = append(hashes, h)
			ids = append(ids, uint64(i))
		}
	}
	ix := index.Build(hashes, ids)
	s := ix.Searcher()
	union := func(i int, found []index.Match) {
		for _, f := range found {
			if a, b := find(i), find(int(f.ID)); a != b {
				sets[max(a, b)] = min(a, b) // the lower index is the root
			}
		}
	}
	var found []index.Match
	var qs []index.Hash
	for k, h := range hashes {
		i := int(ids[k])
		// Each media's rotations and mirrors against the others' hashes,
		// so a mirrored copy joins its original's cluster.
		qs = append(qs[:0], h)
		var err error
		if qs, err = index.AppendDihedral(qs, media[i].dihedral); err != nil {
			slog.Warn("stored dihedral PDQ hashes unreadable; rotations and mirrors not compared", "sha256", media[i].SHA256, "err", err)
		}
		found = s.SearchAny(found[:0], qs, ClusterRadius)
		union(i, found)
	}
	for i, m := range media {
		if h, err := index.ParseHex(m.thumbnail); err == nil && m.thumbnail != "" && m.thumbQuality >= deconflict.MinQuality {
			union(i, s.Search(found[:0], h, ClusterRadius))
		}
	}
	groups := map[int][]*Media{}
	var order []int
	for i, m := range media {
		root := find(i)
		if _, ok := groups[root]; !ok {
			order = append(order, root)
		}
		groups[root] = append(groups[root], m)
	}
	slices.SortStableFunc(order, func(a, b int) int { return len(groups[b]) - len(groups[a]) })
	out := make([]Cluster, len(order))
	for i, root := range order {
		out[i] = Cluster{ID: i + 1, Media: groups[root]}
		for _, m := range groups[root] {
			m.Cluster = i + 1
		}
	}
	return out
}

// PlaceRadiusKm is how near two pictures' positions are to be of one
// place.
const PlaceRadiusKm = 0.1

// groups gathers the media of the scope by camera serial, and by place:
// single linkage of positions within PlaceRadiusKm (metadata.Places).
// Groups of one media are left out, since they tie
// nothing together.
func groups(media map[int64]*Media, ids []int64) (cameras, places []Group) {
	byCamera := map[string][]string{}
	type point struct {
		gps metadata.GPS
		sha string
	}
	var pts []point
	for _, id := range ids {
		m := media[id]
		md := m.Metadata
		if md == nil {
			continue
		}
		if md.Serial != "" {
			key := strings.TrimSpace(md.Make + " " + md.Model + ", serial " + md.Serial)
			byCamera[key] = append(byCamera[key], m.SHA256)
		}
		if md.GPS != nil {
			pts = append(pts, point{*md.GPS, m.SHA256})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(byCamera)) {
		if len(byCamera[k]) > 1 {
			slices.Sort(byCamera[k])
			cameras = append(cameras, Group{Key: k, Media: byCamera[k]})
		}
	}
	slices.SortFunc(pts, func(a, b point) int { return cmp.Or(cmp.Compare(a.gps.Lat, b.gps.Lat), cmp.Compare(a.sha, b.sha)) })
	positions := make([]metadata.GPS, len(pts))
	for i, p := range pts {
		positions[i] = p.gps
	}
	for _, idx := range metadata.Places(positions, PlaceRadiusKm) {
		if len(idx) < 2 {
			continue
		}
		g := Group{Key: fmt.Sprintf("%.5f,%.5f", pts[idx[0]].gps.Lat, pts[idx[0]].gps.Lon)}
		for _, i := range idx {
			g.Media = append(g.Media, pts[i].sha)
		}
		slices.Sort(g.Media)
		places = append(places, g)
	}
	bySize := func(a, b Group) int { return cmp.Compare(len(b.Media), len(a.Media)) }
	slices.SortStableFunc(cameras, bySize)
	slices.SortStableFunc(places, bySize)
	return cameras, places
}

// disjointSets is a union-find over 0..n-1, for single-linkage groups.
type disjointSets []int

func newDisjointSets(n int) disjointSets {
	d := make(disjointSets, n)
	for i := range d {
		d[i] = i
	}
	return d
}

func (d disjointSets) find(i int) int {
	for d[i] != i {
		d[i] = d[d[i]]
		i = d[i]
	}
	return i
}
