package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/ffmpeg/ffmpegtest"
	"github.com/ariadne-vid/ariadne/internal/hasher"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
	"github.com/ariadne-vid/ariadne/internal/synth"
	"github.com/ariadne-vid/ariadne/internal/testvectors"
)

func encodeJPEG(t *testing.T, seed uint64, w, h int, mirror bool) []byte {
	m := synth.Scene(seed, w, h)
	if mirror {
		m = synth.Mirror(m)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// client talks to a test server, with the API key.
type client struct {
	t    *testing.T
	base string
	key  string
}

func (c client) do(req *http.Request) (int, []byte) {
	c.t.Helper()
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func (c client) get(path string) (int, []byte) {
	req, _ := http.NewRequest("GET", c.base+path, nil)
	return c.do(req)
}

func (c client) post(path, field, name string, content []byte) (int, []byte) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", c.base+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return v
}

// TestHMACompatibleAPI: lookups by hash and by content answer with HMA's
// shapes (bank → [{bank_content_id, distance}]), find exact and near
// copies (a resized one, a mirrored one), find nothing for other content,
// see a hash set imported while serving, refuse bad input with a reason,
// and require the API key.
func TestHMACompatibleAPI(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		st := e.Store
		known := encodeJPEG(t, 41, 640, 480, false)
		h := hasher.New(DefaultHasher(hasher.AVOptions{}))
		res := h.Hash("known.jpg", bytes.NewReader(known), int64(len(known)))
		bad, err := st.SaveHashSet(ctx, store.HashSet{Name: "TEST_BANK", Kind: store.KnownBad, Radius: 31})
		if err != nil {
			t.Fatal(err)
		}
		storetest.WriteEntries(t, st, bad.ID, store.Entry{Key: "k1", MD5: res.MD5, PDQ: res.PDQ.String()})

		srv, err := New(ctx, st, Options{APIKey: "s3cret", Hasher: DefaultHasher(hasher.AVOptions{})})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		c := client{t: t, base: ts.URL, key: "s3cret"}

		if code, _ := (client{t: t, base: ts.URL}).get("/m/lookup?signal_type=md5&signal=" + res.MD5); code != http.StatusUnauthorized {
			t.Errorf("without the key: status %d, want 401", code)
		}
		if code, body := (client{t: t, base: ts.URL}).get("/status"); code != 200 || !strings.Contains(string(body), "I-AM-ALIVE") {
			t.Errorf("/status without the key: %d %s", code, body)
		}

		type matches = map[string][]bankMatch
		code, body := c.get("/m/lookup?signal_type=pdq&signal=" + res.PDQ.String())
		if got := decode[matches](t, body); code != 200 || len(got["TEST_BANK"]) != 1 || got["TEST_BANK"][0].Distance != "0" || got["TEST_BANK"][0].EntryKey != "k1" {
			t.Errorf("PDQ lookup: %d %s", code, body)
		}
		_, body = c.get("/m/raw_lookup?signal_type=pdq&signal=" + res.PDQ.String())
		if raw := decode[map[string][]int64](t, body)["matches"]; len(raw) != 1 || raw[0] == 0 {
			t.Errorf("raw lookup: %s", body)
		}
		_, body = c.get("/m/raw_lookup?include_distance=true&signal_type=pdq&signal=" + res.PDQ.String())
		if raw := decode[map[string][]bankMatch](t, body)["matches"]; len(raw) != 1 || raw[0].Distance != "0" {
			t.Errorf("raw lookup with distances: %s", body)
		}
		_, body = c.get("/m/lookup?signal_type=video_md5&signal=" + strings.ToUpper(res.MD5))
		if got := decode[matches](t, body); len(got["TEST_BANK"]) != 1 || got["TEST_BANK"][0].SignalType != "md5" {
			t.Errorf("MD5 lookup: %s", body)
		}
		other := encodeJPEG(t, 42, 640, 480, false)
		ores := h.Hash("other.jpg", bytes.NewReader(other), int64(len(other)))
		if _, body = c.get("/m/lookup?signal_type=pdq&signal=" + ores.PDQ.String()); string(bytes.TrimSpace(body)) != "{}" {
			t.Errorf("other content's PDQ: %s", body)
		}

		// By content: a resized copy, and a mirrored one through its
		// dihedral hashes.
		for _, copy := range [][]byte{encodeJPEG(t, 41, 320, 240, false), encodeJPEG(t, 41, 640, 480, true)} {
			code, body := c.post("/m/lookup", "photo", "copy.jpg", copy)
			got := decode[map[string]matches](t, body)
			if code != 200 || len(got["pdq"]["TEST_BANK"]) != 1 || got["pdq"]["TEST_BANK"][0].BankContentID == 0 {
				t.Errorf("content lookup of a copy: %d %s", code, body)
			}
		}
		code, body = c.post("/h/hash", "photo", "known.jpg", known)
		if got := decode[map[string]any](t, body); code != 200 || got["pdq"] != res.PDQ.String() || got["md5"] != res.MD5 {
			t.Errorf("/h/hash: %d %s", code, body)
		}

		// A set imported while serving is seen.
		late, _ := st.SaveHashSet(ctx, store.HashSet{Name: "LATE", Kind: store.KnownBad, Radius: 31})
		storetest.WriteEntries(t, st, late.ID, store.Entry{Key: "o1", PDQ: ores.PDQ.String()})
		srv.matcher.SetInterval(0) // as if a second had passed at every lookup
		if _, body = c.get("/m/lookup?signal_type=pdq&signal=" + ores.PDQ.String()); len(decode[matches](t, body)["LATE"]) != 1 {
			t.Errorf("a set imported while serving: %s", body)
		}

		for _, bad := range []string{"/m/lookup?signal_type=pdq&signal=xyz", "/m/lookup?signal_type=tmk&signal=00", "/m/lookup?signal_type=md5&signal=123"} {
			code, body := c.get(bad)
			if code != http.StatusBadRequest || decode[map[string]string](t, body)["error"] == "" {
				t.Errorf("%s: %d %s", bad, code, body)
			}
		}
		if code, body := c.post("/m/lookup", "photo", "x.png", []byte("not an image at all")); code != 200 || strings.Contains(string(body), "pdq") {
			t.Errorf("content that is no image: %d %s (exact hashes only, no PDQ)", code, body)
		}

		small, err := New(ctx, st, Options{APIKey: "s3cret", MaxUpload: 1000, Hasher: DefaultHasher(hasher.AVOptions{})})
		if err != nil {
			t.Fatal(err)
		}
		defer small.Close()
		ts2 := httptest.NewServer(small.Handler())
		defer ts2.Close()
		if code, _ := (client{t: t, base: ts2.URL, key: "s3cret"}).post("/h/hash", "photo", "big.jpg", known); code != http.StatusRequestEntityTooLarge {
			t.Errorf("content over --max-upload: status %d, want 413", code)
		}

		_, body = c.get("/c/banks")
		var names []string
		for _, b := range decode[[]bank](t, body) {
			names = append(names, b.Name)
		}
		if !slices.Equal(names, []string{"LATE", "TEST_BANK"}) {
			t.Errorf("banks %v", names)
		}
		// A bank and one of its contents, as HMA gives them.
		_, body = c.get("/m/lookup?signal_type=pdq&signal=" + res.PDQ.String())
		id := decode[matches](t, body)["TEST_BANK"][0].BankContentID
		code, body = c.get(fmt.Sprintf("/c/bank/TEST_BANK/content/%d", id))
		content := decode[struct {
			ID      int64             `json:"id"`
			Bank    string            `json:"bank"`
			Enabled bool              `json:"enabled"`
			Signals map[string]string `json:"signals"`
		}](t, body)
		if code != 200 || content.ID != id || content.Bank != "TEST_BANK" || !content.Enabled || content.Signals["pdq"] != res.PDQ.String() || content.Signals["video_md5"] != res.MD5 {
			t.Errorf("bank content: %d %s", code, body)
		}
		if code, body := c.get("/c/bank/TEST_BANK"); code != 200 || decode[bank](t, body).Entries != 1 {
			t.Errorf("bank: %d %s", code, body)
		}
		for path, want := range map[string]int{
			"/c/bank/NO_SUCH_BANK":                     http.StatusNotFound,
			fmt.Sprintf("/c/bank/LATE/content/%d", id): http.StatusNotFound, // another bank's content
			"/c/bank/TEST_BANK/content/999999":         http.StatusNotFound,
			"/c/bank/TEST_BANK/content/first":          http.StatusBadRequest,
		} {
			if code, body := c.get(path); code != want {
				t.Errorf("%s: %d %s, want %d", path, code, body, want)
			}
		}

		_, body = c.get("/site-map")
		if routes := decode[[]string](t, body); !slices.Contains(routes, "/m/lookup") || !slices.Contains(routes, "/h/hash") {
			t.Errorf("site map %v", routes)
		}
	})
}

// TestVideoLookup: a re-encoded copy of a known video, posted as content,
// matches the bank holding the video's vPDQ hash (the reference's file).
func TestVideoLookup(t *testing.T) {
	ffmpegtest.Require(t)
	dir := testvectors.Dir(t, "video")
	ref, err := os.ReadFile(filepath.Join(dir, "vpdq", "chair-orig-22-sd-bar.txt"))
	if err != nil {
		t.Fatal(err)
	}
	copy, err := os.ReadFile(filepath.Join(dir, "videos", "chair-22-sd-grey-bar.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	set, _ := st.SaveHashSet(ctx, store.HashSet{Name: "VIDEOS", Kind: store.KnownBad})
	storetest.WriteEntries(t, st, set.ID, store.Entry{Key: "chair", VPDQ: string(ref)})
	srv, err := New(ctx, st, Options{APIKey: "s3cret", Hasher: DefaultHasher(hasher.AVOptions{Enabled: true, SecondsPerHash: 1})})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	code, body := client{t: t, base: ts.URL, key: "s3cret"}.post("/m/lookup", "video", "copy.mp4", copy)
	got := decode[map[string]map[string][]bankMatch](t, body)
	if code != 200 || len(got["vpdq"]["VIDEOS"]) != 1 || got["vpdq"]["VIDEOS"][0].EntryKey != "chair" || !strings.Contains(string(got["vpdq"]["VIDEOS"][0].Detail), `"segments"`) {
		t.Errorf("video lookup: %d %s", code, body)
	}
}
