package cli

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailsetup/profiles"
	"mailsetup/profiles/mailtest"
)

// ispdbDir is the shared ISPDB sample (skips without it).
func ispdbDir(t *testing.T) string { return mailtest.SharedData(t, "ispdb") }

// fileServers reads a provider file's first domain and IMAP/POP3/SMTP
// servers with a decoder of its own.
func fileServers(t *testing.T, data []byte) (string, []string) {
	type srv struct {
		Type string `xml:"type,attr"`
		Host string `xml:"hostname"`
		Port string `xml:"port"`
		Sock string `xml:"socketType"`
	}
	var doc struct {
		Provider struct {
			Domains []string `xml:"domain"`
			In      []srv    `xml:"incomingServer"`
			Out     []srv    `xml:"outgoingServer"`
		} `xml:"emailProvider"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	dom := strings.ToLower(strings.TrimSpace(doc.Provider.Domains[0]))
	sec := map[string]string{"SSL": "tls", "STARTTLS": "starttls", "plain": "none"}
	var out []string
	seen := map[string]bool{}
	for _, s := range append(doc.Provider.In, doc.Provider.Out...) {
		if s.Type != "imap" && s.Type != "pop3" && s.Type != "smtp" {
			continue
		}
		host := strings.ReplaceAll(strings.TrimSpace(s.Host), "%EMAILDOMAIN%", dom)
		line := fmt.Sprintf("%s %s:%s %s", s.Type, host, strings.TrimSpace(s.Port), sec[strings.TrimSpace(s.Sock)])
		if !seen[line] {
			seen[line] = true
			out = append(out, line)
		}
	}
	return dom, out
}

// TestDetectISPDBConformance runs "detect --sources ispdb --json" for one
// domain of every ISPDB sample file, served from a local ISPDB, and checks
// that exactly the file's servers come back.
func TestDetectISPDBConformance(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(ispdbDir(t), "*.xml"))
	if len(files) == 0 {
		t.Fatal("no ISPDB files")
	}
	docs := map[string][]byte{}
	want := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dom, servers := fileServers(t, data)
		docs[dom], want[dom] = data, servers
	}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		doc, ok := docs[strings.TrimPrefix(r.URL.Path, "/v1.1/")]
		if !ok {
			http.NotFound(rw, r)
			return
		}
		rw.Write(doc)
	}))
	defer srv.Close()
	for dom, servers := range want {
		var out, errb bytes.Buffer
		code := Main(&Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }},
			[]string{"detect", "--json", "--sources", "ispdb", "--ispdb", srv.URL + "/v1.1/", "test.user@" + dom})
		if code != ExitOK {
			t.Errorf("%s: exit %d: %s %s", dom, code, errb.String(), out.String())
			continue
		}
		var cfg profiles.Config
		if err := json.Unmarshal(out.Bytes(), &cfg); err != nil {
			t.Fatalf("%s: %v", dom, err)
		}
		var got []string
		for _, s := range append(cfg.Incoming, cfg.Outgoing...) {
			got = append(got, s.String())
		}
		if strings.Join(got, "\n") != strings.Join(servers, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", dom, got, servers)
		}
		// A plain-HTTP ISPDB must be marked for confirmation, with a trace.
		if cfg.Source != profiles.SourceISPDB || cfg.Trust != profiles.TrustConfirm || len(cfg.Trace) != 1 || cfg.Trace[0].Outcome != profiles.OutcomeFound {
			t.Errorf("%s: source %s trust %s trace %+v", dom, cfg.Source, cfg.Trust, cfg.Trace)
		}
	}
}

func TestDetectHumanOutputShowsTraceAndTrust(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		io.WriteString(rw, `<clientConfig version="1.1"><emailProvider id="x"><domain>corp.test</domain><displayName>Corp</displayName>
<incomingServer type="imap"><hostname>imap.corp.test</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.corp.test</hostname><port>465</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>`)
	}))
	defer srv.Close()
	var out, errb bytes.Buffer
	code := Main(&Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }},
		[]string{"detect", "--sources", "builtin,ispdb", "--ispdb", srv.URL + "/", "a@corp.test"})
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"imap.corp.test", "Check these settings", "Sources asked", "builtin", "ispdb", "found", "unencrypted HTTP"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestDetectMXThroughDNSFlag sends the MX question to a real DNS server on
// loopback given with --dns.
func TestDetectMXThroughDNSFlag(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(req)
		if q := req.Question[0]; q.Qtype == dns.TypeMX && q.Name == "corp.test." {
			rr, _ := dns.NewRR("corp.test. 300 IN MX 10 corp-test.mail.protection.outlook.com.")
			m.Answer = append(m.Answer, rr)
		} else {
			m.Rcode = dns.RcodeNameError
		}
		_ = w.WriteMsg(m)
	})}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	go func() { _ = srv.ActivateAndServe() }()
	<-started
	defer srv.Shutdown()

	var out, errb bytes.Buffer
	code := Main(&Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }},
		[]string{"detect", "--json", "--sources", "mx", "--dns", pc.LocalAddr().String(), "boss@corp.test"})
	if code != ExitOK {
		t.Fatalf("exit %d: %s %s", code, errb.String(), out.String())
	}
	var cfg profiles.Config
	if err := json.Unmarshal(out.Bytes(), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Source != profiles.SourceMX || cfg.Provider.ID != "microsoft365" || cfg.Trust != profiles.TrustConfirm || cfg.TrustDomain != "outlook.com" {
		t.Fatalf("source %s provider %s trust %s %s", cfg.Source, cfg.Provider.ID, cfg.Trust, cfg.TrustDomain)
	}
	if cfg.Incoming[0].Username != "boss@corp.test" || !strings.Contains(strings.Join(cfg.Warnings, " "), "inferred from MX") {
		t.Fatalf("username %q warnings %q", cfg.Incoming[0].Username, cfg.Warnings)
	}
}

// TestDetectJSONCandidates checks that other sources' answers are kept in
// the JSON next to the chosen one, with the differences said.
func TestDetectJSONCandidates(t *testing.T) {
	doc := func(host string) string {
		return `<clientConfig version="1.1"><emailProvider id="x"><domain>corp.test</domain>
<incomingServer type="imap"><hostname>` + host + `</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.corp.test</hostname><port>465</port><socketType>SSL</socketType></outgoingServer>
</emailProvider></clientConfig>`
	}
	isp := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/corp.test":
			// Answer late, so that the MX source (ranked lower) is in first.
			time.Sleep(300 * time.Millisecond)
			io.WriteString(rw, doc("imap.corp.test"))
		case "/hoster.test":
			io.WriteString(rw, doc("imap.hoster.test"))
		default:
			http.NotFound(rw, r)
		}
	}))
	defer isp.Close()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(req)
		if q := req.Question[0]; q.Qtype == dns.TypeMX && q.Name == "corp.test." {
			rr, _ := dns.NewRR("corp.test. 300 IN MX 10 mx.hoster.test.")
			m.Answer = append(m.Answer, rr)
		} else {
			m.Rcode = dns.RcodeNameError
		}
		_ = w.WriteMsg(m)
	})}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	go func() { _ = srv.ActivateAndServe() }()
	<-started
	defer srv.Shutdown()
	var out, errb bytes.Buffer
	code := Main(&Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }},
		[]string{"detect", "--json", "--sources", "ispdb,mx", "--ispdb", isp.URL + "/", "--dns", pc.LocalAddr().String(), "a@corp.test"})
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var got struct {
		Source      string   `json:"source"`
		Differences []string `json:"differences"`
		Candidates  []struct {
			Source string `json:"source"`
		} `json:"candidates"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Source != "ispdb" || len(got.Candidates) != 1 || got.Candidates[0].Source != "mx" || len(got.Differences) != 1 || !strings.Contains(got.Differences[0], "imap.hoster.test") {
		t.Fatalf("%+v\n%s", got, out.String())
	}
}
