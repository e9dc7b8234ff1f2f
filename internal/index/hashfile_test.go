package index

import (
	"strings"
	"testing"
)

func TestReadHashLines(t *testing.T) {
	h := "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22"
	tests := []struct {
		name    string
		in      string
		wantIDs []uint64
		wantErr string
	}{
		{"line numbers", h + "\n" + h + "\n", []uint64{0, 1}, ""},
		{"explicit IDs", h + "\t42\n" + strings.ToUpper(h) + "\t7\r\n", []uint64{42, 7}, ""},
		{"blank and comment", "# set\n\n" + h + "\n", []uint64{2}, ""},
		{"short", h + "\n" + h[:60] + "\n", nil, "line 2: hash"},
		{"bad hex", strings.Repeat("x", 64) + "\n", nil, "line 1: hash"},
		{"bad ID", h + "\tabc\n", nil, `line 1: ID "abc"`},
		{"empty", "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ids []uint64
			err := ReadHashLines(strings.NewReader(tt.in), func(_ int, got Hash, id uint64) error {
				if got.String() != h {
					t.Errorf("hash %s", got)
				}
				ids = append(ids, id)
				return nil
			})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(ids) != len(tt.wantIDs) {
				t.Fatalf("ids %v want %v", ids, tt.wantIDs)
			}
			for i := range ids {
				if ids[i] != tt.wantIDs[i] {
					t.Fatalf("ids %v want %v", ids, tt.wantIDs)
				}
			}
		})
	}
}

func FuzzReadHashLines(f *testing.F) {
	f.Add("d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22\t5\n")
	f.Add("#\n\n\t\n")
	f.Fuzz(func(t *testing.T, in string) {
		ReadHashLines(strings.NewReader(in), func(int, Hash, uint64) error { return nil })
	})
}
