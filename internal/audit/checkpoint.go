package audit

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is a signed statement that the log held Size entries whose
// tree hash is Root, at Time.
type Checkpoint struct {
	Origin string    `json:"origin"`
	Size   int64     `json:"size"`
	Root   tlog.Hash `json:"root"`
	Time   string    `json:"time"`
	// Signed is the whole signed note, as written and as an examiner
	// keeps it.
	Signed string `json:"signed"`
}

// Key is an installation's signing key: the private key (note's skey
// form) and its verifier key (vkey), which anyone may hold.
type Key struct {
	Private  string
	Verifier string
}

// NewKey makes a key for an installation named name (one word).
func NewKey(name string) (Key, error) {
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	return Key{Private: skey, Verifier: vkey}, err
}

// ParseKey reads a key as Format writes it: the private key, then the
// verifier key, a line each.
func ParseKey(text string) (Key, error) {
	lines := strings.Fields(text)
	if len(lines) != 2 {
		return Key{}, errors.New("audit key: want the private key and the verifier key, a line each")
	}
	k := Key{Private: lines[0], Verifier: lines[1]}
	s, err := note.NewSigner(k.Private)
	if err != nil {
		return Key{}, fmt.Errorf("audit key: %w", err)
	}
	v, err := note.NewVerifier(k.Verifier)
	if err != nil {
		return Key{}, fmt.Errorf("audit verifier key: %w", err)
	}
	if s.Name() != v.Name() || s.KeyHash() != v.KeyHash() {
		return Key{}, errors.New("audit key: the verifier key is not the private key's")
	}
	return k, nil
}

// Format is the key file's text.
func (k Key) Format() string { return k.Private + "\n" + k.Verifier + "\n" }

// Sign writes a checkpoint of the tree: the origin, the size, the root
// hash (base64) and the time, each on a line, signed.
func Sign(k Key, origin string, size int64, root tlog.Hash, time string) (Checkpoint, error) {
	signer, err := note.NewSigner(k.Private)
	if err != nil {
		return Checkpoint{}, err
	}
	text := fmt.Sprintf("%s\n%d\n%s\ntime %s\n", origin, size, base64.StdEncoding.EncodeToString(root[:]), time)
	msg, err := note.Sign(&note.Note{Text: text}, signer)
	if err != nil {
		return Checkpoint{}, err
	}
	return Checkpoint{Origin: origin, Size: size, Root: root, Time: time, Signed: string(msg)}, nil
}

// Open checks a signed checkpoint against a verifier key and reads it.
func Open(signed, verifierKey string) (Checkpoint, error) {
	v, err := note.NewVerifier(verifierKey)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("verifier key: %w", err)
	}
	n, err := note.Open([]byte(signed), note.VerifierList(v))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("checkpoint signature: %w", err)
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[3], "time ") {
		return Checkpoint{}, errors.New("checkpoint: want origin, size, root and time lines")
	}
	c := Checkpoint{Origin: lines[0], Time: strings.TrimPrefix(lines[3], "time "), Signed: signed}
	if c.Size, err = strconv.ParseInt(lines[1], 10, 64); err != nil || c.Size < 0 {
		return Checkpoint{}, fmt.Errorf("checkpoint size %q", lines[1])
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return Checkpoint{}, fmt.Errorf("checkpoint root %q", lines[2])
	}
	copy(c.Root[:], root)
	return c, nil
}
