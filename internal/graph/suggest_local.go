package graph

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"

	"github.com/ariadne-vid/ariadne/internal/features"
	"github.com/ariadne-vid/ariadne/internal/store"
)

// localFeatures compares the case's pictures by their local features
// (internal/features): a picture that is a copy of another (a crop, a
// caption, a border) is a near-duplicate; two that only share a region
// — different pictures of one room — are taken at one location, a node
// per group of such pictures, with the overlapping regions as evidence,
// and not near-duplicates.
func (g *Graph) localFeatures(ctx context.Context, c store.Case, ms []*media) (near, same []suggestion, made int, err error) {
	stored, err := g.st.FeaturesOf(ctx, features.Version, mediaIDs(ms))
	if err != nil || len(stored) < 2 {
		return nil, nil, 0, err
	}
	x := features.NewIndex(0)
	sets := map[int]*features.Set{}
	for i, m := range ms {
		data, ok := stored[m.id]
		if !ok {
			continue
		}
		s, err := features.Decode(data)
		if err != nil {
			slog.Warn("stored local features unreadable; media not compared by them", "sha256", m.sha, "err", err)
			continue
		}
		sets[i] = s
		if err := x.Add(uint64(i), s); err != nil {
			return nil, nil, 0, err
		}
	}
	type key struct{ a, b int }
	seen := map[key]bool{}
	parent := map[int]int{} // union-find over pictures sharing a region
	find := func(i int) int {
		for parent[i] != i {
			i = parent[i]
		}
		return i
	}
	shared := map[int][]map[string]any{} // picture → evidence of each region it shares
	for _, i := range slices.Sorted(maps.Keys(sets)) {
		hits, err := x.Search(sets[i], nil, features.SearchOptions{})
		if err != nil {
			return nil, nil, 0, err
		}
		for _, h := range hits {
			j := int(h.ID)
			k := key{min(i, j), max(i, j)}
			if j == i || seen[k] {
				continue
			}
			seen[k] = true
			r := h.Result
			evidence := map[string]any{"signal": "local-features", "inliers": r.Inliers, "transform": r.Transform}
			if r.Kind == features.KindCopy {
				evidence["overlap"] = []float64{r.OverlapA, r.OverlapB}
				from, to := pair(ms[i], ms[j])
				near = append(near, suggestion{from: from, relation: NearDuplicate, to: to, evidence: evidence})
				continue
			}
			for _, p := range []int{i, j} {
				if _, ok := parent[p]; !ok {
					parent[p] = p
				}
			}
			parent[find(i)] = find(j)
			shared[i] = append(shared[i], map[string]any{"with": ms[j].sha, "region": r.RegionA, "their_region": r.RegionB, "inliers": r.Inliers})
			shared[j] = append(shared[j], map[string]any{"with": ms[i].sha, "region": r.RegionB, "their_region": r.RegionA, "inliers": r.Inliers})
		}
	}
	groups := map[int][]int{}
	for p := range parent {
		groups[find(p)] = append(groups[find(p)], p)
	}
	for _, members := range groups {
		slices.SortFunc(members, func(a, b int) int { return cmp.Compare(ms[a].sha, ms[b].sha) })
	}
	roots := slices.Collect(maps.Keys(groups))
	slices.SortFunc(roots, func(a, b int) int { return cmp.Compare(ms[groups[a][0]].sha, ms[groups[b][0]].sha) })
	for _, root := range roots {
		members := groups[root]
		// Named by its first picture, so a second run finds the same node.
		n := store.Node{Kind: store.NodeLocation, AgencyID: c.AgencyID, CaseID: c.ID, CreatedBy: SuggestBy,
			Label: "same place as " + ms[members[0]].sha[:12], Notes: fmt.Sprintf("%d pictures sharing regions (local features)", len(members))}
		node, created, err := g.st.EnsureNode(ctx, n)
		if err != nil {
			return nil, nil, 0, err
		}
		if created {
			made++
		}
		for _, p := range members {
			same = append(same, suggestion{from: mediaRef(ms[p]), relation: TakenAt, to: store.Ref{Kind: store.NodeLocation, ID: node.ID},
				evidence: map[string]any{"signal": "local-features", "shares": shared[p]}})
		}
	}
	return near, same, made, nil
}
