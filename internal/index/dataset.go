package index

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
)

// WriteDataset writes the benchmark distribution of the index issue, in
// the plain hash format, deterministically for a seed: n stored hashes, of
// which 10% are planted near-duplicates (a copy of an earlier stored hash
// with 1 to 30 random bits flipped) and the rest uniformly random; and q
// queries, half near-duplicates (0 to 31 bits flipped from a random stored
// hash) and half uniformly random.
func WriteDataset(hashes, queries io.Writer, n, q int, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
	stored := make([]Hash, 0, n)
	random := func() Hash { return Hash{rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()} }
	flip := func(h Hash, k int) Hash {
		// k distinct bits: partial Fisher-Yates over the 256 positions.
		var pos [256]uint8
		for i := range pos {
			pos[i] = uint8(i)
		}
		for i := range k {
			j := i + rng.IntN(256-i)
			pos[i], pos[j] = pos[j], pos[i]
			h[pos[i]/64] ^= 1 << (pos[i] % 64)
		}
		return h
	}
	hw := bufio.NewWriterSize(hashes, 1<<20)
	for i := range n {
		h := random()
		if i > 0 && rng.IntN(10) == 0 {
			h = flip(stored[rng.IntN(len(stored))], 1+rng.IntN(30))
		}
		stored = append(stored, h)
		if _, err := fmt.Fprintln(hw, h); err != nil {
			return err
		}
	}
	if err := hw.Flush(); err != nil {
		return err
	}
	qw := bufio.NewWriterSize(queries, 1<<20)
	for i := range q {
		h := random()
		if i%2 == 0 && n > 0 {
			h = flip(stored[rng.IntN(n)], rng.IntN(32))
		}
		if _, err := fmt.Fprintln(qw, h); err != nil {
			return err
		}
	}
	return qw.Flush()
}
