package video

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/ffmpeg/ffmpegtest"
	"github.com/ariadne-vid/ariadne/internal/testvectors"
)

// TestSampleFamiliesMatch: the chair videos (bars, small logo, grey,
// sepia, other encodes) match each other, and no chair matches a pattern, with the reference's thresholds, on
// the reference's own hash files.
func TestSampleFamiliesMatch(t *testing.T) {
	dir := testvectors.Dir(t, "video/vpdq")
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	family := func(p string) string {
		switch b := filepath.Base(p); {
		case strings.HasPrefix(b, "chair"):
			return "chair"
		case strings.HasPrefix(b, "pattern"):
			return "pattern"
		}
		return ""
	}
	var checked int
	for _, a := range files {
		for _, b := range files {
			fa, fb := family(a), family(b)
			if a == b || fa == "" || fb == "" || strings.Contains(a, "128x128") != strings.Contains(b, "128x128") {
				continue
			}
			c := Compare(readRef(t, a), readRef(t, b), DefaultMatch)
			if fa == "pattern" && fb == "pattern" {
				// The pattern videos are different patterns, not variants
				// of one; nothing is asserted between them.
				continue
			}
			want := fa == fb
			if want && (strings.Contains(a, "large-logo") || strings.Contains(b, "large-logo")) {
				// The large logo covers enough of the frame that PDQ no
				// longer matches (median nearest-frame distance 54 against
				// the original): vPDQ alone cannot link it; its soundtrack
				// does (internal/audio).
				t.Logf("%s vs %s: query %.1f%% (large logo: not asserted)", filepath.Base(a), filepath.Base(b), c.QueryPercent)
				continue
			}
			if c.Match != want {
				t.Errorf("%s vs %s: match %v (query %.1f%%, compared %.1f%%), want %v", filepath.Base(a), filepath.Base(b), c.Match, c.QueryPercent, c.ComparedPercent, want)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Skip("no sample hashes")
	}
	t.Logf("%d pairs checked", checked)
}

// TestTrimmedClipSegment cuts 4 seconds out of a sample video,
// re-encoded smaller, and expects one segment placing it where it was.
func TestTrimmedClipSegment(t *testing.T) {
	ffmpegtest.Require(t)
	src := filepath.Join(testvectors.Dir(t, "video/videos"), "chair-orig-22-sd-bar.mp4")
	clip := filepath.Join(t.TempDir(), "clip.mp4")
	out, err := exec.Command("ffmpeg", "-v", "error", "-ss", "6", "-i", src, "-t", "4", "-vf", "scale=320:-2", "-an", "-c:v", "libx264", "-crf", "30", clip).CombinedOutput()
	if err != nil {
		t.Fatalf("make clip: %v\n%s", err, out)
	}
	ctx := context.Background()
	// Every frame: the camera moves fast, and frames sampled at another
	// phase than the source's are tens of bits apart.
	opts := Options{}
	long, err := HashFile(ctx, src, opts)
	if err != nil {
		t.Fatal(err)
	}
	short, err := HashFile(ctx, clip, opts)
	if err != nil {
		t.Fatal(err)
	}
	c := Compare(short.Frames, long.Frames, DefaultMatch)
	if !c.Match {
		t.Fatalf("clip does not match its source: %+v", c)
	}
	if len(c.Segments) == 0 {
		t.Fatalf("no segment: %+v", c)
	}
	sg := c.Segments[0]
	for _, s := range c.Segments[1:] {
		if s.Frames > sg.Frames {
			sg = s
		}
	}
	if sg.Offset < 5.5 || sg.Offset > 6.5 || sg.QueryEnd-sg.QueryStart < 2.5 {
		t.Errorf("segment %+v: want the clip at about 6 s into the source, most of its 4 s", sg)
	}
	t.Logf("query %.1f%%, compared %.1f%%, segments %+v", c.QueryPercent, c.ComparedPercent, c.Segments)
}

func TestReadLines(t *testing.T) {
	good := "0,100,e2f1017837246bacc5dea21b648fbfd62f435c89db299a2497667e216c8d055c,0.000\n# a comment\n\n30,87,c0f113783f2468acc1de825b448fbfd66f434c89cb699a249776fe216c8d855c\n"
	frames, err := ReadLines(strings.NewReader(good))
	if err != nil || len(frames) != 2 || frames[1].Index != 30 || frames[1].Quality != 87 {
		t.Fatalf("%v %+v", err, frames)
	}
	for _, bad := range []string{"0,100\n", "x,100,e2f1017837246bacc5dea21b648fbfd62f435c89db299a2497667e216c8d055c\n",
		"0,101,e2f1017837246bacc5dea21b648fbfd62f435c89db299a2497667e216c8d055c\n", "0,100,zz,0.1\n",
		"0,100,e2f1017837246bacc5dea21b648fbfd62f435c89db299a2497667e216c8d055c,abc\n"} {
		if _, err := ReadLines(strings.NewReader(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzReadLines(f *testing.F) {
	f.Add("0,100,e2f1017837246bacc5dea21b648fbfd62f435c89db299a2497667e216c8d055c,0.000\n")
	f.Add("1,2,3\n")
	f.Fuzz(func(t *testing.T, s string) {
		frames, err := ReadLines(strings.NewReader(s))
		if err != nil {
			return
		}
		var b strings.Builder
		WriteLines(&b, frames)
		again, err := ReadLines(strings.NewReader(b.String()))
		if err != nil || len(again) != len(frames) {
			t.Fatalf("rewritten lines do not read back: %v", err)
		}
	})
}
