package cli

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailsetup/profiles/mailtest"
)

// zoneServer is a miekg/dns server on loopback answering from records.
func zoneServer(t *testing.T, records ...string) string {
	t.Helper()
	table := map[string][]dns.RR{}
	for _, s := range records {
		rr, err := dns.NewRR(s)
		if err != nil {
			t.Fatal(err)
		}
		k := strings.ToLower(rr.Header().Name) + "/" + dns.TypeToString[rr.Header().Rrtype]
		table[k] = append(table[k], rr)
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(req)
		q := req.Question[0]
		m.Answer = table[strings.ToLower(q.Name)+"/"+dns.TypeToString[q.Qtype]]
		if len(m.Answer) == 0 {
			m.Rcode = dns.RcodeNameError
		}
		_ = w.WriteMsg(m)
	})}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	go func() { _ = srv.ActivateAndServe() }()
	<-started
	t.Cleanup(func() { _ = srv.Shutdown() })
	return pc.LocalAddr().String()
}

func TestParseCheckDomain(t *testing.T) {
	cases := []struct {
		args []string
		want string // domain, or "" for an error
	}{
		{[]string{"example.com"}, "example.com"},
		{[]string{"ivan@example.com", "--json"}, "example.com"},
		{[]string{"--dns", "127.0.0.1", "example.com"}, "example.com"},
		{[]string{}, ""},
		{[]string{"a.com", "b.com"}, ""},
		{[]string{"localhost"}, ""},
		{[]string{"bad_domain!.com"}, ""},
		{[]string{"--timeout", "0s", "example.com"}, ""},
		{[]string{"--lang", "xx", "example.com"}, ""},
		{[]string{"--nope", "example.com"}, ""},
	}
	for _, tc := range cases {
		o, err := parseCheckDomain(tc.args)
		if (err == nil) != (tc.want != "") || (err == nil && o.Domain != tc.want) {
			t.Errorf("%q: domain %q, err %v", tc.args, o.Domain, err)
		}
	}
	if o, _ := parseCheckDomain([]string{"--dns", "127.0.0.1", "example.com"}); o.DNS != "127.0.0.1:53" {
		t.Errorf("--dns without a port: %q", o.DNS)
	}
	var out, errb bytes.Buffer
	if code := Main(&Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, []string{"check-domain", "not a domain"}); code != ExitUsage || !strings.Contains(errb.String(), "not a domain name") {
		t.Errorf("bad input: exit %d, %q", code, errb.String())
	}
}

// TestCheckDomainAgainstDovecot checks a domain whose SRV records (on a
// local DNS server given with --dns) name a real Dovecot on loopback, with
// its test CA given with --ca: the JSON keeps the issue-17 field names,
// the servers' certificates are trusted, --out writes the files, --html
// the report, and the exit status follows the error-severity problems.
func TestCheckDomainAgainstDovecot(t *testing.T) {
	d := mailtest.StartDovecot(t)
	p := func(n int) string { return strconv.Itoa(n) }
	dnsAddr := zoneServer(t,
		"corp.test. 300 IN MX 10 localhost.",
		"_imaps._tcp.corp.test. 300 IN SRV 0 1 "+p(d.IMAPSPort)+" localhost.",
		"_imap._tcp.corp.test. 300 IN SRV 0 1 "+p(d.IMAPPort)+" localhost.",
		"_pop3s._tcp.corp.test. 300 IN SRV 0 1 "+p(d.POP3SPort)+" localhost.",
		"_submissions._tcp.corp.test. 300 IN SRV 0 1 "+p(d.SubmissionsPort)+" localhost.",
		"_submission._tcp.corp.test. 300 IN SRV 0 1 "+p(d.SubmissionPort)+" localhost.")
	dir := filepath.Join(t.TempDir(), "publish") // made by --out
	html := filepath.Join(t.TempDir(), "report.html")
	var out, errb bytes.Buffer
	t0 := time.Now()
	code := Main(&Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }},
		[]string{"check-domain", "--json", "--dns", dnsAddr, "--ca", d.CAFile, "--timeout", "8s", "--out", dir, "--html", html, "--lang", "tr", "corp.test"})
	t.Logf("check-domain took %s", time.Since(t0))
	var rep map[string]any
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("exit %d: %v\n%s\n%s", code, err, out.String(), errb.String())
	}
	// The field names of issue 17, exactly.
	for _, k := range []string{"domain", "sources", "servers", "clients", "problems", "files"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("no %q in the JSON", k)
		}
	}
	keys := func(v any) map[string]bool {
		m := map[string]bool{}
		for k := range v.(map[string]any) {
			m[k] = true
		}
		return m
	}
	need := map[string][]string{
		"sources":  {"source", "url", "outcome", "elapsed_ms", "detail"},
		"servers":  {"protocol", "host", "port", "security", "named_by", "reachable", "greeting", "tls", "auth", "plaintext_auth_before_tls"},
		"clients":  {"client", "finds", "via", "incoming", "outgoing", "works", "why"},
		"problems": {"code", "severity", "detail", "fix"},
		"files":    {"name", "publish_at"},
	}
	for list, fields := range need {
		items, _ := rep[list].([]any)
		if len(items) == 0 {
			t.Errorf("%s is empty", list)
			continue
		}
		got := keys(items[0])
		for _, f := range fields {
			if !got[f] {
				t.Errorf("%s[0] has no %q: %v", list, f, got)
			}
		}
	}
	servers := rep["servers"].([]any)
	if len(servers) != 5 {
		t.Fatalf("%d servers probed, want the 5 SRV targets", len(servers))
	}
	for _, s := range servers {
		s := s.(map[string]any)
		tl, _ := s["tls"].(map[string]any)
		if s["reachable"] != true || tl == nil || tl["trusted"] != true || tl["version"] == "" {
			t.Errorf("server %v:%v: reachable %v tls %v error %v", s["host"], s["port"], s["reachable"], tl, s["error"])
		}
		if s["greeting"] == "" || len(s["auth"].([]any)) == 0 {
			t.Errorf("server %v:%v: greeting %q auth %v", s["host"], s["port"], s["greeting"], s["auth"])
		}
	}
	// Dovecot counts loopback as secure and so offers AUTH=PLAIN before
	// STARTTLS (mailtest.Options.DisablePlaintextAuth): the check must
	// notice that on the STARTTLS ports, and only there.
	before := map[string]bool{}
	for _, p := range rep["problems"].([]any) {
		p := p.(map[string]any)
		if p["code"] == "plaintext-auth-before-tls" {
			before[p["subject"].(string)] = true
		}
	}
	imap143 := "imap localhost:" + p(d.IMAPPort) + " starttls"
	if !before[imap143] || before["imap localhost:"+p(d.IMAPSPort)+" tls"] {
		t.Errorf("plaintext-auth-before-tls on %v, want %s and not the TLS port", before, imap143)
	}
	if code != ExitFailed {
		t.Errorf("exit %d with an error-severity problem, want %d", code, ExitFailed)
	}
	for _, f := range []string{"config-v1.1.xml", "autodiscover.xml", "corp.test.srv.zone", "corp.test.mobileconfig"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("--out: %v", err)
		}
	}
	// Without --ca the test CA is a stranger: every certificate is untrusted.
	out.Reset()
	Main(&Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }},
		[]string{"check-domain", "--json", "--dns", dnsAddr, "--timeout", "8s", "corp.test"})
	if !strings.Contains(out.String(), `"code": "cert-untrusted"`) || !strings.Contains(out.String(), `"trusted": false`) {
		t.Errorf("without --ca the test CA was trusted:\n%s", out.String())
	}
	page, err := os.ReadFile(html)
	if err != nil || !strings.Contains(string(page), `lang="tr"`) || !strings.Contains(string(page), "Her posta programının bulduğu") {
		t.Errorf("--html: %v", err)
	}
}
