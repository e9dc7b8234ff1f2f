package synth

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Room draws a w x h picture of an invented room: a wall papered with a
// repeated motif, a floor, and furniture, posters and objects with
// textures of their own. style chooses the wallpaper, the palette and the
// floor, layout everything placed in the room: pictures of one style and
// different layouts are the "similar subjects" a matcher must not
// confuse (the same wallpaper, nothing else shared); one layout seen
// through different crops is the same place.
func Room(style, layout uint64, w, h int) *image.NRGBA {
	srng := rand.New(rand.NewPCG(style, 0x5eed0001))
	lrng := rand.New(rand.NewPCG(layout, 0x5eed0002))
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	wall := [3]float64{80 + srng.Float64()*150, 80 + srng.Float64()*150, 80 + srng.Float64()*150}
	ink := [3]float64{srng.Float64() * 255, srng.Float64() * 255, srng.Float64() * 255}
	motif := 10 + srng.IntN(30)
	kind := srng.IntN(3)
	floorY := int(float64(h) * (0.6 + srng.Float64()*0.25))
	floor := [3]float64{40 + srng.Float64()*120, 30 + srng.Float64()*100, 20 + srng.Float64()*80}
	plank := 12 + srng.IntN(30)
	// The wall's lighting and where the motif starts belong to the room.
	noise := newValueNoise(lrng, 8)
	ox, oy := lrng.IntN(motif), lrng.IntN(motif)
	floorY = min(h-1, max(h/2, floorY+lrng.IntN(h/10)-h/20))
	for y := range h {
		for x := range w {
			u, v := float64(x)/float64(w), float64(y)/float64(h)
			n := noise.at(u*6, v*6) - 0.5
			var c [3]float64
			if y < floorY {
				c = wall
				mx, my := (x+ox)%motif, (y+oy)%motif
				var on bool
				switch kind {
				case 0: // dots
					on = (mx-motif/2)*(mx-motif/2)+(my-motif/2)*(my-motif/2) < motif*motif/12
				case 1: // diamonds
					on = abs(mx-motif/2)+abs(my-motif/2) < motif/3
				default: // stripes
					on = mx < motif/3
				}
				if on {
					c = ink
				}
			} else {
				c = floor
				if (x+(y-floorY)/plank*37)%(plank*4) < 2 || (y-floorY)%plank < 2 {
					c = [3]float64{floor[0] * 0.6, floor[1] * 0.6, floor[2] * 0.6}
				}
			}
			i := m.PixOffset(x, y)
			for k := range 3 {
				m.Pix[i+k] = clamp(c[k] + n*60)
			}
			m.Pix[i+3] = 255
		}
	}
	words := []string{"NORTH", "RIVER", "GARDEN", "SUMMER", "LIBRARY", "MARKET", "HARBOUR", "STATION", "MEADOW", "COPPER", "LANTERN", "ORCHARD"}
	for range 12 + lrng.IntN(14) {
		col := color.NRGBA{uint8(lrng.IntN(256)), uint8(lrng.IntN(256)), uint8(lrng.IntN(256)), 255}
		col2 := color.NRGBA{uint8(lrng.IntN(256)), uint8(lrng.IntN(256)), uint8(lrng.IntN(256)), 255}
		cx, cy := lrng.IntN(w), lrng.IntN(h)
		rw, rh := w/(6+lrng.IntN(14)), h/(5+lrng.IntN(12))
		switch lrng.IntN(5) {
		case 0: // a disc with a ring
			r := (rw + rh) / 3
			for y := max(0, cy-r); y < min(h, cy+r); y++ {
				for x := max(0, cx-r); x < min(w, cx+r); x++ {
					d := (x-cx)*(x-cx) + (y-cy)*(y-cy)
					if d <= r*r {
						if d > r*r*2/3 {
							m.SetNRGBA(x, y, col2)
						} else {
							m.SetNRGBA(x, y, col)
						}
					}
				}
			}
		case 1: // a striped or checked box
			step := 4 + lrng.IntN(12)
			checked := lrng.IntN(2) == 0
			for y := max(0, cy-rh/2); y < min(h, cy+rh/2); y++ {
				for x := max(0, cx-rw/2); x < min(w, cx+rw/2); x++ {
					on := (x/step)%2 == 0
					if checked {
						on = on != ((y/step)%2 == 0)
					}
					if on {
						m.SetNRGBA(x, y, col)
					} else {
						m.SetNRGBA(x, y, col2)
					}
				}
			}
		case 2: // a poster: a frame, a textured picture, a word
			tex := newValueNoise(lrng, 6)
			for y := max(0, cy-rh/2); y < min(h, cy+rh/2); y++ {
				for x := max(0, cx-rw/2); x < min(w, cx+rw/2); x++ {
					if x-(cx-rw/2) < 4 || (cx+rw/2)-x <= 4 || y-(cy-rh/2) < 4 || (cy+rh/2)-y <= 4 {
						m.SetNRGBA(x, y, col2)
						continue
					}
					t := tex.at(float64(x)/30, float64(y)/30)
					m.SetNRGBA(x, y, color.NRGBA{clamp(float64(col.R) * t * 1.5), clamp(float64(col.G) * t * 1.5), clamp(float64(col.B) * (1.2 - t)), 255})
				}
			}
			d := font.Drawer{Dst: m, Src: image.NewUniform(col2), Face: basicfont.Face7x13, Dot: fixed.P(cx-rw/2+8, cy+rh/2-10)}
			d.DrawString(words[lrng.IntN(len(words))])
		case 3: // a triangle (a lamp, a shelf bracket)
			for y := max(0, cy-rh/2); y < min(h, cy+rh/2); y++ {
				half := (y - (cy - rh/2)) * rw / (2 * max(1, rh))
				for x := max(0, cx-half); x < min(w, cx+half); x++ {
					m.SetNRGBA(x, y, col)
				}
			}
		default: // lines: a cable, a rail
			angle := lrng.Float64() * math.Pi
			l := float64(rw + rh)
			for k := 0.0; k < l; k += 0.5 {
				x, y := cx+int(k*math.Cos(angle)), cy+int(k*math.Sin(angle))
				for d := range 3 {
					if x+d >= 0 && x+d < w && y >= 0 && y < h {
						m.SetNRGBA(x+d, y, col)
					}
				}
			}
		}
	}
	return m
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
