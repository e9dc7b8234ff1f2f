package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/digest"
	"github.com/ariadne-vid/ariadne/internal/graph"
	"github.com/ariadne-vid/ariadne/internal/store"
)

// byFlag is who a command acts as, recorded on what it decides. Until
// accounts exist it defaults to the operating-system user.
func byFlag(fs *flag.FlagSet) *string {
	return fs.String("by", cmp.Or(os.Getenv("USER"), "cli"), "who decides (recorded with the decision)")
}

// agencyCase returns a case that belongs to an agency: graph commands
// work within one.
func agencyCase(ctx context.Context, st *store.Store, number string) (store.Case, error) {
	if number == "" {
		return store.Case{}, usageErr("--case is required")
	}
	c, err := st.CaseByNumber(ctx, number)
	if err != nil {
		return c, err
	}
	if c.AgencyID == 0 {
		return c, fmt.Errorf("case %s belongs to no agency; the graph works within an agency (create cases with --agency)", c.Number)
	}
	return c, nil
}

// resolveRef reads a node as KIND:ID, media:SHA256 or KIND:LABEL (a
// series name, a victim's identifier...) within the agency.
func resolveRef(ctx context.Context, st *store.Store, agencyID int64, s string) (store.Ref, error) {
	if r, err := graph.ParseRef(s); err == nil {
		return r, nil
	}
	kind, rest, ok := strings.Cut(s, ":")
	if !ok || rest == "" {
		return store.Ref{}, usageErr("%q: want KIND:ID, media:SHA256 or KIND:LABEL", s)
	}
	k := store.NodeKind(kind)
	switch {
	case k == store.NodeMedia:
		h, err := digest.NormHex(digest.SHA256, rest)
		if err != nil {
			return store.Ref{}, fmt.Errorf("%q: %w", s, err)
		}
		ids, err := st.MediaBySHA256(ctx, []string{h})
		if err != nil {
			return store.Ref{}, err
		}
		if ids[h] == 0 {
			return store.Ref{}, fmt.Errorf("media %s: %w", h, store.ErrNotFound)
		}
		return store.Ref{Kind: k, ID: ids[h]}, nil
	case k == store.NodeCase:
		c, err := st.CaseByNumber(ctx, rest)
		if err != nil {
			return store.Ref{}, err
		}
		return store.Ref{Kind: k, ID: c.ID}, nil
	case k.Entity():
		n, err := st.NodeByLabel(ctx, agencyID, k, rest)
		if err != nil {
			return store.Ref{}, err
		}
		return store.Ref{Kind: k, ID: n.ID}, nil
	}
	return store.Ref{}, usageErr("%q: no node kind %q", s, kind)
}

// nodeByName finds a node by kind and label: in the named agency, or the
// only agency holding one of that label.
func nodeByName(ctx context.Context, st *store.Store, kind store.NodeKind, label, agency string) (store.Node, error) {
	if agency != "" {
		a, err := st.AgencyByName(ctx, agency)
		if err != nil {
			return store.Node{}, err
		}
		return st.NodeByLabel(ctx, a.ID, kind, label)
	}
	ns, err := st.NodesByLabel(ctx, kind, label)
	if err != nil {
		return store.Node{}, err
	}
	switch len(ns) {
	case 0:
		return store.Node{}, fmt.Errorf("%s %q: %w", kind, label, store.ErrNotFound)
	case 1:
		return ns[0], nil
	}
	var names []string
	for _, n := range ns {
		names = append(names, n.Agency)
	}
	return store.Node{}, usageErr("%d agencies have a %s %q (%s): say which with --agency", len(ns), kind, label, strings.Join(names, ", "))
}

// mediaOf resolves SHA-256 values to media the case holds; any other is
// an error naming it.
func mediaOf(ctx context.Context, st *store.Store, c store.Case, hashes []string) ([]int64, error) {
	ids, shas, err := st.CaseMediaIDs(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	inCase := make(map[string]int64, len(ids))
	for i, id := range ids {
		inCase[shas[i]] = id
	}
	var out []int64
	var errs []error
	for _, h := range hashes {
		norm, err := digest.NormHex(digest.SHA256, h)
		if err != nil || inCase[norm] == 0 {
			errs = append(errs, fmt.Errorf("media %s: not in case %s", h, c.Number))
			continue
		}
		out = append(out, inCase[norm])
	}
	return out, errors.Join(errs...)
}
