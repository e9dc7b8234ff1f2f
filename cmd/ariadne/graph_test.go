package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ariadne-vid/ariadne/internal/audit"
	"github.com/ariadne-vid/ariadne/internal/hashsets"
	"github.com/ariadne-vid/ariadne/internal/store"
	"github.com/ariadne-vid/ariadne/internal/synth"
)

// TestGraphCommands drives the graph commands as a script would: two
// agencies, a case each over generated pictures, suggestions, a series
// made and merged, a victim, links decided, a note, categories voted, and
// the graph printed as JSON and Graphviz.
func TestGraphCommands(t *testing.T) {
	t.Setenv("USER", "tester") // who the commands record
	dir := t.TempDir()
	db := filepath.Join(dir, "g.db")
	run := func(want int, args ...string) string {
		t.Helper()
		out, e, code := runCLI(t, append(args, "--db", db)...)
		if code != want {
			t.Fatalf("%v: exit %d, want %d: %s%s", args, code, want, out, e)
		}
		return out + e
	}
	root := filepath.Join(dir, "ex")
	os.MkdirAll(root, 0o755)
	shas := map[string]string{}
	for name, spec := range map[string][3]int{"a.jpg": {31, 640, 480}, "a-small.jpg": {31, 320, 240}, "b.jpg": {32, 640, 480}} {
		var b bytes.Buffer
		jpeg.Encode(&b, synth.Scene(uint64(spec[0]), spec[1], spec[2]), &jpeg.Options{Quality: 90})
		os.WriteFile(filepath.Join(root, name), b.Bytes(), 0o644)
		shas[name] = fmt.Sprintf("%x", sha256.Sum256(b.Bytes()))
	}

	run(0, "agency", "add", "Agency A", "--country", "ZZ", "--contact", "vid@a.example", "--scheme", "caid")
	run(1, "case", "create", "A-1", "--agency", "Agency Typo")
	run(0, "case", "create", "A-1", "--agency", "Agency A")
	run(0, "exhibit", "add", "--case", "A-1", "E")
	// Ingest runs the rules; an explicit run then proposes the same and
	// adds nothing.
	if out := run(0, "ingest", "--case", "A-1", "--exhibit", "E", root); !strings.Contains(out, "suggestions: 1 new links") {
		t.Errorf("ingest:\n%s", out)
	}
	if out := run(0, "suggest", "--case", "A-1"); !strings.Contains(strings.Join(strings.Fields(out), " "), "near-duplicate 1 0 0 0") {
		t.Errorf("suggest:\n%s", out)
	}
	var again struct {
		Rules []struct {
			Rule string
			New  int
		}
	}
	json.Unmarshal([]byte(run(0, "suggest", "--case", "A-1", "--json")), &again)
	for _, r := range again.Rules {
		if r.New != 0 {
			t.Errorf("second suggest: %s added %d", r.Rule, r.New)
		}
	}

	run(0, "series", "create", "Red Kite", "--case", "A-1", "--external-id", "ICSE-0000")
	run(0, "series", "create", "Red Kite 2", "--case", "A-1")
	run(0, "series", "add", "Red Kite", shas["a.jpg"])
	run(0, "series", "add", "Red Kite 2", shas["b.jpg"])
	run(1, "series", "add", "Red Kite", strings.Repeat("0", 64))
	if out := run(0, "series", "merge", "Red Kite", "Red Kite 2"); !strings.Contains(out, "1 media moved over") {
		t.Errorf("merge: %s", out)
	}
	var shown struct {
		Node struct {
			Label      string
			ExternalID string `json:"external_id"`
		}
		Links []struct {
			SHA256 string
			Status string
		}
	}
	if err := json.Unmarshal([]byte(run(0, "series", "show", "Red Kite", "--json")), &shown); err != nil || len(shown.Links) != 3 || shown.Node.ExternalID != "ICSE-0000" {
		t.Errorf("series show: %+v %v (want a.jpg, b.jpg and the merged series)", shown, err)
	}

	run(0, "victim", "create", "V-0001", "--case", "A-1")
	run(0, "link", "add", "media:"+shas["a.jpg"], "depicts", "victim:V-0001", "--case", "A-1", "--reason", "same room")
	run(1, "link", "add", "media:"+shas["a.jpg"], "owned-by", "victim:V-0001", "--case", "A-1")
	run(2, "victim", "identify", "V-0001", "--on", "1 March")
	run(0, "victim", "identify", "V-0001", "--on", "2026-03-01")
	if out := run(0, "victim", "show", "V-0001"); !strings.Contains(out, "identified by Agency A on 2026-03-01") || !strings.Contains(out, "depicts media "+shas["a.jpg"]) {
		t.Errorf("victim show:\n%s", out)
	}
	run(0, "note", "add", "victim:V-0001", "seen", "in", "two", "exhibits", "--case", "A-1")
	if out := run(0, "note", "list", "victim:V-0001", "--case", "A-1"); !strings.Contains(out, "seen in two exhibits") {
		t.Errorf("note list:\n%s", out)
	}

	// The near-duplicate suggestion, rejected, keeps its history.
	var g struct {
		Nodes []struct{ ID, Kind, SHA256 string }
		Edges []struct {
			ID                             int
			From, To, Relation, Status, By string
			Rule                           string
			Evidence                       json.RawMessage
		}
	}
	if err := json.Unmarshal([]byte(run(0, "graph", "--case", "A-1", "--json")), &g); err != nil {
		t.Fatal(err)
	}
	var near int
	for _, e := range g.Edges {
		if e.Rule == "near-duplicate" {
			near = e.ID
			if len(e.Evidence) == 0 || e.Status != "suggested" {
				t.Errorf("near-duplicate edge %+v", e)
			}
		}
	}
	if near == 0 {
		t.Fatalf("no near-duplicate edge in %+v", g.Edges)
	}
	id := strconv.Itoa(near)
	run(0, "link", "reject", id, "--case", "A-1", "--reason", "different scene")
	run(1, "link", "reject", id, "--case", "A-1")
	if out := run(0, "link", "show", id, "--case", "A-1"); strings.Count(out, `"status"`) != 4 || !strings.Contains(out, "different scene") {
		t.Errorf("link show:\n%s", out)
	}
	if out := run(0, "graph", "--case", "A-1", "--dot"); !strings.HasPrefix(out, `digraph "case A-1"`) || !strings.Contains(out, "depicts (confirmed)") {
		t.Errorf("graph --dot:\n%s", out)
	}
	if out := run(0, "graph", "--case", "A-1", "--from", "victim:V-0001", "--depth", "1"); !strings.Contains(out, "victim:") || strings.Contains(out, "series:") {
		t.Errorf("graph --from the victim, depth 1:\n%s", out)
	}

	// CAID needs three alike votes.
	for i, grader := range []string{"g1", "g2", "g3"} {
		out := run(0, "categorize", "--case", "A-1", "--category", "C", shas["b.jpg"], "--grader", grader)
		if done := strings.Contains(out, "category C under caid"); done != (i == 2) {
			t.Errorf("after %d votes: %s", i+1, out)
		}
	}
	run(1, "categorize", "--case", "A-1", "--category", "7", shas["b.jpg"])
	run(1, "categorize", "--case", "A-1", "--category", "C", strings.Repeat("1", 64))

	// A vote under another scheme counts once a mapping translates it.
	mapping := filepath.Join(dir, "map.json")
	os.WriteFile(mapping, []byte(`{"from": "projectvic-us", "to": "caid", "values": {"1": "A"}}`), 0o644)
	if out := run(0, "scheme", "map", mapping, "--agency", "Agency A"); !strings.Contains(out, "these do not: [0 2 3 4]") {
		t.Errorf("scheme map: %s", out)
	}
	// Three graders under projectvic-us: three translated votes, CAID's
	// unanimity of three.
	for _, g := range []string{"p1", "p2", "p3"} {
		run(0, "categorize", "--case", "A-1", "--scheme", "projectvic-us", "--category", "1", shas["a-small.jpg"], "--grader", g)
	}

	// Contribution back: the export carries the consensus category, the
	// confirmed series and the identification; re-imported, they stay.
	vics := filepath.Join(dir, "a-1.vics.json")
	run(0, "case", "export", "A-1", "--format", "vics", "-o", vics)
	run(0, "hashset", "import", vics, "--name", "back", "--category-scheme", "caid")
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hs, err := st.HashSet(context.Background(), "back")
	if err != nil {
		t.Fatal(err)
	}
	back := map[string]store.Entry{}
	st.Entries(context.Background(), hs.ID, func(e store.Entry) error { back[e.SHA256] = e; return nil })
	if e := back[shas["b.jpg"]]; e.Series != "Red Kite" || e.Category == nil || *e.Category != "C" || e.CategoryScheme != "caid" {
		t.Errorf("b.jpg re-imported: %+v", e)
	}
	if e := back[shas["a.jpg"]]; e.Series != "Red Kite" || e.VictimIdentified == nil || !*e.VictimIdentified || e.Category != nil {
		t.Errorf("a.jpg re-imported: %+v", e)
	}
	if e := back[shas["a-small.jpg"]]; e.Category == nil || *e.Category != "A" {
		t.Errorf("a-small.jpg, voted 1 under projectvic-us by three graders, mapped to caid A: %+v", e)
	}
	icse := run(0, "case", "export", "A-1", "--format", "icse")
	lines := strings.Split(strings.TrimSpace(icse), "\n")
	if lines[0] != strings.Join(hashsets.ICSEHeader, ";") || len(lines) != 4 || !strings.Contains(icse, ";Yes;;Red Kite;1;Yes;Image;") {
		t.Errorf("ICSE export:\n%s", icse)
	}

	// Every command above that changed or exported something is in the
	// audit log, each run closed by a signed checkpoint.
	if out := run(0, "audit", "verify"); !strings.Contains(out, "audit log verified") || strings.Contains(out, "await") {
		t.Errorf("audit verify: %s", out)
	}
	signed := run(0, "audit", "checkpoint")
	if !strings.Contains(signed, "\n— ariadne.") {
		t.Errorf("audit checkpoint: %s", signed)
	}
	var actions []string
	for _, l := range strings.Split(strings.TrimSpace(run(0, "audit", "export")), "\n") {
		if !strings.HasPrefix(l, "{") {
			continue
		}
		var e struct {
			Action, Object, User string
			Proof                []string `json:"inclusion_proof"`
			Size                 int      `json:"checkpoint_size"`
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		if e.User != "tester" || e.Size == 0 {
			t.Errorf("exported entry %s", l)
		}
		actions = append(actions, e.Action)
	}
	joined := strings.Join(actions, " ")
	for _, want := range []string{"ingest", "link-add", "link-reject", "note", "categorize", "export", "hashset-import", "view-graph", "view-series", "view-victim"} {
		if !strings.Contains(joined, want) {
			t.Errorf("audit log actions %v lack %s", actions, want)
		}
	}
	other, _ := audit.NewKey("someone.else")
	run(1, "audit", "verify", "--verifier-key", other.Verifier)
}
