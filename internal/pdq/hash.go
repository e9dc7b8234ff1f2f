// Package pdq computes Meta's PDQ perceptual image hash (256 bits plus a
// quality score) exactly as the reference C++ implementation in the
// ThreatExchange repository does, and provides the hash type, its hex form
// and the Hamming distance used to compare hashes.
package pdq

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/bits"
	"strings"
)

// Hash is a 256-bit PDQ hash. Byte 0 holds the most significant bits as the
// reference prints them: the hex form of a Hash is the 32 bytes in order.
// Bit k of the reference's 16x16 DCT sign matrix (k = row*16 + col) is bit
// k%8 of byte 31-k/8.
type Hash [32]byte

// HexLen is the length of a hash's hex form.
const HexLen = 64

// ParseHex decodes a 64-digit hex string (either case).
func ParseHex(s string) (Hash, error) {
	var h Hash
	if len(s) != HexLen {
		return h, fmt.Errorf("pdq hash %q: want %d hex digits, got %d", clip(s), HexLen, len(s))
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, fmt.Errorf("pdq hash %q: %w", clip(s), err)
	}
	return h, nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// String returns the lower-case hex form, as the reference prints it.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// MarshalText implements encoding.TextMarshaler.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (h *Hash) UnmarshalText(b []byte) error {
	v, err := ParseHex(string(b))
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// Bit reports whether bit k (0..255, reference numbering) is set.
func (h *Hash) Bit(k int) bool { return h[31-k/8]>>(k%8)&1 == 1 }

func (h *Hash) setBit(k int) { h[31-k/8] |= 1 << (k % 8) }

// Distance is the Hamming distance between two hashes (0..256).
func Distance(a, b Hash) int {
	n := 0
	for i := 0; i < 32; i += 8 {
		n += bits.OnesCount64(binary.LittleEndian.Uint64(a[i:]) ^ binary.LittleEndian.Uint64(b[i:]))
	}
	return n
}

// The thresholds Meta recommends for PDQ, used wherever Ariadne matches
// or groups images unless a hash set says otherwise.
const (
	// DefaultMinQuality is the quality below which a hash is not used for
	// similarity (flat or featureless images hash alike).
	DefaultMinQuality = 50
	// DefaultRadius is the Hamming distance within which two hashes are
	// near-duplicates.
	DefaultRadius = 31
)

// FormatDihedral is the stored form of an image's 8 dihedral hashes (in
// DihedralNames' order): their hex forms joined by commas.
func FormatDihedral(hs []Hash) string {
	b := make([]byte, 0, len(hs)*(HexLen+1))
	for i, h := range hs {
		if i > 0 {
			b = append(b, ',')
		}
		b = hex.AppendEncode(b, h[:])
	}
	return string(b)
}

// ParseDihedral reads FormatDihedral's form; it wants exactly 8 hashes.
func ParseDihedral(s string) ([]Hash, error) {
	out := make([]Hash, 0, 8)
	for part := range strings.SplitSeq(s, ",") {
		h, err := ParseHex(part)
		if err != nil {
			return nil, fmt.Errorf("dihedral hashes: %w", err)
		}
		out = append(out, h)
	}
	if len(out) != 8 {
		return nil, fmt.Errorf("dihedral hashes: want 8, got %d", len(out))
	}
	return out, nil
}
