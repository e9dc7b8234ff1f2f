package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCaseExhibitHashSetCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	mustRun := func(args ...string) string {
		t.Helper()
		out, e, code := runCLI(t, append(args, "--db", db)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, e)
		}
		return out
	}
	mustRun("agency", "add", "Unit A", "--contact", "desk@unit-a.example")
	mustRun("case", "create", "C-1", "--title", "Synthetic", "--agency", "Unit A")
	mustRun("exhibit", "add", "--case", "C-1", "phone", "--seized-by", "officer")
	if out := mustRun("case", "list"); !strings.Contains(out, "C-1") || !strings.Contains(out, "Unit A") {
		t.Errorf("case list:\n%s", out)
	}
	var shown struct {
		Number   string
		Exhibits []struct{ Label string }
	}
	if err := json.Unmarshal([]byte(mustRun("case", "show", "C-1")), &shown); err != nil || len(shown.Exhibits) != 1 || shown.Exhibits[0].Label != "phone" {
		t.Errorf("case show: %+v %v", shown, err)
	}
	if out := mustRun("exhibit", "list", "--case", "C-1"); !strings.Contains(out, "phone") {
		t.Errorf("exhibit list:\n%s", out)
	}
	if _, _, code := runCLI(t, "case", "create", "C-1", "--db", db); code == 0 {
		t.Error("a duplicate case was accepted")
	}

	list := filepath.Join(dir, "known.txt")
	os.WriteFile(list, []byte("# hash: sha256\n"+strings.Repeat("ab", 32)+"\nnot-a-hash\n"), 0o644)
	out, e, code := runCLI(t, "hashset", "import", list, "--name", "known", "--db", db)
	if code != 1 || !strings.Contains(out, "1 imported, 1 rejected") || !strings.Contains(e, "known.txt:3: rejected") {
		t.Errorf("import: exit %d\n%s\n%s", code, out, e)
	}
	if out := mustRun("hashset", "list"); !strings.Contains(out, "known") {
		t.Errorf("hashset list:\n%s", out)
	}
	if out := mustRun("hashset", "export", "known", "--format", "list:sha256"); !strings.Contains(out, strings.Repeat("ab", 32)) {
		t.Errorf("export:\n%s", out)
	}
	var hs struct{ Entries int }
	json.Unmarshal([]byte(mustRun("hashset", "show", "known")), &hs)
	if hs.Entries != 1 {
		t.Errorf("hashset show: %+v", hs)
	}
	// A case without media exports an empty VICS document.
	if out := mustRun("case", "export", "C-1"); !strings.Contains(out, `"value": [`) {
		t.Errorf("case export:\n%s", out)
	}
	// ARIADNE_DB is the default store.
	t.Setenv("ARIADNE_DB", db)
	if out, _, code := runCLI(t, "case", "list"); code != 0 || !strings.Contains(out, "C-1") {
		t.Errorf("ARIADNE_DB not used: %s", out)
	}
}
