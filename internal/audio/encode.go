package audio

import (
	"encoding/base64"
	"errors"
	"fmt"
)

// Compress packs a fingerprint as Chromaprint does: a byte naming the
// algorithm, the item count in 3 bytes, then for each item XOR the one
// before it the distances between its set bits, in 3-bit values (7 means
// "7 or more", the rest following in 5-bit values), bit-packed from the
// least significant bit.
func Compress(items []uint32, algorithm int) []byte {
	var normal, exceptional []byte
	prev := uint32(0)
	for _, it := range items {
		x := it ^ prev
		prev = it
		bit, last := 1, 0
		for ; x != 0; x >>= 1 {
			if x&1 != 0 {
				v := bit - last
				if v >= 7 {
					normal = append(normal, 7)
					exceptional = append(exceptional, byte(v-7))
				} else {
					normal = append(normal, byte(v))
				}
				last = bit
			}
			bit++
		}
		normal = append(normal, 0)
	}
	n := len(items)
	out := []byte{byte(algorithm), byte(n >> 16), byte(n >> 8), byte(n)}
	out = packBits(out, normal, 3)
	return packBits(out, exceptional, 5)
}

func packBits(out, values []byte, width uint) []byte {
	var acc uint32
	var nbits uint
	for _, v := range values {
		acc |= uint32(v&(1<<width-1)) << nbits
		nbits += width
		for nbits >= 8 {
			out = append(out, byte(acc))
			acc >>= 8
			nbits -= 8
		}
	}
	if nbits > 0 {
		out = append(out, byte(acc))
	}
	return out
}

// Encode gives the fingerprint as fpcalc prints it: compressed, then
// URL-safe base64 without padding.
func Encode(items []uint32) string {
	return base64.RawURLEncoding.EncodeToString(Compress(items, Algorithm))
}

// Decode reverses Encode (any algorithm number is accepted and returned).
func Decode(s string) (items []uint32, algorithm int, err error) {
	data, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, 0, fmt.Errorf("fingerprint: %w", err)
	}
	if len(data) < 4 {
		return nil, 0, errors.New("fingerprint: shorter than its header")
	}
	algorithm = int(data[0])
	n := int(data[1])<<16 | int(data[2])<<8 | int(data[3])
	r := bitReader{data: data[4:]}
	// The 3-bit values: n items, each a run of distances ended by 0.
	var normal []byte
	for ended := 0; ended < n; {
		v, ok := r.read(3)
		if !ok {
			return nil, 0, fmt.Errorf("fingerprint: %d items announced, data ends after %d", n, ended)
		}
		normal = append(normal, v)
		if v == 0 {
			ended++
		}
	}
	r.alignByte()
	items = make([]uint32, 0, n)
	var prev uint32
	var x uint32
	bit := 0
	for _, v := range normal {
		if v == 0 {
			prev ^= x
			items = append(items, prev)
			x, bit = 0, 0
			continue
		}
		d := int(v)
		if v == 7 {
			e, ok := r.read(5)
			if !ok {
				return nil, 0, errors.New("fingerprint: exceptional values cut short")
			}
			d += int(e)
		}
		bit += d
		if bit > 32 {
			return nil, 0, errors.New("fingerprint: bit position past 32")
		}
		x |= 1 << (bit - 1)
	}
	return items, algorithm, nil
}

type bitReader struct {
	data []byte
	pos  uint // in bits
}

func (r *bitReader) read(width uint) (byte, bool) {
	if r.pos+width > uint(len(r.data))*8 {
		return 0, false
	}
	var v uint32
	for i := range width {
		p := r.pos + i
		v |= uint32(r.data[p/8]>>(p%8)&1) << i
	}
	r.pos += width
	return byte(v), true
}

func (r *bitReader) alignByte() { r.pos = (r.pos + 7) / 8 * 8 }
