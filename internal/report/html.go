package report

import (
	"github.com/ariadne-vid/ariadne/internal/store"
	"html/template"
	"io"
	"strings"
)

// The HTML report is one file with its style inline: it can be sent, kept
// with the case file and opened offline. It holds no image content and
// loads nothing.
var htmlReport = template.Must(template.New("report").Funcs(template.FuncMap{
	"upper":    func(c store.Class) string { return strings.ToUpper(string(c)) },
	"match":    matchLine,
	"sighting": sightingLine,
	"count":    func(m map[store.Class]int64, c store.Class) int64 { return m[c] },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Ariadne report: {{.Report.Case.Number}}{{if .Report.Exhibit}} / {{.Report.Exhibit}}{{end}}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: 2px 8px; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; }
.hash { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
.media { border: 1px solid #ddd; border-radius: 4px; padding: 6px 10px; margin: 6px 0; }
.new { border-left: 5px solid #c62828; } .near { border-left: 5px solid #ef6c00; } .known { border-left: 5px solid #6a1b9a; }
.cluster { margin: 1em 0; } .muted { color: #666; } ul { margin: 2px 0; }
</style>
</head>
<body>
<h1>Ariadne report: {{.Scope}}</h1>
<p class="muted">Generated {{.Report.Generated}} by {{.Report.Program}}. Hashes and metadata only; this report contains no image content.</p>

<h2>Files per triage class</h2>
<table>
<tr><th>Exhibit</th><th class="n">Files</th>{{range .Columns}}<th class="n">{{upper .}}</th>{{end}}</tr>
{{range .Report.Exhibits}}{{$e := .}}<tr><td>{{.Label}}</td><td class="n">{{.Files}}</td>{{range $.Columns}}<td class="n">{{count $e.Classes .}}</td>{{end}}</tr>
{{end}}{{if gt (len .Report.Exhibits) 1}}<tr><th>All</th><th class="n">{{.TotalFiles}}</th>{{range .Columns}}<th class="n">{{count $.Report.Totals .}}</th>{{end}}</tr>{{end}}
</table>

{{if .Report.OtherCases}}<h2>Other cases holding this material: {{len .Report.OtherCases}}</h2>
<p class="muted">The same content, or a near-duplicate of it (PDQ within {{.Radius}}, rotations and mirrors included): another investigation may already work this material.</p>
<table>
<tr><th>Case</th><th>Title</th><th>Agency</th><th class="n">Same media</th><th class="n">Near-duplicates</th><th>Media of this scope (SHA-256, new first)</th></tr>
{{range .Report.OtherCases}}<tr><td>{{.Number}}</td><td>{{.Title}}</td><td>{{.Agency}}</td><td class="n">{{.Same}}</td><td class="n">{{.Near}}</td><td class="hash">{{range $i, $m := .Media}}{{if $i}}, {{end}}{{$m}}{{end}}</td></tr>
{{end}}</table>
{{end}}
<h2>New media: {{.NewCount}}, in {{len .Report.Clusters}} clusters (largest first)</h2>
<p class="muted">New media matched no known set. Media within PDQ distance {{.Radius}} of each other are grouped: one cluster of new material is one lead.</p>
{{range .Report.Clusters}}<div class="cluster"><strong>Cluster {{.ID}}</strong>: {{len .Media}} media
{{range .Media}}{{template "media" .}}{{end}}</div>
{{end}}

<h2>Near-duplicates of known material: {{len .Report.Near}}</h2>
{{range .Report.Near}}{{template "media" .}}{{end}}

<h2>Known material (exact match): {{len .Report.Known}}</h2>
{{range .Report.Known}}{{template "media" .}}{{end}}

<h2>Files that could not be read: {{len .Report.Errors}}</h2>
{{if .Report.Errors}}<table><tr><th>Exhibit</th><th>Path</th><th>Reason</th></tr>
{{range .Report.Errors}}<tr><td>{{.Exhibit}}</td><td class="hash">{{.Path}}</td><td>{{.Error}}</td></tr>
{{end}}</table>{{end}}

{{if .Report.Runs}}<h2>Ingest runs</h2>
<table><tr><th>#</th><th>Status</th><th>Started</th><th>Finished</th><th class="n">Files</th><th class="n">Skipped</th><th class="n">Bytes</th><th>Roots</th><th>Program</th></tr>
{{range .Report.Runs}}<tr><td>{{.ID}}</td><td>{{.Status}}</td><td>{{.StartedAt}}</td><td>{{.FinishedAt}}</td><td class="n">{{.Files}}</td><td class="n">{{.Skipped}}</td><td class="n">{{.Bytes}}</td><td class="hash">{{.Roots}}</td><td>{{.Version}}</td></tr>
{{end}}</table>{{end}}
</body>
</html>
{{define "media"}}<div class="media {{.Class}}">
<div class="hash">SHA-256 {{.SHA256}}<br>MD5 {{.MD5}}{{if .PDQ}}<br>PDQ {{.PDQ}} (quality {{.Quality}}){{end}}</div>
<div class="muted">{{.MIME}}{{if .Width}}, {{.Width}}×{{.Height}}{{end}}, {{.Size}} bytes</div>
<ul>{{range .Files}}<li>{{.Exhibit}}: <span class="hash">{{.Path}}</span>{{if .Warning}} <span class="muted">({{.Warning}})</span>{{end}}</li>{{end}}
{{range .Matches}}<li><strong>match</strong> {{match .}}</li>{{end}}
{{range .Elsewhere}}<li><strong>also seen</strong> {{sighting .}}</li>{{end}}</ul>
</div>{{end}}
`))

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
