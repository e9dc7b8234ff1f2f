package imaging

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"

	"golang.org/x/image/webp"
)

// This file walks the container structure of GIF, WebP, JPEG, PNG and TIFF
// files for what the pixel decoders do not report: the frame count, the
// first frame of an animated WebP and the EXIF orientation. Every read is
// bounds-checked: these walkers see hostile input.

// gifFrameCount counts image descriptors, stopping at 2 (enough to tell an
// animation) or at the first structural error.
func gifFrameCount(b []byte) int {
	if len(b) < 13 {
		return 0
	}
	p := 13
	if flags := b[10]; flags&0x80 != 0 {
		p += 3 << ((flags & 7) + 1)
	}
	skipSubBlocks := func() bool {
		for p < len(b) {
			n := int(b[p])
			p++
			if n == 0 {
				return true
			}
			p += n
		}
		return false
	}
	frames := 0
	for p < len(b) && frames < 2 {
		switch b[p] {
		case 0x21: // extension: label, then sub-blocks
			p += 2
			if !skipSubBlocks() {
				return frames
			}
		case 0x2C: // image descriptor
			frames++
			if p+10 > len(b) {
				return frames
			}
			flags := b[p+9]
			p += 10
			if flags&0x80 != 0 {
				p += 3 << ((flags & 7) + 1)
			}
			p++ // LZW minimum code size
			if !skipSubBlocks() {
				return frames
			}
		default: // trailer or garbage
			return frames
		}
	}
	return frames
}

type riffChunk struct {
	id   string
	data []byte
}

// riffChunks splits a chunk sequence (RIFF layout: id, little-endian size,
// payload padded to even length).
func riffChunks(b []byte) ([]riffChunk, error) {
	var out []riffChunk
	for len(b) >= 8 {
		n := binary.LittleEndian.Uint32(b[4:8])
		if uint64(n) > uint64(len(b)-8) {
			return out, errors.New("chunk runs past the end of the file")
		}
		out = append(out, riffChunk{string(b[:4]), b[8 : 8+n]})
		b = b[8+n:]
		if n%2 == 1 && len(b) > 0 {
			b = b[1:]
		}
	}
	return out, nil
}

func appendChunk(dst []byte, id string, data []byte) []byte {
	dst = append(dst, id...)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(data)))
	dst = append(dst, data...)
	if len(data)%2 == 1 {
		dst = append(dst, 0)
	}
	return dst
}

// webpFirstFrame returns a still WebP holding the first frame of an
// animated one (and whether it was animated); a still WebP is returned as
// it is.
func webpFirstFrame(b []byte) ([]byte, bool, error) {
	if len(b) < 12 {
		return nil, false, errors.New("truncated RIFF header")
	}
	chunks, err := riffChunks(b[12:])
	if err != nil && len(chunks) == 0 {
		return nil, false, err
	}
	if len(chunks) == 0 || chunks[0].id != "VP8X" || len(chunks[0].data) < 10 || chunks[0].data[0]&0x02 == 0 {
		return b, false, nil
	}
	for _, c := range chunks {
		if c.id != "ANMF" {
			continue
		}
		if len(c.data) < 16 {
			return nil, true, errors.New("truncated animation frame")
		}
		w := 1 + (int(c.data[6]) | int(c.data[7])<<8 | int(c.data[8])<<16)
		h := 1 + (int(c.data[9]) | int(c.data[10])<<8 | int(c.data[11])<<16)
		sub, err := riffChunks(c.data[16:])
		if err != nil {
			return nil, true, err
		}
		var alph, bits *riffChunk
		for i := range sub {
			switch sub[i].id {
			case "ALPH":
				alph = &sub[i]
			case "VP8 ", "VP8L":
				bits = &sub[i]
			}
		}
		if bits == nil {
			return nil, true, errors.New("first animation frame has no image data")
		}
		body := []byte("WEBP")
		if alph != nil && bits.id == "VP8 " {
			vp8x := make([]byte, 10)
			vp8x[0] = 0x10 // alpha
			putUint24(vp8x[4:], w-1)
			putUint24(vp8x[7:], h-1)
			body = appendChunk(body, "VP8X", vp8x)
			body = appendChunk(body, "ALPH", alph.data)
		}
		body = appendChunk(body, bits.id, bits.data)
		out := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
		return append(out, body...), true, nil
	}
	return nil, true, errors.New("animated WebP without frames")
}

func putUint24(b []byte, v int) { b[0], b[1], b[2] = byte(v), byte(v>>8), byte(v>>16) }

func webpDecodeConfig(b []byte) (image.Config, error) { return webp.DecodeConfig(bytes.NewReader(b)) }
func webpDecode(b []byte) (image.Image, error)        { return webp.Decode(bytes.NewReader(b)) }

// orientation returns the EXIF orientation (1..8) of a file, or 0.
func orientation(f Format, b []byte) int {
	switch f {
	case JPEG:
		return jpegOrientation(b)
	case TIFF:
		return tiffOrientation(b)
	case PNG:
		for p := 8; p+12 <= len(b); {
			n := int(binary.BigEndian.Uint32(b[p:]))
			if n < 0 || p+12+n > len(b) {
				return 0
			}
			switch string(b[p+4 : p+8]) {
			case "eXIf":
				return tiffOrientation(b[p+8 : p+8+n])
			case "IDAT", "IEND":
				return 0
			}
			p += 12 + n
		}
	case WebP:
		if len(b) < 12 {
			return 0
		}
		chunks, _ := riffChunks(b[12:])
		for _, c := range chunks {
			if c.id == "EXIF" {
				return tiffOrientation(bytes.TrimPrefix(c.data, []byte("Exif\x00\x00")))
			}
		}
	}
	return 0
}

// jpegProgressive reports whether the first frame header is progressive
// (SOF2).
func jpegProgressive(b []byte) bool {
	found := false
	walkJPEGMarkers(b, func(m byte, _ []byte) bool {
		if m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC {
			found = m == 0xC2 || m == 0xC6 || m == 0xCA || m == 0xCE
			return false
		}
		return true
	})
	return found
}

// jpegOrientation walks the markers before the first scan for an APP1
// Exif segment.
func jpegOrientation(b []byte) int {
	o := 0
	walkJPEGMarkers(b, func(m byte, seg []byte) bool {
		if m == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			o = tiffOrientation(seg[6:])
			return false
		}
		return true
	})
	return o
}

// walkJPEGMarkers calls fn with each marker segment before the first scan
// until fn returns false.
func walkJPEGMarkers(b []byte, fn func(marker byte, payload []byte) bool) {
	p := 2
	for p+4 <= len(b) {
		if b[p] != 0xFF {
			return
		}
		m := b[p+1]
		if m == 0xFF { // fill byte
			p++
			continue
		}
		if m == 0xDA || m == 0xD9 {
			return
		}
		if m == 0x01 || (m >= 0xD0 && m <= 0xD7) {
			p += 2
			continue
		}
		n := int(binary.BigEndian.Uint16(b[p+2:]))
		if n < 2 || p+2+n > len(b) {
			return
		}
		if !fn(m, b[p+4:p+2+n]) {
			return
		}
		p += 2 + n
	}
}

// tiffOrientation reads tag 0x0112 of IFD0 of a TIFF structure.
func tiffOrientation(b []byte) int {
	if len(b) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(b[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	if bo.Uint16(b[2:]) != 42 {
		return 0
	}
	off := int64(bo.Uint32(b[4:]))
	if off+2 > int64(len(b)) {
		return 0
	}
	n := int64(bo.Uint16(b[off:]))
	for i := int64(0); i < n; i++ {
		e := off + 2 + 12*i
		if e+12 > int64(len(b)) {
			return 0
		}
		if bo.Uint16(b[e:]) == 0x0112 && bo.Uint16(b[e+2:]) == 3 {
			if v := int(bo.Uint16(b[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 0
		}
	}
	return 0
}
