package ingest

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ariadne-vid/ariadne/internal/archive"
	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/imaging"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
	"github.com/ariadne-vid/ariadne/internal/synth"
	"github.com/ariadne-vid/ariadne/internal/walk"
)

func encodeJPEG(t testing.TB, m image.Image, q int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, m image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeTree(t testing.TB, dir string, files map[string][]byte) {
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func makeZip(t testing.TB, members map[string][]byte) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	names := make([]string, 0, len(members))
	for n := range members {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(members[n])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func makeTarGz(t testing.TB, members map[string][]byte, compress bool) []byte {
	var b bytes.Buffer
	var tw *tar.Writer
	var gz *gzip.Writer
	if compress {
		gz = gzip.NewWriter(&b)
		tw = tar.NewWriter(gz)
	} else {
		tw = tar.NewWriter(&b)
	}
	names := make([]string, 0, len(members))
	for n := range members {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(members[n])), ModTime: time.Unix(1700000000, 0), Typeflag: tar.TypeReg})
		tw.Write(members[n])
	}
	tw.Close()
	if gz != nil {
		gz.Close()
	}
	return b.Bytes()
}

// fixture is a store with a case, an exhibit and hash sets about known
// synthetic images.
type fixture struct {
	st      *store.Store
	dsn     string
	exhibit store.Exhibit
	// Known-bad originals (one by MD5, one by PDQ only), and a
	// known-good file.
	knownByMD5, knownByPDQ, knownGood []byte
}

func newFixture(t *testing.T, e storetest.Engine) *fixture {
	f := newBareFixture(t, e)
	f.addSets(t)
	return f
}

// newBareFixture is newFixture before any hash set is imported.
func newBareFixture(t *testing.T, e storetest.Engine) *fixture {
	ctx := context.Background()
	f := &fixture{st: e.Store, dsn: e.DSN}
	f.knownByMD5 = encodeJPEG(t, synth.Scene(101, 640, 480), 90)
	f.knownByPDQ = encodeJPEG(t, synth.Scene(102, 600, 600), 90)
	f.knownGood = []byte("a system file every install has\n")
	if _, err := f.st.CreateCase(ctx, store.Case{Number: "T-1"}); err != nil {
		t.Fatal(err)
	}
	ex, err := f.st.AddExhibit(ctx, store.Exhibit{CaseNumber: "T-1", Label: "E1"})
	if err != nil {
		t.Fatal(err)
	}
	f.exhibit = ex
	return f
}

// addSets imports the fixture's known-bad and known-good sets.
func (f *fixture) addSets(t *testing.T) {
	ctx := context.Background()
	h := hasher.New(hasher.Options{Imaging: imaging.Options{Fast: true}})
	hashOf := func(b []byte) hasher.Result { return h.Hash("x", bytes.NewReader(b), int64(len(b))) }
	bad, err := f.st.SaveHashSet(ctx, store.HashSet{Name: "bad", Kind: store.KnownBad, Radius: 31})
	if err != nil {
		t.Fatal(err)
	}
	good, err := f.st.SaveHashSet(ctx, store.HashSet{Name: "good", Kind: store.KnownGood})
	if err != nil {
		t.Fatal(err)
	}
	r1, r2, rg := hashOf(f.knownByMD5), hashOf(f.knownByPDQ), hashOf(f.knownGood)
	cat := "1"
	storetest.WriteEntries(t, f.st, bad.ID,
		store.Entry{Key: "b1", MD5: r1.MD5, PDQ: r1.PDQ.String(), Category: &cat, Series: "S1"},
		store.Entry{Key: "b2", PDQ: r2.PDQ.String(), Category: &cat, Series: "S2"})
	storetest.WriteEntries(t, f.st, good.ID, store.Entry{Key: "g1", MD5: rg.MD5})
}

func (f *fixture) run(t *testing.T, ctx context.Context, opts Options, roots ...string) Summary {
	t.Helper()
	if opts.IndexCache == "" && f.dsn != "" && !strings.Contains(f.dsn, "://") {
		opts.IndexCache = f.dsn + ".pdq"
	}
	sum, err := Run(ctx, f.st, f.exhibit, roots, opts, nil)
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	return sum
}

type fileRow struct {
	class, error, warning, sha256 string
}

// files reads the exhibit's file rows by path.
func (f *fixture) files(t *testing.T) map[string]fileRow {
	t.Helper()
	c, _ := f.st.CaseByNumber(context.Background(), "T-1")
	out := map[string]fileRow{}
	err := f.st.ScopeFiles(context.Background(), c.ID, f.exhibit.ID, func(sf store.ScopedFile) error {
		r := fileRow{class: string(sf.File.Class), error: sf.File.Error, warning: sf.File.Warning}
		if sf.Media != nil {
			r.sha256 = sf.Media.SHA256
		}
		out[sf.File.Path] = r
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// triageTree writes, under dir/ex, a file of every triage class the
// fixture's sets give, and returns the classes ingest should record.
func (f *fixture) triageTree(t *testing.T, dir string) map[string]string {
	fresh := synth.Scene(200, 500, 400)
	writeTree(t, filepath.Join(dir, "ex"), map[string][]byte{
		"known.jpg":         f.knownByMD5,
		"known-pdq.jpg":     f.knownByPDQ, // same PDQ as the entry: near at distance 0
		"near-small.jpg":    encodeJPEG(t, synth.Resize(synth.Scene(101, 640, 480), 320, 240), 70),
		"near-mirrored.jpg": encodeJPEG(t, synth.Mirror(synth.Scene(102, 600, 600)), 85),
		"ignorable.so":      f.knownGood,
		"new.png":           encodePNG(t, fresh),
		"new-copy.jpg":      encodeJPEG(t, fresh, 60),
		"other.txt":         []byte("just text\n"),
		"error.jpg":         f.knownByPDQ[:300],
	})
	return map[string]string{
		"ex/known.jpg": "known", "ex/known-pdq.jpg": "near", "ex/near-small.jpg": "near", "ex/near-mirrored.jpg": "near",
		"ex/ignorable.so": "ignorable", "ex/new.png": "new", "ex/new-copy.jpg": "new", "ex/other.txt": "other", "ex/error.jpg": "error",
	}
}

func TestTriageClasses(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		f := newFixture(t, e)
		root := t.TempDir()
		want := f.triageTree(t, root)
		sum := f.run(t, context.Background(), Options{Jobs: 3}, filepath.Join(root, "ex"))
		got := f.files(t)
		for p, class := range want {
			if got[p].class != class {
				t.Errorf("%s: class %q, want %q (error %q)", p, got[p].class, class, got[p].error)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%d files recorded, want %d: %v", len(got), len(want), got)
		}
		if got["ex/error.jpg"].error == "" {
			t.Error("the corrupt JPEG has no reason recorded")
		}
		if sum.Files != int64(len(want)) || sum.Classes["near"] != 3 || sum.Status != "done" {
			t.Errorf("summary %+v", sum)
		}
		// The near matches keep their entry and distance; the mirrored copy
		// is found through a dihedral hash.
		var ids []int64
		c, _ := f.st.CaseByNumber(context.Background(), "T-1")
		f.st.ScopeFiles(context.Background(), c.ID, 0, func(sf store.ScopedFile) error {
			if sf.File.Path == "ex/near-mirrored.jpg" {
				ids = append(ids, sf.Media.ID)
			}
			return nil
		})
		ms, err := f.st.MatchesOf(context.Background(), ids)
		if err != nil {
			t.Fatal(err)
		}
		m := ms[ids[0]]
		if len(m) != 1 || m[0].Entry.Key != "b2" || m[0].SignalType != "pdq" || m[0].Distance > 31 || m[0].Entry.Series != "S2" {
			t.Errorf("mirrored copy's matches: %+v", m)
		}
	})
}

func TestArchivesAndNesting(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		f := newFixture(t, e)
		dir := filepath.Join(t.TempDir(), "ex")
		img := encodePNG(t, synth.Scene(300, 200, 150))
		inner := makeZip(t, map[string][]byte{"deep/known.jpg": f.knownByMD5})
		tgz := makeTarGz(t, map[string][]byte{"a/inner.zip": inner, "a/new.png": img, "a/note.txt": []byte("hello")}, true)
		writeTree(t, dir, map[string][]byte{
			"phone.zip":   makeZip(t, map[string][]byte{"DCIM/img.png": img, "backup.tgz": tgz}),
			"plain.tar":   makeTarGz(t, map[string][]byte{"x/good.so": f.knownGood}, false),
			"single.gz":   gzipOf(t, []byte("one compressed file, not an archive")),
			"unrelated.c": []byte("int main;"),
		})
		f.run(t, context.Background(), Options{Jobs: 2}, dir)
		got := f.files(t)
		want := map[string]string{
			"ex/phone.zip!/DCIM/img.png":                            "new",
			"ex/phone.zip!/backup.tgz!/a/new.png":                   "new",
			"ex/phone.zip!/backup.tgz!/a/note.txt":                  "other",
			"ex/phone.zip!/backup.tgz!/a/inner.zip!/deep/known.jpg": "known",
			"ex/phone.zip":            "other",
			"ex/plain.tar!/x/good.so": "ignorable",
			"ex/plain.tar":            "other",
			"ex/single.gz":            "other",
			"ex/unrelated.c":          "other",
		}
		for p, class := range want {
			if got[p].class != class {
				t.Errorf("%s: class %q, want %q (%+v)", p, got[p].class, class, got[p])
			}
		}
		if len(got) != len(want) {
			var names []string
			for p := range got {
				names = append(names, p)
			}
			slices.Sort(names)
			t.Errorf("recorded %v", names)
		}
		// The same content in two places is one media.
		if got["ex/phone.zip!/DCIM/img.png"].sha256 != got["ex/phone.zip!/backup.tgz!/a/new.png"].sha256 {
			t.Error("identical members are not the same media")
		}
	})
}

func gzipOf(t testing.TB, data []byte) []byte {
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	gz.Write(data)
	gz.Close()
	return b.Bytes()
}

// snapshot records everything about a tree that ingest must not change:
// names, modes, sizes, modification and access times, content. It reads
// through walk.Open (O_NOATIME), so that taking it changes no access time.
func snapshot(t *testing.T, dir string) map[string]string {
	out := map[string]string{}
	var visit func(p string)
	visit = func(p string) {
		info, err := os.Lstat(p)
		if err != nil {
			out[p] = "error " + err.Error()
			return
		}
		st := info.Sys().(*syscall.Stat_t)
		desc := fmt.Sprintf("%v %d %d %d.%d", info.Mode(), info.Size(), info.ModTime().UnixNano(), st.Atim.Sec, st.Atim.Nsec)
		switch {
		case info.IsDir():
			d, err := walk.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			names, _ := d.Readdirnames(-1)
			d.Close()
			for _, n := range names {
				visit(filepath.Join(p, n))
			}
		case info.Mode().IsRegular() && info.Mode().Perm()&0o444 != 0:
			if f, err := walk.Open(p); err == nil {
				h := sha256.New()
				io.Copy(h, f)
				f.Close()
				desc += " " + hex.EncodeToString(h.Sum(nil))
			}
		}
		out[p] = desc
	}
	visit(dir)
	return out
}

func TestHostileInput(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		f := newFixture(t, e)
		base := t.TempDir()
		dir := filepath.Join(base, "ex")
		img := encodePNG(t, synth.Scene(400, 120, 90))
		bomb := makeZip(t, map[string][]byte{"zeros.bin": make([]byte, 8<<20)}) // ~8 MiB of zeros, > 1000:1
		fullZip := makeZip(t, map[string][]byte{"a.png": img, "b.txt": bytes.Repeat([]byte("pad "), 4000), "c.png": img})
		noise := make([]byte, 64000) // incompressible: the cut falls inside it
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range noise {
			noise[i] = byte(rng.Uint32())
		}
		fullTgz := makeTarGz(t, map[string][]byte{"a.png": img, "b.bin": noise}, true)
		deep := makeZip(t, map[string][]byte{"leaf.txt": []byte("deep")})
		for range 5 {
			deep = makeZip(t, map[string][]byte{"nested.zip": deep})
		}
		huge := append(encodeJPEG(t, synth.Scene(401, 64, 64), 90), make([]byte, 3<<20)...)
		writeTree(t, dir, map[string][]byte{
			"corrupt.png":       []byte("\x89PNG\r\n\x1a\n not really"),
			"truncated.jpg":     f.knownByPDQ[:len(f.knownByPDQ)/3],
			"truncated.zip":     fullZip[:len(fullZip)/2],
			"truncated.tgz":     fullTgz[:len(fullTgz)*2/3],
			"bomb.zip":          bomb,
			"deep.zip":          deep,
			"escape.tar":        makeTarGz(t, map[string][]byte{"../../etc/evil.png": img, "/abs/path.txt": []byte("x")}, false),
			"escape.zip":        makeZip(t, map[string][]byte{"../outside.txt": []byte("y")}),
			"huge.jpg":          huge,
			"unreadable.txt":    []byte("secret"),
			"ok/fine.png":       img,
			"empty.bin":         nil,
			"loops/placeholder": []byte("p"),
		})
		os.Symlink("loop-b", filepath.Join(dir, "loops", "loop-a"))
		os.Symlink("loop-a", filepath.Join(dir, "loops", "loop-b"))
		os.Symlink("..", filepath.Join(dir, "loops", "up"))
		if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chmod(filepath.Join(dir, "unreadable.txt"), 0)
		roots := []string{dir}
		// Root reads files whatever their mode: a write-only file of sysfs,
		// which even root cannot read, stands in for an unreadable one.
		unreadable := "ex/unreadable.txt"
		if os.Geteuid() == 0 {
			unreadable = ""
			for _, p := range []string{"/sys/bus/pci/rescan", "/sys/bus/pci/drivers_probe"} {
				if _, err := os.ReadFile(p); err != nil && !os.IsNotExist(err) {
					roots, unreadable = append(roots, p), filepath.Base(p)
					break
				}
			}
		}
		before := snapshot(t, base)
		opts := Options{Jobs: 2, Hasher: hasher.Options{MaxImageBytes: 1 << 20}, Archive: archive.Limits{MaxDepth: 3}}
		sum := f.run(t, context.Background(), opts, roots...)
		if sum.Status != "done" {
			t.Fatalf("status %s", sum.Status)
		}
		if after := snapshot(t, base); !mapsEqual(before, after) {
			t.Errorf("ingest changed the evidence folder:\nbefore %v\nafter  %v", before, after)
		}
		got := f.files(t)
		// libjpeg decodes what there is of a truncated JPEG (grey below),
		// with a warning; Go's decoder refuses it.
		truncatedJPEG := struct{ path, class, reason string }{"ex/truncated.jpg", "error", ""}
		if imaging.JPEGDecoder == "libjpeg-turbo" {
			truncatedJPEG.class, truncatedJPEG.reason = "new", "Premature end of JPEG file"
		}
		expect := []struct {
			path, class, reason string // reason: a substring of error or warning
		}{
			{"ex/corrupt.png", "error", "png"},
			truncatedJPEG,
			{"ex/truncated.zip", "error", "zip"},
			{"ex/truncated.tgz", "error", "archive damaged"},
			{"ex/truncated.tgz!/a.png", "new", ""},
			{"ex/truncated.tgz!/b.bin", "error", "unexpected EOF"},
			{"ex/bomb.zip!/zeros.bin", "error", "zip bomb"},
			{"ex/deep.zip!/nested.zip!/nested.zip!/nested.zip", "other", "depth limit"},
			{"ex/escape.tar!/../../etc/evil.png", "new", "escapes the archive"},
			{"ex/escape.tar!//abs/path.txt", "other", "absolute member path"},
			{"ex/escape.zip!/../outside.txt", "other", "escapes the archive"},
			{"ex/huge.jpg", "error", "limit for decoding"},
			{"ex/loops/loop-a", "other", "symbolic link"},
			{"ex/loops/up", "other", "symbolic link"},
			{"ex/fifo", "other", "named pipe"},
			{"ex/ok/fine.png", "new", ""},
			{"ex/empty.bin", "other", ""},
		}
		if unreadable != "" {
			expect = append(expect, struct{ path, class, reason string }{unreadable, "error", "permission denied"})
		} else {
			t.Log("no unreadable file found for root: that case is not checked here")
		}
		for _, x := range expect {
			r, ok := got[x.path]
			if !ok {
				t.Errorf("%s not recorded", x.path)
				continue
			}
			if r.class != x.class || !strings.Contains(r.error+" "+r.warning, x.reason) {
				t.Errorf("%s: class %q error %q warning %q; want class %q with %q", x.path, r.class, r.error, r.warning, x.class, x.reason)
			}
		}
		if got["ex/huge.jpg"].sha256 == "" {
			t.Error("the huge file has no exact hashes")
		}
		t.Logf("recorded %d files", len(got))
	})
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestResumeSkipsUnchangedAndRehashFindsChanges(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		f := newFixture(t, e)
		dir := filepath.Join(t.TempDir(), "ex")
		writeTree(t, dir, map[string][]byte{
			"a.png":   encodePNG(t, synth.Scene(500, 100, 80)),
			"b.txt":   []byte("b"),
			"c.zip":   makeZip(t, map[string][]byte{"m.txt": []byte("member")}),
			"d/e.jpg": f.knownByMD5,
		})
		ctx := context.Background()
		first := f.run(t, ctx, Options{}, dir)
		if first.Skipped != 0 || first.Records != 5 {
			t.Fatalf("first run %+v", first)
		}
		again := f.run(t, ctx, Options{}, dir)
		if again.Skipped != 4 || again.Records != 0 {
			t.Errorf("unchanged re-run %+v: want all 4 skipped", again)
		}
		// A changed file (new size and time) is hashed again.
		p := filepath.Join(dir, "b.txt")
		os.WriteFile(p, []byte("changed"), 0o644)
		os.Chtimes(p, time.Now(), time.Now().Add(time.Hour))
		third := f.run(t, ctx, Options{}, dir)
		if third.Skipped != 3 || third.Records != 1 {
			t.Errorf("after one change %+v", third)
		}
		// A change that keeps size and time escapes the quick check;
		// --rehash finds it.
		info, _ := os.Stat(p)
		os.WriteFile(p, []byte("CHANGED"), 0o644)
		os.Chtimes(p, info.ModTime(), info.ModTime())
		rehash := f.run(t, ctx, Options{Rehash: true}, dir)
		if rehash.Skipped != 0 || rehash.Changed != 1 || rehash.Records != 5 {
			t.Errorf("rehash %+v: want 5 records, 1 changed", rehash)
		}
		if n := len(f.files(t)); n != 5 {
			t.Errorf("%d file rows after four runs, want 5", n)
		}
		runs, _ := f.st.IngestRuns(ctx, f.exhibit.ID)
		if len(runs) != 4 || runs[3].Status != "done" {
			t.Errorf("runs %+v", runs)
		}
	})
}

// TestCancelledRunResumesToTheSameStore stops runs at many points
// (context cancellation, as Ctrl-C does) and checks that resuming gives
// the store an uninterrupted run gives. The kill -9 case is tested on the
// binary, in cmd/ariadne.
func TestCancelledRunResumesToTheSameStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ex")
	files := map[string][]byte{}
	for i := range 120 {
		files[fmt.Sprintf("img/%03d.png", i)] = encodePNG(t, synth.Scene(uint64(600+i), 96, 72))
		files[fmt.Sprintf("txt/%03d.txt", i)] = []byte(fmt.Sprint("note ", i))
	}
	files["arch/a.zip"] = makeZip(t, map[string][]byte{"x.png": files["img/001.png"], "y.txt": []byte("y"), "z.png": encodePNG(t, synth.Scene(9, 64, 64))})
	writeTree(t, dir, files)

	refDir := t.TempDir()
	ref := newFixture(t, storetest.Engine{Name: "sqlite", Store: openSQLite(t, filepath.Join(refDir, "ref.db")), DSN: filepath.Join(refDir, "ref.db")})
	ref.run(t, context.Background(), Options{Jobs: 2, BatchSize: 7}, dir)
	want := storetest.Dump(t, filepath.Join(refDir, "ref.db"))

	for _, stopAfter := range []time.Duration{time.Millisecond, 20 * time.Millisecond, 60 * time.Millisecond} {
		t.Run(stopAfter.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "r.db")
			f := newFixture(t, storetest.Engine{Name: "sqlite", Store: openSQLite(t, path), DSN: path})
			ctx, cancel := context.WithTimeout(context.Background(), stopAfter)
			defer cancel()
			sum, err := Run(ctx, f.st, f.exhibit, []string{dir}, Options{Jobs: 2, BatchSize: 7, IndexCache: path + ".pdq"}, nil)
			if err == nil {
				t.Logf("run finished before the stop (%d records)", sum.Records)
			} else if sum.Status == "" {
				t.Logf("stopped before the run started: %v", err)
			} else if sum.Status != "interrupted" {
				t.Fatalf("stopped run: status %q, err %v", sum.Status, err)
			}
			partial := sum.Records
			resumed := f.run(t, context.Background(), Options{Jobs: 2, BatchSize: 7}, dir)
			got := storetest.Dump(t, path)
			if !slices.Equal(got, want) {
				t.Errorf("after a stop at %v (%d records) and a resume (%d skipped, %d records): store differs from an uninterrupted run's\n%s",
					stopAfter, partial, resumed.Skipped, resumed.Records, diff(want, got))
			}
		})
	}
}

func openSQLite(t *testing.T, path string) *store.Store { return storetest.OpenSQLite(t, path) }

func diff(want, got []string) string {
	var b strings.Builder
	for _, w := range want {
		if !slices.Contains(got, w) {
			fmt.Fprintf(&b, "- %s\n", w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			fmt.Fprintf(&b, "+ %s\n", g)
		}
	}
	return b.String()
}
