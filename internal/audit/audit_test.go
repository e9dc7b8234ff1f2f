package audit

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// logOf makes a log of n entries with a checkpoint after every k.
func logOf(t *testing.T, k Key, n, every int) ([]Stored, []string) {
	var tree Tree
	var entries []Stored
	var signed []string
	for i := range n {
		e := Entry{Seq: int64(i), Time: fmt.Sprintf("2026-12-02T10:%02d:00Z", i%60), User: "user" + fmt.Sprint(i%3), Agency: "Agency A",
			Action: "view-case", Object: "case:C-1", Outcome: "ok", Client: "192.0.2.1"}
		leaf := e.Leaf()
		tree.Append(leaf)
		entries = append(entries, Stored{Row: e, Leaf: leaf, LeafHash: tlog.RecordHash(leaf).String()})
		if (i+1)%every == 0 {
			root, _ := tree.Root(tree.Size())
			c, err := Sign(k, "ariadne.test", tree.Size(), root, e.Time)
			if err != nil {
				t.Fatal(err)
			}
			signed = append(signed, c.Signed)
		}
	}
	return entries, signed
}

// rehash recomputes a tampered entry's leaf and hash, as a careful
// attacker with write access to the database would.
func rehash(s *Stored) {
	s.Leaf = s.Row.Leaf()
	s.LeafHash = tlog.RecordHash(s.Leaf).String()
}

func TestVerify(t *testing.T) {
	k, err := NewKey("ariadne.test")
	if err != nil {
		t.Fatal(err)
	}
	other, _ := NewKey("ariadne.test")
	for _, c := range []struct {
		name    string
		tamper  func(entries []Stored, signed []string) ([]Stored, []string)
		key     string
		wantSeq int64 // -2: no problem
		want    string
	}{
		{"untouched", nil, "", -2, ""},
		{"a column altered", func(e []Stored, s []string) ([]Stored, []string) { e[5].Row.User = "someone else"; return e, s }, "", 5, "columns differ"},
		{"a leaf altered", func(e []Stored, s []string) ([]Stored, []string) {
			e[7].Row.Outcome = "denied"
			e[7].Leaf = e[7].Row.Leaf()
			return e, s
		}, "", 7, "does not hash"},
		{"an entry altered and rehashed", func(e []Stored, s []string) ([]Stored, []string) {
			e[12].Row.Object = "case:C-2"
			rehash(&e[12])
			return e, s
		}, "", 10, "does not match entries 10 to 19"},
		{"an entry removed", func(e []Stored, s []string) ([]Stored, []string) { return append(e[:3:3], e[4:]...), s }, "", 3, "removed, inserted or reordered"},
		{"an entry removed and the rest renumbered", func(e []Stored, s []string) ([]Stored, []string) {
			e = append(e[:3:3], e[4:]...)
			for i := 3; i < len(e); i++ {
				e[i].Row.Seq = int64(i)
				rehash(&e[i])
			}
			return e, s
		}, "", 0, "does not match entries 0 to 9"},
		{"two entries swapped", func(e []Stored, s []string) ([]Stored, []string) { e[2], e[3] = e[3], e[2]; return e, s }, "", 2, "removed, inserted or reordered"},
		{"an entry inserted", func(e []Stored, s []string) ([]Stored, []string) {
			extra := e[0]
			return append(e[:1:1], append([]Stored{extra}, e[1:]...)...), s
		}, "", 1, "removed, inserted or reordered"},
		{"the tail removed", func(e []Stored, s []string) ([]Stored, []string) { return e[:15], s }, "", 15, "it holds 15"},
		{"a checkpoint signed by another key", func(e []Stored, s []string) ([]Stored, []string) {
			root, _ := tlog.TreeHash(10, hashReader(e[:10]))
			c, _ := Sign(other, "ariadne.test", 10, root, "2026-12-02T11:00:00Z")
			s[0] = c.Signed
			return e, s
		}, "", -1, "signature"},
		{"a checkpoint's text altered", func(e []Stored, s []string) ([]Stored, []string) {
			s[1] = strings.Replace(s[1], "\n20\n", "\n19\n", 1)
			return e, s
		}, "", -1, "signature"},
	} {
		t.Run(c.name, func(t *testing.T) {
			entries, signed := logOf(t, k, 25, 10)
			if c.tamper != nil {
				entries, signed = c.tamper(entries, signed)
			}
			res, err := Verify(entries, signed, k.Verifier)
			if c.wantSeq == -2 {
				if err != nil || res.Entries != 25 || res.Checkpoints != 2 || res.Unprotected != 5 {
					t.Errorf("untouched log: %+v, %v", res, err)
				}
				return
			}
			var p *Problem
			if !errors.As(err, &p) || p.Seq != c.wantSeq || !strings.Contains(p.Reason, c.want) {
				t.Errorf("got %v, want entry %d: %q", err, c.wantSeq, c.want)
			}
		})
	}
}

func hashReader(entries []Stored) tlog.HashReader {
	var tree Tree
	for _, e := range entries {
		tree.Append(e.Leaf)
	}
	return &tree
}

func TestInclusionProof(t *testing.T) {
	k, _ := NewKey("ariadne.test")
	entries, signed := logOf(t, k, 20, 20)
	var tree Tree
	for _, e := range entries {
		tree.Append(e.Leaf)
	}
	c, err := Open(signed[0], k.Verifier)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int64{0, 7, 19} {
		p, err := tree.Prove(n, c.Size)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckRecord(p, c.Size, c.Root, n, tlog.RecordHash(entries[n].Leaf)); err != nil {
			t.Errorf("entry %d: %v", n, err)
		}
		if err := tlog.CheckRecord(p, c.Size, c.Root, n, tlog.RecordHash([]byte("forged"))); err == nil {
			t.Errorf("entry %d: a forged leaf passed", n)
		}
	}
}

func FuzzOpen(f *testing.F) {
	k, _ := NewKey("ariadne.fuzz")
	c, _ := Sign(k, "ariadne.fuzz", 3, tlog.Hash{}, "2026-12-02T00:00:00Z")
	f.Add(c.Signed)
	f.Add("ariadne\n1\n\n")
	f.Fuzz(func(t *testing.T, s string) {
		if c, err := Open(s, k.Verifier); err == nil && c.Size < 0 {
			t.Fatal("negative size accepted")
		}
	})
}
