package match

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/audio"
	"github.com/ariadne-vid/ariadne/internal/features"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/video"
)

// RematchOptions tune Rematch; the zero value gives ingest's defaults.
type RematchOptions struct {
	MinQuality int    // as Options.MinQuality
	IndexCache string // as Options.IndexCache
	BatchSize  int    // media matched and written per transaction
}

func (o RematchOptions) withDefaults() RematchOptions {
	if o.MinQuality == 0 {
		o.MinQuality = pdq.DefaultMinQuality
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 500
	}
	return o
}

// RematchSummary says what a rematch found.
type RematchSummary struct {
	Media        int   `json:"media"`              // media checked
	Matched      int   `json:"media_matched"`      // media with at least one match now
	NewMatches   int64 `json:"new_matches"`        // matches not recorded before
	Reclassified int64 `json:"files_reclassified"` // files whose class rose, in any case
}

// storedMedia is what the store holds of a media that matching needs.
type storedMedia struct {
	media    store.Media
	pdq      string
	quality  int
	dihedral string
	// The embedded thumbnail's PDQ and quality, if recorded.
	thumbnail    string
	thumbQuality int
}

// Rematch matches the media already ingested in a case (or one of its
// exhibits, with exhibitID) against the hash sets as they are now, with
// the hashes recorded at ingest: the evidence is not read again. It finds
// what ingest would find today, so material a hash set imported after
// the ingest knows is triaged as such. New matches are recorded and the
// files of a matched media rise to the class the matches give; nothing
// recorded is removed.
func Rematch(ctx context.Context, st *store.Store, caseID, exhibitID int64, opts RematchOptions) (RematchSummary, error) {
	var sum RematchSummary
	opts = opts.withDefaults()
	// The scope is read whole first: a SQLite store has one connection,
	// which the writes below need.
	seen := map[int64]bool{}
	var all []storedMedia
	err := st.ScopeFiles(ctx, caseID, exhibitID, func(sf store.ScopedFile) error {
		if sf.Media != nil && !seen[sf.Media.ID] {
			seen[sf.Media.ID] = true
			all = append(all, storedMedia{media: *sf.Media, pdq: sf.PDQ, quality: sf.Quality, dihedral: sf.Dihedral, thumbnail: sf.Thumbnail, thumbQuality: sf.ThumbnailQuality})
		}
		return nil
	})
	if err != nil {
		return sum, fmt.Errorf("rematch: read the media: %w", err)
	}
	sum.Media = len(all)
	matcher, err := NewMatcher(ctx, st, opts.IndexCache, opts.MinQuality)
	if err != nil {
		return sum, fmt.Errorf("rematch: %w", err)
	}
	defer matcher.Close()
	matched := map[int64]bool{}
	madeKnown, err := rematchPass(ctx, st, matcher, all, opts.BatchSize, false, &sum, matched)
	if err != nil {
		return sum, err
	}
	// What this pass made known may have copies in the scope: a second
	// pass compares local features only, with the known media as they are
	// now, so that a second rematch finds nothing more.
	if !madeKnown {
		sum.Matched = len(matched)
		return sum, nil
	}
	if grew, err := matcher.refreshLocal(ctx); err != nil {
		return sum, fmt.Errorf("rematch: %w", err)
	} else if grew {
		if _, err := rematchPass(ctx, st, matcher, all, opts.BatchSize, true, &sum, matched); err != nil {
			return sum, err
		}
	}
	sum.Matched = len(matched)
	return sum, nil
}

// rematchPass matches the scope's media in batches and records what is
// found; localOnly asks for local-feature matches alone. It reports
// whether a media matched a known-bad entry exactly: a known picture,
// whose copies a local pass can then find.
func rematchPass(ctx context.Context, st *store.Store, matcher *Matcher, all []storedMedia, batch int, localOnly bool, sum *RematchSummary, matched map[int64]bool) (madeKnown bool, err error) {
	for start := 0; start < len(all); start += batch {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		part := all[start:min(start+batch, len(all))]
		ids := make([]int64, len(part))
		for i, m := range part {
			ids[i] = m.media.ID
		}
		av, err := st.AVSignalsOf(ctx, ids)
		if err != nil {
			return false, fmt.Errorf("rematch: %w", err)
		}
		var feats map[int64][]byte
		var exhibits map[int64][]int64
		if matcher.LocalFeatures() {
			if feats, err = st.FeaturesOf(ctx, features.Version, ids); err != nil {
				return false, fmt.Errorf("rematch: %w", err)
			}
			if exhibits, err = st.ExhibitsOfMedia(ctx, ids); err != nil {
				return false, fmt.Errorf("rematch: %w", err)
			}
		}
		queries := make([]Query, len(part))
		for i, m := range part {
			if localOnly {
				queries[i] = Query{SHA256: m.media.SHA256}
			} else {
				queries[i] = m.query(av[m.media.ID])
			}
			queries[i].Exhibits = exhibits[m.media.ID]
			if data, ok := feats[m.media.ID]; ok {
				// Upright only: a mirror image's features need the picture,
				// which rematch does not read again.
				if queries[i].Features, err = features.Decode(data); err != nil {
					slog.Warn("stored local features unreadable; media not matched by them", "sha256", m.media.SHA256, "err", err)
				}
			}
		}
		if localOnly {
			// The SHA-256 is there to tell a media from itself, not to be
			// looked up again.
			for i := range queries {
				queries[i].skipExact = true
			}
		}
		results, err := matcher.Match(ctx, queries)
		if err != nil {
			return false, fmt.Errorf("rematch: %w", err)
		}
		var found []store.MediaMatches
		for i, res := range results {
			if c := res.Class(); c != "" {
				found = append(found, store.MediaMatches{MediaID: part[i].media.ID, Matches: res.Matches, Class: c})
				matched[part[i].media.ID] = true
				madeKnown = madeKnown || res.Known
			}
		}
		added, reclassified, err := st.ApplyMatches(ctx, found)
		if err != nil {
			return false, fmt.Errorf("rematch: %w", err)
		}
		sum.NewMatches += added
		sum.Reclassified += reclassified
	}
	return madeKnown, nil
}

// query rebuilds, from the stored hashes, the query ingest made.
func (m storedMedia) query(av []store.Signal) Query {
	q := Query{MD5: m.media.MD5, SHA1: m.media.SHA1, SHA256: m.media.SHA256, PDQQuality: m.quality}
	if h, err := pdq.ParseHex(m.pdq); err == nil {
		q.PDQ = &h
		if m.dihedral != "" {
			if q.Dihedral, err = pdq.ParseDihedral(m.dihedral); err != nil {
				slog.Warn("stored dihedral PDQ hashes unreadable; media matched by its own PDQ", "sha256", m.media.SHA256, "err", err)
			}
		}
	} else if m.pdq != "" {
		slog.Warn("stored PDQ hash unreadable; media matched by its other hashes", "sha256", m.media.SHA256, "err", err)
	}
	if m.thumbnail != "" {
		if h, err := pdq.ParseHex(m.thumbnail); err == nil {
			q.Thumbnail, q.ThumbnailQuality = &h, m.thumbQuality
		} else {
			slog.Warn("stored thumbnail PDQ unreadable", "sha256", m.media.SHA256, "err", err)
		}
	}
	for _, sg := range av {
		switch sg.Type {
		case store.SignalVPDQ:
			frames, err := video.ReadLines(strings.NewReader(sg.Value))
			if err != nil {
				slog.Warn("stored vPDQ hash unreadable", "sha256", m.media.SHA256, "err", err)
			}
			q.VPDQ = frames
		case store.SignalChromaprint:
			items, _, err := audio.Decode(sg.Value)
			if err != nil {
				slog.Warn("stored audio fingerprint unreadable", "sha256", m.media.SHA256, "err", err)
			}
			q.Audio = items
		default:
			for i, speed := range audio.Speeds {
				if sg.Type == store.SignalChromaprintAt(speed) {
					items, _, err := audio.Decode(sg.Value)
					if err != nil {
						slog.Warn("stored audio fingerprint unreadable", "sha256", m.media.SHA256, "type", sg.Type, "err", err)
					}
					if q.AudioAtSpeeds == nil {
						q.AudioAtSpeeds = make([][]uint32, len(audio.Speeds))
					}
					q.AudioAtSpeeds[i] = items
				}
			}
		}
	}
	return q
}
