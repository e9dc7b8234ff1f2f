package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TokenPrefix starts every API token, so a leaked one is recognisable
// (and secret scanners can find it).
const TokenPrefix = "ariadne_"

// Scope is what a token may be used for.
type Scope string

// The scopes.
const (
	ScopeLookup Scope = "lookup" // the HMA-compatible lookup routes only
	ScopeAPI    Scope = "api"    // the JSON API, as its user
)

// ParseScope reads a scope's name.
func ParseScope(s string) (Scope, error) {
	switch sc := Scope(s); sc {
	case ScopeLookup, ScopeAPI:
		return sc, nil
	}
	return "", fmt.Errorf("no token scope %q (lookup, api)", s)
}

// NewToken makes a token (256 random bits) and the hash stored in its
// place: a token is shown once and never kept.
func NewToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = TokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	return token, TokenHash(token), nil
}

// TokenHash is what the store keeps of a token: its SHA-256 (a token has
// 256 bits of entropy, so a fast hash is enough, and lookups are by it).
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// SameHash compares two hashes in constant time.
func SameHash(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// NewTOTP makes a TOTP secret (RFC 6238: SHA-1, 6 digits, 30 s, as
// authenticator apps expect) for a user, and the otpauth:// URL an app
// reads.
func NewTOTP(issuer, user string) (secret, url string, err error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: user})
	if err != nil {
		return "", "", err
	}
	return k.Secret(), k.URL(), nil
}

// CheckTOTP checks a code at a time, allowing one 30-second step of clock
// skew either way, and refuses a code of a step at or before lastStep
// (the last one accepted): a code is good once. It returns the code's
// step, to be stored as the new lastStep.
func CheckTOTP(secret, code string, at time.Time, lastStep int64) (int64, bool) {
	now := at.Unix() / 30
	for _, step := range []int64{now - 1, now, now + 1} {
		if step <= lastStep {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*30, 0), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return lastStep, false
}
