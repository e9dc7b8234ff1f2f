package index

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ReadHashLines reads the plain hash format of the index commands: one
// 64-hex-digit hash per line, optionally followed by a tab and an unsigned
// integer ID; without an ID, the ID is the line number counted from 0.
// Blank lines and lines starting with '#' are skipped (they still count as
// lines). fn is called for each hash; a malformed line stops the read with
// an error naming the line.
func ReadHashLines(r io.Reader, fn func(line int, h Hash, id uint64) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := -1
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if text == "" || text[0] == '#' {
			continue
		}
		hexPart, idPart, hasID := strings.Cut(text, "\t")
		h, err := ParseHex(hexPart)
		if err != nil {
			return fmt.Errorf("line %d: %w", line+1, err)
		}
		id := uint64(line)
		if hasID {
			id, err = strconv.ParseUint(strings.TrimSpace(idPart), 10, 64)
			if err != nil {
				return fmt.Errorf("line %d: ID %q is not an unsigned integer", line+1, idPart)
			}
		}
		if err := fn(line, h, id); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("line %d: %w", line+2, err)
	}
	return nil
}

// ParseHex parses a 64-digit hex hash (either case).
func ParseHex(s string) (Hash, error) {
	var b [32]byte
	if len(s) != 64 {
		return Hash{}, fmt.Errorf("hash %q: want 64 hex digits, got %d", clip(s), len(s))
	}
	if _, err := hex.Decode(b[:], []byte(s)); err != nil {
		return Hash{}, fmt.Errorf("hash %q: %w", clip(s), err)
	}
	return fromBytes(b), nil
}

func clip(s string) string {
	if len(s) > 70 {
		return s[:70] + "..."
	}
	return s
}

// String is the hash's hex form (the PDQ hex form for PDQ hashes).
func (h Hash) String() string { return h.PDQ().String() }
