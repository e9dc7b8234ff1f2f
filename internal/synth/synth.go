// Package synth makes benign synthetic images procedurally (gradients,
// shapes, noise textures, rendered text) and the altered copies an
// investigator meets in practice (re-encoded, resized, mirrored,
// captioned). Tests, benchmarks and the demo use them: Ariadne never needs
// real material to be built, tested or shown.
package synth

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Scene draws a w x h picture determined by seed: a two-colour gradient,
// a smooth noise texture, and a handful of discs and rectangles.
func Scene(seed uint64, w, h int) *image.NRGBA {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	c0 := [3]float64{rng.Float64() * 255, rng.Float64() * 255, rng.Float64() * 255}
	c1 := [3]float64{rng.Float64() * 255, rng.Float64() * 255, rng.Float64() * 255}
	angle := rng.Float64() * 2 * math.Pi
	dx, dy := math.Cos(angle), math.Sin(angle)
	noise := newValueNoise(rng, 8)
	scale := 3 + rng.Float64()*5
	for y := range h {
		for x := range w {
			u, v := float64(x)/float64(w), float64(y)/float64(h)
			t := 0.5 + 0.5*((u-0.5)*dx+(v-0.5)*dy)*1.4
			n := noise.at(u*scale, v*scale) - 0.5
			var px [3]uint8
			for c := range 3 {
				px[c] = clamp(c0[c]*(1-t) + c1[c]*t + n*90)
			}
			i := m.PixOffset(x, y)
			m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3] = px[0], px[1], px[2], 255
		}
	}
	for range 3 + rng.IntN(5) {
		col := color.NRGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
		cx, cy := rng.IntN(w), rng.IntN(h)
		if rng.IntN(2) == 0 {
			r := (w + h) / (8 + rng.IntN(12))
			for y := max(0, cy-r); y < min(h, cy+r); y++ {
				for x := max(0, cx-r); x < min(w, cx+r); x++ {
					if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r {
						m.SetNRGBA(x, y, col)
					}
				}
			}
		} else {
			rw, rh := w/(3+rng.IntN(6)), h/(3+rng.IntN(6))
			draw.Draw(m, image.Rect(cx-rw/2, cy-rh/2, cx+rw/2, cy+rh/2), image.NewUniform(col), image.Point{}, draw.Src)
		}
	}
	return m
}

func clamp(v float64) uint8 {
	switch {
	case v < 0:
		return 0
	case v > 255:
		return 255
	}
	return uint8(v + 0.5)
}

// valueNoise is smooth 2-D noise: random values on a lattice,
// interpolated with a smoothstep.
type valueNoise struct {
	n    int
	grid []float64
}

func newValueNoise(rng *rand.Rand, n int) valueNoise {
	g := make([]float64, n*n)
	for i := range g {
		g[i] = rng.Float64()
	}
	return valueNoise{n, g}
}

func (v valueNoise) at(x, y float64) float64 {
	xi, yi := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(xi), y-float64(yi)
	get := func(i, j int) float64 { return v.grid[((j%v.n+v.n)%v.n)*v.n+(i%v.n+v.n)%v.n] }
	sx, sy := fx*fx*(3-2*fx), fy*fy*(3-2*fy)
	top := get(xi, yi)*(1-sx) + get(xi+1, yi)*sx
	bot := get(xi, yi+1)*(1-sx) + get(xi+1, yi+1)*sx
	return top*(1-sy) + bot*sy
}

// Resize returns m scaled to w x h with a Catmull-Rom filter.
func Resize(m image.Image, w, h int) *image.NRGBA {
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(out, out.Bounds(), m, m.Bounds(), draw.Src, nil)
	return out
}

// Mirror returns m flipped left to right.
func Mirror(m *image.NRGBA) *image.NRGBA {
	b := m.Bounds()
	out := image.NewNRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.SetNRGBA(b.Max.X-1-(x-b.Min.X), y, m.NRGBAAt(x, y))
		}
	}
	return out
}

// Caption returns a copy of m with text written on a band at the bottom,
// as a re-poster might add.
func Caption(m *image.NRGBA, text string) *image.NRGBA {
	b := m.Bounds()
	out := image.NewNRGBA(b)
	draw.Draw(out, b, m, b.Min, draw.Src)
	band := image.Rect(b.Min.X, b.Max.Y-20, b.Max.X, b.Max.Y)
	draw.Draw(out, band, image.NewUniform(color.NRGBA{0, 0, 0, 255}), image.Point{}, draw.Src)
	d := font.Drawer{
		Dst:  out,
		Src:  image.NewUniform(color.NRGBA{255, 255, 255, 255}),
		Face: basicfont.Face7x13,
		Dot:  fixed.P(band.Min.X+6, band.Max.Y-(band.Dy()-10)/2-2),
	}
	d.DrawString(text)
	return out
}

// Text renders lines of text, black on white, as a scanned note would look.
func Text(w, h int, lines []string) *image.NRGBA {
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.Draw(out, out.Bounds(), image.NewUniform(color.NRGBA{250, 250, 245, 255}), image.Point{}, draw.Src)
	d := font.Drawer{Dst: out, Src: image.NewUniform(color.NRGBA{20, 20, 30, 255}), Face: basicfont.Face7x13}
	for i, l := range lines {
		d.Dot = fixed.P(10, 20+16*i)
		d.DrawString(l)
	}
	return out
}
