package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mailsetup/profiles"
)

// runCLI runs a command with buffers and no environment.
func runCLI(t testing.TB, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runCLIEnv(t, &Env{Getenv: func(k string) string { return env[k] }}, args...)
}

// runCLIEnv runs a command in e, with buffers for its output and an empty
// standard input when e has none.
func runCLIEnv(t testing.TB, e *Env, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e.Ctx, e.Stdout, e.Stderr = context.Background(), &out, &errb
	if e.Stdin == nil {
		e.Stdin = strings.NewReader("")
	}
	if e.Getenv == nil {
		e.Getenv = func(string) string { return "" }
	}
	code = Main(e, args)
	return code, out.String(), errb.String()
}

const testPresetJSON = `{
  "version": 1,
  "organisation": {"name": "Example Ltd"},
  "domains": [
    {"names": ["example.com", "пример.рф"],
     "incoming": [{"protocol": "imap", "host": "mail.example.com", "port": 993, "security": "tls"},
                  {"protocol": "pop3", "host": "mail.example.com", "port": 995, "security": "tls"}],
     "outgoing": [{"protocol": "smtp", "host": "mail.example.com", "port": 465, "security": "tls"}]}
  ],
  "support": {"name": "IT helpdesk", "email": "it@example.com"}
}`

var firstNames = []string{"Иван Петров", "Ayşe Yılmaz", "山田 太郎", "Ion Popescu", "Emir Hodžić", "Mary O'Neil", "Smith, John"}

// genCSV writes a batch file of n rows; every badEvery-th row is broken in
// one of several ways. It returns the CSV, the good addresses and the line
// numbers of the bad rows.
func genCSV(n, badEvery int, sep string) (csv []byte, good map[string]int, bad []int) {
	var b strings.Builder
	b.WriteString("\xef\xbb\xbf")
	b.WriteString(strings.Join([]string{"E-mail", "Name", "Login"}, sep) + "\r\n")
	good = map[string]int{}
	line := 1
	domains := []string{"example.com", "пример.рф", "gmail.com", "yandex.ru"}
	breakers := []func(i int) string{
		func(i int) string { return fmt.Sprintf("user%d.example.com%sNo At", i, sep) },
		func(i int) string { return fmt.Sprintf("a@b@example.com%sTwo At", sep) },
		func(i int) string { return fmt.Sprintf("%sNo Address", sep) },
		func(i int) string { return fmt.Sprintf("ctl%d@example.com%sBell\x07Name", i, sep) },
		func(i int) string { return fmt.Sprintf("cols%d@example.com%sA%sB%sC", i, sep, sep, sep) },
		func(i int) string { return fmt.Sprintf("quote%d@example.com%s\"Quoted\"Junk", i, sep) },
		func(i int) string { return "user0@example.com" + sep + "Duplicate" },
		func(i int) string { return fmt.Sprintf("who%d@nowhere.invalid%sUnknown Domain", i, sep) },
		func(i int) string { return fmt.Sprintf("bin%d@example.com%s\xff\xfeName", i, sep) },
		func(i int) string { return fmt.Sprintf("login%d@gmail.com%sName%sa b", i, sep, sep) },
	}
	for i := 0; i < n; i++ {
		line++
		if i > 0 && i%badEvery == 0 {
			b.WriteString(breakers[(i/badEvery)%len(breakers)](i) + "\n")
			bad = append(bad, line)
			continue
		}
		d := domains[i%len(domains)]
		addr := fmt.Sprintf("user%d@%s", i, d)
		name := firstNames[i%len(firstNames)]
		if strings.Contains(name, sep) || strings.Contains(name, "\"") {
			name = `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
		}
		row := addr + sep + name
		if i%5 == 0 {
			row += sep + fmt.Sprintf("login%d", i)
		}
		b.WriteString(row + "\r\n")
		if i%97 == 0 {
			b.WriteString("\n# a comment line\n")
			line += 2
		}
		good[addr] = line
	}
	return []byte(b.String()), good, bad
}

var progressRE = regexp.MustCompile(`batch: (\d+) of (\d+) rows \(\d+%\), (\d+) bad`)

var badLineRE = regexp.MustCompile(`line (\d+): `)

func badLines(stderr string) []int {
	var out []int
	for _, m := range badLineRE.FindAllStringSubmatch(stderr, -1) {
		n, _ := strconv.Atoi(m[1])
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

func setupBatch(t *testing.T, n, badEvery int, sep string) (dir, csvPath, presetPath string, good map[string]int, bad []int) {
	t.Helper()
	dir = t.TempDir()
	csv, good, bad := genCSV(n, badEvery, sep)
	csvPath = filepath.Join(dir, "people.csv")
	presetPath = filepath.Join(dir, "preset.json")
	if err := os.WriteFile(csvPath, csv, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(presetPath, []byte(testPresetJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, csvPath, presetPath, good, bad
}

func TestBatch1000(t *testing.T) {
	testBatchRows(t, 1000, ",", batchTestFormats)
}

// TestBatchSemicolon checks a smaller semicolon-separated file.
func TestBatchSemicolon(t *testing.T) {
	testBatchRows(t, 200, ";", batchTestFormats)
}

func testBatchRows(t *testing.T, n int, sep, formats string) {
	dir, csvPath, presetPath, good, bad := setupBatch(t, n, 23, sep)
	out := filepath.Join(dir, "out")
	start := time.Now()
	code, stdout, stderr := runCLIEnv(t, &Env{ProgressEvery: time.Nanosecond}, "batch", "--csv", csvPath, "--format", formats, "--out", out, "--preset", presetPath, "--sources", "builtin")
	t.Logf("batch took %s", time.Since(start))
	defer func(start time.Time) { t.Logf("checks took %s", time.Since(start)) }(time.Now())
	if code != ExitFailed {
		t.Fatalf("exit %d, want 1 (bad rows); stderr:\n%s", code, stderr)
	}
	if got := badLines(stderr); fmt.Sprint(got) != fmt.Sprint(bad) {
		t.Errorf("bad lines reported:\n%v\nwant\n%v\nstderr:\n%s", got, bad, stderr)
	}
	if !strings.Contains(stdout, fmt.Sprintf("%d people written", len(good))) {
		t.Errorf("summary: %s", stdout)
	}
	if m := progressRE.FindAllStringSubmatch(stderr, -1); len(m) < n/10 || m[len(m)-1][1] != m[len(m)-1][2] || m[len(m)-1][3] != fmt.Sprint(len(bad)) {
		t.Errorf("progress lines: %d, last %v", len(m), m[len(m)-1:])
	}
	if !strings.Contains(stderr, "contact IT helpdesk, it@example.com") {
		t.Errorf("no support contact on errors: %s", stderr)
	}
	entries, _ := os.ReadDir(out)
	folders := 0
	for _, e := range entries {
		if e.IsDir() {
			folders++
		}
	}
	if folders != len(good) {
		t.Errorf("%d folders, want %d", folders, len(good))
	}
	// Parse every person's files back, on every core.
	var wg sync.WaitGroup
	todo := make(chan string)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for addr := range todo {
				a, _ := profiles.ParseAddress(addr)
				checkPersonFiles(t, filepath.Join(out, folderName(a)), a, good[addr])
			}
		}()
	}
	for addr := range good {
		todo <- addr
	}
	close(todo)
	wg.Wait()
}

// checkPersonFiles parses back every file written for one person.
func checkPersonFiles(t *testing.T, dir string, a profiles.Address, line int) {
	t.Helper()
	var cfg profiles.Config
	if !readJSON(t, filepath.Join(dir, "settings.json"), &cfg) {
		return
	}
	if cfg.Address != a.String() || len(cfg.Incoming) == 0 || len(cfg.Outgoing) == 0 {
		t.Errorf("line %d: settings.json = %+v", line, cfg)
	}
	for _, s := range append(cfg.Incoming, cfg.Outgoing...) {
		if err := s.Validate(); err != nil {
			t.Errorf("line %d: %v", line, err)
		}
	}
	switch a.Domain {
	case "example.com", "xn--e1afmkfd.xn--p1ai":
		if cfg.Source != profiles.SourcePreset || cfg.Incoming[0].Host != "mail.example.com" {
			t.Errorf("line %d: preset not used: %+v", line, cfg.Incoming)
		}
	case "gmail.com":
		if cfg.Incoming[0].Host != "imap.gmail.com" {
			t.Errorf("line %d: gmail: %+v", line, cfg.Incoming)
		}
	}
	n, _ := strconv.Atoi(strings.TrimPrefix(strings.Split(a.Local, "@")[0], "user"))
	wantUser := a.String()
	if n%5 == 0 {
		wantUser = fmt.Sprintf("login%d", n)
	}
	if a.Domain == "yandex.ru" && n%5 != 0 {
		wantUser = a.String()
	}
	if cfg.Incoming[0].Username != wantUser || cfg.Outgoing[0].Username != wantUser {
		t.Errorf("line %d: username %q/%q, want %q", line, cfg.Incoming[0].Username, cfg.Outgoing[0].Username, wantUser)
	}
	checkExportFiles(t, dir, a, line)
}

func TestBatchNoOverwrite(t *testing.T) {
	dir, csvPath, presetPath, good, _ := setupBatch(t, 40, 1000, ",")
	out := filepath.Join(dir, "out")
	args := []string{"batch", "--csv", csvPath, "--format", "json", "--out", out, "--preset", presetPath, "--sources", "builtin"}
	if code, _, stderr := runCLI(t, nil, args...); code != ExitOK {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	// Mark one file; a second run without --force must leave it alone and
	// report every row.
	a, _ := profiles.ParseAddress("user1@пример.рф")
	marked := filepath.Join(out, folderName(a), "settings.json")
	if err := os.WriteFile(marked, []byte("MINE"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, nil, args...)
	if code != ExitFailed {
		t.Fatalf("second run without --force: exit %d", code)
	}
	if n := strings.Count(stderr, "already exists"); n != len(good) {
		t.Errorf("%d rows reported as existing, want %d:\n%s", n, len(good), stderr)
	}
	if data, _ := os.ReadFile(marked); string(data) != "MINE" {
		t.Error("a file was overwritten without --force")
	}
	code, _, stderr = runCLI(t, nil, append(args, "--force")...)
	if code != ExitOK {
		t.Fatalf("--force: exit %d: %s", code, stderr)
	}
	if data, _ := os.ReadFile(marked); string(data) == "MINE" {
		t.Error("--force did not replace the file")
	}
	leftovers, _ := filepath.Glob(filepath.Join(out, "*", ".mailsetup-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestBatchUsage(t *testing.T) {
	dir, csvPath, presetPath, _, _ := setupBatch(t, 3, 1000, ",")
	broken := filepath.Join(dir, "broken.json")
	os.WriteFile(broken, []byte(`{"organisation": {"name": ""}}`), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"batch"}, "needs --csv"},
		{[]string{"batch", "--csv", csvPath, "--out", dir}, "needs --csv"},
		{[]string{"batch", "--csv", csvPath, "--out", dir, "--format", "nope"}, `unknown format "nope"`},
		{[]string{"batch", "--csv", filepath.Join(dir, "missing.csv"), "--out", dir, "--format", "json"}, "missing.csv"},
		{[]string{"batch", "--csv", csvPath, "--out", dir, "--format", "json", "--preset", broken}, "organisation.name"},
		{[]string{"batch", "--csv", csvPath, "--out", dir, "--format", "json", "--preset", presetPath, "--lang", "xx"}, "unknown language"},
		{[]string{"batch", "--csv", csvPath, "--out", dir, "--format", "json", "extra"}, "takes no arguments"},
	} {
		code, _, stderr := runCLI(t, nil, tc.args...)
		if code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

func TestBatchPresetLocks(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "p.json")
	os.WriteFile(p, []byte(strings.Replace(testPresetJSON, `"support"`, `"lock": ["domain", "username"], "support"`, 1)), 0o600)
	csv := filepath.Join(dir, "c.csv")
	os.WriteFile(csv, []byte("ann@example.com,Ann\nbob@gmail.com,Bob\ncid@example.com,Cid,cid-login\n"), 0o600)
	code, _, stderr := runCLI(t, nil, "batch", "--csv", csv, "--out", filepath.Join(dir, "o"), "--format", "json", "--preset", p, "--sources", "builtin")
	if code != ExitFailed || fmt.Sprint(badLines(stderr)) != "[2 3]" {
		t.Fatalf("exit %d, bad lines %v:\n%s", code, badLines(stderr), stderr)
	}
	if !strings.Contains(stderr, "accepts only addresses at example.com") || !strings.Contains(stderr, "fixes the login") {
		t.Errorf("reasons: %s", stderr)
	}
}

func TestReadBatchCSV(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     string // rows as line:address|name|login or line:!error-fragment
	}{
		{"plain", "a@x.org,Ann\nb@x.org,Bob,bob1\n", "1:a@x.org|Ann| 2:b@x.org|Bob|bob1"},
		{"semicolon bom crlf", "\xef\xbb\xbfa@x.org;Smith, Ann\r\n", "1:a@x.org|Smith, Ann|"},
		{"header reordered", "Login;Name;Email\nl1;Ann;a@x.org\n", "2:a@x.org|Ann|l1"},
		{"russian header", "Адрес,ФИО\na@x.org,Иван\n", "2:a@x.org|Иван|"},
		{"quoted", "\"a@x.org\",\"O\"\"Neil, Mary\"\n", "1:a@x.org|O\"Neil, Mary|"},
		{"address only", "a@x.org\n", "1:a@x.org||"},
		{"name in address", "Ann Lee <a@x.org>\n", "1:a@x.org|Ann Lee|"},
		{"blank and comments", "\n# c\n  \na@x.org,A\n", "4:a@x.org|A|"},
		{"trailing empty column", "a@x.org,A,\n", "1:a@x.org|A|"},
		{"bad first row", "nobody,A\n", "1:!header row"},
		{"unclosed", "a@x.org,\"A\n", "1:!never closed"},
		{"after quote", "a@x.org,\"A\"B\n", "1:!after the closing quote"},
		{"too many", "a@x.org,A,l,extra\n", "1:!4 columns"},
		{"idn", "ivan@Пример.РФ,Иван\n", "1:ivan@xn--e1afmkfd.xn--p1ai|Иван|"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := readBatchCSV([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				if r.Err != "" {
					got = append(got, fmt.Sprintf("%d:!%s", r.Line, r.Err))
					continue
				}
				got = append(got, fmt.Sprintf("%d:%s|%s|%s", r.Line, r.Address, r.Name, r.Login))
			}
			g := strings.Join(got, " ")
			if strings.Contains(tc.want, "!") {
				if !strings.HasPrefix(g, strings.Split(tc.want, "!")[0]) || !strings.Contains(g, strings.Split(tc.want, "!")[1]) {
					t.Errorf("got %q, want %q", g, tc.want)
				}
			} else if g != tc.want {
				t.Errorf("got %q, want %q", g, tc.want)
			}
		})
	}
	if _, err := readBatchCSV([]byte("\xff\xfea\x00")); err == nil || !strings.Contains(err.Error(), "UTF-16") {
		t.Errorf("UTF-16: %v", err)
	}
}

func TestFolderName(t *testing.T) {
	a, _ := profiles.ParseAddress(`we/ird?*|name@пример.рф`)
	if got := folderName(a); got != "we_ird___name@пример.рф" {
		t.Errorf("FolderName = %q", got)
	}
}

// BenchmarkBatch10000 runs batch on 10,000 good rows (preset and built-in
// domains) and reports rows per second, for the formats IT typically hands
// out and for every format.
func BenchmarkBatch10000(b *testing.B) {
	dir := b.TempDir()
	csv, good, _ := genCSV(10000, 1000000, ",")
	csvPath := filepath.Join(dir, "people.csv")
	presetPath := filepath.Join(dir, "preset.json")
	os.WriteFile(csvPath, csv, 0o600)
	os.WriteFile(presetPath, []byte(testPresetJSON), 0o600)
	for _, bc := range []struct{ name, formats string }{{"typical", batchBenchFormats}, {"all", batchTestFormats}} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				out := filepath.Join(dir, fmt.Sprint(bc.name, i))
				code, _, stderr := runCLI(b, nil, "batch", "--csv", csvPath, "--format", bc.formats, "--out", out, "--preset", presetPath, "--sources", "builtin")
				if code != ExitOK {
					b.Fatalf("exit %d: %.500s", code, stderr)
				}
				b.StopTimer()
				os.RemoveAll(out)
				b.StartTimer()
			}
			b.ReportMetric(float64(len(good)*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func FuzzReadBatchCSV(f *testing.F) {
	for _, s := range []string{"a@x.org,Ann\n", "\xef\xbb\xbfE-mail;Name;Login\r\na@x.org;\"Smith, A\";l\r\n", "\"a@x.org\",\"O\"\"Neil\"\n", "a@x.org,\"A\n", "\xff\xfe", "Login,Email\nl,a@x.org\n# c\n\n"} {
		f.Add([]byte(s))
	}
	csv, _, _ := genCSV(30, 3, ";")
	f.Add(csv)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := readBatchCSV(data)
		if err != nil {
			return
		}
		last := 0
		for _, r := range rows {
			if r.Line <= last {
				t.Fatalf("line numbers not increasing: %d after %d", r.Line, last)
			}
			last = r.Line
			if r.Err == "" {
				if r.Address.IsZero() {
					t.Fatalf("good row %d without an address", r.Line)
				}
				if _, err := profiles.ParseAddress(r.Address.String()); err != nil {
					t.Fatalf("good row %d: address %q does not parse again: %v", r.Line, r.Address, err)
				}
				if strings.ContainsAny(folderName(r.Address), "/\\:*?\"<>|\x00") {
					t.Fatalf("folder name %q is unsafe", folderName(r.Address))
				}
			}
		}
	})
}

func TestPresetCommand(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(good, []byte(testPresetJSON), 0o600)
	os.WriteFile(bad, []byte(strings.Replace(testPresetJSON, `"port": 465`, `"port": 99999`, 1)), 0o600)
	code, stdout, _ := runCLI(t, nil, "preset", good)
	if code != ExitOK || !strings.Contains(stdout, "organisation: Example Ltd") || !strings.Contains(stdout, "xn--e1afmkfd.xn--p1ai") {
		t.Errorf("good: exit %d\n%s", code, stdout)
	}
	code, _, stderr := runCLI(t, nil, "preset", bad)
	if code != ExitUsage || !strings.Contains(stderr, "domains[0].outgoing[0].port") {
		t.Errorf("bad: exit %d\n%s", code, stderr)
	}
	code, stdout, _ = runCLI(t, map[string]string{"MAILSETUP_PRESET": good}, "preset")
	if code != ExitOK || !strings.Contains(stdout, good+": ok") {
		t.Errorf("from the environment: exit %d\n%s", code, stdout)
	}
}

func readJSON(t *testing.T, name string, v any) bool {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Error(err)
		return false
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Errorf("%s: %v", name, err)
		return false
	}
	return true
}

func TestBatchGuides(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "people.csv")
	if err := os.WriteFile(csv, []byte("address,name\nivan@mail.ru,\"Иван <Петров>\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	code, _, stderr := runCLI(t, nil, "batch", "--csv", csv, "--format", "prf,guide-outlook,guide-ios", "--out", out, "--sources", "builtin", "--lang", "ru")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var guides []string
	_ = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), "guide-") {
			guides = append(guides, p)
		}
		return nil
	})
	if len(guides) != 2 {
		t.Fatalf("guides written: %q", guides)
	}
	for _, p := range guides {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		html := string(b)
		for _, want := range []string{`lang="ru"`, "imap.mail.ru", "data:image/png;base64,"} {
			if !strings.Contains(html, want) {
				t.Errorf("%s lacks %q", filepath.Base(p), want)
			}
		}
		if strings.Contains(html, "<Петров>") {
			t.Errorf("%s does not escape the display name", filepath.Base(p))
		}
		if strings.Contains(p, "outlook") && !strings.Contains(html, "ivan-mail-ru.prf") {
			t.Errorf("the Outlook guide does not start from the .prf written beside it")
		}
	}
}
