package category

import (
	"testing"

	"github.com/ariadne-vid/ariadne/internal/store"
)

func votes(pairs ...string) []store.Vote {
	var out []store.Vote
	for i := 0; i+2 < len(pairs)+1; i += 3 {
		out = append(out, store.Vote{Scheme: pairs[i], Grader: pairs[i+1], Value: pairs[i+2]})
	}
	return out
}

func TestConsensus(t *testing.T) {
	caid, _ := Lookup("caid", nil)
	vic, _ := Lookup("projectvic-us", nil)
	majority := Scheme{Name: "m3", Values: []Value{{"1", ""}, {"2", ""}}, Consensus: Rule{Kind: "majority", Of: 3}}
	for _, c := range []struct {
		name     string
		scheme   Scheme
		votes    []store.Vote
		want     string
		disagree bool
	}{
		{"no votes: uncategorised", vic, nil, "", false},
		{"first vote decides", vic, votes("projectvic-us", "g1", "0", "projectvic-us", "g2", "1"), "0", true},
		{"category 0 is a value, not uncategorised", vic, votes("projectvic-us", "g1", "0"), "0", false},
		{"CAID: two alike votes are not enough", caid, votes("caid", "g1", "B", "caid", "g2", "B"), "", false},
		{"CAID: three alike votes decide", caid, votes("caid", "g1", "B", "caid", "g2", "B", "caid", "g3", "B"), "B", false},
		{"CAID: three votes that differ do not", caid, votes("caid", "g1", "B", "caid", "g2", "C", "caid", "g3", "B"), "", true},
		{"a grader's later vote replaces theirs", caid, votes("caid", "g1", "C", "caid", "g2", "B", "caid", "g3", "B", "caid", "g1", "B"), "B", false},
		{"votes under another scheme are not counted", caid, votes("projectvic-us", "g1", "1", "caid", "g2", "A"), "", false},
		{"majority of three", majority, votes("m3", "a", "1", "m3", "b", "2", "m3", "c", "1"), "1", true},
		{"majority needs three votes", majority, votes("m3", "a", "1", "m3", "b", "1"), "", false},
		{"a set's vote is one vote", caid, votes("caid", "set:UK", "A", "caid", "g1", "A"), "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := c.scheme.Decide(c.votes)
			if o.Value != c.want || o.Disagreement != c.disagree {
				t.Errorf("consensus %q (disagreement %v), want %q (%v)", o.Value, o.Disagreement, c.want, c.disagree)
			}
		})
	}
}

func TestParseAndMapping(t *testing.T) {
	declared := map[string]string{"agency-x": `{"name": "agency-x", "title": "X", "values": [{"code": "red", "label": "r"}, {"code": "green", "label": "g"}], "consensus": {"rule": "majority", "of": 2}}`}
	s, err := Lookup("agency-x", declared)
	if err != nil || len(s.Values) != 2 || s.Consensus.Of != 2 {
		t.Fatalf("declared scheme %+v: %v", s, err)
	}
	for name, bad := range map[string]string{
		"no values":     `{"name": "x", "consensus": {"rule": "first"}}`,
		"repeated code": `{"name": "x", "values": [{"code": "1"}, {"code": "1"}], "consensus": {"rule": "first"}}`,
		"unknown rule":  `{"name": "x", "values": [{"code": "1"}], "consensus": {"rule": "loudest"}}`,
		"unknown field": `{"name": "x", "colour": "red", "values": [{"code": "1"}], "consensus": {"rule": "first"}}`,
	} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := Lookup("nope", declared); err == nil {
		t.Error("an unknown scheme was found")
	}
	m, err := ParseMapping([]byte(`{"from": "caid", "to": "agency-x", "values": {"A": "red", "B": "red"}}`), declared)
	if err != nil {
		t.Fatal(err)
	}
	caid, _ := Lookup("caid", nil)
	if v, ok := m.Translate("A"); !ok || v != "red" {
		t.Errorf("A → %q %v", v, ok)
	}
	if _, ok := m.Translate("C"); ok {
		t.Error("C translated without a pair")
	}
	if got := m.Untranslatable(caid); len(got) != 2 || got[0] != "C" || got[1] != "N" {
		t.Errorf("untranslatable %v, want [C N]", got)
	}
	if _, err := ParseMapping([]byte(`{"from": "caid", "to": "agency-x", "values": {"Z": "red", "A": "blue"}}`), declared); err == nil {
		t.Error("a mapping of values the schemes lack was accepted")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"name": "x", "values": [{"code": "1"}], "consensus": {"rule": "majority", "of": 2}}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err == nil && s.Check() != nil {
			t.Fatal("Parse accepted a scheme Check refuses")
		}
	})
}
