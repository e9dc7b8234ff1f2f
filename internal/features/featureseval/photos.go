package featureseval

import (
	"encoding/csv"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // the corpus's photographs
	"os"
	"path/filepath"
	"strconv"

	"github.com/ariadne-vid/ariadne/internal/synth"
)

// photos is a folder made by make_corpus.sh.
type photos struct {
	dir   string
	width int
	rows  []photoRow
}

type photoRow struct {
	file, base string
	crop       image.Rectangle // of the base photograph
}

func openPhotos(dir string, width int) (*photos, error) {
	f, err := os.Open(filepath.Join(dir, "manifest.csv"))
	if err != nil {
		return nil, fmt.Errorf("photographs: %w (make them with ../shared/bench/make_corpus.sh)", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name(), err)
	}
	p := &photos{dir: dir, width: width}
	for _, r := range recs[min(1, len(recs)):] { // after the header
		if len(r) < 6 {
			return nil, fmt.Errorf("%s: a row of %d fields", f.Name(), len(r))
		}
		var n [4]int
		for k := range n {
			if n[k], err = strconv.Atoi(r[2+k]); err != nil {
				return nil, fmt.Errorf("%s: %w", f.Name(), err)
			}
		}
		p.rows = append(p.rows, photoRow{file: r[0], base: r[1], crop: image.Rect(n[2], n[3], n[2]+n[0], n[3]+n[1])})
	}
	if len(p.rows) == 0 {
		return nil, fmt.Errorf("%s lists no photographs", f.Name())
	}
	return p, nil
}

// load reads a photograph, reduced to the run's width on its longer side.
func (p *photos) load(i int) (*image.NRGBA, error) {
	f, err := os.Open(filepath.Join(p.dir, p.rows[i].file))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.rows[i].file, err)
	}
	b := m.Bounds()
	if long := max(b.Dx(), b.Dy()); long > p.width {
		return synth.Resize(m, b.Dx()*p.width/long, b.Dy()*p.width/long), nil
	}
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), m, b.Min, draw.Src)
	return out, nil
}

func (p *photos) original(i int) (*image.NRGBA, error)  { return p.load(i) }
func (p *photos) unrelated(i int) (*image.NRGBA, error) { return p.load(i) }

func (p *photos) overlap(i, j int) float64 {
	a, b := p.rows[i], p.rows[j]
	if a.base != b.base {
		return 0
	}
	in := a.crop.Intersect(b.crop)
	if in.Empty() {
		return 0
	}
	area := func(r image.Rectangle) float64 { return float64(r.Dx()) * float64(r.Dy()) }
	return area(in) / min(area(a.crop), area(b.crop))
}
