package web

import (
	"net/url"
	"strings"
	"testing"
)

func TestSafeNext(t *testing.T) {
	for next, want := range map[string]string{
		"/": "/", "/api/v1/cases?x=1": "/api/v1/cases?x=1", "": "/", "//evil.example": "/", "/\\evil.example": "/",
		"https://evil.example/": "/", "javascript:alert(1)": "/", "/a\r\nSet-Cookie: x": "/", "/\t/evil.example": "/", "/ok/\\x": "/",
	} {
		if got := SafeNext(next); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", next, got, want)
		}
	}
}

// FuzzSafeNext: whatever it is given, the redirect stays on this site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "//x", "/\\x", "http://x", "/ok?next=//x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := SafeNext(next)
		u, err := url.Parse(got)
		if err != nil {
			return // a browser refuses it too; it stays relative either way
		}
		// What a browser would follow: control characters dropped, backslashes as slashes.
		seen := strings.ReplaceAll(strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, got), "\\", "/")
		if u.Host != "" || u.Scheme != "" || !strings.HasPrefix(seen, "/") || strings.HasPrefix(seen, "//") {
			t.Fatalf("SafeNext(%q) = %q leaves the site", next, got)
		}
	})
}
