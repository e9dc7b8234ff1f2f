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
	"github.com/ariadne-vid/ariadne/internal/digest"

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
	// Cases counts the VICS Case objects read (the Cases shape), and
	// Provenance keeps their case-level fields (CaseID, CaseNumber,
	// SourceApplicationName, contact): the first value of each.
	Cases      int               `json:"cases,omitempty"`
	Provenance map[string]string `json:"provenance,omitempty"`
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

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// set puts a hash into the entry field of its kind.
func set(e *store.Entry, kind digest.HashKind, v string) {
	switch kind {
	case digest.MD5:
		e.MD5 = v
	case digest.SHA1:
		e.SHA1 = v
	case digest.SHA256:
		e.SHA256 = v
	case digest.PDQ:
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
