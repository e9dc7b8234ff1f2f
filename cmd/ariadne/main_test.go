package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/store"

	"github.com/ariadne-vid/ariadne/internal/report"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return o.String(), e.String(), code
}

func TestHashCommand(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	if err := png.Encode(&b, synth.Scene(5, 300, 200)); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"b.png":     b.Bytes(),
		"a.txt":     []byte("text"),
		"c.png":     []byte("\x89PNG\r\n\x1a\nbroken"),
		"sub/d.png": b.Bytes(),
	} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, _, code := runCLI(t, "hash", "--dihedral", "--jobs", "3", dir)
	if code != 1 {
		t.Errorf("exit %d, want 1 (one corrupt file)", code)
	}
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("not JSON: %s", sc.Text())
		}
		lines = append(lines, m)
	}
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 4:\n%s", len(lines), out)
	}
	wantOrder := []string{"a.txt", "b.png", "c.png", "sub/d.png"}
	for i, m := range lines {
		if rel, _ := filepath.Rel(dir, m["path"].(string)); rel != wantOrder[i] {
			t.Errorf("line %d is %s, want %s", i, rel, wantOrder[i])
		}
	}
	img := lines[1]
	for _, k := range []string{"path", "size", "md5", "sha1", "sha256", "mime", "width", "height", "pdq", "pdq_quality", "pdq_dihedral"} {
		if _, ok := img[k]; !ok {
			t.Errorf("image line lacks %q: %v", k, img)
		}
	}
	if d := img["pdq_dihedral"].([]any); len(d) != 8 || d[0] != img["pdq"] {
		t.Errorf("pdq_dihedral %v", d)
	}
	if _, ok := lines[0]["pdq"]; ok {
		t.Errorf("a text file has no PDQ: %v", lines[0])
	}
	if e, _ := lines[2]["error"].(string); e == "" {
		t.Errorf("corrupt PNG without an error: %v", lines[2])
	}
	for _, k := range []string{"md5", "sha1", "sha256", "pdq"} {
		if v := img[k].(string); v != strings.ToLower(v) {
			t.Errorf("%s %q: hex must be lower-case", k, v)
		}
	}

	csv, _, _ := runCLI(t, "hash", "--format", "csv", filepath.Join(dir, "b.png"))
	f := strings.Split(strings.TrimSpace(csv), ",")
	if len(f) != 3 || f[0] != img["pdq"] || f[2] != filepath.Join(dir, "b.png") {
		t.Errorf("csv line %q", csv)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"hash"}, {"hash", "--format", "xml", "."}, {"nosuch"}, {"hash", "--jobs"}} {
		if _, _, code := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestDemo(t *testing.T) {
	dir := t.TempDir()
	out, errOut, code := runCLI(t, "demo", "--dir", dir, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("demo report is not JSON: %v\n%s", err, out)
	}
	want := map[store.Class]int64{"new": 11, "near": 6, "known": 2, "ignorable": 2, "other": 3, "error": 1}
	for c, n := range want {
		if r.Totals[c] != n {
			t.Errorf("%s: %d files, want %d (totals %v)", c, r.Totals[c], n, r.Totals)
		}
	}
	classOf := map[string]string{}
	for _, m := range append(append([]*report.Media{}, r.Near...), r.Known...) {
		for _, f := range m.Files {
			classOf[f.Path] = string(m.Class)
		}
	}
	for _, c := range r.Clusters {
		for _, m := range c.Media {
			for _, f := range m.Files {
				classOf[f.Path] = fmt.Sprintf("new/%d", c.ID)
			}
		}
	}
	for path, class := range map[string]string{
		"phone/DCIM/IMG_0001.jpg": "known", "phone/backup/IMG_0001 (copy).jpg": "known",
		"phone/DCIM/IMG_0002.jpg": "near", "phone/Pictures/lake_mirrored.jpg": "near",
		"phone/Downloads/chat-export.zip!/sent/dunes_forwarded.jpg": "near",
		// The largest new cluster: the meadow, its conversions and the copy
		// in the zip inside the zip.
		"phone/DCIM/IMG_0003.png": "new/1", "phone/Downloads/chat-export.zip!/sent/older.zip!/old/meadow_copy.png": "new/1",
		"phone/Pictures/forest_mirrored.png": "new/3", "phone/DCIM/IMG_0011.jpg": "new/3",
	} {
		if classOf[path] != class {
			t.Errorf("%s: %q, want %q", path, classOf[path], class)
		}
	}
	if len(r.Errors) != 1 || r.Errors[0].Path != "phone/DCIM/IMG_0004.jpg" {
		t.Errorf("errors: %+v", r.Errors)
	}
	// The earlier case of another agency holds the forest (the same file)
	// and a thumbnail of the harbour (near).
	if len(r.OtherCases) != 1 || r.OtherCases[0].Number != "DEMO-0" || r.OtherCases[0].Agency != "Neighbouring agency (synthetic)" ||
		r.OtherCases[0].Same != 1 || r.OtherCases[0].Near < 1 {
		t.Errorf("other cases: %+v", r.OtherCases)
	}
	// The neighbouring agency identified the victim its forest picture
	// depicts: a notice with only its case, agency and contact, on the
	// forest and on its mirrored copy (a near-duplicate of the
	// neighbour's picture).
	if len(r.Notices) != 1 || r.Notices[0].Case != "DEMO-0" || r.Notices[0].Contact != "vid-desk@neighbouring-agency.example" ||
		!strings.Contains(r.Notices[0].Text, "victim identified by Neighbouring agency (synthetic) on 2026-05-04") || len(r.Notices[0].Media) != 2 {
		t.Errorf("notices: %+v", r.Notices)
	} else {
		var on []string
		for _, m := range append(append(append([]*report.Media{}, r.Near...), r.Known...), clusterMedia(&r)...) {
			if slices.Contains(r.Notices[0].Media, m.SHA256) {
				for _, f := range m.Files {
					on = append(on, f.Path)
				}
			}
		}
		slices.Sort(on)
		if want := []string{"phone/DCIM/IMG_0011.jpg", "phone/Pictures/forest_mirrored.png"}; !slices.Equal(on, want) {
			t.Errorf("the notice is on %v, want %v", on, want)
		}
	}
	if !strings.Contains(errOut, "confirmed 7 media in the known series") {
		t.Errorf("demo steps:\n%s", errOut)
	}
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if n, e := strings.Index(string(html), `class="notice"`), strings.Index(string(html), "Files per triage class"); n < 0 || n > e {
		t.Error("the HTML report does not show the notice first")
	}
}

func TestCompareCommand(t *testing.T) {
	dir := t.TempDir()
	m := synth.Scene(77, 400, 300)
	var a, b bytes.Buffer
	png.Encode(&a, m)
	png.Encode(&b, synth.Mirror(m))
	pa, pb := filepath.Join(dir, "a.png"), filepath.Join(dir, "b.png")
	os.WriteFile(pa, a.Bytes(), 0o644)
	os.WriteFile(pb, b.Bytes(), 0o644)
	out, errOut, code := runCLI(t, "compare", "--json", pa, pb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var c comparison
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	if c.SameContent || c.PDQDistance == nil || *c.PDQDistance > 31 || c.PDQVariant != "flipx" && c.PDQVariant != "flipy" || !c.Match || !slices.Contains(c.By, "pdq") {
		t.Errorf("mirrored copy: %s", out)
	}
}

// TestCompareLocalFeatures: a cropped and captioned copy, which PDQ does
// not find, matches by local features, with the transform and the
// regions; a room with the same wallpaper does not match at all.
func TestCompareLocalFeatures(t *testing.T) {
	dir := t.TempDir()
	m := synth.Room(3, 9, 1024, 768)
	save := func(name string, im image.Image) string {
		var b bytes.Buffer
		jpeg.Encode(&b, im, &jpeg.Options{Quality: 90})
		p := filepath.Join(dir, name)
		os.WriteFile(p, b.Bytes(), 0o644)
		return p
	}
	orig := save("orig.jpg", m)
	c := image.NewNRGBA(image.Rect(0, 0, 820, 615))
	draw.Draw(c, c.Bounds(), m, image.Point{102, 77}, draw.Src)
	crop := save("crop.jpg", synth.Caption(c, "A CAPTION"))
	other := save("other.jpg", synth.Room(3, 10, 1024, 768))
	for _, tc := range []struct {
		a, b  string
		match bool
		by    []string
	}{
		{crop, orig, true, []string{"local-features"}},
		{other, orig, false, []string{}},
	} {
		out, errOut, code := runCLI(t, "compare", "--json", tc.a, tc.b)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var got comparison
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if got.Match != tc.match || !slices.Equal(got.By, tc.by) || got.LocalFeatures == nil {
			t.Errorf("%s vs %s: %s", filepath.Base(tc.a), filepath.Base(tc.b), out)
			continue
		}
		if lf := got.LocalFeatures; tc.match && (lf.Kind != "copy" || lf.Transform == nil || lf.RegionB == nil || lf.RegionB.X0 < 0.08 || lf.RegionB.X0 > 0.12) {
			t.Errorf("crop evidence: %s", out)
		}
	}
	out, _, _ := runCLI(t, "compare", crop, orig)
	if !strings.Contains(out, "local:  a copy") {
		t.Errorf("text output:\n%s", out)
	}
}

// TestRematchCommand: a case ingested before a hash set knew one of its
// files is triaged by `ariadne rematch` once the set is imported.
func TestRematchCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	ev := filepath.Join(dir, "ev")
	os.MkdirAll(ev, 0o755)
	var img bytes.Buffer
	png.Encode(&img, synth.Scene(31, 200, 150))
	os.WriteFile(filepath.Join(ev, "a.png"), img.Bytes(), 0o644)
	os.WriteFile(filepath.Join(ev, "b.txt"), []byte("notes\n"), 0o644)
	must := func(args ...string) string {
		t.Helper()
		out, errOut, code := runCLI(t, append(args, "--db", db)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		return out
	}
	must("case", "create", "R-1")
	must("ingest", "--case", "R-1", "--exhibit", "E", "--json", ev)
	list := filepath.Join(dir, "bad.txt")
	os.WriteFile(list, []byte(hashCLI(t, filepath.Join(ev, "a.png"))+"\n"), 0o644)
	must("hashset", "import", list, "--name", "late", "--format", "list", "--hash", "md5")
	var sum struct {
		Media        int   `json:"media"`
		Matched      int   `json:"media_matched"`
		NewMatches   int64 `json:"new_matches"`
		Reclassified int64 `json:"files_reclassified"`
	}
	if err := json.Unmarshal([]byte(must("rematch", "--case", "R-1", "--json")), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Media != 2 || sum.Matched != 1 || sum.NewMatches != 1 || sum.Reclassified != 1 {
		t.Errorf("rematch summary %+v", sum)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(must("report", "--case", "R-1", "--format", "json")), &r); err != nil {
		t.Fatal(err)
	}
	if r.Totals["known"] != 1 {
		t.Errorf("after rematch the report counts %v", r.Totals)
	}
}

// hashCLI returns the MD5 `ariadne hash` gives a file.
func hashCLI(t *testing.T, path string) string {
	t.Helper()
	out, errOut, code := runCLI(t, "hash", "--format", "jsonl", path)
	if code != 0 {
		t.Fatalf("hash: exit %d: %s", code, errOut)
	}
	var res struct {
		MD5 string `json:"md5"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &res); err != nil {
		t.Fatal(err)
	}
	return res.MD5
}

func clusterMedia(r *report.Report) []*report.Media {
	var out []*report.Media
	for _, c := range r.Clusters {
		out = append(out, c.Media...)
	}
	return out
}
