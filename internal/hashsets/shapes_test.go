package hashsets

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/digest"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
)

const (
	md5a = "0123456789abcdef0123456789abcdef"
	md5b = "fedcba9876543210fedcba9876543210"
)

// TestVICSShapes reads VICS as real tools write it: both versions, each
// in both shapes, any profile in the context URL, a byte-order mark,
// CRLF and tabs. A file whose structure is understood but holds no media
// is an error.
func TestVICSShapes(t *testing.T) {
	media := `{"MediaID": 1, "MD5": "` + md5a + `", "Category": 1}, {"MediaID": 2, "MD5": "` + md5b + `"}`
	for _, c := range []struct {
		name, file string
		media      int
		provenance string // a case-level field kept, as KEY=VALUE
		err        string
	}{
		{"2.0 Media", `{"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic.svc/$metadata#Media", "value": [` + media + `]}`, 2, "", ""},
		{"2.0 Cases, US profile", `{"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Cases", "value": [{"CaseID": "C-7", "SourceApplicationName": "Example Tool", "Media": [` + media + `]}]}`, 2, "CaseID=C-7", ""},
		{"2.0 Cases, UK profile, two cases", `{"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Cases", "value": [{"CaseNumber": 42, "Media": [{"MD5": "` + md5a + `"}]}, {"CaseNumber": 43, "Media": [{"MD5": "` + md5b + `"}]}]}`, 2, "CaseNumber=42", ""},
		{"1.3 Media", `{"odata.metadata": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/1.3.xml#Media", "value": [` + media + `]}`, 2, "", ""},
		{"1.3 Cases", `{"odata.metadata": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/1.3.xml#Cases", "value": [{"CaseID": 9, "Media": [` + media + `]}]}`, 2, "CaseID=9", ""},
		{"1.x, no fragment: cases", `{"odata.metadata": "http://example.invalid/vics", "value": [{"CaseID": 9, "Media": [` + media + `]}]}`, 2, "", ""},
		{"BOM, CRLF and tabs", "\ufeff{\r\n\t\"@odata.context\": \"x/Default/$metadata#Media\",\r\n\t\"value\": [\r\n\t\t" + media + "\r\n\t]\r\n}\r\n", 2, "", ""},
		{"1.3 Media read as cases would be empty", `{"odata.metadata": "http://example.invalid/1.3.xml#Cases", "value": [` + media + `]}`, 0, "", "no media in the file"},
		{"Cases without media", `{"@odata.context": "x/$metadata#Cases", "value": [{"CaseID": "C-1"}]}`, 0, "", "Cases (1 cases)"},
		{"empty value", `{"@odata.context": "x/$metadata#Media", "value": []}`, 0, "", "no media in the file"},
		{"unknown fragment", `{"@odata.context": "x/$metadata#Things", "value": []}`, 0, "", "neither Cases nor Media"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got collected
			rep, err := ReadVICS(strings.NewReader(c.file), "projectvic", got.sink())
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one saying %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rep.Accepted != c.media || len(got.entries) != c.media {
				t.Errorf("%d accepted (%d entries), want %d (report %+v)", rep.Accepted, len(got.entries), c.media, rep)
			}
			if c.provenance != "" {
				k, v, _ := strings.Cut(c.provenance, "=")
				if rep.Provenance[k] != v {
					t.Errorf("provenance %v, want %s", rep.Provenance, c.provenance)
				}
			}
		})
	}
}

// TestImportEmptyIsAnError: a file that yields no record fails the
// import, whatever its format; a mixed list with --hash sha256 imports
// whole; a VICS file's cases become the set's source.
func TestImportEmptyIsAnError(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenSQLite(t, filepath.Join(t.TempDir(), "s.db"))
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct{ name, text string }{
		{"empty.txt", "# nothing here\n\n"},
		{"header.csv", "md5,category\n"},
		{"cases.json", `{"@odata.context": "x/$metadata#Cases", "value": [{"CaseID": "C-1", "Media": []}]}`},
	} {
		if _, err := Import(ctx, st, write(c.name, c.text), ImportOptions{Set: store.HashSet{Name: c.name}}); err == nil {
			t.Errorf("%s: imported without error", c.name)
		}
	}

	mixed := md5a + "\n" + strings.Repeat("1", 40) + "\n" + strings.Repeat("2", 64) + "\n"
	rep, err := Import(ctx, st, write("mixed.txt", mixed), ImportOptions{Set: store.HashSet{Name: "mixed"}, Hash: digest.SHA256})
	if err != nil || rep.Accepted != 3 || rep.Rejected != 0 {
		t.Fatalf("mixed list: %+v, %v", rep, err)
	}
	hits, err := st.LookupExact(ctx, []string{md5a, strings.Repeat("1", 40), strings.Repeat("2", 64)})
	if err != nil || len(hits) != 3 {
		t.Errorf("mixed list: %d of 3 hashes found (%v)", len(hits), err)
	}

	vics := `{"@odata.context": "x/US/$metadata#Cases", "value": [{"CaseID": "C-7", "SourceApplicationName": "Example Tool", "Media": [{"MD5": "` + md5b + `"}]}]}`
	if _, err := Import(ctx, st, write("cases-ok.json", "\ufeff"+vics), ImportOptions{Set: store.HashSet{Name: "from-cases"}}); err != nil {
		t.Fatal(err)
	}
	hs, err := st.HashSet(ctx, "from-cases")
	if err != nil || hs.Source != "CaseID=C-7; SourceApplicationName=Example Tool" {
		t.Errorf("source %q (%v)", hs.Source, err)
	}
}
