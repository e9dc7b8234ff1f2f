// Package deconflict tells an investigator which other cases, and their
// agencies, hold the same material as theirs or near-duplicates of it,
// so that two investigations of one series learn of each other. It gives
// pointers only: the other case's number, title and agency and how many
// of the investigator's media it concerns, never the other case's files,
// paths or media. The knowledge graph and agency isolation build on it.
package deconflict

import (
	"cmp"
	"context"
	"log/slog"
	"slices"

	"github.com/ariadne-vid/ariadne/internal/index"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/store"
)

// Radius is the PDQ distance within which another case's media is a
// near-duplicate.
const Radius = pdq.DefaultRadius

// MinQuality is the PDQ quality below which a hash is not compared across
// cases: a flat image's hash is near anything.
const MinQuality = pdq.DefaultMinQuality

// Item is one media of the investigator's scope.
type Item struct {
	ID       int64 // media ID in the store
	SHA256   string
	PDQ      string // hex, or "" when the media has none
	Quality  int
	Dihedral string // stored dihedral hashes (pdq.FormatDihedral), or ""
	// Thumbnail is the PDQ of the embedded EXIF thumbnail, or "": a
	// retouched copy that kept its original's thumbnail is near it.
	Thumbnail        string
	ThumbnailQuality int
	// Rank orders an OtherCase's Media: lower first.
	Rank int
}

// OtherCase is another case holding material of the report's scope (new,
// near or known media): the same content, or a near-duplicate of it (PDQ
// within Radius, rotations and mirrors included, both hashes of
// quality at least MinQuality; an embedded thumbnail's PDQ counts as a
// hash of its picture). It tells an investigator who else works
// the material: deconfliction.
type OtherCase struct {
	Number string `json:"number"`
	Title  string `json:"title,omitempty"`
	Agency string `json:"agency,omitempty"`
	Same   int    `json:"same_media"` // media of the scope it also holds
	Near   int    `json:"near_media"` // media of the scope it holds a near-duplicate of, not the same
	// Media are the SHA-256 of the scope's media concerned, new ones
	// first.
	Media []string `json:"media"`
	// NearOnly are those of Media it holds only a near-duplicate of.
	NearOnly []string `json:"-"`
}

// Find names the other cases holding the scope's media (items): the
// same content from the sightings (store.SightingsOf of the items) and
// near-duplicates through an index of the other cases' PDQ hashes. The
// most concerned case comes first.
func Find(ctx context.Context, st *store.Store, c store.Case, items []Item, sightings map[int64][]store.Sighting) ([]OtherCase, error) {
	byID := make(map[int64]Item, len(items))
	for _, it := range items {
		byID[it.ID] = it
	}
	same := map[string]map[int64]bool{} // case number → media of the scope
	near := map[string]map[int64]bool{}
	add := func(to map[string]map[int64]bool, number string, id int64) {
		if to[number] == nil {
			to[number] = map[int64]bool{}
		}
		to[number][id] = true
	}
	for _, it := range items {
		id := it.ID
		for _, s := range sightings[id] {
			if s.Case != c.Number {
				add(same, s.Case, id)
			}
		}
	}
	var hashes []index.Hash
	var caseOf []int64 // by index ID
	err := st.OtherCasesPDQ(ctx, c.ID, MinQuality, func(o store.OtherCaseSignal) error {
		if h, err := index.ParseHex(o.PDQ); err == nil {
			hashes = append(hashes, h)
			caseOf = append(caseOf, o.CaseID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	numbers := map[int64]store.Case{}
	caseByID := func(id int64) (store.Case, error) {
		if oc, ok := numbers[id]; ok {
			return oc, nil
		}
		oc, err := st.CaseByID(ctx, id)
		if err == nil {
			numbers[id] = oc
		}
		return oc, err
	}
	if len(hashes) > 0 {
		idx := make([]uint64, len(hashes))
		for i := range idx {
			idx[i] = uint64(i)
		}
		s := index.Build(hashes, idx).Searcher()
		var found []index.Match
		var qs []index.Hash
		for _, m := range items {
			id := m.ID
			if qs = queries(qs[:0], m); len(qs) == 0 {
				continue
			}
			found = s.SearchAny(found[:0], qs, Radius)
			for _, f := range found {
				oc, err := caseByID(caseOf[f.ID])
				if err != nil {
					return nil, err
				}
				if !same[oc.Number][id] {
					add(near, oc.Number, id)
				}
			}
		}
	}
	var out []OtherCase
	for _, number := range unionKeys(same, near) {
		oc, err := st.CaseByNumber(ctx, number)
		if err != nil {
			return nil, err
		}
		o := OtherCase{Number: number, Title: oc.Title, Agency: oc.Agency, Same: len(same[number]), Near: len(near[number])}
		var concerned []Item
		for id := range same[number] {
			concerned = append(concerned, byID[id])
		}
		for id := range near[number] {
			concerned = append(concerned, byID[id])
		}
		slices.SortFunc(concerned, func(a, b Item) int {
			return cmp.Or(cmp.Compare(a.Rank, b.Rank), cmp.Compare(a.SHA256, b.SHA256))
		})
		for _, m := range concerned {
			o.Media = append(o.Media, m.SHA256)
			if near[number][m.ID] {
				o.NearOnly = append(o.NearOnly, m.SHA256)
			}
		}
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b OtherCase) int {
		return cmp.Or(cmp.Compare(b.Same+b.Near, a.Same+a.Near), cmp.Compare(a.Number, b.Number))
	})
	return out, nil
}

// queries appends the hashes an item is looked up by: its PDQ with its
// rotations and mirrors, and its embedded thumbnail's PDQ, each when its
// quality is at least MinQuality.
func queries(qs []index.Hash, m Item) []index.Hash {
	if h, err := index.ParseHex(m.PDQ); err == nil && m.PDQ != "" && m.Quality >= MinQuality {
		qs = append(qs, h)
		if qs, err = index.AppendDihedral(qs, m.Dihedral); err != nil {
			slog.Warn("stored dihedral PDQ hashes unreadable; rotations and mirrors not compared", "sha256", m.SHA256, "err", err)
		}
	}
	if h, err := index.ParseHex(m.Thumbnail); err == nil && m.Thumbnail != "" && m.ThumbnailQuality >= MinQuality {
		qs = append(qs, h)
	}
	return qs
}

func unionKeys(a, b map[string]map[int64]bool) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if a[k] == nil {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}
