package category

import (
	"context"
	"errors"
	"fmt"

	"github.com/ariadne-vid/ariadne/internal/store"
)

// ErrBadVote marks a vote refused for its scheme or value: the voter's
// error, not the store's.
var ErrBadVote = errors.New("bad vote")

// Cast records one grader's vote of value on media of an agency under a
// scheme (the agency's default when scheme is ""), and returns the
// scheme and where each media stands now, in the order given. The media
// must already be known to be the agency's.
func Cast(ctx context.Context, st *store.Store, agencyID int64, scheme, value, grader string, mediaIDs []int64) (Scheme, []Outcome, error) {
	agency, err := st.AgencyByID(ctx, agencyID)
	if err != nil {
		return Scheme{}, nil, err
	}
	declared, err := st.Schemes(ctx, agencyID)
	if err != nil {
		return Scheme{}, nil, err
	}
	if scheme == "" {
		scheme = agency.Scheme
	}
	if scheme == "" {
		return Scheme{}, nil, fmt.Errorf("%w: agency %s has no default scheme: name one", ErrBadVote, agency.Name)
	}
	s, err := Lookup(scheme, declared)
	if err != nil {
		return s, nil, fmt.Errorf("%w: %v", ErrBadVote, err)
	}
	if !s.Has(value) {
		return s, nil, fmt.Errorf("%w: %q is not a category of %s (values: %v)", ErrBadVote, value, s.Name, s.Values)
	}
	votes := make([]store.Vote, len(mediaIDs))
	for i, id := range mediaIDs {
		votes[i] = store.Vote{AgencyID: agencyID, MediaID: id, Scheme: s.Name, Value: value, Grader: grader}
	}
	if _, err := st.AddVotes(ctx, votes); err != nil {
		return s, nil, err
	}
	all, err := st.VotesOf(ctx, agencyID, mediaIDs, s.Name)
	if err != nil {
		return s, nil, err
	}
	out := make([]Outcome, len(mediaIDs))
	for i, id := range mediaIDs {
		out[i] = s.Decide(all[id])
	}
	return s, out, nil
}
