package report

import (
	"embed"
	"html/template"
	"io"
	"strings"

	"github.com/ariadne-vid/ariadne/internal/store"
)

//go:embed templates/report.html
var templates embed.FS

// The HTML report is one file with its style inline: it can be sent, kept
// with the case file and opened offline. It holds no image content and
// loads nothing.
var htmlReport = template.Must(template.New("report.html").Funcs(template.FuncMap{
	"upper":    func(c store.Class) string { return strings.ToUpper(string(c)) },
	"match":    matchLine,
	"sighting": sightingLine,
	"says":     metadataLine,
	"count":    func(m map[store.Class]int64, c store.Class) int64 { return m[c] },
}).ParseFS(templates, "templates/report.html"))

func (r *Report) writeHTML(w io.Writer) error {
	var total int64
	for _, e := range r.Exhibits {
		total += e.Files
	}
	n := 0
	for _, c := range r.Clusters {
		n += len(c.Media)
	}
	return htmlReport.Execute(w, map[string]any{
		"Report":     r,
		"Scope":      r.scope(),
		"Columns":    r.classColumns(),
		"TotalFiles": total,
		"NewCount":   n,
		"Radius":     ClusterRadius,
	})
}
