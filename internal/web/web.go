// Package web serves Ariadne's pages for people in a browser, rendered on
// the server (html/template, which escapes what it shows): today the
// sign-in page and the home page listing the agency's cases; the
// workbench grows here. Pages read the same store and identity as the
// JSON API (internal/api) and carry headers that keep them out of
// frames, caches and other sites' referrers. The server (internal/server)
// authenticates, sends a visitor without a session to the sign-in page
// and checks each page's action against the role table.
package web

import (
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/auth"
	"github.com/ariadne-vid/ariadne/internal/store"
)

//go:embed templates/*.html
var files embed.FS

var templates = template.Must(template.ParseFS(files, "templates/*.html"))

// Pages serves the pages.
type Pages struct {
	st *store.Store
}

// New returns the pages over st.
func New(st *store.Store) *Pages { return &Pages{st: st} }

// Route is one page: its pattern, the action it needs (AnyUser: any
// signed-in user) and its handler.
type Route struct {
	Pattern string
	Action  auth.Action
	Handler func(http.ResponseWriter, *http.Request) error
}

// AnyUser marks a page every signed-in user may see.
const AnyUser auth.Action = ""

// Routes lists every page, in one place. GET /login is public.
func (p *Pages) Routes() []Route {
	return []Route{
		{"GET /login", AnyUser, p.login},
		{"GET /{$}", AnyUser, p.home},
	}
}

// SafeNext is where to go after signing in: a path of this site, else
// the home page. An absolute or scheme-relative URL would send the user
// elsewhere, and browsers drop tabs and line breaks from a URL and read
// a backslash as a slash, so "/\t/host" and "/\\host" would too.
func SafeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	return next
}

// LoginURL is the sign-in page that returns to path.
func LoginURL(path string) string { return "/login?next=" + url.QueryEscape(SafeNext(path)) }

func render(w http.ResponseWriter, status int, name string, data any) error {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	return templates.ExecuteTemplate(w, name, data)
}

// LoginPage renders the sign-in form, with a message after a failure.
func LoginPage(w http.ResponseWriter, status int, next, message string) error {
	return render(w, status, "login.html", map[string]string{"Next": SafeNext(next), "Message": message})
}

func (p *Pages) login(w http.ResponseWriter, r *http.Request) error {
	return LoginPage(w, http.StatusOK, r.URL.Query().Get("next"), "")
}

func (p *Pages) home(w http.ResponseWriter, r *http.Request) error {
	id, _ := auth.IdentityFrom(r.Context())
	var cases []store.Case
	if auth.Can(id.Role, auth.ViewCase) {
		all, err := p.st.Cases(r.Context())
		if err != nil {
			return err
		}
		for _, c := range all {
			if c.AgencyID == id.AgencyID && id.AgencyID != 0 {
				cases = append(cases, c)
			}
		}
	}
	return render(w, http.StatusOK, "home.html", map[string]any{"User": id, "Cases": cases, "SeesCases": auth.Can(id.Role, auth.ViewCase)})
}
