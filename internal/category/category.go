// Package category holds the schemes media are categorised under (Project
// VIC's US and Canadian categories, the UK's CAID grades, INTERPOL's
// Baseline, and schemes an agency declares), the rule by which graders'
// votes become a category, and mappings between schemes. A category is
// never a single grader's say: it is the consensus of the votes under
// the scheme's rule, and a disagreement is kept and shown, not resolved
// by the software. A matched known-set entry's category is one vote
// ("set:NAME") like any other.
package category

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/store"
)

// Value is one category of a scheme.
type Value struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Rule is how votes become a category.
type Rule struct {
	// Kind is "first" (the first vote decides), "majority" (more than
	// half of at least Of votes agree) or "unanimous" (at least Of votes,
	// all alike).
	Kind string `json:"rule"`
	Of   int    `json:"of,omitempty"`
}

// Scheme is a named set of categories with a consensus rule.
type Scheme struct {
	Name      string  `json:"name"`
	Title     string  `json:"title"`
	Values    []Value `json:"values"`
	Consensus Rule    `json:"consensus"`
}

// Builtin are the schemes every agency has. "No value" is
// uncategorised, which is not category 0. Labels are short neutral
// names; an agency that needs its programme's wording declares a scheme.
var Builtin = []Scheme{
	{Name: "projectvic-us", Title: "Project VIC (US) categories", Consensus: Rule{Kind: "first"},
		Values: []Value{{"0", "non-pertinent"}, {"1", "category 1"}, {"2", "category 2"}, {"3", "category 3"}, {"4", "category 4"}}},
	{Name: "projectvic-ca", Title: "Project VIC (Canada) categories", Consensus: Rule{Kind: "first"},
		Values: []Value{{"0", "non-pertinent"}, {"1", "category 1"}, {"2", "category 2"}, {"3", "category 3"}, {"4", "category 4"}}},
	{Name: "caid", Title: "UK CAID grades", Consensus: Rule{Kind: "unanimous", Of: 3},
		Values: []Value{{"A", "category A"}, {"B", "category B"}, {"C", "category C"}, {"N", "not indecent"}}},
	{Name: "baseline", Title: "INTERPOL Baseline", Consensus: Rule{Kind: "first"},
		Values: []Value{{"yes", "meets the Baseline criteria"}, {"no", "does not"}}},
}

// Parse reads a scheme an agency declares, as JSON:
//
//	{"name": "agency-x", "title": "...", "values": [{"code": "1", "label": "..."}],
//	 "consensus": {"rule": "majority", "of": 3}}
func Parse(data []byte) (Scheme, error) {
	var s Scheme
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, fmt.Errorf("read scheme: %w", err)
	}
	return s, s.Check()
}

// Check says what is wrong with a scheme, if anything.
func (s Scheme) Check() error {
	var errs []error
	if s.Name == "" || strings.ContainsAny(s.Name, " \t\n") {
		errs = append(errs, fmt.Errorf("scheme name %q: one word needed", s.Name))
	}
	if len(s.Values) == 0 {
		errs = append(errs, errors.New("a scheme needs values"))
	}
	seen := map[string]bool{}
	for _, v := range s.Values {
		if v.Code == "" || seen[v.Code] {
			errs = append(errs, fmt.Errorf("value %q: empty or repeated", v.Code))
		}
		seen[v.Code] = true
	}
	switch s.Consensus.Kind {
	case "first":
	case "majority", "unanimous":
		if s.Consensus.Of < 1 {
			errs = append(errs, fmt.Errorf("rule %s needs of ≥ 1", s.Consensus.Kind))
		}
	default:
		errs = append(errs, fmt.Errorf("consensus rule %q: first, majority or unanimous", s.Consensus.Kind))
	}
	return errors.Join(errs...)
}

// Has reports whether code is a value of the scheme.
func (s Scheme) Has(code string) bool {
	return slices.ContainsFunc(s.Values, func(v Value) bool { return v.Code == code })
}

// Lookup finds a scheme among the built-in ones and those declared (by
// name, their JSON).
func Lookup(name string, declared map[string]string) (Scheme, error) {
	if name == "projectvic" {
		// What VICS imports were labelled before the schemes had names.
		name = "projectvic-us"
	}
	if def, ok := declared[name]; ok {
		return Parse([]byte(def))
	}
	for _, s := range Builtin {
		if s.Name == name {
			return s, nil
		}
	}
	var names []string
	for _, s := range Builtin {
		names = append(names, s.Name)
	}
	for n := range declared {
		names = append(names, n)
	}
	slices.Sort(names)
	return Scheme{}, fmt.Errorf("no category scheme %q (known: %s)", name, strings.Join(names, ", "))
}

// Outcome is where a media stands under a scheme.
type Outcome struct {
	// Value is the category the votes agree on under the rule, or "" when
	// they do not (yet).
	Value string `json:"value,omitempty"`
	// Disagreement is set when the counted votes differ.
	Disagreement bool `json:"disagreement,omitempty"`
	// Counted are the votes taken: each grader's latest.
	Counted []store.Vote `json:"votes"`
}

// Decide applies the scheme's rule to a media's votes under it
// (oldest first); each grader's latest vote counts.
func (s Scheme) Decide(votes []store.Vote) Outcome {
	latest := map[string]int{}
	var counted []store.Vote
	for _, v := range votes {
		if v.Scheme != s.Name {
			continue
		}
		if i, ok := latest[v.Grader]; ok {
			counted[i] = v
			continue
		}
		latest[v.Grader] = len(counted)
		counted = append(counted, v)
	}
	o := Outcome{Counted: counted}
	tally := map[string]int{}
	for _, v := range counted {
		tally[v.Value]++
	}
	o.Disagreement = len(tally) > 1
	if len(counted) == 0 {
		return o
	}
	switch s.Consensus.Kind {
	case "first":
		o.Value = counted[0].Value
	case "majority":
		if len(counted) >= s.Consensus.Of {
			for v, n := range tally {
				if 2*n > len(counted) {
					o.Value = v
				}
			}
		}
	case "unanimous":
		if len(counted) >= s.Consensus.Of && len(tally) == 1 {
			o.Value = counted[0].Value
		}
	}
	return o
}

// Mapping says which values of one scheme translate to which of another.
// Values it does not list do not translate: a mapping never guesses.
type Mapping struct {
	From  string            `json:"from"`
	To    string            `json:"to"`
	Pairs map[string]string `json:"values"`
}

// ParseMapping reads a mapping as JSON ({"from": "caid", "to":
// "projectvic-us", "values": {"A": "1", ...}}) and checks it against the
// two schemes.
func ParseMapping(data []byte, declared map[string]string) (Mapping, error) {
	var m Mapping
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("read mapping: %w", err)
	}
	from, err := Lookup(m.From, declared)
	if err != nil {
		return m, err
	}
	to, err := Lookup(m.To, declared)
	if err != nil {
		return m, err
	}
	var errs []error
	for a, b := range m.Pairs {
		if !from.Has(a) {
			errs = append(errs, fmt.Errorf("mapping: %q is not a value of %s", a, m.From))
		}
		if !to.Has(b) {
			errs = append(errs, fmt.Errorf("mapping: %q is not a value of %s", b, m.To))
		}
	}
	return m, errors.Join(errs...)
}

// Translate gives the value in the target scheme, or false when the
// mapping has none.
func (m Mapping) Translate(value string) (string, bool) {
	v, ok := m.Pairs[value]
	return v, ok
}

// Untranslatable lists the values of the source scheme the mapping
// cannot translate, in the scheme's order.
func (m Mapping) Untranslatable(from Scheme) []string {
	var out []string
	for _, v := range from.Values {
		if _, ok := m.Pairs[v.Code]; !ok {
			out = append(out, v.Code)
		}
	}
	return out
}
