package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"mailsetup/preset"
	"mailsetup/profiles"
)

func init() {
	Register(Command{
		Name:    "batch",
		Summary: "write profiles and guides for many people at once from a CSV file",
		Usage:   batchUsage,
		Run:     runBatch,
	})
}

const batchUsage = "--csv FILE --format LIST --out DIR [--force] [--preset FILE] [--incoming URL] [--outgoing URL] [--sources LIST] [--lang L]"

// BatchPerson is one good row of a batch file.
type BatchPerson struct {
	// Line is the row's line number in the file (1-based).
	Line    int
	Address profiles.Address
	// Name is the display name; may be empty.
	Name string
	// Login is the login when it is not the address; may be empty.
	Login string
}

// BatchOutput is one kind of file batch writes into each person's folder:
// an export format or a guide.
type BatchOutput struct {
	// ID is the name used in --format ("mobileconfig", "guide-outlook").
	ID string
	// File returns the file's name inside the person's folder.
	File func(p BatchPerson) string
	// Write writes the file for one person.
	Write func(w io.Writer, cfg *profiles.Config, p BatchPerson, ctx *BatchContext) error
}

// BatchContext is what every writer of one batch run shares.
type BatchContext struct {
	Preset *preset.Preset
	Lang   string
	// Outputs are the IDs chosen with --format, so a guide can point at the
	// profile file written beside it.
	Outputs []string
}

var batchOutputs = map[string]BatchOutput{}

// RegisterBatchOutput makes an output available to "batch --format".
func RegisterBatchOutput(o BatchOutput) {
	if _, dup := batchOutputs[o.ID]; dup {
		panic("cli: batch output registered twice: " + o.ID)
	}
	batchOutputs[o.ID] = o
}

// BatchOutputIDs lists the registered outputs, sorted.
func BatchOutputIDs() []string {
	ids := make([]string, 0, len(batchOutputs))
	for id := range batchOutputs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func init() {
	RegisterBatchOutput(BatchOutput{
		ID:   "json",
		File: func(BatchPerson) string { return "settings.json" },
		Write: func(w io.Writer, cfg *profiles.Config, _ BatchPerson, _ *BatchContext) error {
			enc := json.NewEncoder(w)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			return enc.Encode(cfg)
		},
	})
}

// batchOptions are batch's parsed flags.
type batchOptions struct {
	csv, out, formats, presetPath string
	force                         bool
	d                             discoveryFlags
	o                             overrideFlags
}

func runBatch(env *Env, args []string) int {
	fs := newFlags(env, "batch", batchUsage)
	var bo batchOptions
	fs.StringVar(&bo.csv, "csv", "", "the CSV file: address, display name, optional login per row (comma or semicolon, UTF-8)")
	fs.StringVar(&bo.formats, "format", "", "comma list of files to write per person, or all (every profile file; guides only when named): "+strings.Join(BatchOutputIDs(), ", "))
	fs.StringVar(&bo.out, "out", "", "directory to write one folder per person into")
	fs.BoolVar(&bo.force, "force", false, "replace files that already exist")
	fs.StringVar(&bo.presetPath, "preset", "", "organisation preset file (default: $"+preset.EnvVar+", the built-in one, or "+preset.FileName+" beside the program)")
	bo.d.register(fs)
	bo.o.register(fs)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitUsage
	}
	if len(pos) > 0 {
		return fail(env, "batch takes no arguments besides its flags (got %q); the addresses go in the --csv file", printable(pos[0]))
	}
	if bo.csv == "" || bo.out == "" || bo.formats == "" {
		return fail(env, "batch needs --csv FILE, --format LIST and --out DIR")
	}
	pr, err := preset.Load(preset.Options{Path: bo.presetPath, Getenv: env.getenv})
	if err != nil {
		return fail(env, "%v", err)
	}
	lang := bo.d.lang
	if lang == "" && pr.Language() != "" {
		lang = pr.Language()
	}
	if lang, err = pickLanguage(env, lang); err != nil {
		return fail(env, "%v", err)
	}
	outs, err := parseBatchFormats(bo.formats, pr)
	if err != nil {
		return fail(env, "%s", pr.WithSupport(err.Error()))
	}
	if _, _, err := bo.o.servers(); err != nil {
		return fail(env, "%v", err)
	}
	if _, err := bo.d.options(); err != nil {
		return fail(env, "%v", err)
	}
	data, err := os.ReadFile(bo.csv)
	if err != nil {
		return fail(env, "%s", pr.WithSupport("cannot read the CSV file: "+strings.TrimPrefix(unwrapOSError(err), "open ")))
	}
	if err := os.MkdirAll(bo.out, 0o755); err != nil {
		return fail(env, "%s", pr.WithSupport("cannot create the output directory: "+unwrapOSError(err)))
	}
	r := &batchRun{
		env: env, opts: &bo, outs: outs, preset: pr,
		bctx:   &BatchContext{Preset: pr, Lang: lang, Outputs: outputIDs(outs)},
		cache:  map[string]cachedConfig{},
		folder: map[string]int{},
	}
	return r.run(data)
}

func unwrapOSError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Path + ": " + pe.Err.Error()
	}
	return err.Error()
}

// parseBatchFormats reads --format, refusing IDs the preset does not offer.
func parseBatchFormats(list string, pr *preset.Preset) ([]BatchOutput, error) {
	var outs []BatchOutput
	seen := map[string]bool{}
	ids := strings.Split(list, ",")
	if strings.TrimSpace(strings.ToLower(list)) == "all" {
		ids = nil
		for _, id := range BatchOutputIDs() {
			// "all" means every profile file; guides take about a second
			// each to draw, so they are written only when named.
			if id != "json" && !strings.HasPrefix(id, "guide-") && (!pr.Locked(preset.FieldFormats) || batchOffered(pr, id)) {
				ids = append(ids, id)
			}
		}
	}
	for _, id := range ids {
		id = strings.ToLower(strings.TrimSpace(id))
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		o, ok := batchOutputs[id]
		if !ok {
			return nil, fmt.Errorf("unknown format %q: use %s", id, strings.Join(BatchOutputIDs(), ", "))
		}
		if pr.Locked(preset.FieldFormats) && !batchOffered(pr, id) {
			return nil, fmt.Errorf("the preset of %s does not offer %q", pr.Organisation().Name, id)
		}
		outs = append(outs, o)
	}
	if len(outs) == 0 {
		return nil, fmt.Errorf("--format names no format: use %s", strings.Join(BatchOutputIDs(), ", "))
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

// batchProgressEvery is how often batch reports progress on standard error.
var batchProgressEvery = time.Second

type cachedConfig struct {
	cfg *profiles.Config
	err error
}

// batchRun is one run of the batch command.
type batchRun struct {
	env    *Env
	opts   *batchOptions
	outs   []BatchOutput
	preset *preset.Preset
	bctx   *BatchContext
	cache  map[string]cachedConfig // domain → settings
	folder map[string]int          // folder key → line that took it
	// Counted by the goroutine that reports results.
	bad   int
	good  int
	files int
}

func (r *batchRun) reportBad(line int, msg string) {
	r.bad++
	fmt.Fprintf(r.env.Stderr, "mailsetup: %s: line %d: %s\n", filepath.Base(r.opts.csv), line, msg)
}

func (r *batchRun) run(data []byte) int {
	rows, err := ReadBatchCSV(data)
	if err != nil {
		return fail(r.env, "%s: %s", r.opts.csv, r.preset.WithSupport(err.Error()))
	}
	total := 0
	for _, row := range rows {
		if row.Err == "" {
			total++
		}
	}
	start := time.Now()
	ctx := r.env.context()

	// One goroutine checks rows in file order (duplicates, settings: cheap
	// and order-dependent); workers write the files (file-system bound); the
	// results are reported here in file order.
	type job struct {
		idx int
		p   BatchPerson
		cfg *profiles.Config
	}
	type result struct {
		idx, line, files int
		err              error
		counted          bool // a row with a usable address (in the progress total)
	}
	workers := runtime.GOMAXPROCS(0) * 2
	jobs := make(chan job, workers)
	results := make(chan result, workers)
	go func() {
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range jobs {
					n, err := r.write(j.p, j.cfg)
					results <- result{idx: j.idx, line: j.p.Line, files: n, err: err, counted: true}
				}
			}()
		}
		for idx, row := range rows {
			if ctx.Err() != nil {
				break
			}
			if row.Err != "" {
				results <- result{idx: idx, line: row.Line, err: errors.New(row.Err)}
				continue
			}
			cfg, err := r.prepare(ctx, row.BatchPerson)
			if err != nil {
				results <- result{idx: idx, line: row.Line, err: err, counted: true}
				continue
			}
			jobs <- job{idx, row.BatchPerson, cfg}
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()

	pending := map[int]result{}
	next, done := 0, 0
	lastProgress := start
	for res := range results {
		pending[res.idx] = res
		for {
			res, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			r.files += res.files
			if res.err != nil {
				r.reportBad(res.line, res.err.Error())
			} else {
				r.good++
			}
			if !res.counted {
				continue
			}
			done++
			if now := time.Now(); now.Sub(lastProgress) >= batchProgressEvery {
				lastProgress = now
				fmt.Fprintf(r.env.Stderr, "mailsetup: batch: %d of %d rows (%d%%), %d bad\n", done, total, done*100/max(total, 1), r.bad)
			}
		}
	}
	if ctx.Err() != nil {
		fmt.Fprintf(r.env.Stderr, "mailsetup: batch stopped after %d of %d rows\n", done, total)
		return ExitFailed
	}
	fmt.Fprintf(r.env.Stdout, "%d people written to %s (%d files), %d bad rows, in %s\n", r.good, r.opts.out, r.files, r.bad, time.Since(start).Round(time.Millisecond))
	if r.bad > 0 {
		if s := r.preset.Support(); !s.IsZero() {
			fmt.Fprintf(r.env.Stderr, "mailsetup: questions? contact %s\n", s)
		}
		return ExitFailed
	}
	return ExitOK
}

// prepare checks one person against the preset and the rows before, and
// finds the settings. It runs in file order; the error is the row's reason.
func (r *batchRun) prepare(ctx context.Context, p BatchPerson) (*profiles.Config, error) {
	if err := r.preset.CheckAddress(p.Address); err != nil {
		return nil, errors.New(profiles.Sentence(err))
	}
	key := strings.ToLower(FolderName(p.Address))
	if prev, dup := r.folder[key]; dup {
		return nil, fmt.Errorf("%s is the same person as line %d", p.Address.Unicode(), prev)
	}
	r.folder[key] = p.Line
	return r.config(ctx, p)
}

// write writes one person's files and returns how many it wrote; the error
// is the row's reason. Workers call it concurrently for different people.
func (r *batchRun) write(p BatchPerson, cfg *profiles.Config) (int, error) {
	dir := filepath.Join(r.opts.out, FolderName(p.Address))
	type file struct {
		name string
		data []byte
	}
	files := make([]file, 0, len(r.outs))
	for _, o := range r.outs {
		var buf bytes.Buffer
		if err := o.Write(&buf, cfg, p, r.bctx); err != nil {
			return 0, fmt.Errorf("%s: %v", o.ID, err)
		}
		files = append(files, file{o.File(p), buf.Bytes()})
	}
	if !r.opts.force {
		for _, f := range files {
			if _, err := os.Lstat(filepath.Join(dir, f.name)); err == nil {
				return 0, fmt.Errorf("%s already exists; nothing was written for this person (use --force to replace)", filepath.Join(FolderName(p.Address), f.name))
			}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("cannot create the folder: %s", unwrapOSError(err))
	}
	for i, f := range files {
		if err := writeFile(filepath.Join(dir, f.name), f.data, r.opts.force); err != nil {
			return i, err
		}
	}
	return len(files), nil
}

// config returns the settings for one person: the preset's for a company
// domain, else the --incoming/--outgoing servers, else discovery (once per
// domain); then the row's login.
func (r *batchRun) config(ctx context.Context, p BatchPerson) (*profiles.Config, error) {
	var cfg *profiles.Config
	if c, ok := r.preset.ConfigFor(p.Address); ok {
		cfg = c
		if p.Login != "" && r.preset.Locked(preset.FieldUsername) {
			return nil, fmt.Errorf("the preset of %s fixes the login; remove %q from the row", r.preset.Organisation().Name, p.Login)
		}
	} else {
		c, ok := r.cache[p.Address.Domain]
		if !ok {
			// Resolve with a stand-in address; usernames are redone below.
			c.cfg, c.err = resolveConfig(ctx, p.Address, &r.opts.d, &r.opts.o)
			if c.err == nil {
				c.cfg = c.cfg.Clone()
			}
			r.cache[p.Address.Domain] = c
		}
		if c.err != nil {
			if errors.Is(c.err, errNotFound) {
				return nil, fmt.Errorf("no settings were found for %s; give them with --incoming and --outgoing or in the preset", p.Address.DomainUnicode)
			}
			return nil, c.err
		}
		cfg = forPerson(c.cfg, p.Address)
	}
	if p.Login != "" {
		// The row's login is part of the account, not a change of the
		// settings: the source stays what it was.
		for i := range cfg.Incoming {
			cfg.Incoming[i].Username = p.Login
		}
		for i := range cfg.Outgoing {
			cfg.Outgoing[i].Username = p.Login
		}
	}
	return cfg, nil
}

// forPerson adapts settings found for another address at the same domain:
// the address, and usernames that were that address or its local part.
func forPerson(src *profiles.Config, addr profiles.Address) *profiles.Config {
	cfg := src.Clone()
	old, _ := src.Addr()
	fix := func(list []profiles.Server) {
		for i := range list {
			switch list[i].Username {
			case old.String():
				list[i].Username = addr.String()
			case old.Local:
				list[i].Username = addr.Local
			case old.BaseLocal():
				list[i].Username = addr.BaseLocal()
			}
		}
	}
	fix(cfg.Incoming)
	fix(cfg.Outgoing)
	cfg.SetAddress(addr)
	for i := range cfg.Notes {
		for k, v := range cfg.Notes[i].Args {
			if v == old.String() {
				cfg.Notes[i].Args[k] = addr.String()
			}
		}
	}
	return cfg
}

// writeFile writes data to name. Without replace it creates the file
// exclusively (O_EXCL), so an existing file is never touched, even one
// created since the check; a failed write removes the new file. With replace
// it writes a temporary file in the same directory and renames it over the
// old one, so the old file survives a failed write.
func writeFile(name string, data []byte, replace bool) error {
	base := filepath.Base(name)
	if !replace {
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			if errors.Is(err, os.ErrExist) {
				return fmt.Errorf("%s already exists (use --force to replace)", base)
			}
			return fmt.Errorf("cannot write %s: %s", base, unwrapOSError(err))
		}
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(name)
			return fmt.Errorf("cannot write %s: %v", base, werr)
		}
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".mailsetup-*.tmp")
	if err != nil {
		return fmt.Errorf("cannot write %s: %s", base, unwrapOSError(err))
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.Write(data)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("cannot write %s: %v", base, werr)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %s", base, unwrapOSError(err))
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("cannot write %s: %s", base, unwrapOSError(err))
	}
	return nil
}

// FolderName returns the folder a person's files go into: the address with
// its domain in Unicode, characters Windows forbids in names replaced by "_".
func FolderName(a profiles.Address) string {
	s := a.Unicode()
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`<>:"/\|?*`, r) {
			b.WriteRune('_')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// BatchRow is one row of a batch file: a person, or the reason the row is bad.
type BatchRow struct {
	BatchPerson
	// Err is why the row cannot be used ("" for a good row).
	Err string
}

// Column names understood in a header row, lower-case.
var (
	headerAddress = []string{"address", "email", "e-mail", "mail", "email address", "e-mail address", "адрес", "почта", "электронная почта", "e-posta", "eposta", "メール", "メールアドレス", "adresa", "adresă", "e-mail adresa"}
	headerName    = []string{"name", "display name", "full name", "displayname", "имя", "фио", "ad", "ad soyad", "isim", "名前", "氏名", "nume", "ime", "ime i prezime"}
	headerLogin   = []string{"login", "username", "user", "user name", "логин", "kullanıcı adı", "kullanici", "ログイン", "ユーザー名", "utilizator", "korisničko ime"}
)

// ReadBatchCSV reads a batch file: UTF-8 with or without a byte order mark,
// comma- or semicolon-separated (the first row decides), an optional header
// row naming the columns (else address, display name, login), quotes as in
// RFC 4180 within a line. Empty lines and lines starting with # are skipped.
// Every other line becomes a BatchRow, good or with its reason. The error is
// for a file that cannot be read at all.
func ReadBatchCSV(data []byte) ([]BatchRow, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.HasPrefix(data, []byte("\xff\xfe")) || bytes.HasPrefix(data, []byte("\xfe\xff")) {
		return nil, errors.New("the file is UTF-16; save it as UTF-8 (in Excel: \"CSV UTF-8\")")
	}
	lines := strings.Split(string(data), "\n")
	sep := byte(0)
	cols := [3]int{0, 1, 2} // index of address, name, login
	maxCols := 3
	var rows []BatchRow
	first := true
	for i, line := range lines {
		n := i + 1
		line = strings.TrimSuffix(line, "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if !utf8.ValidString(line) {
			rows = append(rows, BatchRow{BatchPerson: BatchPerson{Line: n}, Err: "the line is not UTF-8 text; save the file as UTF-8"})
			continue
		}
		if sep == 0 {
			sep = guessSeparator(line)
		}
		fields, err := splitCSVLine(line, sep)
		if err != nil {
			rows = append(rows, BatchRow{BatchPerson: BatchPerson{Line: n}, Err: err.Error()})
			continue
		}
		if first {
			first = false
			if c, ok := headerColumns(fields); ok {
				cols, maxCols = c, len(fields)
				continue
			}
		}
		rows = append(rows, parseBatchRow(n, fields, cols, maxCols))
	}
	return rows, nil
}

func guessSeparator(line string) byte {
	inQuote := false
	commas, semis := 0, 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '"':
			inQuote = !inQuote
		case ',':
			if !inQuote {
				commas++
			}
		case ';':
			if !inQuote {
				semis++
			}
		}
	}
	if semis > 0 && semis >= commas {
		return ';'
	}
	return ','
}

// splitCSVLine splits one line into fields, honouring "quoted" fields with
// "" for a quote inside.
func splitCSVLine(line string, sep byte) ([]string, error) {
	var fields []string
	var b strings.Builder
	i := 0
	for {
		b.Reset()
		// skip leading blanks before a quote
		j := i
		for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
			j++
		}
		if j < len(line) && line[j] == '"' {
			i = j + 1
			closed := false
			for i < len(line) {
				if line[i] == '"' {
					if i+1 < len(line) && line[i+1] == '"' {
						b.WriteByte('"')
						i += 2
						continue
					}
					closed = true
					i++
					break
				}
				b.WriteByte(line[i])
				i++
			}
			if !closed {
				return nil, fmt.Errorf("a quote in column %d is never closed", len(fields)+1)
			}
			for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
				i++
			}
			if i < len(line) && line[i] != sep {
				return nil, fmt.Errorf("text after the closing quote in column %d", len(fields)+1)
			}
		} else {
			k := strings.IndexByte(line[i:], sep)
			if k < 0 {
				k = len(line) - i
			}
			b.WriteString(line[i : i+k])
			i += k
		}
		fields = append(fields, b.String())
		if i >= len(line) {
			return fields, nil
		}
		i++ // the separator
		if i == len(line) {
			return append(fields, ""), nil
		}
	}
}

// headerColumns recognises a header row and returns the column of address,
// name and login (-1 when absent).
func headerColumns(fields []string) ([3]int, bool) {
	if len(fields) > 0 && strings.Contains(fields[0], "@") {
		return [3]int{}, false
	}
	cols := [3]int{-1, -1, -1}
	for i, f := range fields {
		f = strings.ToLower(strings.TrimSpace(f))
		switch {
		case contains(headerAddress, f) && cols[0] < 0:
			cols[0] = i
		case contains(headerName, f) && cols[1] < 0:
			cols[1] = i
		case contains(headerLogin, f) && cols[2] < 0:
			cols[2] = i
		}
	}
	if cols[0] < 0 {
		if cols[1] >= 0 || cols[2] >= 0 {
			// Some columns named, but not the address: positional.
			return [3]int{0, 1, 2}, true
		}
		return [3]int{}, false
	}
	return cols, true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func parseBatchRow(line int, fields []string, cols [3]int, maxCols int) BatchRow {
	row := BatchRow{BatchPerson: BatchPerson{Line: line}}
	get := func(i int) string {
		if i < 0 || i >= len(fields) {
			return ""
		}
		return strings.TrimSpace(fields[i])
	}
	if len(fields) > maxCols {
		extra := strings.Join(fields[maxCols:], "")
		if strings.TrimSpace(extra) != "" {
			row.Err = fmt.Sprintf("%d columns, at most %d (address, display name, login); put a name with a comma in quotes", len(fields), maxCols)
			return row
		}
	}
	raw := get(cols[0])
	if raw == "" {
		row.Err = "the address is empty"
		return row
	}
	addr, err := profiles.ParseAddress(raw)
	if err != nil {
		row.Err = fmt.Sprintf("%q is not a usable e-mail address: %s", printable(raw), profiles.Sentence(err))
		if line == 1 {
			row.Err += " (a header row must name the columns: address, name, login)"
		}
		return row
	}
	name := get(cols[1])
	if name == "" {
		name = addr.Name
	}
	if strings.ContainsFunc(name, unicode.IsControl) {
		row.Err = "the display name contains a control character"
		return row
	}
	if len([]rune(name)) > 200 {
		row.Err = "the display name is longer than 200 characters"
		return row
	}
	login := get(cols[2])
	if strings.ContainsFunc(login, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		row.Err = fmt.Sprintf("the login %q contains a space or control character", printable(login))
		return row
	}
	if len(login) > 254 {
		row.Err = "the login is longer than 254 characters"
		return row
	}
	row.Address, row.Name, row.Login = addr, name, login
	return row
}

func outputIDs(outs []BatchOutput) []string {
	ids := make([]string, len(outs))
	for i, o := range outs {
		ids[i] = o.ID
	}
	return ids
}
