package hashsets

import (
	"bufio"
	"errors"
	"fmt"
	"github.com/ariadne-vid/ariadne/internal/digest"
	"io"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/store"
)

// ReadList reads a plain hash list: one hash per line, blank lines and
// '#' comments allowed, an optional header comment "# hash: KIND". MD5
// and SHA-1 are told apart by length, whatever kind says; a 64-digit hash
// is SHA-256 or PDQ and that must come from kind or the header, never a
// guess.
func ReadList(r io.Reader, kind digest.HashKind, sink Sink) (Report, error) {
	var rep Report
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if text == "" {
			continue
		}
		if strings.HasPrefix(text, "#") {
			if k, v, ok := strings.Cut(strings.TrimSpace(text[1:]), ":"); ok && strings.EqualFold(strings.TrimSpace(k), "hash") {
				hk, err := digest.ParseHashKind(v)
				if err != nil {
					return rep, fmt.Errorf("line %d: %w", line, err)
				}
				if kind != "" && kind != hk {
					return rep, fmt.Errorf("line %d: the header says %s, the command says %s", line, hk, kind)
				}
				kind = hk
			}
			continue
		}
		rep.Records++
		// The length tells MD5 (32 digits) and SHA-1 (40); kind says only
		// how 64-digit lines are read, so a mixed list imports whole.
		k, err := digest.KindOfHex(text)
		switch {
		case errors.Is(err, digest.ErrAmbiguous) && (kind == digest.SHA256 || kind == digest.PDQ):
			k = kind
		case errors.Is(err, digest.ErrAmbiguous):
			sink.reject(&rep, line, "%v: give --hash sha256|pdq or a '# hash: KIND' header", err)
			continue
		case err != nil:
			sink.reject(&rep, line, "%v", err)
			continue
		}
		v, err := digest.NormHex(k, text)
		if err != nil {
			sink.reject(&rep, line, "%v", err)
			continue
		}
		var e store.Entry
		set(&e, k, v)
		e.Key = keyOf(&e)
		if err := sink.accept(&rep, e); err != nil {
			return rep, err
		}
	}
	if err := sc.Err(); err != nil {
		return rep, fmt.Errorf("line %d: %w", line+1, err)
	}
	return rep, nil
}

// WriteList writes one hash of the given kind per entry that has one,
// after a header naming the kind.
func WriteList(w io.Writer, kind digest.HashKind, each func(func(store.Entry) error) error) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# hash: %s\n", kind)
	err := each(func(e store.Entry) error {
		var v string
		switch kind {
		case digest.MD5:
			v = e.MD5
		case digest.SHA1:
			v = e.SHA1
		case digest.SHA256:
			v = e.SHA256
		case digest.PDQ:
			v = e.PDQ
		}
		if v == "" || e.Tombstone {
			return nil
		}
		_, err := fmt.Fprintln(bw, v)
		return err
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}
