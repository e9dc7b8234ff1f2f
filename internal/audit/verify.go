package audit

import (
	"fmt"
	"slices"

	"golang.org/x/mod/sumdb/tlog"
)

// Stored is an entry as the store keeps it: the row's sequence number and
// columns (for queries), the encoded leaf and the leaf hash recorded when
// it was appended.
type Stored struct {
	Row      Entry
	Leaf     []byte
	LeafHash string // tlog.Hash.String() of the leaf
}

// Problem is the first thing Verify found wrong.
type Problem struct {
	Seq    int64  // the first bad entry, or -1 when a checkpoint is at fault
	Reason string // what is wrong
}

func (p *Problem) Error() string {
	if p.Seq < 0 {
		return "audit log: " + p.Reason
	}
	return fmt.Sprintf("audit log: entry %d: %s", p.Seq, p.Reason)
}

// Result is what Verify checked.
type Result struct {
	Entries     int64       // entries in the log
	Checkpoints int         // checkpoints verified
	Latest      *Checkpoint // the latest, if any
	Unprotected int64       // entries after the latest checkpoint
}

// Verify recomputes the tree from the stored entries (in the order the
// store gives them, which must be by sequence number) and checks each
// entry against its leaf and leaf hash, then every checkpoint: its
// signature (by the verifier key, which must come from outside the
// store), that the log holds at least its size, that its root is the
// tree hash of that many entries, and that each later checkpoint extends
// the earlier ones. It names the first bad entry, or the range of entries
// a failing checkpoint covers.
func Verify(entries []Stored, signed []string, verifierKey string) (Result, error) {
	var t Tree
	for i, s := range entries {
		seq := int64(i)
		if s.Row.Seq != seq {
			reason := fmt.Sprintf("found entry %d where entry %d belongs: an entry was removed, inserted or reordered", s.Row.Seq, seq)
			return Result{}, &Problem{Seq: seq, Reason: reason}
		}
		e, err := ParseLeaf(s.Leaf)
		if err != nil {
			return Result{}, &Problem{Seq: seq, Reason: err.Error()}
		}
		if e.Seq != seq {
			reason := fmt.Sprintf("its leaf is entry %d's: an entry was removed, inserted or reordered", e.Seq)
			return Result{}, &Problem{Seq: seq, Reason: reason}
		}
		if e != s.Row {
			return Result{}, &Problem{Seq: seq, Reason: "its columns differ from its recorded leaf: altered"}
		}
		if got := tlog.RecordHash(s.Leaf).String(); got != s.LeafHash {
			return Result{}, &Problem{Seq: seq, Reason: "its leaf does not hash to its recorded leaf hash: altered"}
		}
		if _, err := t.Append(s.Leaf); err != nil {
			return Result{}, err
		}
	}
	res := Result{Entries: t.Size(), Unprotected: t.Size()}
	var cps []Checkpoint
	for _, sig := range signed {
		c, err := Open(sig, verifierKey)
		if err != nil {
			return res, &Problem{Seq: -1, Reason: err.Error()}
		}
		cps = append(cps, c)
	}
	slices.SortStableFunc(cps, func(a, b Checkpoint) int { return int(a.Size - b.Size) })
	var prev *Checkpoint
	for i := range cps {
		c := &cps[i]
		from := int64(0)
		if prev != nil {
			from = prev.Size
		}
		if c.Size > t.Size() {
			return res, &Problem{Seq: t.Size(), Reason: fmt.Sprintf("checkpoint of %s says the log held %d entries; it holds %d: entries were removed", c.Time, c.Size, t.Size())}
		}
		root, err := t.Root(c.Size)
		if err != nil {
			return res, err
		}
		if root != c.Root {
			return res, &Problem{Seq: from, Reason: fmt.Sprintf("checkpoint of %s (size %d) does not match entries %d to %d: one of them was altered, removed, inserted or reordered (the leaf hashes were rewritten to hide it)",
				c.Time, c.Size, from, c.Size-1)}
		}
		if prev != nil {
			proof, err := t.ProveExtends(c.Size, prev.Size)
			if err != nil {
				return res, err
			}
			if err := tlog.CheckTree(proof, c.Size, c.Root, prev.Size, prev.Root); err != nil {
				return res, &Problem{Seq: -1, Reason: fmt.Sprintf("checkpoint of %s does not extend the one of %s: %v", c.Time, prev.Time, err)}
			}
		}
		prev = c
		res.Checkpoints++
	}
	if prev != nil {
		res.Latest = prev
		res.Unprotected = t.Size() - prev.Size
	}
	return res, nil
}
