package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"mailsetup/export"
	"mailsetup/export/guide"
	"mailsetup/export/guide/draw"
	"mailsetup/preset"
	"mailsetup/profiles"
)

// batchOutput is one kind of file batch writes into each person's folder:
// the settings JSON, an export format or a guide.
type batchOutput struct {
	// ID is the name used in --format ("mobileconfig", "guide-outlook").
	ID string
	// File returns the file's name inside the person's folder.
	File func(p batchPerson) string
	// Write writes the file for one person.
	Write func(w io.Writer, cfg *profiles.Config, p batchPerson, bc *batchContext) error
}

// batchContext is what every writer of one batch run shares.
type batchContext struct {
	Preset *preset.Preset
	Lang   string
	// Outputs are the IDs chosen with --format, so a guide can point at the
	// profile file written beside it.
	Outputs []string
}

// batchOutputs lists every output, sorted by ID: "json", every export
// format under its own name (a preset's certificate signs the mobileconfig
// files) and every mail program's guide as "guide-<client>" (one
// self-contained HTML file in the batch's language).
func batchOutputs() []batchOutput {
	outs := []batchOutput{{
		ID:   "json",
		File: func(batchPerson) string { return "settings.json" },
		Write: func(w io.Writer, cfg *profiles.Config, _ batchPerson, _ *batchContext) error {
			enc := json.NewEncoder(w)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			return enc.Encode(cfg)
		},
	}}
	for _, f := range export.Formats {
		outs = append(outs, batchOutput{
			ID:   string(f.Name),
			File: func(p batchPerson) string { return export.FileName(f, p.account(), nil) },
			Write: func(w io.Writer, cfg *profiles.Config, p batchPerson, bc *batchContext) error {
				opts := export.Options{Organization: bc.Preset.Organisation().Name}
				if s := bc.Preset.Signing(); s != nil && f.Name == export.FormatMobileconfig {
					opts.Signer = s
				}
				return export.Write(string(f.Name), w, cfg, p.account(), opts)
			},
		})
	}
	for _, c := range guide.Clients {
		outs = append(outs, batchOutput{
			ID:   "guide-" + string(c),
			File: func(batchPerson) string { return "guide-" + string(c) + ".html" },
			Write: func(w io.Writer, cfg *profiles.Config, p batchPerson, bc *batchContext) error {
				o := guide.Options{Client: c, Lang: bc.Lang, Name: p.Name}
				if f, ok := guide.FileFormat(c); ok && slices.Contains(bc.Outputs, string(f)) {
					if format, ok := export.Lookup(string(f)); ok {
						o.Export, o.File = guide.ExportFile, export.FileName(format, p.account(), cfg)
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
	slices.SortFunc(outs, func(a, b batchOutput) int { return strings.Compare(a.ID, b.ID) })
	return outs
}

// batchOutputIDs lists the outputs' IDs, sorted.
func batchOutputIDs() []string {
	var ids []string
	for _, o := range batchOutputs() {
		ids = append(ids, o.ID)
	}
	return ids
}

func (p batchPerson) account() export.Account {
	return export.Account{Address: p.Address, DisplayName: p.Name}
}

// parseBatchFormats reads --format, refusing IDs the preset does not offer.
func parseBatchFormats(list string, pr *preset.Preset) ([]batchOutput, error) {
	all := batchOutputs()
	byID := map[string]batchOutput{}
	var ids []string
	for _, o := range all {
		byID[o.ID] = o
		ids = append(ids, o.ID)
	}
	want := strings.Split(list, ",")
	if strings.TrimSpace(strings.ToLower(list)) == "all" {
		want = nil
		for _, id := range ids {
			// "all" means every profile file; guides take about a second
			// each to draw, so they are written only when named.
			if id != "json" && !strings.HasPrefix(id, "guide-") && (!pr.Locked(preset.FieldFormats) || batchOffered(pr, id)) {
				want = append(want, id)
			}
		}
	}
	var outs []batchOutput
	seen := map[string]bool{}
	for _, id := range want {
		id = strings.ToLower(strings.TrimSpace(id))
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		o, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("unknown format %s: use %s", printable(id), strings.Join(ids, ", "))
		}
		if pr.Locked(preset.FieldFormats) && !batchOffered(pr, id) {
			return nil, fmt.Errorf("the preset of %s does not offer %s", pr.Organisation().Name, printable(id))
		}
		outs = append(outs, o)
	}
	if len(outs) == 0 {
		return nil, fmt.Errorf("--format names no format: use %s", strings.Join(ids, ", "))
	}
	return outs, nil
}

// batchOffered reports whether the preset offers an output: export formats
// by their ID, guides ("guide-ID") by their guide ID.
func batchOffered(pr *preset.Preset, id string) bool {
	if g, ok := strings.CutPrefix(id, "guide-"); ok {
		return pr.OffersGuide(g)
	}
	if id == "json" {
		return true
	}
	return pr.OffersFormat(id)
}

func outputIDs(outs []batchOutput) []string {
	ids := make([]string, len(outs))
	for i, o := range outs {
		ids[i] = o.ID
	}
	return ids
}
