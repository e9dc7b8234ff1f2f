package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/auth"
	"github.com/ariadne-vid/ariadne/internal/store"
)

func init() {
	register(command{name: "user", summary: "accounts: user add|list|show|disable|enable|passwd|role", run: runUser})
}

func runUser(args []string, stdout, stderr io.Writer) error {
	return runVerb("user", map[string]verb{"add": userAdd, "list": userList, "show": userShow, "disable": userSetDisabled(true),
		"enable": userSetDisabled(false), "passwd": userPasswd, "role": userRole, "totp": userTOTP}, args, stdout, stderr)
}

// readPassword reads a password file: its first line, as it is (a
// trailing newline is not part of it). Passwords never come from flags,
// where other users of the machine could read them.
func readPassword(path string) (string, error) {
	if path == "" {
		return "", usageErr("--password-file is required (a file holding the password; - for standard input)")
	}
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(io.LimitReader(stdin, 4096))
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return "", err
	}
	p, _, _ := strings.Cut(string(data), "\n")
	p = strings.TrimSuffix(p, "\r")
	return p, auth.CheckPassword(p)
}

// userAdd is "user add NAME --agency A --role R --password-file F".
func userAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("user add", "NAME --agency A --role ROLE --password-file F [--totp] [--db DB]", stderr)
	db := dbFlag(fs)
	agency := fs.String("agency", "", "the user's agency")
	roleName := fs.String("role", "", "admin, specialist, grader, examiner, auditor or api")
	passwordFile := fs.String("password-file", "", "a file holding the password (- for standard input)")
	withTOTP := fs.Bool("totp", false, "require a TOTP code at sign-in: prints the secret to enter in an authenticator app")
	pos, st, err := parseOpen(ctx, fs, args, db, 1, "one user NAME")
	if err != nil {
		return err
	}
	defer st.Close()
	role, err := auth.ParseRole(*roleName)
	if err != nil {
		return usageErr("%v", err)
	}
	a, err := st.AgencyByName(ctx, *agency)
	if err != nil {
		return err
	}
	if auth.NeedsTOTP(role, a.RequireTOTP) && !*withTOTP {
		return fmt.Errorf("a user of role %s in %s needs a second factor: add --totp", role, a.Name)
	}
	password, err := readPassword(*passwordFile)
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	u := store.User{AgencyID: a.ID, Name: pos[0], Role: string(role), PasswordHash: hash}
	var url string
	if *withTOTP {
		if u.TOTPSecret, url, err = auth.NewTOTP("Ariadne", u.Name); err != nil {
			return err
		}
	}
	if u, err = st.AddUser(ctx, u); err != nil {
		return err
	}
	if err := recordAudit(ctx, st, *db, audit.Entry{Agency: a.Name, Action: "user-add", Object: "user:" + u.Name, Detail: "role " + u.Role}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "user %s added to %s as %s\n", u.Name, a.Name, u.Role)
	if url != "" {
		fmt.Fprintf(stdout, "TOTP (shown once; enter it in an authenticator app): %s\n", url)
	}
	return nil
}

// userList is "user list [--agency A]".
func userList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("user list", "[--agency A] [--db DB]", stderr)
	db := dbFlag(fs)
	agency := fs.String("agency", "", "one agency's users")
	_, st, err := parseOpen(ctx, fs, args, db, 0, "no arguments")
	if err != nil {
		return err
	}
	defer st.Close()
	var agencyID int64
	if *agency != "" {
		a, err := st.AgencyByName(ctx, *agency)
		if err != nil {
			return err
		}
		agencyID = a.ID
	}
	us, err := st.Users(ctx, agencyID)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tAGENCY\tROLE\tTOTP\tSTATE\tCREATED")
	for _, u := range us {
		state := "enabled"
		if u.Disabled {
			state = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%s\t%s\n", u.Name, u.Agency, u.Role, u.HasTOTP, state, u.CreatedAt)
	}
	return tw.Flush()
}

// userShow is "user show NAME".
func userShow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("user show", "NAME [--db DB]", stderr)
	db := dbFlag(fs)
	pos, st, err := parseOpen(ctx, fs, args, db, 1, "one user NAME")
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByName(ctx, pos[0])
	if err != nil {
		return err
	}
	tokens, err := st.Tokens(ctx, u.AgencyID, u.ID)
	if err != nil {
		return err
	}
	return printJSON(stdout, struct {
		store.User
		Tokens []store.Token `json:"tokens"`
	}{u, tokens})
}

// changeUser loads a user, changes it and records the change.
func changeUser(ctx context.Context, args []string, name, usage string, nargs int, stdout, stderr io.Writer, setup func(*flag.FlagSet), change func(u *store.User, pos []string) (string, error)) error {
	fs := newFlags(name, usage, stderr)
	db := dbFlag(fs)
	setup(fs)
	pos, st, err := parseOpen(ctx, fs, args, db, nargs, usage)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByName(ctx, pos[0])
	if err != nil {
		return err
	}
	detail, err := change(&u, pos)
	if err != nil {
		return err
	}
	if err := st.UpdateUser(ctx, u); err != nil {
		return err
	}
	if u.Disabled {
		// A disabled user's sessions end now, not at their next request.
		if err := st.EndUserSessions(ctx, u.ID, time.Now()); err != nil {
			return err
		}
	}
	action := "user-" + strings.TrimPrefix(name, "user ")
	if err := recordAudit(ctx, st, *db, audit.Entry{Agency: u.Agency, Action: action, Object: "user:" + u.Name, Detail: detail}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "user %s: %s\n", u.Name, strings.TrimPrefix(name, "user "))
	return nil
}

// userSetDisabled is "user disable|enable NAME".
func userSetDisabled(disabled bool) verb {
	name := "user enable"
	if disabled {
		name = "user disable"
	}
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		return changeUser(ctx, args, name, "NAME [--db DB]", 1, stdout, stderr, func(*flag.FlagSet) {}, func(u *store.User, _ []string) (string, error) {
			u.Disabled = disabled
			return "", nil
		})
	}
}

// userPasswd is "user passwd NAME --password-file F".
func userPasswd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var file *string
	return changeUser(ctx, args, "user passwd", "NAME --password-file F [--db DB]", 1, stdout, stderr,
		func(fs *flag.FlagSet) {
			file = fs.String("password-file", "", "a file holding the new password (- for standard input)")
		},
		func(u *store.User, _ []string) (string, error) {
			p, err := readPassword(*file)
			if err != nil {
				return "", err
			}
			u.PasswordHash, err = auth.HashPassword(p)
			return "password changed", err
		})
}

// userRole is "user role NAME ROLE".
func userRole(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return changeUser(ctx, args, "user role", "NAME ROLE [--db DB]", 2, stdout, stderr, func(*flag.FlagSet) {}, func(u *store.User, pos []string) (string, error) {
		r, err := auth.ParseRole(pos[1])
		if err != nil {
			return "", usageErr("%v", err)
		}
		if auth.NeedsTOTP(r, false) && !u.HasTOTP {
			return "", fmt.Errorf("role %s needs a second factor: set one first (ariadne user totp %s)", r, u.Name)
		}
		detail := fmt.Sprintf("role %s → %s", u.Role, r)
		u.Role = string(r)
		return detail, nil
	})
}

// userTOTP is "user totp NAME": a new TOTP secret, printed once (the old
// one stops working).
func userTOTP(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var url string
	err := changeUser(ctx, args, "user totp", "NAME [--db DB]", 1, stdout, stderr, func(*flag.FlagSet) {}, func(u *store.User, _ []string) (string, error) {
		var err error
		u.TOTPSecret, url, err = auth.NewTOTP("Ariadne", u.Name)
		u.TOTPLastStep, u.HasTOTP = 0, true
		return "new second factor", err
	})
	if err == nil {
		fmt.Fprintf(stdout, "TOTP (shown once; enter it in an authenticator app): %s\n", url)
	}
	return err
}
