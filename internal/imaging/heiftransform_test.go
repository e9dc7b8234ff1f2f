package imaging

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

// TestHEIFTransforms: the container's rotation (irot) and mirroring
// (imir) are applied, in the order the file lists them, as heif-convert
// applies them. Debian's heif-enc cannot write either property, so the
// test adds them to a file heif-enc made (withTransforms) and checks the
// decoding against heif-convert's PNG of that file and against the
// picture transformed in Go as ISO/IEC 23008-12 defines: irot turns
// anti-clockwise by 90° per step; imir's bit, read as its Amendment 2
// reads it (the field renamed "mode", since the first text's "axis" was
// read both ways), exchanges top and bottom when 0 and left and right
// when 1, as iPhones write it and libheif applies it.
func TestHEIFTransforms(t *testing.T) {
	heifTools(t)
	if HEIFDecoder == "" {
		t.Skip("built without libheif: HEIF is refused, nothing to transform")
	}
	dir := t.TempDir()
	scene := synth.Scene(71, 480, 320)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, scene, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	jpg := filepath.Join(dir, "scene.jpg")
	if err := os.WriteFile(jpg, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "plain.heic")
	runTool(t, "heif-enc", "-q", "90", jpg, "-o", plain)
	untransformed := pdq.FromLuma(lumaOf(t, mustRead(t, plain)))

	irot := func(steps byte) []byte { return []byte{0, 0, 0, 9, 'i', 'r', 'o', 't', steps} }
	imir := func(axis byte) []byte { return []byte{0, 0, 0, 9, 'i', 'm', 'i', 'r', axis} }
	for _, c := range []struct {
		name  string
		props [][]byte
		want  image.Image
	}{
		{"irot 90° anti-clockwise", [][]byte{irot(1)}, rotateACW(scene)},
		{"irot 180°", [][]byte{irot(2)}, rotateACW(rotateACW(scene))},
		{"irot 270° anti-clockwise", [][]byte{irot(3)}, rotateACW(rotateACW(rotateACW(scene)))},
		{"imir 0: top and bottom exchanged", [][]byte{imir(0)}, flipVertical(scene)},
		{"imir 1: left and right exchanged", [][]byte{imir(1)}, synth.Mirror(scene)},
		{"irot then imir", [][]byte{irot(1), imir(0)}, flipVertical(rotateACW(scene))},
		{"imir then irot", [][]byte{imir(0), irot(1)}, rotateACW(flipVertical(scene))},
	} {
		t.Run(c.name, func(t *testing.T) {
			data, err := withTransforms(mustRead(t, plain), c.props...)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(t.TempDir(), "t.heic")
			if err := os.WriteFile(name, data, 0o644); err != nil {
				t.Fatal(err)
			}
			runTool(t, "heif-convert", name, name+".png")
			got := pdq.FromLuma(lumaOf(t, data))
			ref, _ := hashOf(t, mustRead(t, name+".png"))
			var wb bytes.Buffer
			jpeg.Encode(&wb, c.want, &jpeg.Options{Quality: 95})
			want, _ := hashOf(t, wb.Bytes())
			dRef, dWant, dPlain := pdq.Distance(got.Hash, ref.Hash), pdq.Distance(got.Hash, want.Hash), pdq.Distance(got.Hash, untransformed.Hash)
			t.Logf("distance %d to heif-convert, %d to the picture transformed in Go, %d to the untransformed file", dRef, dWant, dPlain)
			if dRef > 8 || dWant > 16 || dPlain <= 31 {
				t.Errorf("distance %d to heif-convert (want ≤ 8), %d to the expected picture (want ≤ 16), %d to the untransformed one (want > 31)", dRef, dWant, dPlain)
			}
		})
	}
}

func lumaOf(t *testing.T, data []byte) ([]float32, int, int) {
	t.Helper()
	img, err := Decode(data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return img.Luma, img.LumaRows, img.LumaCols
}

// rotateACW turns a picture 90° anti-clockwise.
func rotateACW(m image.Image) *image.NRGBA {
	r := m.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, r.Dy(), r.Dx()))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			// The top right corner becomes the top left one.
			out.Set(y-r.Min.Y, r.Max.X-1-x, m.At(x, y))
		}
	}
	return out
}

func flipVertical(m *image.NRGBA) *image.NRGBA { return rotateACW(rotateACW(synth.Mirror(m))) }

// withTransforms adds item properties (whole boxes, such as irot and
// imir) to a HEIF file's primary item, as essential associations in the
// given order, and moves every file offset in iloc by what the meta box
// grew. It handles what heif-enc writes: meta before mdat, ipma with
// 8-bit associations, iloc construction method 0.
func withTransforms(file []byte, props ...[]byte) ([]byte, error) {
	top, err := boxes(file)
	if err != nil {
		return nil, err
	}
	var out []byte
	delta := 0
	for _, bx := range top {
		if bx.typ != "meta" {
			out = append(out, bx.whole...)
			continue
		}
		meta, err := newMeta(bx, props)
		if err != nil {
			return nil, err
		}
		delta = len(meta) - len(bx.whole)
		out = append(out, meta...)
	}
	if delta == 0 {
		return nil, errors.New("no meta box")
	}
	return out, shiftILoc(out, delta)
}

type box struct {
	typ   string
	whole []byte // header included
	body  []byte // after the header (and, for a full box, not its version and flags)
}

func boxes(b []byte) ([]box, error) {
	var out []box
	for len(b) > 0 {
		if len(b) < 8 {
			return nil, errors.New("truncated box header")
		}
		n := int(binary.BigEndian.Uint32(b))
		if n < 8 || n > len(b) {
			return nil, fmt.Errorf("box size %d", n)
		}
		bx := box{typ: string(b[4:8]), whole: b[:n], body: b[8:n]}
		out = append(out, bx)
		b = b[n:]
	}
	return out, nil
}

// wrap makes a box of a type and its body (a full box's version and flags
// are part of the body).
func wrap(typ string, body ...[]byte) []byte {
	n := 8
	for _, b := range body {
		n += len(b)
	}
	out := binary.BigEndian.AppendUint32(nil, uint32(n))
	out = append(out, typ...)
	for _, b := range body {
		out = append(out, b...)
	}
	return out
}

func newMeta(meta box, props [][]byte) ([]byte, error) {
	children, err := boxes(meta.body[4:])
	if err != nil {
		return nil, err
	}
	primary := -1
	for _, c := range children {
		if c.typ == "pitm" && len(c.body) >= 6 && c.body[0] == 0 {
			primary = int(binary.BigEndian.Uint16(c.body[4:]))
		}
	}
	if primary < 0 {
		return nil, errors.New("no pitm of version 0")
	}
	var body [][]byte
	for _, c := range children {
		if c.typ != "iprp" {
			body = append(body, c.whole)
			continue
		}
		parts, err := boxes(c.body)
		if err != nil {
			return nil, err
		}
		var iprp [][]byte
		count := 0
		for _, p := range parts {
			switch p.typ {
			case "ipco":
				existing, err := boxes(p.body)
				if err != nil {
					return nil, err
				}
				count = len(existing)
				iprp = append(iprp, wrap("ipco", append([][]byte{p.body}, props...)...))
			case "ipma":
				ipma, err := associate(p.body, primary, count, len(props))
				if err != nil {
					return nil, err
				}
				iprp = append(iprp, wrap("ipma", ipma))
			default:
				iprp = append(iprp, p.whole)
			}
		}
		body = append(body, wrap("iprp", iprp...))
	}
	return wrap("meta", append([][]byte{meta.body[:4]}, body...)...), nil
}

// associate adds to the primary item's ipma entry essential associations
// with the properties after the first count ones.
func associate(b []byte, primary, count, added int) ([]byte, error) {
	if len(b) < 8 || b[0] != 0 || b[3]&1 != 0 {
		return nil, errors.New("only ipma version 0 with 8-bit associations is handled")
	}
	out := append([]byte(nil), b[:8]...)
	entries := int(binary.BigEndian.Uint32(b[4:]))
	p := 8
	for range entries {
		if p+3 > len(b) {
			return nil, errors.New("truncated ipma")
		}
		item, n := int(binary.BigEndian.Uint16(b[p:])), int(b[p+2])
		if p+3+n > len(b) {
			return nil, errors.New("truncated ipma")
		}
		assoc := append([]byte(nil), b[p+3:p+3+n]...)
		if item == primary {
			for k := range added {
				assoc = append(assoc, 0x80|byte(count+1+k))
			}
		}
		out = binary.BigEndian.AppendUint16(out, uint16(item))
		out = append(out, byte(len(assoc)))
		out = append(out, assoc...)
		p += 3 + n
	}
	return out, nil
}

// shiftILoc adds delta to every file offset of the iloc box inside file
// (in place: the box keeps its size).
func shiftILoc(file []byte, delta int) error {
	i := bytes.Index(file, []byte("iloc"))
	if i < 4 {
		return errors.New("no iloc")
	}
	b := file[i+4:]
	version := b[0]
	offSize, lenSize, baseSize := int(b[4]>>4), int(b[4]&15), int(b[5]>>4)
	indexSize := 0
	if version >= 1 {
		indexSize = int(b[5] & 15)
	}
	p := 6
	read := func(n int) int { // big-endian of n bytes at p
		v := 0
		for k := range n {
			v = v<<8 | int(b[p+k])
		}
		p += n
		return v
	}
	add := func(n int) { // adds delta to the n-byte field at p
		v := read(n) + delta
		for k := range n {
			b[p-1-k] = byte(v >> (8 * k))
		}
	}
	items := 0
	if version < 2 {
		items = read(2)
	} else {
		items = read(4)
	}
	for range items {
		if version < 2 {
			read(2)
		} else {
			read(4)
		}
		method := 0
		if version >= 1 {
			method = read(2) & 15
		}
		read(2) // data reference index
		if method == 0 && baseSize > 0 {
			add(baseSize)
		} else {
			read(baseSize)
		}
		extents := read(2)
		for range extents {
			read(indexSize)
			if method == 0 && baseSize == 0 {
				add(offSize)
			} else {
				read(offSize)
			}
			read(lenSize)
		}
	}
	return nil
}
