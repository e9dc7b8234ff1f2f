package hashsets

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/ariadne-vid/ariadne/internal/digest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/store"
)

type collected struct {
	entries []store.Entry
	rejects []Rejection
}

func (c *collected) sink() Sink {
	return Sink{
		Entry:  func(e store.Entry) error { c.entries = append(c.entries, e); return nil },
		Reject: func(r Rejection) { c.rejects = append(c.rejects, r) },
	}
}

func each(es []store.Entry) func(func(store.Entry) error) error {
	return func(fn func(store.Entry) error) error {
		for _, e := range es {
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadVICS1(t *testing.T) {
	var c collected
	rep, err := ReadVICS(bytes.NewReader(readFile(t, "vics-1.json")), "projectvic-us", c.sink())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != 4 || rep.Accepted != 3 || rep.Rejected != 1 {
		t.Errorf("report %+v", rep)
	}
	if len(c.rejects) != 1 || c.rejects[0].Line != 45 || !strings.Contains(c.rejects[0].Reason, "md5") {
		t.Errorf("rejects %+v", c.rejects)
	}
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "says 5 media, the file holds 4") {
		t.Errorf("warnings %v", rep.Warnings)
	}
	e := c.entries[0]
	if e.Key != "vics:1" || e.MD5 != "0123456789abcdef0123456789abcdef" || e.SHA256 != strings.Repeat("0", 62)+"aa" ||
		e.PDQ == "" || *e.Category != "1" || e.CategoryScheme != "projectvic-us" || *e.Size != 1024 ||
		!*e.VictimIdentified || *e.OffenderIdentified || !*e.IsDistributed || *e.IsPrecategorized ||
		e.FileName != "folder/one.jpg" || e.Tags != "test,synthetic" {
		t.Errorf("entry 1: %+v", e)
	}
	for _, want := range []string{"Exifs", "MediaFiles", "ED2K"} {
		if !strings.Contains(e.Extra, want) {
			t.Errorf("extra lacks %s: %s", want, e.Extra)
		}
	}
	if c.entries[1].Category == nil || *c.entries[1].Category != "0" || c.entries[1].VictimIdentified != nil {
		t.Errorf("category 0 / null flag: %+v", c.entries[1])
	}
	if c.entries[2].Category != nil {
		t.Errorf("null category: %+v", c.entries[2])
	}
}

func TestReadVICS2(t *testing.T) {
	var c collected
	rep, err := ReadVICS(bytes.NewReader(readFile(t, "vics-2.json")), "", c.sink())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != 3 || rep.Accepted != 2 || len(c.rejects) != 1 || !strings.Contains(c.rejects[0].Reason, "no MD5") || c.rejects[0].Line != 7 {
		t.Errorf("report %+v rejects %+v", rep, c.rejects)
	}
	if len(rep.Warnings) != 1 {
		t.Errorf("the @odata.count of 2 contradicts 3 records: %v", rep.Warnings)
	}
	if c.entries[0].MD5 != strings.Repeat("a", 32) || !*c.entries[0].IsDistributed || !strings.Contains(c.entries[0].Extra, "SomethingNew") {
		t.Errorf("%+v", c.entries[0])
	}
	if !strings.Contains(c.entries[1].Extra, `["array","tags"]`) || *c.entries[1].Size != 77 {
		t.Errorf("%+v", c.entries[1])
	}
}

// import → export → import keeps every field, for both versions.
func TestVICSRoundTrip(t *testing.T) {
	for _, name := range []string{"vics-1.json", "vics-2.json"} {
		var first collected
		if _, err := ReadVICS(bytes.NewReader(readFile(t, name)), "s", first.sink()); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := WriteVICS(&out, each(first.entries)); err != nil {
			t.Fatal(err)
		}
		if !json.Valid(out.Bytes()) {
			t.Fatalf("%s: export is not JSON:\n%s", name, out.String())
		}
		var second collected
		rep, err := ReadVICS(&out, "s", second.sink())
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rejected != 0 || !reflect.DeepEqual(normExtra(t, first.entries), normExtra(t, second.entries)) {
			t.Errorf("%s: round trip changed entries:\n%+v\n%+v", name, first.entries, second.entries)
		}
	}
}

// normExtra decodes Extra so that key order does not matter.
func normExtra(t *testing.T, es []store.Entry) []any {
	var out []any
	for _, e := range es {
		var x any
		if e.Extra != "" {
			if err := json.Unmarshal([]byte(e.Extra), &x); err != nil {
				t.Fatal(err)
			}
		}
		e.Extra = ""
		out = append(out, e, x)
	}
	return out
}

func TestReadList(t *testing.T) {
	in := "# a list\n\n0123456789abcdef0123456789abcdef\n0123456789abcdef0123456789abcdef01234567\n" +
		strings.Repeat("a", 64) + "\nxyz\n"
	var c collected
	rep, _ := ReadList(strings.NewReader(in), "", c.sink())
	if rep.Accepted != 2 || rep.Rejected != 2 || c.rejects[0].Line != 5 || !strings.Contains(c.rejects[0].Reason, "SHA-256 or PDQ") {
		t.Errorf("%+v %+v", rep, c.rejects)
	}
	var d collected
	rep, _ = ReadList(strings.NewReader("# hash: pdq\n"+strings.Repeat("B", 64)+"\n"), "", d.sink())
	if rep.Accepted != 1 || d.entries[0].PDQ != strings.Repeat("b", 64) {
		t.Errorf("header kind: %+v %+v", rep, d.entries)
	}
	if _, err := ReadList(strings.NewReader("# hash: pdq\n"), digest.SHA256, Sink{}); err == nil {
		t.Error("a header contradicting the flag must be an error")
	}
	var out bytes.Buffer
	WriteList(&out, digest.PDQ, each(d.entries))
	var e collected
	ReadList(&out, "", e.sink())
	if !reflect.DeepEqual(d.entries, e.entries) {
		t.Errorf("list round trip: %+v", e.entries)
	}
}

func TestReadCSV(t *testing.T) {
	in := "ID,MD5,SHA-1,Category,Series,Victim Identified,Custom\n" +
		"7,0123456789ABCDEF0123456789ABCDEF,,2,S,yes,x\n" +
		"8,,zzz,,,,\n" +
		"9,,0123456789abcdef0123456789abcdef01234567,0,,false,\n"
	var c collected
	rep, err := ReadCSV(strings.NewReader(in), "caid", c.sink())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != 2 || rep.Rejected != 1 || c.rejects[0].Line != 3 {
		t.Errorf("%+v %+v", rep, c.rejects)
	}
	if c.entries[0].Key != "id:7" || *c.entries[0].Category != "2" || !*c.entries[0].VictimIdentified || !strings.Contains(c.entries[0].Extra, "Custom") {
		t.Errorf("%+v", c.entries[0])
	}
	var out bytes.Buffer
	if err := WriteCSV(&out, each(c.entries)); err != nil {
		t.Fatal(err)
	}
	var d collected
	if _, err := ReadCSV(&out, "caid", d.sink()); err != nil {
		t.Fatal(err)
	}
	for i := range d.entries {
		d.entries[i].Extra, c.entries[i].Extra = "", ""
	}
	if !reflect.DeepEqual(c.entries, d.entries) {
		t.Errorf("CSV round trip:\n%+v\n%+v", c.entries, d.entries)
	}
	if _, err := ReadCSV(strings.NewReader("a,b\n1,2\n"), "", Sink{}); err == nil {
		t.Error("a header without a hash column must be an error")
	}
}

func TestReadNSRL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rds.db")
	// A tiny RDS v3-shaped database made with the store's own driver.
	db := openSQLite(t, path)
	for _, q := range []string{
		`CREATE TABLE FILE (sha256 TEXT, sha1 TEXT, md5 TEXT, crc32 TEXT, file_name TEXT, file_size INTEGER, package_id INTEGER)`,
		`INSERT INTO FILE VALUES ('` + strings.Repeat("A", 64) + `', '` + strings.Repeat("B", 40) + `', '` + strings.Repeat("C", 32) + `', '0', 'kernel32.dll', 1000, 1)`,
		`INSERT INTO FILE VALUES ('bad', NULL, NULL, NULL, 'x', 1, 1)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	var c collected
	rep, err := ReadNSRL(context.Background(), path, c.sink())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != 1 || rep.Rejected != 1 || c.entries[0].SHA256 != strings.Repeat("a", 64) || c.entries[0].FileName != "kernel32.dll" || *c.entries[0].Size != 1000 {
		t.Errorf("%+v %+v %+v", rep, c.entries, c.rejects)
	}
	if _, err := ReadNSRL(context.Background(), filepath.Join(t.TempDir(), "none.db"), Sink{}); err == nil {
		t.Error("a missing database must be an error")
	}
	// Through Import: recognised by content and known-good by default.
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if rep, err := Import(context.Background(), st, path, ImportOptions{Set: store.HashSet{Name: "nsrl"}}); err != nil || rep.Accepted != 1 {
		t.Fatalf("%+v %v", rep, err)
	}
	if hs, _ := st.HashSet(context.Background(), "nsrl"); hs.Kind != store.KnownGood || hs.Entries != 1 {
		t.Errorf("%+v", hs)
	}
}

func FuzzReadVICS(f *testing.F) {
	f.Add([]byte(`{"@odata.context":"x","value":[{"MD5":"0123456789abcdef0123456789abcdef"}]}`))
	f.Add([]byte(`{"odata.metadata":"x","value":[{"Media":[{"SHA1":"0123456789abcdef0123456789abcdef01234567","IsDistributed":"true"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ReadVICS(bytes.NewReader(data), "", Sink{Entry: func(store.Entry) error { return nil }})
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add("md5,category\n0123456789abcdef0123456789abcdef,1\n")
	f.Fuzz(func(t *testing.T, data string) {
		ReadCSV(strings.NewReader(data), "", Sink{Entry: func(store.Entry) error { return nil }})
	})
}

func FuzzReadList(f *testing.F) {
	f.Add("# hash: sha256\n" + strings.Repeat("a", 64) + "\n")
	f.Fuzz(func(t *testing.T, data string) {
		ReadList(strings.NewReader(data), "", Sink{Entry: func(store.Entry) error { return nil }})
	})
}
