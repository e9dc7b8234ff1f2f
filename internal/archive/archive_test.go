package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
)

func makeZip(t testing.TB, files map[string][]byte, order ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range order {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(files[name])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func makeTarGz(t testing.TB, files map[string][]byte, order ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	tw := tar.NewWriter(gz)
	for _, name := range order {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(files[name])), Typeflag: tar.TypeReg})
		tw.Write(files[name])
	}
	tw.Close()
	gz.Close()
	return b.Bytes()
}

type seen struct {
	content map[string]string
	warn    map[string]string
	errs    map[string]error
}

func walkAll(t testing.TB, name string, data []byte, l Limits) (seen, error) {
	s := seen{map[string]string{}, map[string]string{}, map[string]error{}}
	err := Walk(name, bytes.NewReader(data), int64(len(data)), l, func(m Member) error {
		if m.Warning != "" {
			s.warn[m.Path] = m.Warning
		}
		if m.Err != nil {
			s.errs[m.Path] = m.Err
			return nil
		}
		r, err := m.Open()
		if err != nil {
			return err
		}
		b, err := io.ReadAll(r)
		if err != nil {
			s.errs[m.Path] = err
			return nil
		}
		s.content[m.Path] = string(b)
		return nil
	})
	return s, err
}

func TestNestedArchives(t *testing.T) {
	inner := makeTarGz(t, map[string][]byte{"deep/c.txt": []byte("ccc")}, "deep/c.txt")
	middle := makeZip(t, map[string][]byte{"b.txt": []byte("bb"), "inner.tgz": inner}, "b.txt", "inner.tgz")
	outer := makeZip(t, map[string][]byte{
		"a.txt": []byte("a"), "middle.zip": middle, "../escape.txt": []byte("x"), "/etc/abs.txt": []byte("y"),
	}, "a.txt", "middle.zip", "../escape.txt", "/etc/abs.txt")
	s, err := walkAll(t, "ex.zip", outer, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"ex.zip!/a.txt":                             "a",
		"ex.zip!/middle.zip!/b.txt":                 "bb",
		"ex.zip!/middle.zip!/inner.tgz!/deep/c.txt": "ccc",
		"ex.zip!/../escape.txt":                     "x",
		"ex.zip!//etc/abs.txt":                      "y",
	}
	for p, c := range want {
		if s.content[p] != c {
			t.Errorf("%s: %q, want %q (all: %v, errors %v)", p, s.content[p], c, s.content, s.errs)
		}
	}
	if len(s.content) != len(want) {
		t.Errorf("members %v", s.content)
	}
	if !strings.Contains(s.warn["ex.zip!/../escape.txt"], "escapes") || !strings.Contains(s.warn["ex.zip!//etc/abs.txt"], "absolute") {
		t.Errorf("warnings %v", s.warn)
	}
}

func TestLimits(t *testing.T) {
	zeros := make([]byte, 1<<20)
	bomb := makeZip(t, map[string][]byte{"zeros.bin": zeros, "ok.txt": []byte("fine")}, "zeros.bin", "ok.txt")
	s, err := walkAll(t, "bomb.zip", bomb, Limits{MaxRatio: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(s.errs["bomb.zip!/zeros.bin"], ErrLimit) || s.content["bomb.zip!/ok.txt"] != "fine" {
		t.Errorf("ratio limit: %v %v", s.errs, s.content)
	}
	s, _ = walkAll(t, "big.zip", bomb, Limits{MaxMemberSize: 1000})
	if !errors.Is(s.errs["big.zip!/zeros.bin"], ErrLimit) {
		t.Errorf("size limit: %v", s.errs)
	}
	// A gzip stream that expands too far stops with a limit error.
	tgz := makeTarGz(t, map[string][]byte{"zeros.bin": make([]byte, 4<<20)}, "zeros.bin")
	if _, err := walkAll(t, "bomb.tgz", tgz, Limits{MaxRatio: 10}); !errors.Is(err, ErrLimit) {
		t.Errorf("gzip bomb: %v", err)
	}
	// Depth: an archive nested past the limit is offered as a file.
	l3 := makeZip(t, map[string][]byte{"x.txt": []byte("x")}, "x.txt")
	l2 := makeZip(t, map[string][]byte{"l3.zip": l3}, "l3.zip")
	l1 := makeZip(t, map[string][]byte{"l2.zip": l2}, "l2.zip")
	s, _ = walkAll(t, "l1.zip", l1, Limits{MaxDepth: 2})
	if _, ok := s.content["l1.zip!/l2.zip!/l3.zip"]; !ok || !strings.Contains(s.warn["l1.zip!/l2.zip!/l3.zip"], "depth") {
		t.Errorf("depth: %v %v", s.content, s.warn)
	}
}

func TestDamagedArchives(t *testing.T) {
	good := makeZip(t, map[string][]byte{"a.txt": []byte("a")}, "a.txt")
	if _, err := walkAll(t, "cut.zip", good[:len(good)/2], Limits{}); err == nil {
		t.Error("a truncated zip must give an error")
	}
	tgz := makeTarGz(t, map[string][]byte{"a.txt": bytes.Repeat([]byte("abc"), 10000), "b.txt": []byte("b")}, "a.txt", "b.txt")
	s, err := walkAll(t, "cut.tgz", tgz[:len(tgz)/2], Limits{})
	if err == nil && len(s.errs) == 0 {
		t.Error("a truncated tar.gz must give an error")
	}
	// A damaged archive inside a good one is recorded; the rest goes on.
	outer := makeZip(t, map[string][]byte{"bad.zip": append([]byte("PK\x03\x04"), make([]byte, 40)...), "z.txt": []byte("z")}, "bad.zip", "z.txt")
	s, err = walkAll(t, "outer.zip", outer, Limits{})
	if err != nil || s.errs["outer.zip!/bad.zip"] == nil || s.content["outer.zip!/z.txt"] != "z" {
		t.Errorf("%v %v %v", err, s.errs, s.content)
	}
}

func FuzzWalk(f *testing.F) {
	f.Add(makeZip(f, map[string][]byte{"a": []byte("a")}, "a"))
	f.Add(makeTarGz(f, map[string][]byte{"b": []byte("b")}, "b"))
	f.Fuzz(func(t *testing.T, data []byte) {
		Walk("f", bytes.NewReader(data), int64(len(data)), Limits{MaxTotal: 1 << 24, MaxNested: 1 << 20}, func(m Member) error {
			if m.Err == nil {
				r, err := m.Open()
				if err == nil {
					io.Copy(io.Discard, io.LimitReader(r, 1<<24))
				}
			}
			return nil
		})
	})
}

// TestReadMember: a member is found by its path, nested archives too; a
// missing member and one over the size bound are clear errors.
func TestReadMember(t *testing.T) {
	inner := makeZip(t, map[string][]byte{"deep.txt": []byte("deep content")}, "deep.txt")
	outer := makeZip(t, map[string][]byte{"a.txt": []byte("first"), "sub/inner.zip": inner}, "a.txt", "sub/inner.zip")
	r := strings.NewReader(string(outer))
	for _, tc := range []struct {
		path string
		max  int64
		want string
		err  error
	}{
		{"x.zip!/a.txt", 100, "first", nil},
		{"x.zip!/sub/inner.zip!/deep.txt", 100, "deep content", nil},
		{"x.zip!/missing.txt", 100, "", ErrNotMember},
		{"x.zip!/sub/inner.zip!/deep.txt", 4, "", ErrLimit},
	} {
		got, err := ReadMember("x.zip", r, int64(len(outer)), Limits{}, tc.path, tc.max)
		if !errors.Is(err, tc.err) || string(got) != tc.want {
			t.Errorf("%s: %q, %v; want %q, %v", tc.path, got, err, tc.want, tc.err)
		}
	}
}
