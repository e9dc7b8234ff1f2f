// Package hashsets reads and writes known-hash sets in the formats the
// field exchanges: Project VIC's VICS JSON (1.x and 2.0), plain hash
// lists, CSV with a header, and the NSRL RDS v3 database. Readers stream
// (constant memory whatever the file's size) and report every rejected
// record with its line and reason; what is valid is kept.
package hashsets

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/store"
)

// Rejection is one record a reader refused.
type Rejection struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// Report counts what a reader saw.
type Report struct {
	Records  int      `json:"records"`
	Accepted int      `json:"accepted"`
	Rejected int      `json:"rejected"`
	Warnings []string `json:"warnings,omitempty"`
}

// Sink receives what a reader parses: each entry, each rejection.
type Sink struct {
	Entry  func(store.Entry) error
	Reject func(Rejection)
}

func (s Sink) reject(r *Report, line int, format string, a ...any) {
	r.Rejected++
	if s.Reject != nil {
		s.Reject(Rejection{Line: line, Reason: fmt.Sprintf(format, a...)})
	}
}

func (s Sink) accept(r *Report, e store.Entry) error {
	r.Accepted++
	return s.Entry(e)
}

// HashKind is a kind of hash a set can hold.
type HashKind string

// Hash kinds, with their hex lengths.
const (
	MD5    HashKind = "md5"
	SHA1   HashKind = "sha1"
	SHA256 HashKind = "sha256"
	PDQ    HashKind = "pdq"
)

func (k HashKind) hexLen() int {
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

// normHex lower-cases a hex hash and checks its length and digits. It
// allocates only for upper-case input: it runs once per hash of imports
// of millions.
func normHex(kind HashKind, s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) != kind.hexLen() {
		return "", fmt.Errorf("%s %q: want %d hex digits, got %d", kind, clip(s), kind.hexLen(), len(s))
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

// set puts a hash into the entry field of its kind.
func set(e *store.Entry, kind HashKind, v string) {
	switch kind {
	case MD5:
		e.MD5 = v
	case SHA1:
		e.SHA1 = v
	case SHA256:
		e.SHA256 = v
	case PDQ:
		e.PDQ = v
	}
}

// keyOf is an entry's identity when the source gives none: its strongest
// hash.
func keyOf(e *store.Entry) string {
	switch {
	case e.SHA256 != "":
		return "sha256:" + e.SHA256
	case e.SHA1 != "":
		return "sha1:" + e.SHA1
	case e.MD5 != "":
		return "md5:" + e.MD5
	case e.PDQ != "":
		return "pdq:" + e.PDQ
	case e.VPDQ != "":
		return "vpdq:" + digestKey(e.VPDQ)
	case e.Chromaprint != "":
		return "chromaprint:" + digestKey(e.Chromaprint)
	}
	return ""
}

// digestKey names a long signal by the start of its SHA-256.
func digestKey(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}
