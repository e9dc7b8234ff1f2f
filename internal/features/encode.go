package features

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Stored is how many features a picture keeps in the store and the
// index (its strongest); a query uses all it has.
const Stored = 256

// Truncate keeps the n strongest features.
func (s *Set) Truncate(n int) *Set {
	if s.Len() <= n {
		return s
	}
	return &Set{Width: s.Width, Height: s.Height, Keypoints: s.Keypoints[:n], Descriptors: s.Descriptors[:n]}
}

// The encoding: a version byte, width, height and count (uint16 each),
// then per feature x and y in hundredths of a pixel (uint16), the level,
// the angle in 256ths of a turn, and the 32 descriptor bytes.
const (
	encVersion  = 1
	headerSize  = 7
	featureSize = 2 + 2 + 1 + 1 + 32
)

// Encode writes the set compactly (38 bytes a feature), for the store.
func (s *Set) Encode() []byte {
	b := make([]byte, headerSize, headerSize+featureSize*s.Len())
	b[0] = encVersion
	binary.LittleEndian.PutUint16(b[1:], uint16(s.Width))
	binary.LittleEndian.PutUint16(b[3:], uint16(s.Height))
	binary.LittleEndian.PutUint16(b[5:], uint16(s.Len()))
	for i, k := range s.Keypoints {
		b = binary.LittleEndian.AppendUint16(b, uint16(math.Round(float64(k.X)*100)))
		b = binary.LittleEndian.AppendUint16(b, uint16(math.Round(float64(k.Y)*100)))
		turn := math.Mod(float64(k.Angle)/(2*math.Pi)+1, 1)
		b = append(b, k.Level, uint8(int(math.Round(turn*256))%256))
		for _, w := range s.Descriptors[i] {
			b = binary.LittleEndian.AppendUint64(b, w)
		}
	}
	return b
}

// ErrCorrupt marks stored features that cannot be read.
var ErrCorrupt = errors.New("corrupt local features")

// Decode reads what Encode wrote.
func Decode(b []byte) (*Set, error) {
	if len(b) < headerSize || b[0] != encVersion {
		return nil, fmt.Errorf("%w: bad header", ErrCorrupt)
	}
	s := &Set{Width: int(binary.LittleEndian.Uint16(b[1:])), Height: int(binary.LittleEndian.Uint16(b[3:]))}
	n := int(binary.LittleEndian.Uint16(b[5:]))
	if len(b) != headerSize+n*featureSize {
		return nil, fmt.Errorf("%w: %d bytes for %d features", ErrCorrupt, len(b), n)
	}
	if s.Width > 1<<14 || s.Height > 1<<14 {
		return nil, fmt.Errorf("%w: %dx%d", ErrCorrupt, s.Width, s.Height)
	}
	s.Keypoints, s.Descriptors = make([]Keypoint, n), make([]Descriptor, n)
	for i := range n {
		f := b[headerSize+i*featureSize:]
		s.Keypoints[i] = Keypoint{X: float32(binary.LittleEndian.Uint16(f)) / 100, Y: float32(binary.LittleEndian.Uint16(f[2:])) / 100,
			Level: f[4], Angle: float32(float64(f[5]) / 256 * 2 * math.Pi)}
		for w := range 4 {
			s.Descriptors[i][w] = binary.LittleEndian.Uint64(f[6+8*w:])
		}
	}
	return s, nil
}
