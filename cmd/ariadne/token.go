package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/auth"
	"github.com/ariadne-vid/ariadne/internal/store"
)

func init() {
	register(command{name: "token", summary: "API tokens: token create|list|revoke", run: runToken})
}

func runToken(args []string, stdout, stderr io.Writer) error {
	return runVerb("token", map[string]verb{"create": tokenCreate, "list": tokenList, "revoke": tokenRevoke}, args, stdout, stderr)
}

// parseExpiry reads a lifetime: 90d, 12h, or a Go duration.
func parseExpiry(s string, now time.Time) (string, error) {
	if s == "" {
		return "", nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 {
			return "", usageErr("--expires %q: a number of days (90d) or a duration (12h)", s)
		}
		return now.AddDate(0, 0, n).UTC().Format(time.RFC3339), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return "", usageErr("--expires %q: a number of days (90d) or a duration (12h)", s)
	}
	return now.Add(d).UTC().Format(time.RFC3339), nil
}

// tokenCreate is "token create --user NAME": prints the token once, as
// the last field of its last line.
func tokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("token create", "--user NAME [--scope lookup|api] [--expires 90d] [--db DB]", stderr)
	db := dbFlag(fs)
	user := fs.String("user", "", "the token's user")
	scopeName := fs.String("scope", string(auth.ScopeLookup), "lookup (the HMA routes) or api (the JSON API as the user)")
	expires := fs.String("expires", "", "lifetime: 90d, 12h (default: until revoked)")
	_, st, err := parseOpen(ctx, fs, args, db, 0, "no arguments")
	if err != nil {
		return err
	}
	defer st.Close()
	scope, err := auth.ParseScope(*scopeName)
	if err != nil {
		return usageErr("%v", err)
	}
	u, err := st.UserByName(ctx, *user)
	if err != nil {
		return err
	}
	if u.Disabled {
		return fmt.Errorf("user %s is disabled", u.Name)
	}
	at, err := parseExpiry(*expires, time.Now())
	if err != nil {
		return err
	}
	token, hash, err := auth.NewToken()
	if err != nil {
		return err
	}
	t, err := st.AddToken(ctx, store.Token{UserID: u.ID, Scope: string(scope), ExpiresAt: at}, hash)
	if err != nil {
		return err
	}
	if err := recordAudit(ctx, st, *db, audit.Entry{Agency: u.Agency, Action: "token-create", Object: fmt.Sprintf("token:%d", t.ID),
		Detail: fmt.Sprintf("user %s, scope %s, expires %s", u.Name, t.Scope, t.ExpiresAt)}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "token #%d for %s (scope %s), shown once; it is stored only as a hash: %s\n", t.ID, u.Name, t.Scope, token)
	return nil
}

// tokenList is "token list --agency A [--user NAME]".
func tokenList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("token list", "--agency A [--user NAME] [--db DB]", stderr)
	db := dbFlag(fs)
	agency := fs.String("agency", "", "the agency")
	user := fs.String("user", "", "one user's tokens")
	_, st, err := parseOpen(ctx, fs, args, db, 0, "no arguments")
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := st.AgencyByName(ctx, *agency)
	if err != nil {
		return err
	}
	var userID int64
	if *user != "" {
		u, err := st.UserByName(ctx, *user)
		if err != nil || u.AgencyID != a.ID {
			return fmt.Errorf("user %s of %s: %w", *user, a.Name, store.ErrNotFound)
		}
		userID = u.ID
	}
	ts, err := st.Tokens(ctx, a.ID, userID)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tUSER\tSCOPE\tCREATED\tEXPIRES\tREVOKED")
	for _, t := range ts {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.User, t.Scope, t.CreatedAt, t.ExpiresAt, t.RevokedAt)
	}
	return tw.Flush()
}

// tokenRevoke is "token revoke ID --agency A".
func tokenRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("token revoke", "ID --agency A [--db DB]", stderr)
	db := dbFlag(fs)
	agency := fs.String("agency", "", "the token's agency")
	pos, st, err := parseOpen(ctx, fs, args, db, 1, "one token ID")
	if err != nil {
		return err
	}
	defer st.Close()
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return usageErr("token ID %q: a number", pos[0])
	}
	a, err := st.AgencyByName(ctx, *agency)
	if err != nil {
		return err
	}
	if err := st.RevokeToken(ctx, a.ID, id); err != nil {
		return err
	}
	if err := recordAudit(ctx, st, *db, audit.Entry{Agency: a.Name, Action: "token-revoke", Object: fmt.Sprintf("token:%d", id)}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "token #%d revoked\n", id)
	return nil
}
