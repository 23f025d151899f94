package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"mailsetup/preset"
	"mailsetup/profiles"
)

func init() {
	Register(Command{
		Name:    "batch",
		Summary: "write profiles and guides for many people at once from a CSV file",
		Usage:   batchUsage,
		Run:     command(parseBatch, runBatch),
	})
}

const batchUsage = "--csv FILE --format LIST --out DIR [--force] [--preset FILE] [--incoming URL] [--outgoing URL] [--sources LIST] [--lang L]"

// maxCSVBytes bounds the CSV file: 64 MB is about a million people.
const maxCSVBytes = 64 << 20

// batchOptions are batch's parsed arguments.
type batchOptions struct {
	CSV, Out, Formats, PresetPath string
	Force                         bool
	Find                          findOptions
}

func parseBatch(args []string) (*batchOptions, error) {
	o := &batchOptions{}
	fs := newFlags("batch")
	fs.StringVar(&o.CSV, "csv", "", "the CSV file: address, display name, optional login per row (comma or semicolon, UTF-8)")
	fs.StringVar(&o.Formats, "format", "", "comma list of files to write per person, or all (every profile file; guides only when named): "+strings.Join(batchOutputIDs(), ", "))
	fs.StringVar(&o.Out, "out", "", "directory to write one folder per person into")
	fs.BoolVar(&o.Force, "force", false, "replace files that already exist")
	fs.StringVar(&o.PresetPath, "preset", "", "organisation preset file (default: $"+preset.EnvVar+", the built-in one, or "+preset.FileName+" beside the program)")
	var f findFlags
	f.register(fs, true)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if o.Find, err = f.options(); err != nil {
		return nil, err
	}
	if len(pos) > 0 {
		return nil, usagef("batch takes no arguments besides its flags (got %s); the addresses go in the --csv file", printable(pos[0]))
	}
	if o.CSV == "" || o.Out == "" || o.Formats == "" {
		return nil, usagef("batch needs --csv FILE, --format LIST and --out DIR")
	}
	return o, nil
}

func runBatch(env *Env, o *batchOptions) error {
	pr, err := env.preset(o.PresetPath)
	if err != nil {
		return asUsage(err)
	}
	lang := o.Find.Lang
	if lang == "" {
		lang = pr.Language()
	}
	lang = pickLanguage(env, lang)
	outs, err := parseBatchFormats(o.Formats, pr)
	if err != nil {
		return usagef("%s", pr.WithSupport(err.Error()))
	}
	data, err := readInput(o.CSV, maxCSVBytes)
	if err != nil {
		return usagef("%s", pr.WithSupport("the CSV file: "+err.Error()))
	}
	rows, err := readBatchCSV(data)
	if err != nil {
		return usagef("%s: %s", o.CSV, pr.WithSupport(err.Error()))
	}
	if len(rows) == 0 {
		// Nothing to do is a failure, not a success (reliability.md L13).
		return errors.New(pr.WithSupport(o.CSV + " holds no people: it is empty or has only a header row"))
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return usagef("%s", pr.WithSupport("cannot create the output directory: "+err.Error()))
	}
	r := &batchRun{
		env: env, opts: o, outs: outs, preset: pr,
		bctx:    &batchContext{Preset: pr, Lang: lang, Outputs: outputIDs(outs)},
		cache:   map[string]cachedConfig{},
		folders: map[string]int{},
		people:  map[string]int{},
	}
	return r.run(rows)
}

type cachedConfig struct {
	cfg *profiles.Config
	err error
}

// batchRun is one run of the batch command.
type batchRun struct {
	env     *Env
	opts    *batchOptions
	outs    []batchOutput
	preset  *preset.Preset
	bctx    *batchContext
	cache   map[string]cachedConfig // domain → settings
	folders map[string]int          // folder key → line that took it
	people  map[string]int          // address, lower-case → its line
	// Counted by the goroutine that reports results.
	bad, good, files int
	results          []batchResult // in file order, for the report
	// unconfirmed are the settings no secure source confirmed, one per
	// domain (written by the goroutine that prepares rows).
	unconfirmed []*profiles.Config
}

// batchResult is what became of one row.
type batchResult struct {
	idx   int
	p     batchPerson
	files int
	err   error
	// counted is a row with a usable address (in the progress total).
	counted bool
}

func (r *batchRun) reportBad(res batchResult) {
	r.bad++
	fmt.Fprintf(r.env.Stderr, "mailsetup: %s: %s: %s\n", filepath.Base(r.opts.CSV), res.p.lines(), res.err)
}

// run checks rows in file order on one goroutine (duplicates and settings:
// cheap and order-dependent), has workers write the files (file-system
// bound) and reports the results here in file order.
func (r *batchRun) run(rows []batchRow) error {
	total := 0
	for _, row := range rows {
		if row.Err == "" {
			total++
		}
	}
	start := time.Now()
	ctx := r.env.context()
	results := make(chan batchResult, runtime.GOMAXPROCS(0)*2)
	go r.produce(ctx, rows, results)
	done := r.collect(results, total)
	for _, cfg := range r.unconfirmed { // produce has finished
		fmt.Fprintf(r.env.Stderr, "mailsetup: ! the settings for %s were not confirmed by a secure source (found by %s, from %s): check them before you hand the files out\n", cfg.Domain, sourceName(cfg), trustDomain(cfg))
	}
	reportFile, rerr := r.writeReport()
	if ctx.Err() != nil {
		fmt.Fprintf(r.env.Stderr, "mailsetup: batch stopped after %d of %d rows\n", done, total)
		return errReported
	}
	fmt.Fprintf(r.env.Stdout, "%d people written to %s (%d files), %d bad rows, in %s\n", r.good, r.opts.Out, r.files, r.bad, time.Since(start).Round(time.Millisecond))
	if rerr != nil {
		fmt.Fprintf(r.env.Stderr, "mailsetup: the report was not written: %v\n", rerr)
	} else {
		fmt.Fprintf(r.env.Stdout, "Report: %s\n", reportFile)
	}
	if r.bad > 0 || rerr != nil {
		if s := r.preset.Support(); !s.IsZero() {
			fmt.Fprintf(r.env.Stderr, "mailsetup: questions? contact %s\n", s)
		}
		return errReported
	}
	return nil
}

// produce prepares every row in order and hands the good ones to workers;
// every row's result goes to results, which it closes at the end.
func (r *batchRun) produce(ctx context.Context, rows []batchRow, results chan<- batchResult) {
	type job struct {
		idx int
		p   batchPerson
		cfg *profiles.Config
	}
	workers := runtime.GOMAXPROCS(0) * 2
	jobs := make(chan job, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				n, err := r.write(j.p, j.cfg)
				results <- batchResult{idx: j.idx, p: j.p, files: n, err: err, counted: true}
			}
		}()
	}
	for idx, row := range rows {
		if ctx.Err() != nil {
			break
		}
		if row.Err != "" {
			results <- batchResult{idx: idx, p: row.batchPerson, err: errors.New(row.Err)}
			continue
		}
		p := row.batchPerson
		cfg, err := r.prepare(ctx, &p)
		if err != nil {
			results <- batchResult{idx: idx, p: p, err: err, counted: true}
			continue
		}
		jobs <- job{idx, p, cfg}
	}
	close(jobs)
	wg.Wait()
	close(results)
}

// collect reports results in file order with progress lines and returns
// how many counted rows were done.
func (r *batchRun) collect(results <-chan batchResult, total int) int {
	pending := map[int]batchResult{}
	next, done := 0, 0
	lastProgress := time.Now()
	every := r.env.progressEvery()
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
			r.results = append(r.results, res)
			if res.err != nil {
				r.reportBad(res)
			} else {
				r.good++
			}
			if !res.counted {
				continue
			}
			done++
			if now := time.Now(); now.Sub(lastProgress) >= every || done == total {
				lastProgress = now
				fmt.Fprintf(r.env.Stderr, "mailsetup: batch: %d of %d rows (%d%%), %d bad\n", done, total, done*100/max(total, 1), r.bad)
			}
		}
	}
	return done
}

// prepare checks one person against the preset and the rows before, picks
// the person's folder and finds the settings. It runs in file order; the
// error is the row's reason.
func (r *batchRun) prepare(ctx context.Context, p *batchPerson) (*profiles.Config, error) {
	if err := r.preset.CheckAddress(p.Address); err != nil {
		return nil, errors.New(profiles.Sentence(err))
	}
	who := strings.ToLower(p.Address.String())
	if prev, dup := r.people[who]; dup {
		return nil, fmt.Errorf("%s is the same person as line %d", p.Address.Unicode(), prev)
	}
	r.people[who] = p.Line
	p.Folder = r.pickFolder(p.Address)
	r.folders[strings.ToLower(p.Folder)] = p.Line
	return r.config(ctx, *p)
}

// pickFolder is the person's folder name; when another address of this run
// maps to the same name ("a/b@" and "a_b@", reliability.md L12), a number
// is added, as a file manager does for a copy.
func (r *batchRun) pickFolder(a profiles.Address) string {
	base := folderName(a)
	name := base
	for n := 2; ; n++ {
		if _, taken := r.folders[strings.ToLower(name)]; !taken {
			return name
		}
		name = fmt.Sprintf("%s (%d)", base, n)
	}
}

// config returns the settings for one person: the preset's for a company
// domain, else the --incoming/--outgoing servers, else discovery (once per
// domain); then the row's login.
func (r *batchRun) config(ctx context.Context, p batchPerson) (*profiles.Config, error) {
	var cfg *profiles.Config
	if c, ok := r.preset.ConfigFor(p.Address); ok {
		cfg = c
		if p.Login != "" && r.preset.Locked(preset.FieldUsername) {
			return nil, fmt.Errorf("the preset of %s fixes the login; remove %s from the row", r.preset.Organisation().Name, printable(p.Login))
		}
	} else {
		c, ok := r.cache[p.Address.Domain]
		if !ok {
			// Resolve with a stand-in address; usernames are redone below.
			c.cfg, c.err = resolveConfig(ctx, r.preset, p.Address, r.opts.Find)
			if c.err == nil {
				c.cfg = c.cfg.Clone()
				if c.cfg.Trust == profiles.TrustConfirm {
					r.unconfirmed = append(r.unconfirmed, c.cfg)
				}
			}
			r.cache[p.Address.Domain] = c
		}
		if c.err != nil {
			if errors.Is(c.err, errNotFound) {
				return nil, fmt.Errorf("no settings were found for %s; give them with --incoming and --outgoing or in the preset", p.Address.DomainUnicode)
			}
			return nil, c.err
		}
		cfg = c.cfg.ForAddress(p.Address)
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
