// Package features finds local features of a picture — keypoints and
// 256-bit binary descriptors, in the manner of ORB (FAST corners ranked by
// the Harris measure over a scale pyramid, oriented by their intensity
// centroid, described by rotated pairwise intensity tests) — and decides
// whether two pictures show the same thing by verifying that enough
// descriptor matches agree on one geometric transform (RANSAC over a
// similarity). It finds what a whole-image hash cannot: a crop, a caption
// or border laid over a picture, and two different pictures of the same
// place. An Index answers which stored pictures a query may match.
//
// Everything is deterministic: the test pattern and RANSAC's samples
// come from fixed seeds, so a comparison gives the same answer every time.
package features

import (
	"cmp"
	"image"
	"math"
	"math/rand/v2"
	"slices"
)

// Options tune extraction; zero values take the defaults.
type Options struct {
	MaxFeatures int     // kept per picture, strongest first, spread over it (default 400)
	Levels      int     // of the scale pyramid (default 6)
	ScaleFactor float64 // between levels (default 1.25)
	Threshold   int     // FAST's intensity difference (default 16)
	MaxSide     int     // the picture is reduced to this longer side first (default 512)
	// Mirror describes the picture flipped left to right (keypoints in
	// the flipped picture's coordinates): a mirrored copy is matched
	// through these.
	Mirror bool
}

func (o Options) withDefaults() Options {
	o.MaxFeatures, o.Levels, o.Threshold, o.MaxSide = cmp.Or(o.MaxFeatures, 400), cmp.Or(o.Levels, 6), cmp.Or(o.Threshold, 16), cmp.Or(o.MaxSide, 512)
	if o.ScaleFactor <= 1 {
		o.ScaleFactor = 1.25
	}
	return o
}

// Descriptor is a keypoint's 256 binary intensity tests.
type Descriptor [4]uint64

// Keypoint is where a feature is, in the coordinates of the picture as
// described (its longer side at most MaxSide).
type Keypoint struct {
	X, Y     float32
	Level    uint8   // of the pyramid: its scale is ScaleFactor^Level
	Angle    float32 // radians
	Response float32 // Harris measure
}

// Set is a picture's features.
type Set struct {
	Width, Height int // of the picture as described
	Keypoints     []Keypoint
	Descriptors   []Descriptor
}

// Len is the number of features.
func (s *Set) Len() int { return len(s.Keypoints) }

// Version names the extraction: stored features of another version are
// not compared.
const Version = "orb1"

const (
	patchRadius = 15 // of the orientation disc; tests lie within it at any angle
	border      = patchRadius + 3
	angleBins   = 32
)

// pattern is the 256 test pairs, drawn once from a fixed seed: Gaussian
// around the keypoint, within a radius that stays inside the patch when
// rotated, pre-rotated for each angle bin.
var pattern = func() [angleBins][256][4]int8 {
	rng := rand.New(rand.NewPCG(0x0a71ad0e, 256))
	var base [256][4]float64
	for i := range base {
		for j := range 4 {
			for {
				v := rng.NormFloat64() * 31 / 5
				if math.Abs(v) <= 10 {
					base[i][j] = v
					break
				}
			}
		}
	}
	var out [angleBins][256][4]int8
	for b := range angleBins {
		a := 2 * math.Pi * float64(b) / angleBins
		c, s := math.Cos(a), math.Sin(a)
		for i, p := range base {
			out[b][i] = [4]int8{
				int8(math.Round(c*p[0] - s*p[1])), int8(math.Round(s*p[0] + c*p[1])),
				int8(math.Round(c*p[2] - s*p[3])), int8(math.Round(s*p[2] + c*p[3])),
			}
		}
	}
	return out
}()

// circle is FAST's ring of 16 pixels at radius 3, in order.
var circle = [16][2]int{{0, -3}, {1, -3}, {2, -2}, {3, -1}, {3, 0}, {3, 1}, {2, 2}, {1, 3}, {0, 3}, {-1, 3}, {-2, 2}, {-3, 1}, {-3, 0}, {-3, -1}, {-2, -2}, {-1, -3}}

// gray is a picture's intensities, row-major.
type gray struct {
	w, h int
	pix  []uint8
}

func (g *gray) at(x, y int) int { return int(g.pix[y*g.w+x]) }

// FromGray extracts the features of a picture.
func FromGray(img *image.Gray, o Options) *Set {
	o = o.withDefaults()
	b := img.Bounds()
	g := &gray{w: b.Dx(), h: b.Dy(), pix: make([]uint8, b.Dx()*b.Dy())}
	for y := range g.h {
		copy(g.pix[y*g.w:(y+1)*g.w], img.Pix[(y)*img.Stride:(y)*img.Stride+g.w])
	}
	return prepared(g, o)
}

func prepared(g *gray, o Options) *Set {
	g = fitGray(g, o.MaxSide)
	if o.Mirror {
		g = mirroredGray(g)
	}
	return extract(g, o)
}

// FromLuma extracts the features from a luma buffer (rows x cols, as the
// hashing decoder gives it: sampled to 512x512 when larger), first
// restored to the picture's own shape, width x height.
func FromLuma(luma []float32, rows, cols, width, height int, o Options) *Set {
	o = o.withDefaults()
	g := &gray{w: cols, h: rows, pix: make([]uint8, rows*cols)}
	for i, v := range luma {
		g.pix[i] = uint8(min(255, max(0, v+0.5)))
	}
	if width > 0 && height > 0 && (width != cols || height != rows) {
		long := max(width, height)
		side := min(o.MaxSide, long)
		g = resize(g, max(1, width*side/long), max(1, height*side/long))
	}
	return prepared(g, o)
}

func mirroredGray(g *gray) *gray {
	out := &gray{w: g.w, h: g.h, pix: make([]uint8, len(g.pix))}
	for y := range g.h {
		row, dst := g.pix[y*g.w:(y+1)*g.w], out.pix[y*g.w:(y+1)*g.w]
		for x := range g.w {
			dst[g.w-1-x] = row[x]
		}
	}
	return out
}

func fitGray(g *gray, side int) *gray {
	if long := max(g.w, g.h); long > side {
		return resize(g, max(1, g.w*side/long), max(1, g.h*side/long))
	}
	return g
}

// resize scales by area averaging (downscaling) or bilinear sampling.
func resize(g *gray, w, h int) *gray {
	if w == g.w && h == g.h {
		return g
	}
	out := &gray{w: w, h: h, pix: make([]uint8, w*h)}
	sx, sy := float64(g.w)/float64(w), float64(g.h)/float64(h)
	if sx >= 1 && sy >= 1 {
		// Each output pixel averages the input box it covers; the boxes'
		// columns are worked out once.
		x0s, x1s := spans(g.w, w, sx)
		y0s, y1s := spans(g.h, h, sy)
		sums := make([]int, w)
		for y := range h {
			clear(sums)
			for yy := y0s[y]; yy < y1s[y]; yy++ {
				row := g.pix[yy*g.w : (yy+1)*g.w]
				for x := range w {
					for _, v := range row[x0s[x]:x1s[x]] {
						sums[x] += int(v)
					}
				}
			}
			rows := y1s[y] - y0s[y]
			dst := out.pix[y*w : (y+1)*w]
			for x := range w {
				dst[x] = uint8(sums[x] / (rows * (x1s[x] - x0s[x])))
			}
		}
		return out
	}
	for y := range h {
		fy := max(0, (float64(y)+0.5)*sy-0.5)
		y0 := min(int(fy), g.h-1)
		y1 := min(y0+1, g.h-1)
		ty := fy - float64(y0)
		for x := range w {
			fx := max(0, (float64(x)+0.5)*sx-0.5)
			x0 := min(int(fx), g.w-1)
			x1 := min(x0+1, g.w-1)
			tx := fx - float64(x0)
			v := (float64(g.at(x0, y0))*(1-tx)+float64(g.at(x1, y0))*tx)*(1-ty) + (float64(g.at(x0, y1))*(1-tx)+float64(g.at(x1, y1))*tx)*ty
			out.pix[y*w+x] = uint8(v + 0.5)
		}
	}
	return out
}

// spans gives, for each of n output pixels at step s, the input range
// [from, to) it averages.
func spans(in, n int, s float64) ([]int, []int) {
	from, to := make([]int, n), make([]int, n)
	for i := range n {
		from[i] = min(in-1, int(float64(i)*s))
		to[i] = min(in, max(from[i]+1, int(float64(i+1)*s)))
	}
	return from, to
}

// candidate is a corner found at one level.
type candidate struct {
	x, y     int
	response float32
}

func extract(g *gray, o Options) *Set {
	set := &Set{Width: g.w, Height: g.h}
	// Features per level in proportion to its area, as ORB does.
	shares := make([]float64, o.Levels)
	total := 0.0
	for l := range shares {
		shares[l] = math.Pow(o.ScaleFactor, -2*float64(l))
		total += shares[l]
	}
	level := g
	for l := range o.Levels {
		if l > 0 {
			s := math.Pow(o.ScaleFactor, float64(l))
			w, h := int(math.Round(float64(g.w)/s)), int(math.Round(float64(g.h)/s))
			if w < 2*border+8 || h < 2*border+8 {
				break
			}
			level = resize(g, w, h)
		}
		want := int(math.Ceil(float64(o.MaxFeatures) * shares[l] / total))
		found := corners(level, o.Threshold)
		// A smooth picture (sky, water, fog, a plain wall) has few strong
		// corners: weaker ones are better than none.
		for _, weaker := range []int{o.Threshold / 2, o.Threshold / 4} {
			if len(found) >= want || weaker < 2 {
				break
			}
			found = corners(level, weaker)
		}
		cs := spread(found, level.w, level.h, want)
		smooth := newIntegral(level)
		scale := float32(math.Pow(o.ScaleFactor, float64(l)))
		for _, c := range cs {
			angle := orientation(level, c.x, c.y)
			set.Keypoints = append(set.Keypoints, Keypoint{X: float32(c.x) * scale, Y: float32(c.y) * scale, Level: uint8(l), Angle: angle, Response: c.response})
			set.Descriptors = append(set.Descriptors, describe(smooth, c.x, c.y, angle))
		}
	}
	// Strongest first, so a shorter prefix is the best subset.
	idx := make([]int, len(set.Keypoints))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(set.Keypoints[b].Response, set.Keypoints[a].Response) })
	if len(idx) > o.MaxFeatures {
		idx = idx[:o.MaxFeatures]
	}
	kps, ds := make([]Keypoint, len(idx)), make([]Descriptor, len(idx))
	for i, j := range idx {
		kps[i], ds[i] = set.Keypoints[j], set.Descriptors[j]
	}
	set.Keypoints, set.Descriptors = kps, ds
	return set
}

// corners finds FAST-9 corners away from the border, scored by the
// Harris measure and kept where no neighbour scores higher.
func corners(g *gray, t int) []candidate {
	var offs [16]int
	for i, c := range circle {
		offs[i] = c[1]*g.w + c[0]
	}
	score := make(map[int]float32)
	var found []int
	for y := border; y < g.h-border; y++ {
		row := g.pix[y*g.w:]
		for x := border; x < g.w-border; x++ {
			i := y*g.w + x
			p := int(row[x])
			hi, lo := p+t, p-t
			// Of 9 contiguous ring pixels, at least 2 are compass points.
			nb, nd := 0, 0
			for _, k := range [4]int{0, 4, 8, 12} {
				v := int(g.pix[i+offs[k]])
				if v > hi {
					nb++
				} else if v < lo {
					nd++
				}
			}
			if nb < 2 && nd < 2 {
				continue
			}
			var bright, dark uint32
			for k, o := range offs {
				v := int(g.pix[i+o])
				if v > hi {
					bright |= 1 << k
				} else if v < lo {
					dark |= 1 << k
				}
			}
			if !run9(bright) && !run9(dark) {
				continue
			}
			if s := harris(g, x, y); s > 0 {
				score[i] = s
				found = append(found, i)
			}
		}
	}
	var out []candidate
	for _, i := range found {
		s := score[i]
		x, y := i%g.w, i/g.w
		best := true
		for dy := -1; dy <= 1 && best; dy++ {
			for dx := -1; dx <= 1; dx++ {
				if (dx != 0 || dy != 0) && score[(y+dy)*g.w+x+dx] > s {
					best = false
					break
				}
			}
		}
		if best {
			out = append(out, candidate{x, y, s})
		}
	}
	return out
}

// run9 reports 9 contiguous set bits in a ring of 16.
func run9(m uint32) bool {
	m |= m << 16 // the ring, twice round
	r := m & (m >> 1)
	r &= r >> 2
	r &= r >> 4 // runs of 8
	return r&(m>>8) != 0
}

// harris is the Harris corner measure over a 7x7 window of Sobel
// gradients.
func harris(g *gray, x, y int) float32 {
	var a, b, c float64
	for dy := -3; dy <= 3; dy++ {
		for dx := -3; dx <= 3; dx++ {
			px, py := x+dx, y+dy
			ix := float64((g.at(px+1, py-1) + 2*g.at(px+1, py) + g.at(px+1, py+1)) - (g.at(px-1, py-1) + 2*g.at(px-1, py) + g.at(px-1, py+1)))
			iy := float64((g.at(px-1, py+1) + 2*g.at(px, py+1) + g.at(px+1, py+1)) - (g.at(px-1, py-1) + 2*g.at(px, py-1) + g.at(px+1, py-1)))
			a += ix * ix
			b += iy * iy
			c += ix * iy
		}
	}
	const k = 0.04
	return float32((a*b - c*c - k*(a+b)*(a+b)) / (1 << 20))
}

// spread keeps up to n corners spread over the picture: the grid's
// cells give their best corner in turn, then their second best, ...
func spread(cs []candidate, w, h, n int) []candidate {
	if len(cs) <= n {
		return cs
	}
	const cell = 32
	cols, rows := (w+cell-1)/cell, (h+cell-1)/cell
	cells := make([][]candidate, cols*rows)
	for _, c := range cs {
		k := (c.y/cell)*cols + c.x/cell
		cells[k] = append(cells[k], c)
	}
	for _, cl := range cells {
		slices.SortFunc(cl, func(a, b candidate) int { return cmp.Compare(b.response, a.response) })
	}
	var out []candidate
	for rank := 0; len(out) < n; rank++ {
		var round []candidate
		for _, cl := range cells {
			if rank < len(cl) {
				round = append(round, cl[rank])
			}
		}
		if len(round) == 0 {
			break
		}
		slices.SortFunc(round, func(a, b candidate) int { return cmp.Compare(b.response, a.response) })
		out = append(out, round[:min(len(round), n-len(out))]...)
	}
	return out
}

// orientation is the angle from a keypoint to the intensity centroid of
// the disc around it.
func orientation(g *gray, x, y int) float32 {
	var m10, m01 int
	for dy := -patchRadius; dy <= patchRadius; dy++ {
		span := int(math.Sqrt(float64(patchRadius*patchRadius - dy*dy)))
		row := g.pix[(y+dy)*g.w:]
		for dx := -span; dx <= span; dx++ {
			v := int(row[x+dx])
			m10 += dx * v
			m01 += dy * v
		}
	}
	return float32(math.Atan2(float64(m01), float64(m10)))
}

// integral is a picture's summed-area table, from which describe reads
// 5x5 box averages, so single pixels (noise, JPEG blocks) sway the tests
// less; only the boxes the tests use are summed.
type integral struct {
	w    int // of the picture; the table is (w+1) wide
	sums []int32
}

func newIntegral(g *gray) *integral {
	w, h := g.w, g.h
	sums := make([]int32, (w+1)*(h+1))
	for y := range h {
		var row int32
		src := g.pix[y*w : (y+1)*w]
		up, cur := sums[y*(w+1):(y+1)*(w+1)], sums[(y+1)*(w+1):(y+2)*(w+1)]
		for x, v := range src {
			row += int32(v)
			cur[x+1] = up[x+1] + row
		}
	}
	return &integral{w: w, sums: sums}
}

// box is the sum over the 5x5 box centred on (x, y), which lies inside
// the picture (keypoints keep a border).
func (in *integral) box(x, y int) int32 {
	w := in.w + 1
	return in.sums[(y+3)*w+x+3] - in.sums[(y-2)*w+x+3] - in.sums[(y+3)*w+x-2] + in.sums[(y-2)*w+x-2]
}

// describe runs the 256 tests, rotated to the keypoint's angle.
func describe(in *integral, x, y int, angle float32) Descriptor {
	bin := int(math.Round(float64(angle)/(2*math.Pi)*angleBins)) % angleBins
	if bin < 0 {
		bin += angleBins
	}
	var d Descriptor
	for i, p := range &pattern[bin] {
		if in.box(x+int(p[0]), y+int(p[1])) < in.box(x+int(p[2]), y+int(p[3])) {
			d[i/64] |= 1 << (i % 64)
		}
	}
	return d
}
