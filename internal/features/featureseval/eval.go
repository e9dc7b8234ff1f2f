// Package featureseval measures local-feature matching on benign
// pictures it generates (internal/synth's rooms, scenes and text): the
// share of altered copies found — crops, captions and overlays, borders,
// small rotations, re-encodes, mirrors — and of overlapping crops of one
// room found as the same place, next to PDQ's on the same pairs, and the
// false matches among thousands of pairs of unrelated pictures, some of
// them of the same style (one wallpaper, different rooms). Everything is
// seeded: a run gives the same table every time.
package featureseval

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"io"
	"math"
	"math/rand/v2"

	"github.com/ariadne-vid/ariadne/internal/features"
	"github.com/ariadne-vid/ariadne/internal/imaging"
	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

// Spec sizes a run.
type Spec struct {
	Originals int    // pictures altered in every way
	Unrelated int    // pictures compared pairwise for false matches (the originals among them)
	Seed      uint64 // of every picture
	Width     int    // of the originals (height 3/4 of it)
	// PhotoDir, when set, takes the originals and the unrelated pictures
	// from a folder of photographs made by ../shared/bench/make_corpus.sh
	// (crops of Debian's wallpaper photographs, with a manifest.csv
	// naming each one's base photograph and crop) instead of generating
	// rooms. Two crops of one base photograph that overlap are not
	// unrelated: they are counted as the same place.
	PhotoDir string
}

// DefaultSpec is the benchmark of docs/benchmarks.md: 40 originals, as
// the held-back set, and 150 unrelated pictures (11,175 pairs).
var DefaultSpec = Spec{Originals: 40, Unrelated: 150, Seed: 1, Width: 1024}

// An Alteration makes a copy of a picture, or (SamePlace) a different
// picture of the same room.
type Alteration struct {
	Name      string
	SamePlace bool
	Quality   int // JPEG quality of the copy (default 90)
	Make      func(*image.NRGBA) *image.NRGBA
}

// Alterations are what the benchmark does to every original.
var Alterations = []Alteration{
	{Name: "re-encoded (JPEG q=40)", Quality: 40, Make: func(m *image.NRGBA) *image.NRGBA { return m }},
	{Name: "resized to 50%", Make: func(m *image.NRGBA) *image.NRGBA { return synth.Resize(m, m.Bounds().Dx()/2, m.Bounds().Dy()/2) }},
	{Name: "mirrored", Make: synth.Mirror},
	{Name: "brighter (gamma 0.7)", Make: func(m *image.NRGBA) *image.NRGBA { return gamma(m, 0.7) }},
	{Name: "crop 5% per edge", Make: func(m *image.NRGBA) *image.NRGBA { return crop(m, 0.05, 0.05, 0.05, 0.05) }},
	{Name: "crop 10% per edge", Make: func(m *image.NRGBA) *image.NRGBA { return crop(m, 0.1, 0.1, 0.1, 0.1) }},
	{Name: "crop 15% per edge", Make: func(m *image.NRGBA) *image.NRGBA { return crop(m, 0.15, 0.15, 0.15, 0.15) }},
	{Name: "crop 25% per edge", Make: func(m *image.NRGBA) *image.NRGBA { return crop(m, 0.25, 0.25, 0.25, 0.25) }},
	{Name: "crop 5/15/20/10% (uneven)", Make: func(m *image.NRGBA) *image.NRGBA { return crop(m, 0.05, 0.15, 0.2, 0.1) }},
	{Name: "caption band", Make: func(m *image.NRGBA) *image.NRGBA { return synth.Caption(m, "SHARED FROM AN INVENTED CHANNEL 0000") }},
	{Name: "overlay (logo and text)", Make: overlay},
	{Name: "border 8%", Make: func(m *image.NRGBA) *image.NRGBA { return pad(m, 0.08, 0.08, color.NRGBA{255, 255, 255, 255}) }},
	{Name: "letterbox to 16:9", Make: letterbox},
	{Name: "rotated 3°", Make: func(m *image.NRGBA) *image.NRGBA { return rotate(m, 3) }},
	{Name: "rotated -5°", Make: func(m *image.NRGBA) *image.NRGBA { return rotate(m, -5) }},
	{Name: "crop 10% + caption + mirror", Make: func(m *image.NRGBA) *image.NRGBA {
		return synth.Mirror(synth.Caption(crop(m, 0.1, 0.1, 0.1, 0.1), "REPOSTED"))
	}},
	{Name: "same place: overlapping crops", SamePlace: true, Make: nil},
}

// Picture is a generated picture as ingest sees it: encoded, decoded by
// the hashing decoder, hashed and described.
type Picture struct {
	PDQ      pdq.Signal
	Features *features.Set
	Mirrored *features.Set
}

// Prepare encodes m, decodes it as ingest does and computes its PDQ and
// features (and those of its mirror image, for queries).
func Prepare(m image.Image, quality int, query bool) (Picture, error) {
	if quality == 0 {
		quality = 90
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: quality}); err != nil {
		return Picture{}, err
	}
	img, err := imaging.Decode(b.Bytes(), imaging.Options{Fast: true})
	if err != nil {
		return Picture{}, err
	}
	p := Picture{PDQ: pdq.FromLuma(img.Luma, img.LumaRows, img.LumaCols)}
	p.Features = features.FromLuma(img.Luma, img.LumaRows, img.LumaCols, img.Width, img.Height, features.Options{})
	if !query {
		// As the store keeps it.
		if p.Features, err = features.Decode(p.Features.Truncate(features.Stored).Encode()); err != nil {
			return p, err
		}
	}
	if query {
		p.Mirrored = features.FromLuma(img.Luma, img.LumaRows, img.LumaCols, img.Width, img.Height, features.Options{Mirror: true})
	}
	return p, nil
}

// pdqMatch is the reference's decision: within 31 bits, any of the
// query's rotations and mirrors.
func pdqMatch(q, o pdq.Signal) bool {
	for _, h := range q.Dihedral() {
		if pdq.Distance(h, o.Hash) <= pdq.DefaultRadius {
			return true
		}
	}
	return false
}

// Row is one alteration's results.
type Row struct {
	Alteration string `json:"alteration"`
	Pairs      int    `json:"pairs"`
	Local      int    `json:"local_features"` // matched by local features (as a copy, or as the same place for SamePlace rows)
	PDQ        int    `json:"pdq"`
	Either     int    `json:"either"`
	WrongKind  int    `json:"wrong_kind"` // matched, but called the same place for a copy (or a copy for the same place)
}

// Report is a run's results.
type Report struct {
	Spec          Spec  `json:"spec"`
	Rows          []Row `json:"rows"`
	Unrelated     int   `json:"unrelated_pairs"`
	LocalFalse    int   `json:"local_false_matches"`
	PDQFalse      int   `json:"pdq_false_matches"`
	MaxInliers    int   `json:"max_unrelated_inliers"` // the most inliers any unrelated pair reached
	MinInliersHit int   `json:"min_inliers"`           // the threshold, for the margin
	// Photographs only: pairs of crops of one photograph sharing at least
	// a quarter of the smaller, and how many matched.
	SamePhotoPairs int `json:"same_photo_pairs,omitempty"`
	SamePhotoFound int `json:"same_photo_found,omitempty"`
}

// original is the i-th original: a room of one of 13 styles.
func original(seed uint64, i, w int) *image.NRGBA {
	return synth.Room(seed*1000+uint64(i%13), seed*100000+uint64(i), w, w*3/4)
}

// unrelated is the i-th unrelated picture: the originals first, then rooms
// sharing their styles (similar subjects), smooth scenes and text pages.
func unrelated(s Spec, i int) *image.NRGBA {
	w := s.Width
	switch {
	case i < s.Originals:
		return original(s.Seed, i, w)
	case i%5 == 3:
		return synth.Scene(s.Seed*7919+uint64(i), w, w*3/4)
	case i%5 == 4:
		// Pages of one font saying different things.
		rng := rand.New(rand.NewPCG(s.Seed, uint64(i)))
		words := []string{"MEETING", "NORTH", "HALL", "FOLDER", "BLUE", "TUESDAY", "GARDEN", "LETTER", "RIVER", "LAMP", "WINDOW", "TRAIN"}
		var lines []string
		for range 4 + rng.IntN(5) {
			var l string
			for range 2 + rng.IntN(4) {
				l += words[rng.IntN(len(words))] + " "
			}
			lines = append(lines, l)
		}
		return synth.Text(w, w*3/4, lines)
	}
	return synth.Room(s.Seed*1000+uint64(i%13), s.Seed*100000+50000+uint64(i), w, w*3/4)
}

// source gives a run its pictures.
type source interface {
	original(i int) (*image.NRGBA, error)
	unrelated(i int) (*image.NRGBA, error)
	// overlap is the share of the smaller of two unrelated pictures that
	// shows what the other shows (0 for pictures of different things).
	overlap(i, j int) float64
}

type rooms struct{ s Spec }

func (r rooms) original(i int) (*image.NRGBA, error)  { return original(r.s.Seed, i, r.s.Width), nil }
func (r rooms) unrelated(i int) (*image.NRGBA, error) { return unrelated(r.s, i), nil }
func (r rooms) overlap(i, j int) float64              { return 0 }

// Run measures; progress, if not nil, gets a line per stage.
func Run(s Spec, progress io.Writer) (Report, error) {
	if progress == nil {
		progress = io.Discard
	}
	var src source = rooms{s}
	if s.PhotoDir != "" {
		ps, err := openPhotos(s.PhotoDir, s.Width)
		if err != nil {
			return Report{}, err
		}
		if len(ps.rows) < max(s.Originals, s.Unrelated) {
			return Report{}, fmt.Errorf("%s holds %d photographs, fewer than the %d asked for", s.PhotoDir, len(ps.rows), max(s.Originals, s.Unrelated))
		}
		src = ps
	}
	rep := Report{Spec: s, MinInliersHit: features.DefaultMatch.MinInliers}
	originals := make([]Picture, s.Originals)
	rows := make([]Row, len(Alterations))
	for i := range rows {
		rows[i].Alteration = Alterations[i].Name
	}
	for i := range s.Originals {
		m, err := src.original(i)
		if err != nil {
			return rep, err
		}
		o, err := Prepare(m, 90, false)
		if err != nil {
			return rep, err
		}
		originals[i] = o
		for k, alt := range Alterations {
			if alt.SamePlace {
				left, right := crop(m, 0, 0, 0.4, 0.1), crop(m, 0.4, 0.1, 0, 0)
				l, err := Prepare(left, 90, true)
				if err != nil {
					return rep, err
				}
				r, err := Prepare(right, 90, false)
				if err != nil {
					return rep, err
				}
				res := features.CompareMirrored(l.Features, l.Mirrored, r.Features, features.MatchOptions{})
				rows[k].Pairs++
				if res.Match {
					rows[k].Local++
					rows[k].Either++
					if res.Kind != features.KindSamePlace {
						rows[k].WrongKind++
					}
				}
				if pdqMatch(l.PDQ, r.PDQ) {
					rows[k].PDQ++
				}
				continue
			}
			q, err := Prepare(alt.Make(m), alt.Quality, true)
			if err != nil {
				return rep, err
			}
			res := features.CompareMirrored(q.Features, q.Mirrored, o.Features, features.MatchOptions{})
			p := pdqMatch(q.PDQ, o.PDQ)
			rows[k].Pairs++
			if res.Match {
				rows[k].Local++
				if res.Kind != features.KindCopy {
					rows[k].WrongKind++
				}
			}
			if p {
				rows[k].PDQ++
			}
			if p || res.Match {
				rows[k].Either++
			}
		}
		fmt.Fprintf(progress, "original %d of %d altered and compared\n", i+1, s.Originals)
	}
	rep.Rows = rows
	pics := make([]Picture, s.Unrelated)
	for i := range s.Unrelated {
		m, err := src.unrelated(i)
		if err != nil {
			return rep, err
		}
		p, err := Prepare(m, 90, true)
		if err != nil {
			return rep, err
		}
		pics[i] = p
	}
	fmt.Fprintf(progress, "%d unrelated pictures described\n", s.Unrelated)
	for i := range pics {
		for j := i + 1; j < len(pics); j++ {
			rep.Unrelated++
			stored, err := features.Decode(pics[j].Features.Truncate(features.Stored).Encode())
			if err != nil {
				return rep, err
			}
			res := features.CompareMirrored(pics[i].Features, pics[i].Mirrored, stored, features.MatchOptions{})
			if ov := src.overlap(i, j); ov > 0 {
				// Two crops of one photograph: not unrelated.
				if ov >= 0.25 {
					rep.SamePhotoPairs++
					if res.Match {
						rep.SamePhotoFound++
					}
				}
				rep.Unrelated--
				continue
			}
			rep.MaxInliers = max(rep.MaxInliers, res.Inliers)
			if res.Match {
				rep.LocalFalse++
			}
			if res.Inliers >= rep.MinInliersHit*2/3 {
				fmt.Fprintf(progress, "unrelated %d and %d: %d inliers, spread %.3f, match %v\n", i, j, res.Inliers, res.Spread, res.Match)
			}
			if pdqMatch(pics[i].PDQ, pics[j].PDQ) {
				rep.PDQFalse++
			}
		}
	}
	return rep, nil
}

// WriteTable writes the report as docs/benchmarks.md shows it.
func WriteTable(w io.Writer, r Report) {
	fmt.Fprintf(w, "| alteration (%d originals) | local features | PDQ | either |\n|---|---|---|---|\n", r.Spec.Originals)
	pct := func(n, of int) string {
		return fmt.Sprintf("%d/%d (%.0f%%)", n, of, 100*float64(n)/float64(max(1, of)))
	}
	for _, row := range r.Rows {
		note := ""
		if row.WrongKind > 0 {
			note = fmt.Sprintf(" (%d of another kind)", row.WrongKind)
		}
		fmt.Fprintf(w, "| %s | %s%s | %s | %s |\n", row.Alteration, pct(row.Local, row.Pairs), note, pct(row.PDQ, row.Pairs), pct(row.Either, row.Pairs))
	}
	fmt.Fprintf(w, "\nUnrelated pairs: %d; false matches: local features %d, PDQ %d; the most inliers of an unrelated pair: %d (threshold %d).\n",
		r.Unrelated, r.LocalFalse, r.PDQFalse, r.MaxInliers, r.MinInliersHit)
	if r.SamePhotoPairs > 0 {
		fmt.Fprintf(w, "Crops of one photograph sharing at least a quarter of the smaller: %s matched.\n", pct(r.SamePhotoFound, r.SamePhotoPairs))
	}
}

func crop(m *image.NRGBA, left, top, right, bottom float64) *image.NRGBA {
	b := m.Bounds()
	w, h := float64(b.Dx()), float64(b.Dy())
	r := image.Rect(int(left*w), int(top*h), int(w-right*w), int(h-bottom*h))
	out := image.NewNRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(out, out.Bounds(), m, r.Min, draw.Src)
	return out
}

func gamma(m *image.NRGBA, g float64) *image.NRGBA {
	out := image.NewNRGBA(m.Bounds())
	var lut [256]uint8
	for i := range lut {
		lut[i] = uint8(math.Round(255 * math.Pow(float64(i)/255, g)))
	}
	for i, v := range m.Pix {
		if i%4 == 3 {
			out.Pix[i] = v
		} else {
			out.Pix[i] = lut[v]
		}
	}
	return out
}

func pad(m *image.NRGBA, fx, fy float64, c color.NRGBA) *image.NRGBA {
	b := m.Bounds()
	dx, dy := int(fx*float64(b.Dx())), int(fy*float64(b.Dy()))
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx()+2*dx, b.Dy()+2*dy))
	draw.Draw(out, out.Bounds(), image.NewUniform(c), image.Point{}, draw.Src)
	draw.Draw(out, image.Rect(dx, dy, dx+b.Dx(), dy+b.Dy()), m, b.Min, draw.Src)
	return out
}

// letterbox pads with black bars to 16:9.
func letterbox(m *image.NRGBA) *image.NRGBA {
	b := m.Bounds()
	w := b.Dy() * 16 / 9
	return pad(m, float64(w-b.Dx())/2/float64(b.Dx()), 0, color.NRGBA{0, 0, 0, 255})
}

// overlay lays a semi-opaque logo box and a line of text over a corner.
func overlay(m *image.NRGBA) *image.NRGBA {
	b := m.Bounds()
	out := image.NewNRGBA(b)
	draw.Draw(out, b, m, b.Min, draw.Src)
	box := image.Rect(b.Dx()*3/4, b.Dy()/20, b.Dx()*19/20, b.Dy()/5)
	draw.Draw(out, box, image.NewUniform(color.NRGBA{255, 255, 255, 170}), image.Point{}, draw.Over)
	t := synth.Text(box.Dx()-10, 20, []string{"@invented_0000"})
	draw.Draw(out, image.Rect(box.Min.X+5, box.Max.Y-25, box.Max.X-5, box.Max.Y-5), t, image.Point{}, draw.Src)
	return out
}

// rotate turns m by deg degrees about its centre, same size, corners
// black.
func rotate(m *image.NRGBA, deg float64) *image.NRGBA {
	b := m.Bounds()
	out := image.NewNRGBA(b)
	c, s := math.Cos(deg*math.Pi/180), math.Sin(deg*math.Pi/180)
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	for y := range b.Dy() {
		for x := range b.Dx() {
			fx, fy := float64(x)-cx, float64(y)-cy
			sx, sy := c*fx+s*fy+cx, -s*fx+c*fy+cy
			ix, iy := int(sx), int(sy)
			i := out.PixOffset(x, y)
			if ix < 0 || iy < 0 || ix >= b.Dx()-1 || iy >= b.Dy()-1 {
				out.Pix[i+3] = 255
				continue
			}
			tx, ty := sx-float64(ix), sy-float64(iy)
			for k := range 3 {
				p := func(xx, yy int) float64 { return float64(m.Pix[m.PixOffset(xx, yy)+k]) }
				v := (p(ix, iy)*(1-tx)+p(ix+1, iy)*tx)*(1-ty) + (p(ix, iy+1)*(1-tx)+p(ix+1, iy+1)*tx)*ty
				out.Pix[i+k] = uint8(v + 0.5)
			}
			out.Pix[i+3] = 255
		}
	}
	return out
}
