package metadata

import (
	"cmp"
	"slices"
)

// Places groups positions by single linkage: two positions within
// radiusKm of each other are of one place, and so are chains of them. It
// returns groups of indexes into pts, each in ascending order of
// latitude, the groups ordered by their first member; positions near no
// other are groups of one. A sweep over latitude keeps it near n log n
// for positions spread over a map.
func Places(pts []GPS, radiusKm float64) [][]int {
	order := make([]int, len(pts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(pts[a].Lat, pts[b].Lat) })
	parent := make([]int, len(pts))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	const degPerKm = 1 / 111.2 // of latitude
	for a := range order {
		for b := a + 1; b < len(order) && pts[order[b]].Lat-pts[order[a]].Lat <= radiusKm*degPerKm; b++ {
			if DistanceKm(pts[order[a]], pts[order[b]]) <= radiusKm {
				ra, rb := find(a), find(b)
				parent[max(ra, rb)] = min(ra, rb)
			}
		}
	}
	members := map[int][]int{}
	var roots []int
	for a := range order {
		r := find(a)
		if _, ok := members[r]; !ok {
			roots = append(roots, r)
		}
		members[r] = append(members[r], order[a])
	}
	out := make([][]int, len(roots))
	for i, r := range roots {
		out[i] = members[r]
	}
	return out
}
