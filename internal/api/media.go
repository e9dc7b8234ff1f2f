package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/auth"
	"github.com/ariadne-vid/ariadne/internal/digest"
	"github.com/ariadne-vid/ariadne/internal/metadata"
	"github.com/ariadne-vid/ariadne/internal/preview"
	"github.com/ariadne-vid/ariadne/internal/store"
)

// mediaRecord is GET /api/v1/media/{sha256}: what the agency knows of a
// media.
type mediaRecord struct {
	Media    store.Media          `json:"media"`
	Files    []store.MediaFile    `json:"files"`
	Matches  []store.MatchedEntry `json:"matches"`
	Metadata *metadata.Metadata   `json:"metadata,omitempty"`
	Votes    []store.Vote         `json:"votes"`
	Links    []store.Link         `json:"links"`
}

// agencyMedia finds a media the user's agency holds by the {sha256} of
// the path; one only another agency holds is not found.
func (a *API) agencyMedia(r *http.Request, id auth.Identity) (store.Media, []store.MediaFile, error) {
	sha, err := digest.NormHex(digest.SHA256, r.PathValue("sha256"))
	if err != nil {
		return store.Media{}, nil, badRequest("sha256: %v", err)
	}
	return a.st.AgencyMedia(r.Context(), id.AgencyID, sha)
}

func (a *API) showMedia(w http.ResponseWriter, r *http.Request) error {
	id, err := identity(r)
	if err != nil {
		return err
	}
	m, files, err := a.agencyMedia(r, id)
	if err != nil {
		return err
	}
	ctx := r.Context()
	ids := []int64{m.ID}
	matches, err := a.st.MatchesOf(ctx, ids)
	if err != nil {
		return err
	}
	meta, err := a.st.MetadataOf(ctx, ids)
	if err != nil {
		return err
	}
	votes, err := a.st.VotesOf(ctx, id.AgencyID, ids, "")
	if err != nil {
		return err
	}
	links, err := a.st.Links(ctx, store.LinkFilter{AgencyID: id.AgencyID, Touching: []store.Ref{{Kind: store.NodeMedia, ID: m.ID}}})
	if err != nil {
		return err
	}
	rec := mediaRecord{Media: m, Files: files, Matches: matches[m.ID], Metadata: meta[m.ID], Votes: votes[m.ID], Links: links}
	if rec.Matches == nil {
		rec.Matches = []store.MatchedEntry{}
	}
	if rec.Votes == nil {
		rec.Votes = []store.Vote{}
	}
	if rec.Links == nil {
		rec.Links = []store.Link{}
	}
	if err := a.record(r, id, "view-media", "media:"+m.SHA256, "", ""); err != nil {
		return err
	}
	return writeJSON(w, rec)
}

// picture is GET /api/v1/media/{sha256}/picture: a thumbnail blurred past
// recognition; with reveal=true and a reason (a role that may reveal
// only), the picture itself at screen size. grey=true renders it in
// grey. Every picture served is audited as blurred or revealed, with the
// reason. The picture is read from the evidence, read-only, each time:
// nothing of it is kept.
func (a *API) picture(w http.ResponseWriter, r *http.Request) error {
	id, err := identity(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	reveal, err := boolParam(q.Get("reveal"), "reveal")
	if err != nil {
		return err
	}
	grey, err := boolParam(q.Get("grey"), "grey")
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(q.Get("reason"))
	if reveal {
		if !auth.Can(id.Role, auth.RevealMedia) {
			return &Error{http.StatusForbidden, "role " + string(id.Role) + " may not " + string(auth.RevealMedia)}
		}
		if reason == "" {
			return badRequest("reveal=true needs a reason (it is kept in the audit log)")
		}
		if len(reason) > 500 {
			return badRequest("reason: at most 500 characters")
		}
	}
	m, files, err := a.agencyMedia(r, id)
	if err != nil {
		return err
	}
	out, problems, err := a.render(r, files, preview.Options{Reveal: reveal, Grey: grey})
	if errors.Is(err, preview.ErrNoPicture) {
		return &Error{http.StatusUnprocessableEntity, fmt.Sprintf("media %s holds no picture to show (%s)", m.SHA256, m.MIME)}
	}
	if err != nil {
		return err
	}
	if out == nil {
		// Paths stay out of the answer (it may reach a browser's cache of
		// errors) and go to the server's log.
		slog.Warn("no file of a media could be read for its picture", "sha256", m.SHA256, "problems", problems)
		return &Error{http.StatusNotFound, fmt.Sprintf("none of the %d files of media %s can be read from this server", len(files), m.SHA256)}
	}
	view := "blurred"
	if reveal {
		view = "revealed"
	}
	if err := a.record(r, id, "view-thumbnail", "media:"+m.SHA256, reason, view); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "image/jpeg")
	h.Set("Cache-Control", "no-store, private")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Ariadne-View", view)
	_, err = w.Write(out)
	return err
}

// render renders the first file of the media that can be read where its
// exhibit's ingest runs found it; what could not be read is returned.
func (a *API) render(r *http.Request, files []store.MediaFile, o preview.Options) ([]byte, []string, error) {
	var problems []string
	roots := map[int64][]string{}
	for _, f := range files {
		if _, ok := roots[f.ExhibitID]; !ok {
			runs, err := a.st.IngestRuns(r.Context(), f.ExhibitID)
			if err != nil {
				return nil, nil, err
			}
			for i := len(runs) - 1; i >= 0; i-- { // newest first
				var rs []string
				if err := json.Unmarshal([]byte(runs[i].Roots), &rs); err == nil {
					roots[f.ExhibitID] = append(roots[f.ExhibitID], rs...)
				}
			}
		}
		for _, p := range preview.Locate(f.Path, roots[f.ExhibitID]) {
			data, err := preview.Read(p)
			if err != nil {
				problems = append(problems, err.Error())
				continue
			}
			out, err := preview.Render(data, o)
			if errors.Is(err, preview.ErrNoPicture) {
				return nil, nil, err
			}
			if err != nil {
				problems = append(problems, p+": "+err.Error())
				continue
			}
			return out, nil, nil
		}
	}
	return nil, problems, nil
}

func boolParam(v, name string) (bool, error) {
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, badRequest("%s=%q: true or false", name, v)
	}
	return b, nil
}
