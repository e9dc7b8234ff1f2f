package match

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"

	"github.com/ariadne-vid/ariadne/internal/features"
	"github.com/ariadne-vid/ariadne/internal/store"
)

// localMatcher finds copies — crops, captions, borders, small turns —
// of known pictures: media whose local features the store has and that
// are exactly (by MD5, SHA-1 or SHA-256) an entry of a known-bad set. A
// copy found is near those entries, with the geometric evidence. (Known
// entries that are only hashes have no features to compare.)
//
// A query is not matched against known media of its own exhibits
// (Query.Exhibits): an exhibit is compared with what other exhibits
// hold, so that an ingest resumed after a crash, an uninterrupted one and
// a rematch all find the same, whatever became known during the run.
type localMatcher struct {
	ix       *features.Index
	entries  map[int64][]int64 // media → the known-bad entries it is
	exhibits map[int64][]int64 // media → the exhibits holding it
	sha      map[int64]string
}

func newLocalMatcher(ctx context.Context, st *store.Store) (*localMatcher, error) {
	l := &localMatcher{ix: features.NewIndex(0)}
	var ids []int64
	err := st.MediaFeatures(ctx, features.Version, true, func(id int64, data []byte) error {
		s, err := features.Decode(data)
		if err != nil {
			slog.Warn("stored local features unreadable; the media is not matched by them", "media", id, "err", err)
			return nil
		}
		ids = append(ids, id)
		return l.ix.Add(uint64(id), s)
	})
	if err != nil {
		return nil, fmt.Errorf("local features of known media: %w", err)
	}
	if l.entries, err = st.KnownEntriesOf(ctx, ids); err != nil {
		return nil, err
	}
	if l.exhibits, err = st.ExhibitsOfMedia(ctx, ids); err != nil {
		return nil, err
	}
	if l.sha, err = st.SHA256Of(ctx, ids); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *localMatcher) empty() bool { return l.ix.Len() == 0 }

// match adds the local-feature matches of a query: for a copy of a known
// media, a match with each entry that media matched.
func (l *localMatcher) match(j *job) error {
	if j.q.Features == nil || l.empty() {
		return nil
	}
	hits, err := l.ix.Search(j.q.Features, j.q.FeaturesMirrored, features.SearchOptions{})
	if err != nil {
		return err
	}
	for _, h := range hits {
		r := h.Result
		if r.Kind != features.KindCopy || l.sha[int64(h.ID)] == j.q.SHA256 || sharesAny(l.exhibits[int64(h.ID)], j.q.Exhibits) {
			continue // a shared region only is the same place, for the graph; the media itself is no copy
		}
		detail := detailJSON(map[string]any{"via_media": l.sha[int64(h.ID)], "kind": r.Kind, "inliers": r.Inliers, "transform": r.Transform,
			"overlap_query": r.OverlapA, "overlap_known": r.OverlapB, "region_query": r.RegionA, "region_known": r.RegionB})
		for _, e := range l.entries[int64(h.ID)] {
			// The distance of a local-feature match: 100 less the inliers,
			// so more agreement is nearer (0 from 100 inliers up).
			j.res.Matches = append(j.res.Matches, store.Match{EntryID: e, SignalType: store.SignalLocalFeatures, Distance: int(math.Max(0, float64(100-r.Inliers))), Detail: detail})
			j.res.Near = true
		}
	}
	return nil
}

func sharesAny(a, b []int64) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// refreshLocal rebuilds the local-feature index from the store, and says
// whether it holds more known media than before (rematch then compares
// again: its own matches can make media known).
func (m *Matcher) refreshLocal(ctx context.Context) (bool, error) {
	l, err := newLocalMatcher(ctx, m.st)
	if err != nil {
		return false, err
	}
	grew := l.ix.Len() > m.local.ix.Len()
	m.local = l
	return grew, nil
}
