package hashsets

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/store/storetest"
)

// stores returns a fresh store of each engine available.
func stores(t *testing.T) map[string]*store.Store {
	out := map[string]*store.Store{}
	dsn := filepath.Join(t.TempDir(), "t.db")
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	out["sqlite"] = s
	if os.Getenv(storetest.PostgresEnv) != "" {
		p, err := store.Open(context.Background(), storetest.NewPostgres(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		out["postgres"] = p
	}
	return out
}

func TestImportExportRoundTripThroughStore(t *testing.T) {
	ctx := context.Background()
	for engine, st := range stores(t) {
		t.Run(engine, func(t *testing.T) {
			for _, name := range []string{"vics-1.json", "vics-2.json"} {
				var rejects []Rejection
				rep, err := Import(ctx, st, filepath.Join("testdata", name), ImportOptions{
					Set:    store.HashSet{Name: name, Kind: store.KnownBad},
					Reject: func(r Rejection) { rejects = append(rejects, r) },
				})
				if err != nil {
					t.Fatal(err)
				}
				if rep.Rejected != 1 || len(rejects) != 1 {
					t.Errorf("%s: %+v %+v", name, rep, rejects)
				}
				// Importing again updates, never duplicates.
				if _, err := Import(ctx, st, filepath.Join("testdata", name), ImportOptions{Set: store.HashSet{Name: name}}); err != nil {
					t.Fatal(err)
				}
				hs, _ := st.HashSet(ctx, name)
				if hs.Entries != int64(rep.Accepted) {
					t.Errorf("%s: %d entries after two imports, want %d", name, hs.Entries, rep.Accepted)
				}
				var out bytes.Buffer
				if err := Export(ctx, st, name, FormatVICS, &out); err != nil {
					t.Fatal(err)
				}
				copyPath := filepath.Join(t.TempDir(), "copy.json")
				os.WriteFile(copyPath, out.Bytes(), 0o644)
				if _, err := Import(ctx, st, copyPath, ImportOptions{Set: store.HashSet{Name: name + "-copy", CategoryScheme: hs.CategoryScheme}}); err != nil {
					t.Fatal(err)
				}
				var a, b []store.Entry
				st.Entries(ctx, hs.ID, func(e store.Entry) error { a = append(a, e); return nil })
				cp, _ := st.HashSet(ctx, name+"-copy")
				st.Entries(ctx, cp.ID, func(e store.Entry) error { b = append(b, e); return nil })
				if !reflect.DeepEqual(normExtra(t, a), normExtra(t, b)) {
					t.Errorf("%s: store round trip differs:\n%+v\n%+v", name, a, b)
				}
			}
		})
	}
}

func TestAtomicImportKeepsNothing(t *testing.T) {
	ctx := context.Background()
	for engine, st := range stores(t) {
		t.Run(engine, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "list.txt")
			os.WriteFile(path, []byte(strings.Repeat("0123456789abcdef0123456789abcdef\n", 3)+"bad\n"), 0o644)
			_, err := Import(ctx, st, path, ImportOptions{Set: store.HashSet{Name: "l"}, Atomic: true})
			if err == nil || !strings.Contains(err.Error(), "nothing imported") {
				t.Fatalf("got %v", err)
			}
			hs, _ := st.HashSet(ctx, "l")
			if hs.Entries != 0 {
				t.Errorf("%d entries kept", hs.Entries)
			}
			// Without --atomic the valid lines are kept.
			rep, err := Import(ctx, st, path, ImportOptions{Set: store.HashSet{Name: "l"}})
			if err != nil || rep.Accepted != 3 || rep.Rejected != 1 {
				t.Errorf("%+v %v", rep, err)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	for in, want := range map[string]string{
		"{\"@odata.context\"": FormatVICS, "  \n{": FormatVICS, "SQLite format 3\x00...": FormatNSRL,
		"md5,category\n": FormatCSV, "# hash: pdq\naaaa": FormatList, "0123\n": FormatList,
	} {
		if got := Sniff([]byte(in)); got != want {
			t.Errorf("%q: %s, want %s", in, got, want)
		}
	}
}

func TestCaseMediaExport(t *testing.T) {
	ctx := context.Background()
	for engine, st := range stores(t) {
		t.Run(engine, func(t *testing.T) {
			if _, err := Import(ctx, st, filepath.Join("testdata", "vics-1.json"), ImportOptions{Set: store.HashSet{Name: "pv"}}); err != nil {
				t.Fatal(err)
			}
			st.CreateCase(ctx, store.Case{Number: "K-1"})
			ex, _ := st.AddExhibit(ctx, store.Exhibit{CaseNumber: "K-1", Label: "phone"})
			known, _ := st.SaveMedia(ctx, store.Media{SHA256: strings.Repeat("0", 62) + "aa", MD5: "0123456789abcdef0123456789abcdef", SHA1: strings.Repeat("1", 40), Size: 1024, MIME: "image/jpeg"})
			fresh, _ := st.SaveMedia(ctx, store.Media{SHA256: strings.Repeat("b", 64), MD5: strings.Repeat("c", 32), SHA1: strings.Repeat("d", 40), Size: 9})
			f1, _ := st.SaveFile(ctx, store.File{ExhibitID: ex.ID, Path: "DCIM/a.jpg", MediaID: known, Size: 1024})
			st.SaveFile(ctx, store.File{ExhibitID: ex.ID, Path: "backup/a.jpg", MediaID: known, Size: 1024})
			st.SaveFile(ctx, store.File{ExhibitID: ex.ID, Path: "new.png", MediaID: fresh, Size: 9})
			entry, err := st.EntryID(ctx, "pv", "vics:1")
			if err != nil {
				t.Fatal(err)
			}
			if err := st.AddMatch(ctx, store.Match{MediaID: known, FileID: f1, EntryID: entry, SignalType: "md5"}); err != nil {
				t.Fatal(err)
			}
			each := func(fn func(store.CaseMedia) error) error { return st.CaseMedia(ctx, "K-1", fn) }
			var csvOut, vicsOut bytes.Buffer
			if err := WriteCaseCSV(&csvOut, each, nil); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(csvOut.String()), "\n")
			if len(lines) != 3 || !strings.Contains(lines[1], "phone:DCIM/a.jpg;phone:backup/a.jpg") || !strings.Contains(lines[1], "pv,known-bad,md5,0,1,Synthetic series A") {
				t.Errorf("case CSV:\n%s", csvOut.String())
			}
			if err := WriteCaseVICS(&vicsOut, each, nil); err != nil {
				t.Fatal(err)
			}
			var c collected
			rep, err := ReadVICS(&vicsOut, "x", c.sink())
			if err != nil || rep.Accepted != 2 || *c.entries[0].Category != "1" || c.entries[0].Series != "Synthetic series A" || !strings.Contains(c.entries[0].Extra, "backup/a.jpg") {
				t.Errorf("case VICS: %+v %v %+v", rep, err, c.entries)
			}
		})
	}
}
