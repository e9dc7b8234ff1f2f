package digest

import (
	"fmt"
	"strings"
)

// HashKind is a kind of hash Ariadne records and hash sets hold. This is
// the one place that knows their names, their hex lengths and how a hex
// string's kind is told.
type HashKind string

// Hash kinds.
const (
	MD5    HashKind = "md5"
	SHA1   HashKind = "sha1"
	SHA256 HashKind = "sha256"
	PDQ    HashKind = "pdq"
)

// Exact are the cryptographic kinds, in the order files are recorded with.
var Exact = []HashKind{MD5, SHA1, SHA256}

// HexLen is the length of a hash of the kind in hex digits.
func (k HashKind) HexLen() int {
	switch k {
	case MD5:
		return 32
	case SHA1:
		return 40
	}
	return 64
}

// ParseHashKind accepts md5, sha1, sha256 or pdq (any case, sha-1 and
// sha-256 too).
func ParseHashKind(s string) (HashKind, error) {
	switch strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "") {
	case "md5":
		return MD5, nil
	case "sha1":
		return SHA1, nil
	case "sha256":
		return SHA256, nil
	case "pdq":
		return PDQ, nil
	}
	return "", fmt.Errorf("hash kind %q: want md5, sha1, sha256 or pdq", s)
}

// ErrAmbiguous is KindOfHex's error for 64 digits, which may be a SHA-256
// or a PDQ hash.
var ErrAmbiguous = fmt.Errorf("64 hex digits could be SHA-256 or PDQ")

// KindOfHex tells a cryptographic hash's kind from its length: 32 digits
// are MD5, 40 SHA-1. For 64 digits it returns SHA256 with ErrAmbiguous,
// so a caller that knows only exact hashes are meant (an exact lookup)
// can take it, and one that reads a list can ask which was meant.
func KindOfHex(s string) (HashKind, error) {
	switch len(s) {
	case 32:
		return MD5, nil
	case 40:
		return SHA1, nil
	case 64:
		return SHA256, ErrAmbiguous
	}
	return "", fmt.Errorf("%q is not an MD5 (32 hex digits), SHA-1 (40) or SHA-256 (64)", clip(s))
}

// ExactKindOfHex is KindOfHex where only MD5, SHA-1 and SHA-256 can be
// meant.
func ExactKindOfHex(s string) (HashKind, error) {
	k, err := KindOfHex(s)
	if err == ErrAmbiguous {
		err = nil
	}
	return k, err
}

// NormHex lower-cases a hex hash and checks its length and digits. It
// allocates only for upper-case input: it runs once per hash of imports
// of millions.
func NormHex(kind HashKind, s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) != kind.HexLen() {
		return "", fmt.Errorf("%s %q: want %d hex digits, got %d", kind, clip(s), kind.HexLen(), len(s))
	}
	upper := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f':
		case 'A' <= c && c <= 'F':
			upper = true
		default:
			return "", fmt.Errorf("%s %q: not hex", kind, clip(s))
		}
	}
	if upper {
		s = strings.ToLower(s)
	}
	return s, nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
