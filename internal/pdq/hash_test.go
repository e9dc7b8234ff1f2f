package pdq

import (
	"strings"
	"testing"
)

func TestParseHex(t *testing.T) {
	valid := "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22"
	tests := []struct {
		in      string
		wantErr string
	}{
		{valid, ""},
		{strings.ToUpper(valid), ""},
		{valid[:63], "want 64 hex digits, got 63"},
		{valid + "0", "want 64 hex digits, got 65"},
		{"", "got 0"},
		{strings.Repeat("g", 64), "invalid byte"},
	}
	for _, tt := range tests {
		h, err := ParseHex(tt.in)
		if tt.wantErr == "" {
			if err != nil || h.String() != strings.ToLower(tt.in) {
				t.Errorf("%q: %v, %v", tt.in, h, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%q: error %v, want %q", tt.in, err, tt.wantErr)
		}
	}
}

func TestBitsAndDistance(t *testing.T) {
	var a, b Hash
	for k := range 256 {
		b.setBit(k)
		if !b.Bit(k) {
			t.Fatalf("bit %d not set", k)
		}
		if d := Distance(a, b); d != k+1 {
			t.Fatalf("distance %d after setting %d bits", d, k+1)
		}
	}
	// Bit 0 is the last hex digit's low bit, bit 255 the first's high bit,
	// as the reference prints them.
	var one Hash
	one.setBit(0)
	if !strings.HasSuffix(one.String(), "01") {
		t.Errorf("bit 0: %s", one)
	}
	var top Hash
	top.setBit(255)
	if !strings.HasPrefix(top.String(), "80") {
		t.Errorf("bit 255: %s", top)
	}
}

func TestTooSmallImage(t *testing.T) {
	s := FromLuma(make([]float32, 16), 4, 4)
	if s.Hash != (Hash{}) || s.Quality != 0 || s.Dihedral() != [8]Hash{} {
		t.Errorf("a 4x4 image must give the zero hash and quality 0: %s %d", s.Hash, s.Quality)
	}
}

func FuzzParseHex(f *testing.F) {
	f.Add("d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22")
	f.Add("")
	f.Add(strings.Repeat("Z", 64))
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHex(s)
		if err != nil {
			return
		}
		if !strings.EqualFold(h.String(), s) {
			t.Fatalf("round trip: %q -> %s", s, h)
		}
		var back Hash
		if err := back.UnmarshalText([]byte(h.String())); err != nil || back != h {
			t.Fatalf("text round trip: %v", err)
		}
	})
}
