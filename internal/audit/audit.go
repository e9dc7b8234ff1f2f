// Package audit is Ariadne's tamper-evident log: every entry (who did
// what to which object, when, from where, why, and how it ended) is a
// leaf of a Merkle tree in the manner of Certificate Transparency (RFC
// 6962; the hashing of golang.org/x/mod/sumdb/tlog), and signed
// checkpoints (a tree size and its root hash, signed with the
// installation's Ed25519 key in the signed-note format of
// golang.org/x/mod/sumdb/note) fix what the log held at a moment. Verify
// recomputes the tree from the entries and checks every checkpoint: an
// entry altered, removed, inserted or reordered before the latest
// checkpoint makes it fail. Entries after the latest checkpoint are
// protected only once the next one is written. The package is a leaf:
// it knows nothing of the store.
package audit

import (
	"encoding/json"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Entry is one audited event.
type Entry struct {
	Seq     int64  `json:"seq"`  // its index in the log, from 0
	Time    string `json:"time"` // RFC 3339, UTC
	User    string `json:"user,omitempty"`
	Agency  string `json:"agency,omitempty"`
	Action  string `json:"action"`           // "login", "view-case", "reveal", "export", ...
	Object  string `json:"object,omitempty"` // what it concerned: "case:C-1", "media:SHA256", "user:NAME"
	Outcome string `json:"outcome"`          // "ok", "denied", "failed", ...
	Client  string `json:"client,omitempty"` // the client's address
	Reason  string `json:"reason,omitempty"` // what the user gave, where one is asked
	Detail  string `json:"detail,omitempty"` // anything else, as text
}

// Leaf is the entry's canonical encoding, the bytes its leaf hash is
// taken of: JSON with the fields in a fixed order.
func (e Entry) Leaf() []byte {
	b, err := json.Marshal(e)
	if err != nil {
		panic(err) // a struct of strings always encodes
	}
	return b
}

// ParseLeaf reads an encoded entry.
func ParseLeaf(leaf []byte) (Entry, error) {
	var e Entry
	if err := json.Unmarshal(leaf, &e); err != nil {
		return e, fmt.Errorf("audit entry: %w", err)
	}
	return e, nil
}

// Tree holds a log's stored hashes (tlog's layout) in memory, to compute
// tree hashes and proofs.
type Tree struct {
	hashes []tlog.Hash
	n      int64
}

// Size is the number of leaves.
func (t *Tree) Size() int64 { return t.n }

// ReadHashes serves tlog (tlog.HashReader).
func (t *Tree) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, ix := range indexes {
		if ix < 0 || ix >= int64(len(t.hashes)) {
			return nil, fmt.Errorf("audit tree: hash %d not stored", ix)
		}
		out[i] = t.hashes[ix]
	}
	return out, nil
}

// Append adds a leaf and returns the hashes that writing it stores
// (from index tlog.StoredHashIndex(0, n)).
func (t *Tree) Append(leaf []byte) ([]tlog.Hash, error) {
	hs, err := tlog.StoredHashes(t.n, leaf, t)
	if err != nil {
		return nil, err
	}
	t.hashes = append(t.hashes, hs...)
	t.n++
	return hs, nil
}

// Root is the tree hash of the first n leaves.
func (t *Tree) Root(n int64) (tlog.Hash, error) {
	if n < 0 || n > t.n {
		return tlog.Hash{}, fmt.Errorf("audit tree: size %d, the log holds %d", n, t.n)
	}
	return tlog.TreeHash(n, t)
}

// Prove is the inclusion proof of leaf n in the tree of size size.
func (t *Tree) Prove(n, size int64) (tlog.RecordProof, error) {
	return tlog.ProveRecord(size, n, t)
}

// ProveExtends is the proof that the tree of size size extends the tree
// of size older.
func (t *Tree) ProveExtends(size, older int64) (tlog.TreeProof, error) {
	return tlog.ProveTree(size, older, t)
}
