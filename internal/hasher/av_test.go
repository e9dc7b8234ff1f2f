package hasher

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/ffmpeg/ffmpegtest"
)

// TestVideoMetadata: the make, model, creation time and ISO 6709
// location a phone writes into an MP4 are read through ffprobe.
func TestVideoMetadata(t *testing.T) {
	ffmpegtest.Require(t)
	p := filepath.Join(t.TempDir(), "v.mp4")
	if out, err := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-t", "1",
		"-metadata", "creation_time=2021-06-01T14:03:22Z", "-metadata", "location=+48.8566-002.3522+035.000/",
		"-metadata", "make=ExampleCam", "-metadata", "model=Model 7", "-movflags", "use_metadata_tags", p).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	h := New(Options{AV: AVOptions{Enabled: true, SecondsPerHash: 1}})
	res := h.Hash("v.mp4", f, fi.Size())
	m := res.Metadata
	if res.Error != "" || m == nil || m.Make != "ExampleCam" || m.Model != "Model 7" || m.DateTimeOriginal != "2021-06-01T14:03:22Z" ||
		m.GPS == nil || m.GPS.Lat != 48.8566 || m.GPS.Lon != -2.3522 {
		t.Errorf("metadata %+v (error %q)", m, res.Error)
	}
}
