package api

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzDecode: any body either decodes into each request type or is
// refused as the client's error (400), never a panic.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"kind": "series", "case": "C-1", "label": "x"}`, `{"status": "confirmed"}`, `{"sha256": ["ab"]}`, `{`, `[]`, `{"a":1} {}`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, v := range []any{&nodeRequest{}, &linkRequest{}, &decisionRequest{}, &noteRequest{}, &voteRequest{}} {
			err := decode(httptest.NewRequest("POST", "/", strings.NewReader(body)), v)
			var e *Error
			if err != nil && (!errors.As(err, &e) || e.Code != 400) {
				t.Fatalf("%q: %v, want a 400", body, err)
			}
		}
	})
}
