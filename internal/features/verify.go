package features

import (
	"cmp"
	"math"
	"math/bits"
	"math/rand/v2"
)

// MatchOptions are the thresholds of a comparison; zero values take the
// defaults (DefaultMatch).
type MatchOptions struct {
	// MaxDistance bounds a descriptor match, in bits of 256; Ratio is
	// Lowe's test: the best match must be this much nearer than the
	// second best.
	MaxDistance int
	Ratio       float64
	// Tolerance is how far, in pixels of a picture of side 512, a match
	// may land from where the transform puts it.
	Tolerance float64
	// MinInliers is how many matches must agree on one transform, and
	// MinSpread the share of the smaller picture's area their bounding box
	// must cover (so a patch of repeated texture does not match alone).
	MinInliers int
	MinSpread  float64
	// DenseInliers is how many agreeing matches are enough however
	// small the area they cover (then at least 1% of the smaller
	// picture): a copy of a picture whose detail is all in one object.
	DenseInliers int
	// CopyOverlap is the share of one picture lying inside the other from
	// which the two are a copy (a crop, a caption, a border); below it
	// they only share a region: the same place.
	CopyOverlap float64
	Iterations  int
}

// DefaultMatch are the thresholds calibrated on the seeded benchmark in
// internal/features/featureseval (docs/benchmarks.md): no pair of
// unrelated pictures reached them.
var DefaultMatch = MatchOptions{MaxDistance: 64, Ratio: 0.85, Tolerance: 6, MinInliers: 12, MinSpread: 0.05, DenseInliers: 36, CopyOverlap: 0.8, Iterations: 800}

func (o MatchOptions) withDefaults() MatchOptions {
	d := DefaultMatch
	return MatchOptions{MaxDistance: cmp.Or(o.MaxDistance, d.MaxDistance), Ratio: cmp.Or(o.Ratio, d.Ratio), Tolerance: cmp.Or(o.Tolerance, d.Tolerance),
		MinInliers: cmp.Or(o.MinInliers, d.MinInliers), MinSpread: cmp.Or(o.MinSpread, d.MinSpread), DenseInliers: cmp.Or(o.DenseInliers, d.DenseInliers),
		CopyOverlap: cmp.Or(o.CopyOverlap, d.CopyOverlap),
		Iterations:  cmp.Or(o.Iterations, d.Iterations)}
}

// Transform maps a point of the first picture to the second: scale, then
// rotate by Angle degrees, then translate; Mirrored when the first was
// flipped left to right before (its x taken as width-1-x).
type Transform struct {
	Scale    float64 `json:"scale"`
	Angle    float64 `json:"angle_degrees"`
	TX       float64 `json:"tx"`
	TY       float64 `json:"ty"`
	Mirrored bool    `json:"mirrored,omitempty"`
}

// Region is a rectangle of a picture in fractions of its width and
// height.
type Region struct {
	X0 float64 `json:"x0"`
	Y0 float64 `json:"y0"`
	X1 float64 `json:"x1"`
	Y1 float64 `json:"y1"`
}

// Kinds of match.
const (
	KindCopy      = "copy"       // one picture is (nearly all) inside the other
	KindSamePlace = "same-place" // they share a region only
)

// Result is how two pictures' features relate.
type Result struct {
	Match      bool       `json:"match"`
	Kind       string     `json:"kind,omitempty"`
	Inliers    int        `json:"inliers"`
	Tentative  int        `json:"tentative_matches"`
	Transform  *Transform `json:"transform,omitempty"`
	OverlapA   float64    `json:"overlap_a"` // share of the first picture inside the second
	OverlapB   float64    `json:"overlap_b"` // share of the second inside the first
	RegionA    *Region    `json:"region_a,omitempty"`
	RegionB    *Region    `json:"region_b,omitempty"`
	Spread     float64    `json:"inlier_spread"` // share of the smaller picture the inliers' bounding box covers
	featuresA  int
	featuresB  int
	correspond []pair
}

type pair struct{ a, b int }

func distance(a, b *Descriptor) int {
	return bits.OnesCount64(a[0]^b[0]) + bits.OnesCount64(a[1]^b[1]) + bits.OnesCount64(a[2]^b[2]) + bits.OnesCount64(a[3]^b[3])
}

// tentative pairs features that are each other's nearest, within
// MaxDistance, and clearly nearer than the second nearest.
func tentative(a, b *Set, o MatchOptions) []pair {
	if a.Len() == 0 || b.Len() == 0 {
		return nil
	}
	bestB := make([]int, b.Len())
	bestBD := make([]int, b.Len())
	for j := range bestB {
		bestB[j], bestBD[j] = -1, 257
	}
	bestA := make([]int, a.Len())
	okA := make([]bool, a.Len())
	for i := range a.Descriptors {
		d1, d2, j1 := 257, 257, -1
		da := &a.Descriptors[i]
		for j := range b.Descriptors {
			d := distance(da, &b.Descriptors[j])
			if d < d1 {
				d1, d2, j1 = d, d1, j
			} else if d < d2 {
				d2 = d
			}
			if d < bestBD[j] {
				bestBD[j], bestB[j] = d, i
			}
		}
		bestA[i] = j1
		okA[i] = d1 <= o.MaxDistance && float64(d1) < o.Ratio*float64(d2)
	}
	var out []pair
	for i, j := range bestA {
		if okA[i] && j >= 0 && bestB[j] == i {
			out = append(out, pair{i, j})
		}
	}
	return out
}

// corr is a tentative match with what RANSAC reads of it, worked out
// once: positions, the turn between the keypoints' orientations and the
// scale between their pyramid levels.
type corr struct {
	ax, ay, bx, by float64
	turn           float64
	levelScale     float64
}

// Compare decides whether two pictures show the same thing, from their
// features: tentative matches, then the similarity transform most of
// them agree on (RANSAC from a fixed seed), then the overlap it implies.
func Compare(a, b *Set, o MatchOptions) Result {
	o = o.withDefaults()
	ps := tentative(a, b, o)
	r := Result{Tentative: len(ps), featuresA: a.Len(), featuresB: b.Len()}
	if len(ps) < max(2, o.MinInliers) {
		return r
	}
	cs := make([]corr, len(ps))
	for k, p := range ps {
		ka, kb := a.Keypoints[p.a], b.Keypoints[p.b]
		cs[k] = corr{float64(ka.X), float64(ka.Y), float64(kb.X), float64(kb.Y), float64(kb.Angle - ka.Angle), levelScales[int(kb.Level)-int(ka.Level)+maxLevels]}
	}
	// Tolerance in the second picture's pixels.
	tol := o.Tolerance * float64(max(b.Width, b.Height)) / 512
	tol2 := tol * tol
	rng := rand.New(rand.NewPCG(0xfea7, uint64(len(ps))))
	var best []int
	var bestT Transform
	inliers := func(t Transform, into []int) []int {
		into = into[:0]
		c, s := t.Scale*math.Cos(t.Angle), t.Scale*math.Sin(t.Angle)
		for k := range cs {
			p := &cs[k]
			x := c*p.ax - s*p.ay + t.TX
			y := s*p.ax + c*p.ay + t.TY
			if dx, dy := x-p.bx, y-p.by; dx*dx+dy*dy > tol2 || !p.consistent(t) {
				continue
			}
			into = append(into, k)
		}
		return into
	}
	var scratch []int
	iterations := o.Iterations
	for it := 0; it < iterations; it++ {
		i, j := rng.IntN(len(ps)), rng.IntN(len(ps))
		if i == j {
			continue
		}
		t, ok := fromTwo(&cs[i], &cs[j])
		if !ok || !cs[i].consistent(t) || !cs[j].consistent(t) {
			continue
		}
		scratch = inliers(t, scratch)
		if len(scratch) > len(best) {
			best, bestT = append(best[:0:0], scratch...), t
			// Enough samples to have drawn two inliers with 99.9%
			// confidence, at the inlier share seen so far.
			w := float64(len(best)) / float64(len(ps))
			if need := int(math.Ceil(math.Log(0.001) / math.Log(1-w*w))); need < iterations && w*w < 1 {
				iterations = max(need, 50)
			}
		}
	}
	if len(best) < 2 {
		return r
	}
	// Refit on the inliers and count again.
	if t, ok := fit(a, b, ps, best); ok {
		if again := inliers(t, nil); len(again) >= len(best) {
			best, bestT = again, t
		}
	}
	r.Inliers = len(best)
	t := bestT
	t.Angle = t.Angle * 180 / math.Pi
	r.Transform = &t
	// The inliers' bounding box in the smaller picture.
	sw, sh, inB := float64(a.Width), float64(a.Height), false
	if float64(b.Width)*float64(b.Height) < sw*sh {
		sw, sh, inB = float64(b.Width), float64(b.Height), true
	}
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, k := range best {
		x, y := cs[k].ax, cs[k].ay
		if inB {
			x, y = cs[k].bx, cs[k].by
		}
		x0, y0 = min(x0, x), min(y0, y)
		x1, y1 = max(x1, x), max(y1, y)
	}
	r.Spread = round3((x1 - x0) * (y1 - y0) / (sw * sh))
	r.OverlapA, r.OverlapB, r.RegionA, r.RegionB = overlap(a, b, bestT)
	r.Match = r.Inliers >= o.MinInliers && r.Spread >= o.MinSpread || r.Inliers >= o.DenseInliers && r.Spread >= 0.01
	if r.Match {
		r.Kind = KindSamePlace
		if max(r.OverlapA, r.OverlapB) >= o.CopyOverlap {
			r.Kind = KindCopy
		}
	}
	r.correspond = make([]pair, len(best))
	for i, k := range best {
		r.correspond[i] = ps[k]
	}
	return r
}

const maxLevels = 16

// levelScales[d+maxLevels] is the scale between pyramid levels d apart.
var levelScales = func() [2*maxLevels + 1]float64 {
	var out [2*maxLevels + 1]float64
	for d := range out {
		out[d] = math.Pow(1.25, float64(d-maxLevels))
	}
	return out
}()

// consistent checks that a match's own orientation and scale agree with
// the transform: ORB keypoints turn and scale with the picture.
func (p *corr) consistent(t Transform) bool {
	d := p.turn - t.Angle
	for d > math.Pi {
		d -= 2 * math.Pi
	}
	for d < -math.Pi {
		d += 2 * math.Pi
	}
	if d > 0.5 || d < -0.5 {
		return false
	}
	// The pyramid levels' scale against the transform's, within a factor
	// of two.
	q := t.Scale / p.levelScale
	return q > 0.5 && q < 2
}

// fromTwo is the similarity taking the first pictures' points of two
// matches to the second's.
func fromTwo(p1, p2 *corr) (Transform, bool) {
	ax, ay := p2.ax-p1.ax, p2.ay-p1.ay
	bx, by := p2.bx-p1.bx, p2.by-p1.by
	la2, lb2 := ax*ax+ay*ay, bx*bx+by*by
	if la2 < 64 || lb2 < 64 {
		return Transform{}, false
	}
	// The complex ratio (bx+i by)/(ax+i ay) is scale and turn at once.
	re, im := (bx*ax+by*ay)/la2, (by*ax-bx*ay)/la2
	t := Transform{Scale: math.Sqrt(lb2 / la2), Angle: math.Atan2(im, re)}
	if t.Scale < 0.2 || t.Scale > 5 {
		return Transform{}, false
	}
	t.TX = p1.bx - (re*p1.ax - im*p1.ay)
	t.TY = p1.by - (im*p1.ax + re*p1.ay)
	return t, true
}

// fit is the least-squares similarity over the inliers.
func fit(a, b *Set, ps []pair, in []int) (Transform, bool) {
	var max_, may, mbx, mby float64
	n := float64(len(in))
	for _, k := range in {
		ka, kb := a.Keypoints[ps[k].a], b.Keypoints[ps[k].b]
		max_ += float64(ka.X)
		may += float64(ka.Y)
		mbx += float64(kb.X)
		mby += float64(kb.Y)
	}
	max_, may, mbx, mby = max_/n, may/n, mbx/n, mby/n
	var sxx, sxy, saa float64
	for _, k := range in {
		ka, kb := a.Keypoints[ps[k].a], b.Keypoints[ps[k].b]
		ax, ay := float64(ka.X)-max_, float64(ka.Y)-may
		bx, by := float64(kb.X)-mbx, float64(kb.Y)-mby
		sxx += ax*bx + ay*by
		sxy += ax*by - ay*bx
		saa += ax*ax + ay*ay
	}
	if saa == 0 {
		return Transform{}, false
	}
	t := Transform{Angle: math.Atan2(sxy, sxx), Scale: math.Hypot(sxx, sxy) / saa}
	if t.Scale < 0.2 || t.Scale > 5 {
		return Transform{}, false
	}
	c, s := math.Cos(t.Angle), math.Sin(t.Angle)
	t.TX = mbx - t.Scale*(c*max_-s*may)
	t.TY = mby - t.Scale*(s*max_+c*may)
	return t, true
}

type point struct{ x, y float64 }

// overlap maps the first picture's rectangle into the second, clips it
// there, and gives the share of each inside the other and the region of
// each the overlap covers.
func overlap(a, b *Set, t Transform) (float64, float64, *Region, *Region) {
	c, s := math.Cos(t.Angle), math.Sin(t.Angle)
	to := func(p point) point {
		return point{t.Scale*(c*p.x-s*p.y) + t.TX, t.Scale*(s*p.x+c*p.y) + t.TY}
	}
	from := func(p point) point {
		x, y := (p.x-t.TX)/t.Scale, (p.y-t.TY)/t.Scale
		return point{c*x + s*y, -s*x + c*y}
	}
	wa, ha, wb, hb := float64(a.Width), float64(a.Height), float64(b.Width), float64(b.Height)
	poly := []point{to(point{0, 0}), to(point{wa, 0}), to(point{wa, ha}), to(point{0, ha})}
	poly = clip(poly, func(p point) float64 { return p.x }, 0, true)
	poly = clip(poly, func(p point) float64 { return p.x }, wb, false)
	poly = clip(poly, func(p point) float64 { return p.y }, 0, true)
	poly = clip(poly, func(p point) float64 { return p.y }, hb, false)
	if len(poly) < 3 {
		return 0, 0, nil, nil
	}
	area := 0.0
	for i, p := range poly {
		q := poly[(i+1)%len(poly)]
		area += p.x*q.y - q.x*p.y
	}
	area = math.Abs(area) / 2
	inA := make([]point, len(poly))
	for i, p := range poly {
		inA[i] = from(p)
	}
	return round3(min(1, area/(wa*ha*t.Scale*t.Scale))), round3(min(1, area/(wb*hb))), bbox(inA, wa, ha), bbox(poly, wb, hb)
}

// clip keeps the part of a convex polygon on one side of a line x=v or
// y=v (Sutherland–Hodgman).
func clip(poly []point, coord func(point) float64, v float64, above bool) []point {
	inside := func(p point) bool {
		if above {
			return coord(p) >= v
		}
		return coord(p) <= v
	}
	var out []point
	for i, p := range poly {
		q := poly[(i+1)%len(poly)]
		pin, qin := inside(p), inside(q)
		if pin {
			out = append(out, p)
		}
		if pin != qin {
			f := (v - coord(p)) / (coord(q) - coord(p))
			out = append(out, point{p.x + f*(q.x-p.x), p.y + f*(q.y-p.y)})
		}
	}
	return out
}

func bbox(ps []point, w, h float64) *Region {
	r := Region{X0: math.Inf(1), Y0: math.Inf(1), X1: math.Inf(-1), Y1: math.Inf(-1)}
	for _, p := range ps {
		r.X0, r.Y0 = min(r.X0, p.x/w), min(r.Y0, p.y/h)
		r.X1, r.Y1 = max(r.X1, p.x/w), max(r.Y1, p.y/h)
	}
	r.X0, r.Y0, r.X1, r.Y1 = round3(max(0, r.X0)), round3(max(0, r.Y0)), round3(min(1, r.X1)), round3(min(1, r.Y1))
	return &r
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// CompareMirrored compares a query, upright and mirrored, with a
// picture, and keeps the better: a mirrored copy matches through the
// query's mirrored features.
func CompareMirrored(upright, mirrored, b *Set, o MatchOptions) Result {
	r := Compare(upright, b, o)
	if mirrored == nil || r.Match && r.Kind == KindCopy {
		return r
	}
	m := Compare(mirrored, b, o)
	if m.Match && (!r.Match || m.Inliers > r.Inliers) {
		m.Transform.Mirrored = true
		return m
	}
	return r
}
