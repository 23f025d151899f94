package audit

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailsetup/profiles/mailtest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./audit -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; got:\n%s", name, got)
	}
}

var (
	elapsedRE  = regexp.MustCompile(`"elapsed_ms": \d+`)
	notAfterRE = regexp.MustCompile(`"not_after": "[^"]+"`)
	dateRE     = regexp.MustCompile(`\d{4}-\d\d-\d\d`)
	secondsRE  = regexp.MustCompile(`in \d+\.\d s\.`)
)

// normalise replaces what changes from run to run: times and dates.
func normalise(b []byte) []byte {
	b = elapsedRE.ReplaceAll(b, []byte(`"elapsed_ms": 0`))
	b = notAfterRE.ReplaceAll(b, []byte(`"not_after": "DATE"`))
	b = secondsRE.ReplaceAll(b, []byte("in N s."))
	return dateRE.ReplaceAll(b, []byte("DATE"))
}

// mixed is a domain with some of everything: autoconfig over HTTPS,
// Autodiscover at the root domain naming another server, no SRV records,
// an unsigned MX of its own, IMAP 993 good, SMTP
// 465 expiring in ten days and the old server firewalled.
func (e *env) mixed() {
	e.dns.add("example.test. 300 IN MX 10 mx.example.test.")
	e.serve("autoconfig.example.test:443", "/mail/config-v1.1.xml", autoconfigXML("mail.example.test", 993, "SSL", "mail.example.test", 465, "SSL"))
	e.serve("example.test:443", "/autodiscover/autodiscover.xml", poxXML("old.example.test", 993, "mail.example.test", 465))
	e.mail("mail.example.test:993", mailOpts{proto: "imap", implicit: true, cert: e.leaf("mail.example.test")})
	e.mail("mail.example.test:465", mailOpts{proto: "smtp", implicit: true, cert: e.ca.Leaf(e.t, mailtest.LeafOptions{
		CommonName: "mail.example.test", DNSNames: []string{"mail.example.test"}, NotAfter: time.Now().Add(10*24*time.Hour + time.Hour)})})
	e.nw.blackhole("old.example.test:993")
}

// TestGoldenReport is the whole report of the mixed domain, as JSON and as
// HTML, plus the files, against golden copies (times and dates normalised).
func TestGoldenReport(t *testing.T) {
	e := newEnv(t)
	e.mixed()
	o := e.opts()
	o.ProbeTimeout = 3 * time.Second // generous: under -race on a busy machine a TLS probe must not time out
	rep, err := Check(t.Context(), testDomain, o)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json", append(normalise(b), '\n'))
	page, err := HTML(rep)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "report.html", normalise(page))
	for _, f := range rep.Files {
		golden(t, filepath.Join("files", f.Name), f.Content)
	}
}

// TestFilesRoundTrip publishes the files a check wrote on a fresh domain
// and checks again: the autoconfig file and the Autodiscover answer are
// read back by the same parsers (profiles/autoconfig, discover's POX
// reader) and the SRV zone by miekg/dns, and the domain then has none of
// the "missing" problems.
func TestFilesRoundTrip(t *testing.T) {
	e := newEnv(t)
	e.mixed()
	rep := e.check()
	byName := map[string]File{}
	for _, f := range rep.Files {
		byName[f.Name] = f
	}
	e2 := newEnv(t)
	e2.mail("mail.example.test:993", mailOpts{proto: "imap", implicit: true, cert: e2.leaf("mail.example.test")})
	e2.mail("mail.example.test:465", mailOpts{proto: "smtp", implicit: true, cert: e2.leaf("mail.example.test")})
	ac, pox, zone := byName["config-v1.1.xml"], byName["autodiscover.xml"], byName["example.test.srv.zone"]
	e2.serve("autodiscover.example.test:443", "/autodiscover/autodiscover.xml", string(pox.Content))
	e2.serve("autoconfig.example.test:443", "/mail/config-v1.1.xml", string(ac.Content))
	zp := dns.NewZoneParser(strings.NewReader(string(zone.Content)), "", "")
	n := 0
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		e2.dns.add(rr.String())
		n++
	}
	if zp.Err() != nil || n != 6 {
		t.Fatalf("zone file: %d records, %v", n, zp.Err())
	}
	rep2 := e2.check()
	got := codes(rep2)
	for _, c := range []string{CodeAutoconfigMissing, CodeAutodiscoverMissing, CodeSRVMissing, CodeSourcesDisagree, CodeAutoconfigMalformed, CodeAutodiscoverMalformed} {
		if p, ok := got[c]; ok {
			t.Errorf("after publishing the files: %s: %s", c, p.Detail)
		}
	}
	for _, id := range []string{"thunderbird", "k9", "outlook-classic"} {
		if c := clientOf(rep2, id); !c.Finds || !c.Works {
			t.Errorf("%s after publishing: %+v", id, c)
		}
	}
}

// TestWriteFilesNeverOverwrites: a second --out into the same folder stops
// at the first existing file; with replace it writes them all again.
func TestWriteFilesNeverOverwrites(t *testing.T) {
	rep := &Report{Files: []File{{Name: "a.xml", Content: []byte("1")}, {Name: "../b.zone", Content: []byte("2")}}}
	dir := filepath.Join(t.TempDir(), "out")
	paths, err := WriteFiles(rep, dir, false)
	if err != nil || len(paths) != 2 || filepath.Dir(paths[1]) != dir {
		t.Fatalf("%v %v (a name never leaves the folder)", paths, err)
	}
	if _, err := WriteFiles(rep, dir, false); err == nil {
		t.Fatal("an existing file was replaced")
	}
	if _, err := WriteFiles(rep, dir, true); err != nil {
		t.Fatal(err)
	}
}
