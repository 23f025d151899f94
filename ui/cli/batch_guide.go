package cli

import (
	"io"
	"slices"

	"mailsetup/export"
	"mailsetup/export/guide"
	"mailsetup/export/guide/draw"
	"mailsetup/profiles"
)

// Every mail program's guide is a batch output named "guide-<client>": one
// self-contained HTML file in the batch's language.
func init() {
	for _, c := range guide.Clients {
		RegisterBatchOutput(BatchOutput{
			ID:   "guide-" + string(c),
			File: func(BatchPerson) string { return "guide-" + string(c) + ".html" },
			Write: func(w io.Writer, cfg *profiles.Config, p BatchPerson, bc *BatchContext) error {
				o := guide.Options{Client: c, Lang: bc.Lang, Name: p.Name}
				if f, ok := guide.FileFormat(c); ok && slices.Contains(bc.Outputs, string(f)) {
					if format, ok := export.Lookup(string(f)); ok {
						o.Export, o.File = guide.ExportFile, export.FileName(format, batchAccount(p), cfg)
					}
				}
				g, err := guide.Build(cfg, o)
				if err != nil {
					return err
				}
				return draw.WriteHTML(w, g)
			},
		})
	}
}
