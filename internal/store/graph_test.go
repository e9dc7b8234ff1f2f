package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
)

// TestGraphStore: nodes are unique per agency and kind, another agency's
// node or link is not found, a link added twice is one link, decisions
// keep their history, and a repeated vote is recorded once.
func TestGraphStore(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		st := e.Store
		a, err := st.AddAgency(ctx, store.Agency{Name: "Agency A", Country: "ZZ", Contact: "vid-desk@agency-a.example"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddAgency(ctx, store.Agency{Name: "Agency A"}); !errors.Is(err, store.ErrExists) {
			t.Errorf("a second agency of the same name: %v", err)
		}
		b, _ := st.AddAgency(ctx, store.Agency{Name: "Agency B"})
		c, err := st.CreateCase(ctx, store.Case{Number: "A-1", Agency: "Agency A"})
		if err != nil || c.AgencyID != a.ID {
			t.Fatalf("case %+v: %v", c, err)
		}
		s1, err := st.CreateNode(ctx, store.Node{Kind: store.NodeSeries, AgencyID: a.ID, CaseID: c.ID, Label: "Blue Room", CreatedBy: "tester"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateNode(ctx, store.Node{Kind: store.NodeSeries, AgencyID: a.ID, Label: "Blue Room", CreatedBy: "tester"}); !errors.Is(err, store.ErrExists) {
			t.Errorf("same label twice in one agency: %v", err)
		}
		if _, err := st.CreateNode(ctx, store.Node{Kind: store.NodeSeries, AgencyID: b.ID, Label: "Blue Room", CreatedBy: "tester"}); err != nil {
			t.Errorf("the same label in another agency: %v", err)
		}
		if _, err := st.NodeByID(ctx, b.ID, s1.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another agency's node: %v", err)
		}
		got, err := st.NodeByID(ctx, a.ID, s1.ID)
		if err != nil || got.Label != "Blue Room" || got.Case != "A-1" || got.Agency != "Agency A" || got.Sharing != store.ShareDeconfliction {
			t.Errorf("node %+v: %v", got, err)
		}

		mediaID, _ := st.SaveMedia(ctx, store.Media{SHA256: "aa", MD5: "m", SHA1: "s", Size: 1})
		evidence := json.RawMessage(`{"signal":"pdq","distance":4}`)
		link := store.Link{AgencyID: a.ID, CaseID: c.ID, From: store.Ref{Kind: store.NodeMedia, ID: mediaID}, Relation: "in-series", To: store.Ref{Kind: store.NodeSeries, ID: s1.ID}}
		l, created, err := st.AddLink(ctx, link, store.LinkEvent{Status: store.LinkSuggested, Basis: store.ByRule, Rule: "near-duplicate", Evidence: evidence, By: "ariadne suggest"})
		if err != nil || !created {
			t.Fatalf("add link: %v %v", created, err)
		}
		if _, created, _ := st.AddLink(ctx, link, store.LinkEvent{Status: store.LinkSuggested, Basis: store.ByRule, By: "ariadne suggest"}); created {
			t.Error("the same link was added twice")
		}
		if _, err := st.DecideLink(ctx, b.ID, l.ID, store.LinkEvent{Status: store.LinkConfirmed, Basis: store.ByPerson, By: "intruder"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another agency decided the link: %v", err)
		}
		l, err = st.DecideLink(ctx, a.ID, l.ID, store.LinkEvent{Status: store.LinkConfirmed, Basis: store.ByPerson, By: "specialist", Reason: "same room"})
		if err != nil || l.Status != store.LinkConfirmed || l.Last.By != "specialist" || l.Last.Reason != "same room" {
			t.Errorf("decided: %+v, %v", l, err)
		}
		history, err := st.LinkHistory(ctx, a.ID, l.ID)
		if err != nil || len(history) != 2 || history[0].Status != store.LinkSuggested || history[0].Rule != "near-duplicate" || string(history[0].Evidence) != string(evidence) || history[1].Status != store.LinkConfirmed {
			t.Errorf("history %+v: %v", history, err)
		}
		foreign, err := st.ForeignLinksTo(ctx, b.ID, []int64{mediaID})
		if err != nil || len(foreign) != 1 || foreign[0].ID != l.ID {
			t.Errorf("agency B sees %d foreign links (%v), want A's one", len(foreign), err)
		}

		vote := store.Vote{AgencyID: a.ID, MediaID: mediaID, Scheme: "caid", Value: "C", Grader: "g1"}
		n, err := st.AddVotes(ctx, []store.Vote{vote, vote, {AgencyID: a.ID, MediaID: mediaID, Scheme: "caid", Value: "B", Grader: "g2"}})
		if err != nil || n != 2 {
			t.Errorf("votes added %d (%v), want 2", n, err)
		}
		votes, _ := st.VotesOf(ctx, a.ID, []int64{mediaID}, "caid")
		if len(votes[mediaID]) != 2 {
			t.Errorf("votes %+v", votes)
		}
		if other, _ := st.VotesOf(ctx, b.ID, []int64{mediaID}, ""); len(other) != 0 {
			t.Errorf("agency B sees A's votes: %+v", other)
		}
	})
}
