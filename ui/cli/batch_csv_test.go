package cli

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rowStrings renders rows as "line:address|name|login" or
// "lines:!error", for table tests.
func rowStrings(rows []batchRow) []string {
	var got []string
	for _, r := range rows {
		lines := fmt.Sprint(r.Line)
		if r.EndLine > r.Line {
			lines = fmt.Sprintf("%d-%d", r.Line, r.EndLine)
		}
		if r.Err != "" {
			got = append(got, lines+":!"+r.Err)
			continue
		}
		got = append(got, fmt.Sprintf("%s:%s|%s|%s", lines, r.Address, r.Name, r.Login))
	}
	return got
}

// TestReadBatchCSVSpreadsheets covers CSV as spreadsheets write it (RFC
// 4180 §2: fields with line breaks, double quotes and commas are enclosed in
// double quotes; a quote inside is doubled). Each case failed before the
// reader was rewritten, except where noted.
func TestReadBatchCSVSpreadsheets(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     string // rows joined by " ~ "; an error row is "lines:!fragment"
	}{
		// reliability.md M9: Excel's Alt+Enter inside a quoted cell split
		// the row, and "line@mail.ru" became a person.
		{"multi-line cell is one row", "ok4@mail.ru,\"Multi\nline@mail.ru,Name\",\nnext@mail.ru,N\n",
			"1-2:ok4@mail.ru|Multi line@mail.ru,Name| ~ 3:next@mail.ru|N|"},
		{"crlf inside and outside quotes", "a@x.org,\"Ann\r\nLee\"\r\nb@x.org,Bob\r\n", "1-2:a@x.org|Ann Lee| ~ 3:b@x.org|Bob|"},
		{"doubled quotes over lines", "a@x.org;\"O\"\"Neil,\n\"\"Mary\"\"\";l1\n", "1-2:a@x.org|O\"Neil, \"Mary\"|l1"},
		{"line numbers after a multi-line cell", "a@x.org,\"1\n2\n3\"\n\n# c\nbad,\"x\"y\nc@x.org,C\n",
			"1-3:a@x.org|1 2 3| ~ 6:!text after the closing quote ~ 7:c@x.org|C|"},
		// A bad row never stops the good ones after it.
		{"junk after a quote, then good rows", "a@x.org,\"A\"B\nb@x.org,B\n", "1:!text after the closing quote ~ 2:b@x.org|B|"},
		// A quote never closed: by RFC 4180 the rest is one cell; its lines
		// never become people.
		{"never closed", "a@x.org,\"A\nb@x.org,B\nc@x.org,C\n", "1-3:!never closed"},
		{"bom semicolon crlf header", "\xef\xbb\xbfE-mail;Name\r\na@x.org;\"Smith; Ann\"\r\n", "2:a@x.org|Smith; Ann|"},
		{"bare quote in an unquoted cell", "a@x.org,O\"Neil\n", "1:a@x.org|O\"Neil|"},
		{"blank before a quote", "a@x.org, \"Smith, A\" \n", "1:a@x.org|Smith, A|"},
		// reliability.md L11: a first row with a bad address and a header
		// word was taken as a header and dropped silently.
		{"bad first row with a header word", "not-an-address-0000000,Name\nb@x.org,B\n", "1:!header row ~ 2:b@x.org|B|"},
		{"header with an extra column", "Email,Department,Name\na@x.org,Sales,Ann\n", "2:a@x.org|Ann|"},
		{"header of known words only", "Name,Login\na@x.org,Ann\n", "2:a@x.org|Ann|"},
		{"first row of data", "a@x.org,Name\n", "1:a@x.org|Name|"},
		{"no final line feed", "a@x.org,\"A\"", "1:a@x.org|A|"},
		{"control character in a quoted name", "a@x.org,\"A\x07\"\n", "1:!control character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := readBatchCSV([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			got, want := rowStrings(rows), strings.Split(tc.want, " ~ ")
			if len(got) != len(want) {
				t.Fatalf("got %d rows %q, want %q", len(got), got, want)
			}
			for i := range want {
				if pre, frag, isErr := strings.Cut(want[i], "!"); isErr {
					if !strings.HasPrefix(got[i], pre+"!") || !strings.Contains(got[i], frag) {
						t.Errorf("row %d = %q, want %q", i, got[i], want[i])
					}
				} else if got[i] != want[i] {
					t.Errorf("row %d = %q, want %q", i, got[i], want[i])
				}
			}
		})
	}
}

// TestBatchEmptyOrHeaderOnly is reliability.md L13: both exited 0 with
// "0 people written".
func TestBatchEmptyOrHeaderOnly(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{"empty": "", "header": "\xef\xbb\xbfE-mail;Name;Login\r\n", "comments": "# nobody\n\n"} {
		p := filepath.Join(dir, name+".csv")
		os.WriteFile(p, []byte(data), 0o600)
		code, _, stderr := runCLI(t, nil, "batch", "--csv", p, "--format", "json", "--out", filepath.Join(dir, "o"), "--sources", "builtin")
		if code != ExitFailed || !strings.Contains(stderr, "holds no people") {
			t.Errorf("%s: exit %d, stderr %q; want 1 and \"holds no people\"", name, code, stderr)
		}
	}
	// A FIFO as --csv is a clear error, not a hang.
	fifo := filepath.Join(dir, "fifo.csv")
	if err := mkfifo(fifo); err == nil {
		code, _, stderr := runCLI(t, nil, "batch", "--csv", fifo, "--format", "json", "--out", filepath.Join(dir, "o"))
		if code != ExitUsage || !strings.Contains(stderr, "not a regular file") {
			t.Errorf("fifo: exit %d, stderr %q", code, stderr)
		}
	}
}

// TestBatchMultiLineCellIsNoPerson runs M9's file through the command: no
// folder for the continuation line.
func TestBatchMultiLineCellIsNoPerson(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "hostile.csv")
	os.WriteFile(p, []byte("ok4@mail.ru,\"Multi\nline@mail.ru,Name\",\n"), 0o600)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI(t, nil, "batch", "--csv", p, "--format", "json", "--out", out, "--sources", "builtin")
	if code != ExitOK {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "line@mail.ru")); err == nil {
		t.Error("a person was made of the continuation line")
	}
	var cfg struct{ Address string }
	readJSON(t, filepath.Join(out, "ok4@mail.ru", "settings.json"), &cfg)
	if cfg.Address != "ok4@mail.ru" {
		t.Errorf("settings.json address = %q", cfg.Address)
	}
}

// TestBatchReportNeutralisesFormulas checks the report batch writes: one row
// per CSV row, and no cell a spreadsheet would run as a formula (OWASP CSV
// injection: = + - @ tab CR).
func TestBatchReportNeutralisesFormulas(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "people.csv")
	os.WriteFile(p, []byte("=1+2@mail.ru,A\n+cmd@mail.ru,B\n-x@mail.ru,C\nplain@mail.ru,D\n\"=HYPERLINK(\"\"http://evil\"\")\",E\n"), 0o600)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI(t, nil, "batch", "--csv", p, "--format", "json", "--out", out, "--sources", "builtin")
	if code != ExitFailed {
		t.Fatalf("exit %d (want 1: the last row is bad): %s %s", code, stdout, stderr)
	}
	data, err := os.ReadFile(filepath.Join(out, reportName))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "\xef\xbb\xbf") || !strings.Contains(string(data), "\r\n") {
		t.Error("report lacks the BOM or CRLF spreadsheets expect")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\xef\xbb\xbf"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 6 {
		t.Fatalf("report has %d records, want a header and 5 rows:\n%s", len(recs), data)
	}
	for _, rec := range recs {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
	}
	if recs[1][1] != "'=1+2@mail.ru" || recs[1][3] != "written" || recs[5][3] != "failed" {
		t.Errorf("rows: %q", recs)
	}
	// A second run keeps the first report (no --force).
	runCLI(t, nil, "batch", "--csv", p, "--format", "json", "--out", out, "--sources", "builtin")
	if _, err := os.Stat(filepath.Join(out, "mailsetup-report-2.csv")); err != nil {
		t.Errorf("second report: %v", err)
	}
}

func TestSpreadsheetCell(t *testing.T) {
	for in, want := range map[string]string{"=SUM(A1)": "'=SUM(A1)", "+1": "'+1", "-1": "'-1", "@x": "'@x", "\tx": "'\tx", "\rx": "'\rx", "a=b": "a=b", "": "", "ivan@mail.ru": "ivan@mail.ru"} {
		if got := spreadsheetCell(in); got != want {
			t.Errorf("spreadsheetCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWindowsSafe is issue 16: names Windows reserves for devices, also
// with an extension, are never used as a folder name.
func TestWindowsSafe(t *testing.T) {
	for in, want := range map[string]string{
		"nul": "_nul", "NUL.txt@mail.ru": "_NUL.txt@mail.ru", "con.x": "_con.x", "Com1.a@b.c": "_Com1.a@b.c",
		"lpt9.z": "_lpt9.z", "com¹.x": "_com¹.x", "aux .x": "_aux .x", "prn": "_prn",
		"con@mail.ru": "con@mail.ru", "nullify.x": "nullify.x", "com10.x": "com10.x",
		"name.": "name_", "name. ": "name__", "ivan@mail.ru": "ivan@mail.ru",
	} {
		if got := windowsSafe(in); got != want {
			t.Errorf("windowsSafe(%q) = %q, want %q", in, got, want)
		}
	}
	a := mustAddr(t, "nul.txt@mail.ru")
	if got := folderName(a); got != "_nul.txt@mail.ru" {
		t.Errorf("folderName(nul.txt@mail.ru) = %q", got)
	}
}

// TestBatchFolderCollisions is reliability.md L12: different addresses
// mapping to one folder were refused as "the same person".
func TestBatchFolderCollisions(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "collide.csv")
	os.WriteFile(p, []byte("a/b@mail.ru,S\na_b@mail.ru,U\na|b@mail.ru,P\nA_B@mail.ru,same\n"), 0o600)
	out := filepath.Join(dir, "out")
	code, _, stderr := runCLI(t, nil, "batch", "--csv", p, "--format", "json", "--out", out, "--sources", "builtin")
	if code != ExitFailed || fmt.Sprint(badLines(stderr)) != "[4]" || !strings.Contains(stderr, "same person as line 2") {
		t.Fatalf("exit %d, bad lines %v:\n%s", code, badLines(stderr), stderr)
	}
	for folder, addr := range map[string]string{"a_b@mail.ru": "a/b@mail.ru", "a_b@mail.ru (2)": "a_b@mail.ru", "a_b@mail.ru (3)": "a|b@mail.ru"} {
		var cfg struct{ Address string }
		if readJSON(t, filepath.Join(out, folder, "settings.json"), &cfg) && cfg.Address != addr {
			t.Errorf("%s holds %s, want %s", folder, cfg.Address, addr)
		}
	}
}

// TestBatchOneFormatFailing is reliability.md L14: a non-ASCII local part
// failed the QR export and then no file at all was written.
func TestBatchOneFormatFailing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "p.csv")
	os.WriteFile(p, []byte("иван@почта.рф,Иван\n"), 0o600)
	out := filepath.Join(dir, "out")
	code, _, stderr := runCLI(t, nil, "batch", "--csv", p, "--format", "json,qr,prf", "--out", out,
		"--incoming", "imap://imap.example.org", "--outgoing", "smtp://smtp.example.org")
	if code != ExitFailed || !strings.Contains(stderr, "qr not written") || strings.Contains(stderr, "qr: export: qr") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	files, _ := os.ReadDir(filepath.Join(out, "иван@почта.рф"))
	if len(files) != 2 {
		t.Errorf("files written: %v, want settings.json and the .prf", files)
	}
}

// TestBatchSymlinkedFolder is reliability.md L15: a symlinked person folder
// inside --out led the files outside it.
func TestBatchSymlinkedFolder(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "one.csv")
	os.WriteFile(p, []byte("ivan@mail.ru,Ivan\n"), 0o600)
	out, outside := filepath.Join(dir, "out"), filepath.Join(dir, "outside")
	os.MkdirAll(out, 0o755)
	os.MkdirAll(outside, 0o755)
	if err := os.Symlink(outside, filepath.Join(out, "ivan@mail.ru")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	code, _, stderr := runCLI(t, nil, "batch", "--csv", p, "--format", "json,prf", "--out", out, "--sources", "builtin")
	if code != ExitFailed || !strings.Contains(stderr, "symbolic link") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if files, _ := os.ReadDir(outside); len(files) != 0 {
		t.Errorf("files written outside --out: %v", files)
	}
}

// BenchmarkReadBatchCSVBadRows reads 10 MB of bad rows (reliability.md
// L20's big-bad.csv, scaled down) and reports the bytes allocated per run.
func BenchmarkReadBatchCSVBadRows(b *testing.B) {
	var sb strings.Builder
	for i := 0; sb.Len() < 10<<20; i++ {
		fmt.Fprintf(&sb, "not-an-address-%07d,Name\n", i)
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		rows, err := readBatchCSV(data)
		if err != nil || len(rows) == 0 {
			b.Fatal(err)
		}
	}
}
