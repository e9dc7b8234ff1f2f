package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/auth"
	"github.com/ariadne-vid/ariadne/internal/store"
)

// TestUserAndTokenCommands: accounts and tokens as an administrator
// makes them; a token is printed once, as the last field, and the store
// holds only its hash; every change is audited.
func TestUserAndTokenCommands(t *testing.T) {
	t.Setenv("USER", "admin-tester")
	dir := t.TempDir()
	db := filepath.Join(dir, "u.db")
	run := func(want int, args ...string) string {
		t.Helper()
		out, e, code := runCLI(t, append(args, "--db", db)...)
		if code != want {
			t.Fatalf("%v: exit %d, want %d: %s%s", args, code, want, out, e)
		}
		return out + e
	}
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("a long synthetic passphrase\n"), 0o600)
	short := filepath.Join(dir, "short")
	os.WriteFile(short, []byte("short\n"), 0o600)
	run(0, "agency", "add", "Agency A")
	run(0, "agency", "add", "Agency B")
	run(0, "user", "add", "alice", "--agency", "Agency A", "--role", "specialist", "--password-file", pw)
	run(1, "user", "add", "alice", "--agency", "Agency A", "--role", "specialist", "--password-file", pw)
	run(1, "user", "add", "bob", "--agency", "Agency A", "--role", "examiner", "--password-file", short)
	run(2, "user", "add", "bob", "--agency", "Agency A", "--role", "superuser", "--password-file", pw)
	if out := run(0, "user", "add", "bob", "--agency", "Agency A", "--role", "examiner", "--password-file", pw, "--totp"); !strings.Contains(out, "otpauth://totp/Ariadne:bob?") {
		t.Errorf("user add --totp: %s", out)
	}
	run(0, "user", "role", "bob", "grader")
	// An admin always needs a second factor.
	run(1, "user", "add", "carol", "--agency", "Agency A", "--role", "admin", "--password-file", pw)
	run(0, "user", "add", "carol", "--agency", "Agency A", "--role", "admin", "--password-file", pw, "--totp")
	run(1, "user", "role", "alice", "admin")
	if out := run(0, "user", "totp", "alice"); !strings.Contains(out, "otpauth://totp/Ariadne:alice?") {
		t.Errorf("user totp: %s", out)
	}
	run(0, "user", "role", "alice", "admin")
	run(0, "user", "role", "alice", "specialist")
	run(0, "user", "disable", "bob")
	if out := run(0, "user", "list", "--agency", "Agency A"); !strings.Contains(strings.Join(strings.Fields(out), " "), "bob Agency A grader true disabled") {
		t.Errorf("user list:\n%s", out)
	}
	run(1, "token", "create", "--user", "bob")

	out := strings.TrimSpace(run(0, "token", "create", "--user", "alice", "--scope", "api", "--expires", "90d"))
	lines := strings.Split(out, "\n")
	fields := strings.Fields(lines[len(lines)-1])
	token := fields[len(fields)-1]
	if !strings.HasPrefix(token, auth.TokenPrefix) {
		t.Fatalf("token create: %s", out)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	tk, err := st.TokenByHash(context.Background(), auth.TokenHash(token))
	u, _ := st.UserByName(context.Background(), "alice")
	st.Close()
	if err != nil || tk.User != "alice" || tk.Scope != "api" || tk.ExpiresAt == "" {
		t.Errorf("stored token %+v: %v", tk, err)
	}
	if !auth.VerifyPassword("a long synthetic passphrase", u.PasswordHash) {
		t.Error("the stored password hash does not verify")
	}
	for _, f := range []string{db, db + "-wal"} {
		if data, err := os.ReadFile(f); err == nil && (bytes.Contains(data, []byte(token)) || bytes.Contains(data, []byte("a long synthetic passphrase"))) {
			t.Errorf("%s holds the token or the password in clear", f)
		}
	}
	run(1, "token", "revoke", "1", "--agency", "Agency B") // another agency's token is not found
	run(0, "token", "revoke", "1", "--agency", "Agency A")
	run(1, "token", "revoke", "1", "--agency", "Agency A")
	if out := run(0, "audit", "export"); !strings.Contains(out, `"action":"user-add"`) || !strings.Contains(out, `"action":"user-role"`) ||
		!strings.Contains(out, `"action":"token-create"`) || !strings.Contains(out, `"action":"token-revoke"`) || strings.Contains(out, token) {
		t.Errorf("audit export:\n%s", out)
	}
	run(0, "audit", "verify")
}
