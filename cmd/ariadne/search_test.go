package main

import (
	"encoding/json"
	"github.com/ariadne-vid/ariadne/internal/metadata/metadatatest"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

// TestSearchCommand: pictures with invented metadata written by ExifTool
// are found by camera serial, camera, place, capture time and document
// ID after an ingest; the place search keeps the circle, not the box.
func TestSearchCommand(t *testing.T) {
	metadatatest.RequireExifTool(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	ev := filepath.Join(dir, "ev")
	os.MkdirAll(ev, 0o755)
	pics := []struct {
		name string
		tags []string
	}{
		// Two by one camera near one place, one by another far away, and
		// one just outside the circle but inside its box (the corner).
		{"a.jpg", []string{"-Make=ExampleCam", "-Model=Model 7", "-SerialNumber=SN-A", "-GPSLatitude=45.0", "-GPSLatitudeRef=N", "-GPSLongitude=7.0", "-GPSLongitudeRef=E", "-DateTimeOriginal=2021:06:01 10:00:00", "-XMP-xmpMM:DocumentID=xmp.did:a"}},
		{"b.jpg", []string{"-Make=ExampleCam", "-Model=Model 7", "-SerialNumber=SN-A", "-GPSLatitude=45.0005", "-GPSLatitudeRef=N", "-GPSLongitude=7.0005", "-GPSLongitudeRef=E", "-DateTimeOriginal=2021:06:02 10:00:00"}},
		{"c.jpg", []string{"-Make=OtherCam", "-Model=X", "-SerialNumber=SN-B", "-GPSLatitude=33.9", "-GPSLatitudeRef=S", "-GPSLongitude=18.4", "-GPSLongitudeRef=E", "-DateTimeOriginal=2022:01:01 10:00:00"}},
		{"d.jpg", []string{"-Make=OtherCam", "-Model=X", "-SerialNumber=SN-C", "-GPSLatitude=45.0085", "-GPSLatitudeRef=N", "-GPSLongitude=7.012", "-GPSLongitudeRef=E"}},
	}
	for i, p := range pics {
		path := filepath.Join(ev, p.name)
		f, _ := os.Create(path)
		jpeg.Encode(f, synth.Scene(uint64(300+i), 200, 150), nil)
		f.Close()
		if out, err := exec.Command("exiftool", append(append([]string{"-q", "-overwrite_original"}, p.tags...), path)...).CombinedOutput(); err != nil {
			t.Fatalf("exiftool: %v\n%s", err, out)
		}
	}
	for _, args := range [][]string{{"case", "create", "S-1", "--db", db}, {"ingest", "--db", db, "--case", "S-1", "--exhibit", "E", ev}} {
		if _, errOut, code := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: %s", args, errOut)
		}
	}
	for _, c := range []struct {
		name string
		args []string
		want []string // paths found
	}{
		{"serial", []string{"--camera-serial", "SN-A"}, []string{"E/ev/a.jpg", "E/ev/b.jpg"}},
		{"camera", []string{"--camera", "othercam x"}, []string{"E/ev/c.jpg", "E/ev/d.jpg"}},
		{"near", []string{"--near", "45.0,7.0", "--km", "1"}, []string{"E/ev/a.jpg", "E/ev/b.jpg"}},
		{"near, wider", []string{"--near", "45.0,7.0", "--km", "2"}, []string{"E/ev/a.jpg", "E/ev/b.jpg", "E/ev/d.jpg"}},
		{"south", []string{"--near", "-33.9,18.4", "--km", "5"}, []string{"E/ev/c.jpg"}},
		{"taken", []string{"--taken-from", "2021-06-01T12:00:00", "--taken-to", "2021-12-31T00:00:00"}, []string{"E/ev/b.jpg"}},
		{"document", []string{"--document-id", "xmp.did:a"}, []string{"E/ev/a.jpg"}},
		{"nothing", []string{"--camera-serial", "SN-Z"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, append([]string{"search", "--db", db, "--json"}, c.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var hits []store.MediaHit
			if err := json.Unmarshal([]byte(out), &hits); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			var got []string
			for _, h := range hits {
				got = append(got, h.Sightings[0].Path)
			}
			if len(got) != len(c.want) {
				t.Fatalf("found %v, want %v", got, c.want)
			}
			for _, w := range c.want {
				found := false
				for _, g := range got {
					found = found || g == w[len("E/"):]
				}
				if !found {
					t.Errorf("found %v, want %v", got, c.want)
				}
			}
		})
	}
	// The report groups the media of one camera and of one place.
	out, errOut, code := runCLI(t, "report", "--db", db, "--case", "S-1", "--format", "json")
	if code != 0 {
		t.Fatalf("report: %s", errOut)
	}
	var r struct {
		Cameras, Places []struct {
			Key   string
			Media []string
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Cameras) != 1 || r.Cameras[0].Key != "ExampleCam Model 7, serial SN-A" || len(r.Cameras[0].Media) != 2 {
		t.Errorf("cameras %+v", r.Cameras)
	}
	// a and b are 68 m apart, d 1.3 km away: one place of two.
	if len(r.Places) != 1 || r.Places[0].Key != "45.00000,7.00000" || len(r.Places[0].Media) != 2 {
		t.Errorf("places %+v", r.Places)
	}
	text, _, _ := runCLI(t, "report", "--db", db, "--case", "S-1")
	if !strings.Contains(text, "says    ExampleCam Model 7, serial SN-A, taken 2021-06-01T10:00:00, at 45.00000,7.00000") || !strings.Contains(text, "MEDIA OF ONE CAMERA: 1 groups") {
		t.Errorf("text report:\n%s", text)
	}
	if _, _, code := runCLI(t, "search", "--db", db); code != 2 {
		t.Errorf("search without a filter: exit %d, want 2", code)
	}
}
