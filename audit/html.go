package audit

import (
	"bytes"
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"mailsetup/assets/i18n"
)

// htmlPage is one self-contained report in the guides' style
// (export/guide/html.go): no scripts, no outside resources.
var htmlPage = template.Must(template.New("audit").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK JP","Hiragino Sans",sans-serif;margin:0 auto;max-width:960px;padding:16px;color:#1f2328;line-height:1.5;background:#fff}
h1{font-size:1.45em;margin:.2em 0 .4em}
h2{font-size:1.15em;margin:1.4em 0 .4em;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{text-align:left;vertical-align:top;padding:.3em .5em;border-bottom:1px solid #e6e8eb}
th{background:#f6f8fa}
.summary{padding:.6em .9em;border-radius:6px;background:#f6f8fa}
.ok{color:#1a7f37;font-weight:600}.bad{color:#cf222e;font-weight:600}
.sev-error{border-left:4px solid #cf222e}.sev-warning{border-left:4px solid #bf8700}.sev-info{border-left:4px solid #0969da}
.problem{padding:.4em .8em;margin:.5em 0;background:#fafbfc}
.code{font-family:ui-monospace,monospace;font-size:.85em;color:#57606a}
pre{background:#f6f8fa;padding:.6em;overflow-x:auto;font-size:.8em;white-space:pre-wrap}
footer{color:#5f666d;font-size:.85em;margin-top:2em}
@media print{body{max-width:none;padding:0;font-size:10pt}}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="summary {{if .Errors}}bad{{else}}ok{{end}}">{{.Summary}}</p>
<h2>{{.L.clients}}</h2>
<table><tr><th>{{.L.client}}</th><th>{{.L.finds}}</th><th>{{.L.via}}</th><th>{{.L.works}}</th><th></th></tr>
{{range .Clients}}<tr><td>{{.Name}}</td><td class="{{if .Finds}}ok{{else}}bad{{end}}">{{.FindsText}}</td><td>{{.Via}}</td><td class="{{if .Works}}ok{{else}}bad{{end}}">{{.WorksText}}</td><td>{{.Why}}{{if .Servers}}<br><span class="code">{{.Servers}}</span>{{end}}</td></tr>
{{end}}</table>
<h2>{{.L.problems}}</h2>
{{range .Problems}}<div class="problem sev-{{.Severity}}"><b>{{.SeverityText}}</b> <span class="code">{{.Code}}</span><br>{{.Detail}}<br><i>{{$.L.fix}}</i> {{.Fix}}</div>
{{else}}<p>{{.L.none}}</p>{{end}}
<h2>{{.L.servers}}</h2>
<table><tr><th>{{.L.server}}</th><th>{{.L.namedby}}</th><th>{{.L.cert}}</th><th>{{.L.auth}}</th></tr>
{{range .Servers}}<tr><td>{{.Name}}<br><span class="code">{{.Greeting}}</span></td><td>{{.NamedBy}}</td><td class="{{if .Good}}ok{{else}}bad{{end}}">{{.Cert}}</td><td>{{.Auth}}</td></tr>
{{end}}</table>
<h2>{{.L.sources}}</h2>
<table><tr><th>{{.L.source}}</th><th>{{.L.outcome}}</th><th>{{.L.detail}}</th></tr>
{{range .Sources}}<tr><td>{{.Source}}<br><span class="code">{{.URL}}</span></td><td>{{.OutcomeText}}</td><td>{{.Detail}}</td></tr>
{{end}}</table>
{{if .Files}}<h2>{{.L.files}}</h2>
{{range .Files}}<h3 class="code">{{.Name}}</h3><p>{{.Note}}</p><pre>{{.Content}}</pre>
{{end}}{{end}}
<footer>{{.Footer}}</footer>
</body>
</html>
`))

// HTML renders the report as one self-contained page in its language.
func HTML(rep *Report) ([]byte, error) {
	lang := rep.Lang
	t := func(key string, args any) string { return i18n.T(lang, key, args) }
	yes, no := t("audit.yes", nil), t("audit.no", nil)
	yn := func(b bool) string {
		if b {
			return yes
		}
		return no
	}
	type clientRow struct {
		Name, FindsText, Via, WorksText, Why, Servers string
		Finds, Works                                  bool
	}
	type serverRow struct {
		Name, Greeting, NamedBy, Cert, Auth string
		Good                                bool
	}
	type fileRow struct{ Name, Note, Content string }
	data := struct {
		Lang, Title, Summary, Footer string
		Errors                       bool
		L                            map[string]string
		Clients                      []clientRow
		Problems                     []struct {
			Problem
			SeverityText string
		}
		Servers []serverRow
		Sources []struct {
			SourceResult
			OutcomeText string
		}
		Files []fileRow
	}{Lang: lang, Title: t("audit.title", map[string]string{"Domain": rep.displayDomain()}), Errors: rep.HasErrors()}
	for _, s := range rep.Sources {
		data.Sources = append(data.Sources, struct {
			SourceResult
			OutcomeText string
		}{s, t("audit.outcome."+string(s.Outcome), nil)})
	}
	data.Summary = SummaryLine(rep)
	data.Footer = t("audit.footer", map[string]string{"Seconds": strconv.FormatFloat(float64(rep.ElapsedMS)/1000, 'f', 1, 64)})
	data.L = map[string]string{}
	for k, key := range map[string]string{"clients": "section.clients", "problems": "section.problems", "servers": "section.servers",
		"sources": "section.sources", "files": "section.files", "client": "col.client", "finds": "col.finds", "via": "col.via",
		"works": "col.works", "server": "col.server", "namedby": "col.named-by", "cert": "col.certificate", "auth": "col.auth",
		"source": "col.source", "outcome": "col.outcome", "detail": "col.detail", "fix": "fix", "none": "none-found"} {
		data.L[k] = t("audit."+key, nil)
	}
	for _, c := range rep.Clients {
		row := clientRow{Name: c.Name, Finds: c.Finds, Works: c.Works, FindsText: yn(c.Finds), WorksText: yn(c.Works), Via: c.Via, Why: c.Why}
		if c.Incoming != nil && c.Outgoing != nil {
			row.Servers = c.Incoming.String() + " · " + c.Outgoing.String()
		}
		data.Clients = append(data.Clients, row)
	}
	for _, p := range rep.Problems {
		data.Problems = append(data.Problems, struct {
			Problem
			SeverityText string
		}{p, t("audit.severity."+string(p.Severity), nil)})
	}
	for _, s := range rep.Servers {
		data.Servers = append(data.Servers, serverRow{Name: s.Endpoint.String(), Greeting: s.Greeting, NamedBy: strings.Join(s.NamedBy, ", "),
			Cert: CertText(rep, s), Auth: strings.Join(s.Auth, " "), Good: rep.works(s.Endpoint)})
	}
	for _, f := range rep.Files {
		data.Files = append(data.Files, fileRow{Name: f.Name, Note: f.Note, Content: string(f.Content)})
	}
	var b bytes.Buffer
	if err := htmlPage.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("audit: html: %w", err)
	}
	return b.Bytes(), nil
}

func (r *Report) displayDomain() string {
	if r.DomainUnicode != "" {
		return r.DomainUnicode
	}
	return r.Domain
}

// SummaryLine says in one sentence whether errors were found.
func SummaryLine(rep *Report) string {
	n := 0
	for _, p := range rep.Problems {
		if p.Severity == SeverityError {
			n++
		}
	}
	if n == 0 {
		return i18n.T(rep.Lang, "audit.summary.ok", nil)
	}
	return i18n.T(rep.Lang, "audit.summary.errors", map[string]string{"Count": strconv.Itoa(n)})
}

// CertText describes a server's certificate in one line.
func CertText(rep *Report, s ServerReport) string {
	switch {
	case !s.Reachable:
		return i18n.T(rep.Lang, "audit.unreachable", nil)
	case s.TLS == nil:
		return i18n.T(rep.Lang, "audit.cert.none", nil)
	}
	txt := i18n.T(rep.Lang, "audit.cert.days-left", map[string]string{"Issuer": s.TLS.Issuer,
		"Date": s.TLS.NotAfter.Format("2006-01-02"), "Days": strconv.Itoa(s.TLS.DaysLeft)})
	if s.TLS.Problem != "" {
		txt = s.TLS.Problem + ": " + txt
	}
	return s.TLS.Version + ", " + txt
}
