package auth

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

func TestPermissions(t *testing.T) {
	for _, c := range []struct {
		role   Role
		action Action
		want   bool
	}{
		{Admin, ManageUsers, true},
		{Admin, ViewMedia, false}, // an admin sees no media by default
		{Specialist, EditGraph, true},
		{Specialist, ManageUsers, false},
		{Grader, Categorize, true},
		{Grader, EditGraph, false},
		{Grader, ViewCase, false},
		{Examiner, Ingest, true},
		{Examiner, Categorize, false},
		{Auditor, ReadAudit, true},
		{Auditor, ViewMedia, false},
		{API, Lookup, true},
		{API, ViewCase, false},
		{API, ViewOwnAccount, false},
	} {
		if got := Can(c.role, c.action); got != c.want {
			t.Errorf("%s may %s: %v, want %v", c.role, c.action, got, c.want)
		}
	}
	for r, as := range permissions {
		for _, a := range as {
			if !strings.Contains(string(Table()), "`"+string(a)+"`") {
				t.Errorf("%s's %s is not in the table", r, a)
			}
		}
	}
}

// TestTableInDocs keeps docs/security.md's role × action table equal to
// the code's.
func TestTableInDocs(t *testing.T) {
	doc, err := os.ReadFile("../../docs/security.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), Table()) {
		t.Errorf("docs/security.md does not hold the role table; it should read:\n%s", Table())
	}
}

func TestPasswords(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("hash %s", h)
	}
	h2, _ := HashPassword("correct horse battery staple")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, c := range []struct {
		password, stored string
		want             bool
	}{
		{"correct horse battery staple", h, true},
		{"correct horse battery stapl", h, false},
		{"", h, false},
		{"correct horse battery staple", "", false},
		{"correct horse battery staple", strings.Replace(h, "argon2id", "argon2i", 1), false},
		{"correct horse battery staple", strings.Replace(h, "m=65536", "m=99999999", 1), false},
	} {
		if got := VerifyPassword(c.password, c.stored); got != c.want {
			t.Errorf("VerifyPassword(%q, %.30s...) = %v", c.password, c.stored, got)
		}
	}
	if _, err := HashPassword("short"); err == nil {
		t.Error("a short password was accepted")
	}
}

func TestTOTP(t *testing.T) {
	secret, url, err := NewTOTP("Ariadne", "tester")
	if err != nil || !strings.HasPrefix(url, "otpauth://totp/Ariadne:tester?") {
		t.Fatalf("%s %v", url, err)
	}
	at := time.Date(2026, 12, 2, 12, 0, 10, 0, time.UTC) // a fixed time: no clock in the test
	code := func(t0 time.Time) string {
		c, _ := totp.GenerateCodeCustom(secret, t0, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		return c
	}
	step, ok := CheckTOTP(secret, code(at), at, 0)
	if !ok || step != at.Unix()/30 {
		t.Fatalf("a good code: %v, step %d", ok, step)
	}
	if _, ok := CheckTOTP(secret, code(at), at, step); ok {
		t.Error("a code was accepted twice")
	}
	if _, ok := CheckTOTP(secret, code(at.Add(-30*time.Second)), at, 0); !ok {
		t.Error("one step of skew refused")
	}
	if _, ok := CheckTOTP(secret, code(at.Add(-90*time.Second)), at, 0); ok {
		t.Error("a code three steps old was accepted")
	}
	if _, ok := CheckTOTP(secret, "000000", at, 0); ok && code(at) != "000000" {
		t.Error("a wrong code was accepted")
	}
}

func TestTokens(t *testing.T) {
	a, ha, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := NewToken()
	if a == b || !strings.HasPrefix(a, TokenPrefix) || len(a) != len(TokenPrefix)+52 {
		t.Errorf("tokens %q %q", a, b)
	}
	if !SameHash(TokenHash(a), ha) || SameHash(TokenHash(b), ha) || strings.Contains(ha, a[len(TokenPrefix):]) {
		t.Error("token hashes")
	}
}
