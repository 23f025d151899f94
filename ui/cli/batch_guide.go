package cli

import (
	"io"
	"slices"

	"mailsetup/export"
	"mailsetup/export/guide"
	"mailsetup/export/guide/draw"
	"mailsetup/profiles"
)

// guideProfileFormat is the profile file each mail program's guide can start
// from, when batch writes it beside the guide.
var guideProfileFormat = map[guide.Client]export.FormatName{
	guide.Outlook:     export.FormatPRF,
	guide.AppleMail:   export.FormatMobileconfig,
	guide.IOS:         export.FormatMobileconfig,
	guide.K9:          export.FormatK9,
	guide.Thunderbird: export.FormatThunderbirdZip,
}

// Every mail program's guide is a batch output named "guide-<client>": one
// self-contained HTML file in the batch's language.
func init() {
	for _, c := range guide.Clients {
		RegisterBatchOutput(BatchOutput{
			ID:   "guide-" + string(c),
			File: func(BatchPerson) string { return "guide-" + string(c) + ".html" },
			Write: func(w io.Writer, cfg *profiles.Config, p BatchPerson, bc *BatchContext) error {
				o := guide.Options{Client: c, Lang: bc.Lang, Name: p.Name}
				if f, ok := guideProfileFormat[c]; ok && slices.Contains(bc.Outputs, string(f)) {
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
