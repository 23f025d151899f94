package draw

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"io"

	"mailsetup/assets/i18n"
	"mailsetup/export/guide"
)

var page = template.Must(template.New("guide").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK JP","Hiragino Sans",sans-serif;margin:0 auto;max-width:760px;padding:16px;color:#1f2328;line-height:1.5;background:#fff}
h1{font-size:1.45em;margin:.2em 0 .4em}
.summary{background:#f3f5f7;border-radius:8px;padding:10px 14px;word-break:break-word}
ol{list-style:none;padding:0;counter-reset:step}
li{counter-increment:step;margin:24px 0;break-inside:avoid;page-break-inside:avoid}
h2{font-size:1.1em;margin:0 0 .3em}
h2::before{content:counter(step);display:inline-block;min-width:1.6em;height:1.6em;line-height:1.6em;border-radius:50%;background:#f57c00;color:#fff;text-align:center;margin-right:.5em;font-size:.9em}
p{margin:.2em 0 .6em;word-break:break-word}
img{display:block;max-width:100%;height:auto;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
footer{color:#5f666d;font-size:.85em;margin-top:2em}
@media print{body{max-width:none;padding:0;font-size:11pt}img{box-shadow:none;border:1px solid #c4c9cf;max-width:12cm}.summary{border:1px solid #c4c9cf}h2::before{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="summary">{{.Summary}}</p>
<ol>
{{range .Steps}}<li><h2>{{.Title}}</h2><p>{{.Text}}</p><img src="{{.Src}}" width="{{.W}}" height="{{.H}}" alt="{{.Title}}"></li>
{{end}}</ol>
<footer>{{.Footer}}</footer>
</body>
</html>
`))

type htmlStep struct {
	Title, Text string
	Src         template.URL
	W, H        int
}

// WriteHTML writes g as one self-contained HTML page: every picture is a
// data: URI, every user value is escaped, and the page reads well on a
// phone and on paper.
func WriteHTML(w io.Writer, g *guide.Guide) error {
	data := struct {
		Lang, Title, Summary, Footer string
		Steps                        []htmlStep
	}{Lang: g.Lang, Title: g.Title, Summary: g.Summary, Footer: i18n.T(g.Lang, "guide.footer", nil)}
	for i, s := range g.Steps {
		b, err := PNG(s.Picture)
		if err != nil {
			return fmt.Errorf("guide: step %d picture: %w", i+1, err)
		}
		sz := Size(s.Picture)
		data.Steps = append(data.Steps, htmlStep{Title: s.Title, Text: s.Text,
			Src: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b)),
			W:   int(sz.Width), H: int(sz.Height)})
	}
	if err := page.Execute(w, data); err != nil {
		return fmt.Errorf("guide: %w", err)
	}
	return nil
}
