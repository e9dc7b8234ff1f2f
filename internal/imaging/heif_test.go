package imaging

import (
	"bytes"
	"github.com/ariadne-vid/ariadne/internal/metadata/metadatatest"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/pdq"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

func TestSniffHEIF(t *testing.T) {
	ftyp := func(major string, compat ...string) []byte {
		b := []byte{0, 0, 0, byte(16 + 4*len(compat))}
		b = append(b, "ftyp"+major+"\x00\x00\x00\x00"...)
		for _, c := range compat {
			b = append(b, c...)
		}
		return b
	}
	for _, c := range []struct {
		name string
		head []byte
		want Format
	}{
		{"iPhone HEIC", ftyp("heic", "mif1", "heic"), HEIC},
		{"mif1 first, heic compatible", ftyp("mif1", "mif1", "heic"), HEIC},
		{"AVIF", ftyp("avif", "mif1", "miaf"), AVIF},
		{"AVIF sequence", ftyp("avis", "msf1"), AVIF},
		{"HEIF of another codec", ftyp("mif1", "mif1"), HEIF},
		{"MP4 is not an image", ftyp("isom", "iso2", "mp41"), Unknown},
		{"short", []byte("\x00\x00\x00\x18ftyp"), Unknown},
		{"JPEG XL codestream", []byte{0xFF, 0x0A, 0xFA}, JPEGXL},
		{"JPEG XL container", []byte("\x00\x00\x00\x0cJXL \r\n\x87\n\x00"), JPEGXL},
	} {
		if got := Sniff(c.head); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// heifTools skips (or fails under CI) without libheif's command-line
// tools, which make the fixtures and the reference PNGs.
func heifTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"heif-enc", "heif-convert"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("CI is set but %s is not installed: scripts/test should have installed libheif-examples", tool)
			}
			t.Skipf("%s not installed: HEIF tests skipped (scripts/test installs libheif-examples)", tool)
		}
	}
}

func runTool(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// TestHEIFAgreesWithLibheif: HEIC and AVIF files made with heif-enc from
// benign synthetic pictures hash within 8 bits of the same files
// converted to PNG by heif-convert (the reference decoding), and a file
// of two images hashes its primary one and says so. Without the libheif
// build they are refused with a clear reason.
func TestHEIFAgreesWithLibheif(t *testing.T) {
	heifTools(t)
	dir := t.TempDir()
	for i, size := range [][2]int{{1600, 1000}, {700, 900}, {333, 251}} {
		jpg := filepath.Join(dir, "scene.jpg")
		var b bytes.Buffer
		if err := jpeg.Encode(&b, synth.Scene(uint64(40+i), size[0], size[1]), &jpeg.Options{Quality: 92}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(jpg, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, kind := range []struct {
			ext    string
			args   []string
			format Format
		}{
			{"heic", []string{"-q", "80"}, HEIC},
			{"avif", []string{"-A", "-q", "80"}, AVIF},
		} {
			name := filepath.Join(dir, kind.ext+"."+kind.ext)
			runTool(t, "heif-enc", append(kind.args, jpg, "-o", name)...)
			ref := name + ".png"
			runTool(t, "heif-convert", name, ref)
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if f := Sniff(data); f != kind.format {
				t.Fatalf("%s sniffed as %v", kind.ext, f)
			}
			img, err := Decode(data, Options{})
			if HEIFDecoder == "" {
				if err == nil || !strings.Contains(err.Error(), "needs libheif") {
					t.Fatalf("without libheif: %v, want a clear refusal", err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%dx%d %s: %v", size[0], size[1], kind.ext, err)
			}
			got := pdq.FromLuma(img.Luma, img.LumaRows, img.LumaCols)
			refData, err := os.ReadFile(ref)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := hashOf(t, refData)
			d := pdq.Distance(got.Hash, want.Hash)
			t.Logf("%dx%d %s: distance %d to heif-convert's PNG (quality %d)", size[0], size[1], kind.ext, d, got.Quality)
			if d > 8 || img.Width != size[0] || img.Height != size[1] {
				t.Errorf("%dx%d %s: distance %d to the reference, size %dx%d", size[0], size[1], kind.ext, d, img.Width, img.Height)
			}
		}
	}
	if HEIFDecoder == "" {
		return
	}

	// Two images in one file: the primary (the first given) is hashed.
	first, second := filepath.Join(dir, "first.jpg"), filepath.Join(dir, "second.jpg")
	for k, p := range []string{first, second} {
		var b bytes.Buffer
		jpeg.Encode(&b, synth.Scene(uint64(60+k), 400, 300), &jpeg.Options{Quality: 92})
		os.WriteFile(p, b.Bytes(), 0o644)
	}
	both := filepath.Join(dir, "both.heic")
	runTool(t, "heif-enc", "-q", "80", first, second, "-o", both)
	data, _ := os.ReadFile(both)
	img, err := Decode(data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !img.Animated || !strings.Contains(img.Warning, "2 images in the file; the primary one hashed") {
		t.Errorf("two images: animated %v, warning %q", img.Animated, img.Warning)
	}
	primary, _ := hashOf(t, mustRead(t, first))
	if d := pdq.Distance(pdq.FromLuma(img.Luma, img.LumaRows, img.LumaCols).Hash, primary.Hash); d > 16 {
		t.Errorf("the hashed image is %d bits from the primary", d)
	}

	// Metadata that ExifTool writes into a HEIC comes out of libheif's
	// EXIF and XMP blocks.
	t.Run("metadata", func(t *testing.T) {
		metadatatest.RequireExifTool(t)
		tagged := filepath.Join(dir, "tagged.heic")
		runTool(t, "heif-enc", "-q", "80", first, "-o", tagged)
		runTool(t, "exiftool", "-q", "-overwrite_original", "-Make=ExampleCam", "-SerialNumber=SN77", "-GPSLatitude=10.5", "-GPSLatitudeRef=S",
			"-GPSLongitude=20.25", "-GPSLongitudeRef=E", "-DateTimeOriginal=2022:02:03 04:05:06", "-XMP-xmpMM:DocumentID=xmp.did:heic", tagged)
		img, err := Decode(mustRead(t, tagged), Options{})
		if err != nil {
			t.Fatal(err)
		}
		m := img.Metadata
		if m == nil || m.Make != "ExampleCam" || m.Serial != "SN77" || m.GPS == nil || m.GPS.Lat != -10.5 || m.GPS.Lon != 20.25 ||
			m.DateTimeOriginal != "2022-02-03T04:05:06" || m.DocumentID != "xmp.did:heic" {
			t.Errorf("HEIC metadata: %+v", m)
		}
	})

	// Limits and damage: refused with a reason, never a panic.
	if _, err := Decode(data, Options{MaxPixels: 1000}); err == nil || !strings.Contains(err.Error(), "over the limit") {
		t.Errorf("pixel limit: %v", err)
	}
	if _, err := Decode(data[:len(data)/3], Options{}); err == nil {
		t.Error("a truncated HEIC decoded")
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
