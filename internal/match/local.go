package match

import (
	"context"
	"fmt"
	"log/slog"
	"math"

	"github.com/ariadne-vid/ariadne/internal/features"
	"github.com/ariadne-vid/ariadne/internal/store"
)

// localMatcher finds copies — crops, captions, borders, small turns —
// of media the store knows to be known-bad: media whose local features
// it has and that matched a known-bad entry by another signal. A copy
// found is near those entries, with the geometric evidence. (Known
// entries that are only hashes have no features to compare.)
type localMatcher struct {
	ix      *features.Index
	entries map[int64][]int64 // media → the known-bad entries it matched
	sha     map[int64]string
	exclude map[int64]bool // media not to report (see Matcher.ExcludeExhibit)
}

func newLocalMatcher(ctx context.Context, st *store.Store) (*localMatcher, error) {
	l := &localMatcher{ix: features.NewIndex(0), sha: map[int64]string{}}
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
	for _, id := range ids {
		if l.sha[id], err = st.MediaSHA256(ctx, id); err != nil {
			return nil, err
		}
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
		if r.Kind != features.KindCopy || l.sha[int64(h.ID)] == j.q.SHA256 || l.exclude[int64(h.ID)] {
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

// ExcludeExhibit leaves out of local-feature matching the media an
// exhibit already holds: ingest matches an exhibit against what was known
// before it, so a run resumed after a crash (whose first part made some
// of the exhibit's media known) finds what an uninterrupted run finds.
// Rematch finds copies within an exhibit.
func (m *Matcher) ExcludeExhibit(ctx context.Context, exhibitID int64) error {
	ids, err := m.st.ExhibitMediaIDs(ctx, exhibitID)
	if err != nil {
		return err
	}
	m.local.exclude = map[int64]bool{}
	for _, id := range ids {
		m.local.exclude[id] = true
	}
	return nil
}
