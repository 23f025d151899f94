package cli

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"mailsetup/internal/fsafe"
	"mailsetup/profiles"
)

// write writes one person's files into their folder and returns how many
// it wrote; the error is the row's reason. Workers call it concurrently for
// different people. An output that cannot be made for this person (a QR
// code for a non-ASCII address) does not stop the others (reliability.md
// L14); the row is then reported with what is missing.
func (r *batchRun) write(p batchPerson, cfg *profiles.Config) (int, error) {
	dir := filepath.Join(r.opts.Out, p.Folder)
	type file struct {
		name string
		data []byte
	}
	var files []file
	var failed []string
	for _, o := range r.outs {
		var buf bytes.Buffer
		if err := o.Write(&buf, cfg, p, r.bctx); err != nil {
			failed = append(failed, fmt.Sprintf("%s not written: %s", o.ID, outputReason(o.ID, err)))
			continue
		}
		files = append(files, file{o.File(p), buf.Bytes()})
	}
	if !r.opts.Force {
		for _, f := range files {
			if _, err := os.Lstat(filepath.Join(dir, f.name)); err == nil {
				return 0, fmt.Errorf("%s already exists; nothing was written for this person (use --force to replace)", filepath.Join(p.Folder, f.name))
			}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("cannot create the folder: %s", fsafe.Reason(err))
	}
	// A symbolic link in --out would lead the files out of it
	// (reliability.md L15).
	if st, err := os.Lstat(dir); err != nil || !st.IsDir() {
		return 0, fmt.Errorf("%s is not a folder (a symbolic link?); nothing was written for this person", p.Folder)
	}
	for i, f := range files {
		err := fsafe.WriteFile(filepath.Join(dir, f.name), f.data, fsafe.WriteOptions{Replace: r.opts.Force})
		if err != nil {
			if errors.Is(err, fsafe.ErrExists) {
				return i, fmt.Errorf("%s already exists (use --force to replace)", filepath.Join(p.Folder, f.name))
			}
			return i, fmt.Errorf("cannot write %s: %s", filepath.Join(p.Folder, f.name), fsafe.Reason(err))
		}
	}
	if len(failed) > 0 {
		return len(files), fmt.Errorf("%s (the %d other files were written)", strings.Join(failed, "; "), len(files))
	}
	return len(files), nil
}

// outputReason is an output's error without the prefixes the layers below
// add ("qr: export: qr: …" said the format three times).
func outputReason(id string, err error) string {
	s := err.Error()
	for {
		t := strings.TrimPrefix(strings.TrimPrefix(s, "export: "), id+": ")
		if t == s {
			return s
		}
		s = t
	}
}

// folderName returns the folder a person's files go into: the address with
// its domain in Unicode, characters Windows forbids in names replaced by
// "_", and a name Windows reserves for a device made safe.
func folderName(a profiles.Address) string {
	var b strings.Builder
	for _, r := range a.Unicode() {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`<>:"/\|?*`, r) {
			b.WriteRune('_')
			continue
		}
		b.WriteRune(r)
	}
	return windowsSafe(b.String())
}

// windowsReserved are the device names Windows reserves in every folder,
// also with an extension ("nul.txt"): CON, PRN, AUX, NUL, COM0-9, LPT0-9 and
// the superscript digits ¹²³. See
// https://learn.microsoft.com/windows/win32/fileio/naming-a-file
// ("Do not use the following reserved names for the name of a file").
var windowsReserved = func() map[string]bool {
	m := map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true}
	for _, d := range []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³"} {
		m["COM"+d], m["LPT"+d] = true, true
	}
	return m
}()

// windowsSafe makes name usable as a folder on Windows: a reserved device
// name (the part before the first dot, trailing spaces ignored, in any
// case) gets a "_" in front, and trailing dots and spaces, which Windows
// strips, become "_" (issue 16).
func windowsSafe(name string) string {
	stem, _, _ := strings.Cut(name, ".")
	if windowsReserved[strings.ToUpper(strings.TrimRight(stem, " "))] {
		name = "_" + name
	}
	trimmed := strings.TrimRight(name, ". ")
	if n := len(name) - len(trimmed); n > 0 {
		name = trimmed + strings.Repeat("_", n)
	}
	return name
}

// reportName is the report batch writes into --out, one row per CSV row.
const reportName = "mailsetup-report.csv"

// writeReport writes what became of every row as a CSV file in --out, as
// spreadsheets read it (UTF-8 with a byte order mark, CRLF, quoted where
// needed), every cell neutralised (spreadsheetCell). An existing report is
// replaced only with --force; otherwise the next free name is taken.
func (r *batchRun) writeReport() (string, error) {
	var buf bytes.Buffer
	buf.WriteString("\xef\xbb\xbf")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	_ = w.Write([]string{"line", "address", "folder", "result", "files", "reason"})
	for _, res := range r.results {
		result, reason := "written", ""
		if res.err != nil {
			result, reason = "failed", res.err.Error()
			if res.files > 0 {
				result = "partly written"
			}
		}
		line := fmt.Sprint(res.p.Line)
		if res.p.EndLine > res.p.Line {
			line = fmt.Sprintf("%d-%d", res.p.Line, res.p.EndLine)
		}
		cells := []string{line, res.p.Address.Unicode(), res.p.Folder, result, fmt.Sprint(res.files), reason}
		for i := range cells {
			cells[i] = spreadsheetCell(cells[i])
		}
		_ = w.Write(cells)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return "", err
	}
	name := filepath.Join(r.opts.Out, reportName)
	for n := 2; ; n++ {
		err := fsafe.WriteFile(name, buf.Bytes(), fsafe.WriteOptions{Replace: r.opts.Force})
		if !errors.Is(err, fsafe.ErrExists) || n > 100 {
			return name, err
		}
		name = filepath.Join(r.opts.Out, fmt.Sprintf("mailsetup-report-%d.csv", n))
	}
}

// spreadsheetCell neutralises a cell a spreadsheet would run as a formula:
// one starting with "=", "+", "-", "@", a tab or a carriage return gets a
// "'" in front, which Excel, LibreOffice and Google Sheets show as text
// (OWASP, "CSV Injection": https://owasp.org/www-community/attacks/CSV_Injection).
// An address such as "=HYPERLINK(…)@example.com" is legal, so every cell
// the program writes goes through here.
func spreadsheetCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
