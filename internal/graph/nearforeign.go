package graph

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/store"
)

// nearForeign finds, for the case's media that another agency's case
// holds only a near-duplicate of (the held-by links of the other-agency
// rule say so), which of that case's media they are near: their media ID
// → the case's media near it. The other agency's links on those media
// then carry their notices here too (an identified victim's above all),
// still only as that agency's case, agency and contact. Only the cases
// such links name are read.
func (g *Graph) nearForeign(ctx context.Context, c store.Case, links []store.Link) (map[int64][]int64, error) {
	byCase := map[int64][]int64{} // their case → our media held there as near-duplicates
	for _, l := range links {
		if l.Last.Rule != RuleOtherAgency || l.Relation != HeldBy || l.From.Kind != store.NodeMedia || l.To.Kind != store.NodeCase || l.Status == store.LinkRejected {
			continue
		}
		var ev struct{ Holds string }
		if json.Unmarshal(l.Last.Evidence, &ev) != nil || !strings.HasPrefix(ev.Holds, "a near-duplicate") {
			continue
		}
		byCase[l.To.ID] = append(byCase[l.To.ID], l.From.ID)
	}
	if len(byCase) == 0 {
		return nil, nil
	}
	var wanted []int64
	for _, mine := range byCase {
		wanted = append(wanted, mine...)
	}
	hashes, err := g.st.PDQOf(ctx, wanted)
	if err != nil {
		return nil, err
	}
	ours := map[int64][]pdq.Hash{} // a media's PDQ and its rotations and mirrors
	for id, sf := range hashes {
		h, err := pdq.ParseHex(sf.PDQ)
		if err != nil || sf.Quality < pdq.DefaultMinQuality {
			continue
		}
		qs, _ := pdq.ParseDihedral(sf.Dihedral)
		ours[id] = append(qs, h)
	}
	alias := map[int64][]int64{}
	for theirCase, mine := range byCase {
		err := g.st.ScopeFiles(ctx, theirCase, 0, func(sf store.ScopedFile) error {
			if sf.Media == nil || sf.Quality < pdq.DefaultMinQuality {
				return nil
			}
			h, err := pdq.ParseHex(sf.PDQ)
			if err != nil {
				return nil
			}
			for _, m := range mine {
				for _, q := range ours[m] {
					if pdq.Distance(q, h) <= pdq.DefaultRadius {
						if !slices.Contains(alias[sf.Media.ID], m) {
							alias[sf.Media.ID] = append(alias[sf.Media.ID], m)
						}
						break
					}
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return alias, nil
}
