package metadata

import (
	"bytes"
	"fmt"
)

// TIFF tags that locate images inside a camera RAW.
const (
	tagSubIFDs        = 0x014A
	tagStripOffsets   = 0x0111
	tagStripCounts    = 0x0117
	tagCompression    = 0x0103
	tagDNGVersion     = 0xC612
	compressionOldJPG = 6
	compressionJPEG   = 7
)

// RawPreview tells whether a TIFF-structured file is a camera RAW (a
// DNG, a CR2, or a TIFF whose first IFD lists SubIFDs, as NEF and ARW
// do) and returns its largest embedded JPEG preview: a JPEG thumbnail
// (JPEGInterchangeFormat) or a single JPEG strip, in any IFD or SubIFD.
// A RAW's own sensor data is not an image Ariadne decodes; its preview
// is what the camera rendered of it.
func RawPreview(b []byte) (preview []byte, raw bool, err error) {
	t, err := newTIFF(b)
	if err != nil {
		return nil, false, err
	}
	raw = len(b) >= 10 && string(b[8:10]) == "CR" // Canon CR2
	queue := []uint32{t.order.Uint32(b[4:])}
	first := true
	for len(queue) > 0 {
		off := queue[0]
		queue = queue[1:]
		entries, next, err := t.ifd(off)
		if err != nil {
			t.errs = append(t.errs, err)
			continue
		}
		if next != 0 {
			queue = append(queue, next)
		}
		var jpegOff, jpegLen, stripOff, stripLen, compression uint32
		strips := 0
		for _, e := range entries {
			switch e.tag {
			case tagDNGVersion:
				raw = true
			case tagSubIFDs:
				if first {
					raw = true
				}
				for i := 0; i+4 <= len(e.value) && i < 4*maxIFDs; i += 4 {
					queue = append(queue, t.order.Uint32(e.value[i:]))
				}
			case tagThumbOffset:
				jpegOff = t.long(e)
			case tagThumbLength:
				jpegLen = t.long(e)
			case tagCompression:
				compression = t.long(e)
			case tagStripOffsets:
				strips = int(e.count)
				stripOff = t.long(e)
			case tagStripCounts:
				stripLen = t.long(e)
			}
		}
		first = false
		candidates := [][2]uint32{{jpegOff, jpegLen}}
		if strips == 1 && (compression == compressionJPEG || compression == compressionOldJPG) {
			candidates = append(candidates, [2]uint32{stripOff, stripLen})
		}
		for _, c := range candidates {
			if c[1] == 0 || uint64(c[0])+uint64(c[1]) > uint64(len(b)) {
				continue
			}
			if p := b[c[0] : c[0]+c[1]]; bytes.HasPrefix(p, []byte{0xFF, 0xD8, 0xFF}) && len(p) > len(preview) {
				preview = p
			}
		}
	}
	if raw && preview == nil {
		return nil, true, fmt.Errorf("camera RAW without an embedded JPEG preview")
	}
	return preview, raw, nil
}
