// Package digest computes the cryptographic hashes Ariadne records for
// every file (MD5, SHA-1, SHA-256) in one pass over its bytes.
package digest

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"hash"
)

// Sums holds a file's digests as lower-case hex.
type Sums struct {
	MD5    string `json:"md5"`
	SHA1   string `json:"sha1"`
	SHA256 string `json:"sha256"`
}

// Writer feeds every byte written to it to the three digests.
type Writer struct {
	md5, sha1, sha256 hash.Hash
	n                 int64
}

// New returns a Writer ready for use.
func New() *Writer {
	return &Writer{md5: md5.New(), sha1: sha1.New(), sha256: sha256.New()}
}

// Write never fails.
func (w *Writer) Write(p []byte) (int, error) {
	w.md5.Write(p)
	w.sha1.Write(p)
	w.sha256.Write(p)
	w.n += int64(len(p))
	return len(p), nil
}

// Len is the number of bytes written since the last Reset.
func (w *Writer) Len() int64 { return w.n }

// Sums returns the digests of everything written so far.
func (w *Writer) Sums() Sums {
	var buf [sha256.Size]byte
	return Sums{
		MD5:    hex.EncodeToString(w.md5.Sum(buf[:0])),
		SHA1:   hex.EncodeToString(w.sha1.Sum(buf[:0])),
		SHA256: hex.EncodeToString(w.sha256.Sum(buf[:0])),
	}
}

// Reset clears the digests for the next file.
func (w *Writer) Reset() {
	w.md5.Reset()
	w.sha1.Reset()
	w.sha256.Reset()
	w.n = 0
}
