package audioeval

import (
	"bufio"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
)

// noiseColour is a kind of noise.
type noiseColour string

const (
	white noiseColour = "white" // flat spectrum
	pink  noiseColour = "pink"  // -3 dB an octave
	brown noiseColour = "brown" // -6 dB an octave
)

// writeNoise writes n samples of noise, peak amplitude about amp (of
// full scale), as a 22,050 Hz mono 16-bit WAV file. Noise is made here
// rather than by sox, whose repeatable mode has one fixed seed: every
// recording would hear the same noise.
func writeNoise(path string, colour noiseColour, amp float64, n int, r *rand.Rand) error {
	x := make([]float64, n)
	var b0, b1, b2, brownSum float64
	for i := range x {
		w := 2*r.Float64() - 1
		switch colour {
		case pink:
			// Paul Kellet's economy pink filter (accurate to about 0.05 dB above 9 Hz at 44.1 kHz).
			b0 = 0.99765*b0 + w*0.0990460
			b1 = 0.96300*b1 + w*0.2965164
			b2 = 0.57000*b2 + w*1.0526913
			x[i] = (b0 + b1 + b2 + w*0.1848) / 3
		case brown:
			// A leaky integrator keeps the walk bounded.
			brownSum = 0.995*brownSum + 0.1*w
			x[i] = brownSum
		default:
			x[i] = w
		}
	}
	peak := 0.0
	for _, v := range x {
		peak = max(peak, math.Abs(v))
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	hdr := make([]byte, 44)
	copy(hdr, "RIFF")
	binary.LittleEndian.PutUint32(hdr[4:], uint32(36+2*n))
	copy(hdr[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(hdr[16:], 16)
	binary.LittleEndian.PutUint16(hdr[20:], 1) // PCM
	binary.LittleEndian.PutUint16(hdr[22:], 1) // mono
	binary.LittleEndian.PutUint32(hdr[24:], 22050)
	binary.LittleEndian.PutUint32(hdr[28:], 2*22050)
	binary.LittleEndian.PutUint16(hdr[32:], 2)
	binary.LittleEndian.PutUint16(hdr[34:], 16)
	copy(hdr[36:], "data")
	binary.LittleEndian.PutUint32(hdr[40:], uint32(2*n))
	w.Write(hdr)
	var s [2]byte
	for _, v := range x {
		if peak > 0 {
			v = v / peak * amp
		}
		binary.LittleEndian.PutUint16(s[:], uint16(int16(math.Round(v*32767))))
		w.Write(s[:])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
