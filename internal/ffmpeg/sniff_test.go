package ffmpeg

import "testing"

func TestSniff(t *testing.T) {
	for _, c := range []struct {
		head, want string
	}{
		{"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", "video/mp4"},
		{"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00", "audio/mp4"},
		{"\x00\x00\x00\x18ftyp3gp4\x00\x00\x00\x00", "video/3gpp"},
		{"\x00\x00\x00\x18ftypqt  \x00\x00\x00\x00", "video/quicktime"},
		{"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", ""},
		{"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm", "video/webm"},
		{"RIFF\x00\x00\x00\x00AVI LIST", "video/x-msvideo"},
		{"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav"},
		{"OggS\x00\x02", "audio/ogg"},
		{"fLaC\x00\x00", "audio/flac"},
		{"#!AMR\n", "audio/amr"},
		{"ID3\x04\x00", "audio/mpeg"},
		{"\xff\xfb\x90\x00", "audio/mpeg"},
		{"\xff\xf1\x50\x80", "audio/aac"},
		{"\xff\xd8\xff\xe0", ""}, // a JPEG
		{"plain text", ""},
		{"", ""},
	} {
		if got := Sniff([]byte(c.head)); got != c.want {
			t.Errorf("%q: %q, want %q", c.head, got, c.want)
		}
	}
}

func FuzzSniff(f *testing.F) {
	f.Add([]byte("\x00\x00\x00\x18ftypmp42"))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVE"))
	f.Fuzz(func(t *testing.T, head []byte) { Sniff(head) })
}

func TestParseRate(t *testing.T) {
	for s, want := range map[string]float64{"30/1": 30, "30000/1001": 30000.0 / 1001, "0/0": 0, "25": 25, "x/y": 0} {
		if got := parseRate(s); got != want {
			t.Errorf("%s: %v, want %v", s, got, want)
		}
	}
}
