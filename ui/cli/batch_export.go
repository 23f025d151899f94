package cli

import (
	"io"

	"mailsetup/export"
	"mailsetup/profiles"
)

// Every export format is a batch output under its own name; a preset's
// signing certificate signs the mobileconfig files.
func init() {
	for _, f := range export.Formats {
		RegisterBatchOutput(BatchOutput{
			ID: string(f.Name),
			File: func(p BatchPerson) string {
				return export.FileName(f, batchAccount(p), nil)
			},
			Write: func(w io.Writer, cfg *profiles.Config, p BatchPerson, bc *BatchContext) error {
				opts := export.Options{Organization: bc.Preset.Organisation().Name}
				if s := bc.Preset.Signing(); s != nil && f.Name == export.FormatMobileconfig {
					opts.Signer = s
				}
				return export.Write(string(f.Name), w, cfg, batchAccount(p), opts)
			},
		})
	}
}

func batchAccount(p BatchPerson) export.Account {
	return export.Account{Address: p.Address, DisplayName: p.Name}
}
