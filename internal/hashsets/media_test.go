package hashsets

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/audio"
	"github.com/ariadne-vid/ariadne/internal/store"
)

const vpdqText = "0,100,e2f1017837246bacc5dea21b648fbfd62f435c89db299a2497667e216c8d055c,0.000\n30,87,c0f113783f2468acc1de825b448fbfd66f434c89cb699a249776fe216c8d855c,1.000\n"

// TestVICSVideoAndAudio: vPDQ and Chromaprint travel in VICS
// AlternativeHashes, are checked, kept in their columns and written back.
func TestVICSVideoAndAudio(t *testing.T) {
	fp := audio.Encode([]uint32{1, 2, 0xdeadbeef, 7})
	doc, _ := json.Marshal(map[string]any{"@odata.context": "t", "value": []any{
		map[string]any{"MediaID": 1, "AlternativeHashes": []any{map[string]string{"HashName": "vPDQ", "HashValue": vpdqText}}},
		map[string]any{"MediaID": 2, "AlternativeHashes": []any{map[string]string{"HashName": "Chromaprint", "HashValue": fp}}},
		map[string]any{"MediaID": 3, "AlternativeHashes": []any{map[string]string{"HashName": "vPDQ", "HashValue": "not,a,hash"}}},
		map[string]any{"MediaID": 4, "AlternativeHashes": []any{map[string]string{"HashName": "Chromaprint", "HashValue": "!!"}}},
	}})
	var got []store.Entry
	var rejected []Rejection
	rep, err := ReadVICS(bytes.NewReader(doc), "", Sink{Entry: func(e store.Entry) error { got = append(got, e); return nil }, Reject: func(r Rejection) { rejected = append(rejected, r) }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != 2 || rep.Rejected != 2 || got[0].VPDQ != vpdqText || got[1].Chromaprint != fp {
		t.Fatalf("report %+v, entries %+v, rejected %+v", rep, got, rejected)
	}
	var out bytes.Buffer
	if err := WriteVICS(&out, func(fn func(store.Entry) error) error {
		for _, e := range got {
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var back []store.Entry
	if _, err := ReadVICS(&out, "", Sink{Entry: func(e store.Entry) error { back = append(back, e); return nil }}); err != nil {
		t.Fatal(err)
	}
	if len(back) != 2 || back[0].VPDQ != vpdqText || back[1].Chromaprint != fp {
		t.Errorf("round trip lost them: %+v", back)
	}
}

// TestImportVPDQFile: a file in the reference's format is one entry.
func TestImportVPDQFile(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := filepath.Join(t.TempDir(), "clip-42.txt")
	os.WriteFile(p, []byte(vpdqText), 0o644)
	rep, err := Import(ctx, st, p, ImportOptions{Set: store.HashSet{Name: "v", Kind: store.KnownBad}})
	if err != nil || rep.Accepted != 1 {
		t.Fatalf("%v %+v", err, rep)
	}
	hs, _ := st.HashSet(ctx, "v")
	st.Entries(ctx, hs.ID, func(e store.Entry) error {
		if e.Key != "vpdq:clip-42" || !strings.HasPrefix(e.VPDQ, "0,100,e2f1") {
			t.Errorf("entry %+v", e)
		}
		return nil
	})
}
