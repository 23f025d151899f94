package discover

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailsetup/profiles"
)

// world is one test's set of real local servers.
type world struct {
	ca  *testCA
	nw  *network
	dns *dnsServer
}

func newWorld(t testing.TB) *world {
	return &world{ca: newCA(t), nw: newNetwork(t), dns: newDNS(t)}
}

func (w *world) opts(srcs ...profiles.Source) Options {
	return Options{
		Sources: srcs, Dial: w.nw.Dial, RootCAs: w.ca.pool, DNS: w.dns.Addr,
		Timeout: 5 * time.Second, ProbeTimeout: time.Second,
		ISPDB: "https://ispdb.test/v1.1/",
	}
}

func detect(t *testing.T, w *world, addr string, opts Options) *Result {
	t.Helper()
	res, err := Discover(context.Background(), mustAddr(t, addr), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Trace) != len(uniqueSources(opts.Sources)) {
		t.Fatalf("trace has %d entries for %d sources: %+v", len(res.Trace), len(opts.Sources), res.Trace)
	}
	return res
}

func TestParseSources(t *testing.T) {
	got, err := ParseSources("mx, builtin,mx")
	if err != nil || len(got) != 2 || got[0] != profiles.SourceMX {
		t.Fatalf("got %v %v", got, err)
	}
	if _, err := ParseSources("builtin,carrier-pigeon"); err == nil {
		t.Fatal("unknown source accepted")
	}
	all, _ := ParseSources("all")
	if len(all) != len(profiles.AllSources) {
		t.Fatal("all")
	}
}

func TestBuiltin(t *testing.T) {
	w := newWorld(t)
	res := detect(t, w, "ivan@yandex.ru", w.opts(profiles.SourceBuiltin))
	if res.Config == nil || res.Config.Provider.ID != "yandex" || res.Config.Trust != profiles.TrustVerified {
		t.Fatalf("config = %+v", res.Config)
	}
	if len(res.Config.Trace) != 1 || res.Config.Trace[0].Outcome != profiles.OutcomeFound {
		t.Fatalf("trace = %+v", res.Config.Trace)
	}
}

// autoconfigSite records what each autoconfig route was asked.
type autoconfigSite struct {
	mu      sync.Mutex
	queries []string
}

func (s *autoconfigSite) handler(body func(r *http.Request) (int, string)) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.queries = append(s.queries, r.URL.Scheme+"|"+r.Host+"|"+r.URL.RequestURI())
		s.mu.Unlock()
		code, b := body(r)
		rw.WriteHeader(code)
		io.WriteString(rw, b)
	})
}

func TestAutoconfigHTTPS(t *testing.T) {
	w := newWorld(t)
	site := &autoconfigSite{}
	httpsServer(t, w.ca, w.nw, site.handler(func(r *http.Request) (int, string) {
		if r.Host == "autoconfig.example.test" && r.URL.Path == "/mail/config-v1.1.xml" {
			if r.URL.Query().Get("emailaddress") != "ivan@example.test" {
				return 400, "missing address"
			}
			return 200, autoconfigXML("imap.example.test", 993, "SSL", "smtp.example.test")
		}
		return 404, "no"
	}), "autoconfig.example.test", "example.test")
	plain := &autoconfigSite{}
	httpServer(t, w.nw, plain.handler(func(*http.Request) (int, string) { return 404, "" }), "autoconfig.example.test")

	res := detect(t, w, "ivan@example.test", w.opts(profiles.SourceAutoconfig))
	cfg := res.Config
	if cfg == nil {
		t.Fatalf("nothing found: %+v", res.Trace)
	}
	if cfg.Source != profiles.SourceAutoconfig || cfg.Trust != profiles.TrustVerified || cfg.TrustDomain != "example.test" {
		t.Fatalf("source %s trust %s %s", cfg.Source, cfg.Trust, cfg.TrustDomain)
	}
	if cfg.Incoming[0].Host != "imap.example.test" || cfg.Incoming[0].Username != "ivan@example.test" {
		t.Fatalf("incoming %+v", cfg.Incoming)
	}
	if e := traceOf(res, profiles.SourceAutoconfig); e.Outcome != profiles.OutcomeFound || strings.Contains(e.Detail, "ivan@") {
		t.Fatalf("trace %+v (must not leak the address)", e)
	}
	for _, q := range plain.queries {
		if strings.Contains(q, "ivan") || strings.Contains(q, "emailaddress") {
			t.Fatalf("address sent over plain HTTP: %s", q)
		}
	}
}

func TestAutoconfigWellKnown(t *testing.T) {
	w := newWorld(t)
	site := &autoconfigSite{}
	httpsServer(t, w.ca, w.nw, site.handler(func(r *http.Request) (int, string) {
		if r.Host == "example.test" && r.URL.Path == "/.well-known/autoconfig/mail/config-v1.1.xml" && r.URL.Query().Get("emailaddress") == "ivan@example.test" {
			return 200, autoconfigXML("imap.example.test", 993, "SSL", "smtp.example.test")
		}
		return 404, "no"
	}), "example.test")
	o := w.opts(profiles.SourceAutoconfig)
	o.HTTPSOnly = true
	res := detect(t, w, "ivan@example.test", o)
	if res.Config == nil || res.Trace[0].URL != "https://example.test/.well-known/autoconfig/mail/config-v1.1.xml" {
		t.Fatalf("config %+v trace %+v", res.Config, res.Trace)
	}
}

func TestAutoconfigHTTPFallbackWarns(t *testing.T) {
	w := newWorld(t)
	httpsServer(t, w.ca, w.nw, http.NotFoundHandler(), "autoconfig.example.test", "example.test")
	plain := &autoconfigSite{}
	httpServer(t, w.nw, plain.handler(func(*http.Request) (int, string) {
		return 200, autoconfigXML("imap.example.test", 143, "STARTTLS", "smtp.example.test")
	}), "autoconfig.example.test")
	res := detect(t, w, "ivan@example.test", w.opts(profiles.SourceAutoconfig))
	if res.Config == nil || res.Config.Trust != profiles.TrustConfirm {
		t.Fatalf("config %+v trace %+v", res.Config, res.Trace)
	}
	if !strings.Contains(strings.Join(res.Config.Warnings, " "), "unencrypted HTTP") {
		t.Fatalf("no HTTP warning: %q", res.Config.Warnings)
	}
	if len(plain.queries) == 0 {
		t.Fatal("plain HTTP was not asked")
	}
	for _, q := range plain.queries {
		if strings.Contains(q, "ivan") || strings.Contains(q, "emailaddress") {
			t.Fatalf("address sent over plain HTTP: %s", q)
		}
	}
	// HTTPSOnly turns the fallback off.
	o := w.opts(profiles.SourceAutoconfig)
	o.HTTPSOnly = true
	if res := detect(t, w, "ivan@example.test", o); res.Config != nil {
		t.Fatal("HTTPSOnly still used plain HTTP")
	}
}

func TestAutoconfigHostile(t *testing.T) {
	huge := "<clientConfig>" + strings.Repeat("<x/>", MaxResponse/4+10) + "</clientConfig>"
	tests := []struct {
		name    string
		handler http.HandlerFunc
		outcome profiles.Outcome
		detail  string
	}{
		{"huge", func(rw http.ResponseWriter, r *http.Request) { io.WriteString(rw, huge) }, profiles.OutcomeError, "larger than"},
		{"malformed", func(rw http.ResponseWriter, r *http.Request) {
			io.WriteString(rw, "<clientConfig><emailProvider><incomingServer></clientConfig>")
		}, profiles.OutcomeError, "not well-formed XML"},
		{"html", func(rw http.ResponseWriter, r *http.Request) {
			io.WriteString(rw, "<html><body>parked domain</body></html>")
		}, profiles.OutcomeError, "<html>"},
		{"redirect loop", func(rw http.ResponseWriter, r *http.Request) {
			http.Redirect(rw, r, "https://"+r.Host+r.URL.Path+"?again", http.StatusFound)
		}, profiles.OutcomeError, "redirects"},
		{"downgrade", func(rw http.ResponseWriter, r *http.Request) {
			http.Redirect(rw, r, "http://"+r.Host+r.URL.Path, http.StatusFound)
		}, profiles.OutcomeError, "refused"},
		{"slow loris", func(rw http.ResponseWriter, r *http.Request) {
			rw.WriteHeader(200)
			for i := 0; i < 100; i++ {
				if _, err := io.WriteString(rw, " "); err != nil {
					return
				}
				rw.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(100 * time.Millisecond):
				}
			}
		}, profiles.OutcomeTimeout, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			httpsServer(t, w.ca, w.nw, tt.handler, "autoconfig.example.test", "example.test")
			o := w.opts(profiles.SourceAutoconfig)
			o.HTTPSOnly = true
			o.SourceTimeouts = map[profiles.Source]time.Duration{profiles.SourceAutoconfig: 700 * time.Millisecond}
			start := time.Now()
			res := detect(t, w, "ivan@example.test", o)
			if res.Config != nil {
				t.Fatalf("hostile answer accepted: %+v", res.Config)
			}
			e := traceOf(res, profiles.SourceAutoconfig)
			if e.Outcome != tt.outcome || !strings.Contains(e.Detail, tt.detail) {
				t.Fatalf("trace %+v, want %s with %q", e, tt.outcome, tt.detail)
			}
			if time.Since(start) > 3*time.Second {
				t.Fatalf("took %s: the per-source deadline did not hold", time.Since(start))
			}
		})
	}
}

func TestAutoconfigCrossDomainRedirect(t *testing.T) {
	w := newWorld(t)
	httpsServer(t, w.ca, w.nw, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "https://config.hoster.test/mail.xml", http.StatusMovedPermanently)
	}), "autoconfig.example.test")
	httpsServer(t, w.ca, w.nw, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		io.WriteString(rw, autoconfigXML("imap.hoster.test", 993, "SSL", "smtp.hoster.test"))
	}), "config.hoster.test")
	o := w.opts(profiles.SourceAutoconfig)
	o.HTTPSOnly = true
	res := detect(t, w, "ivan@example.test", o)
	if res.Config == nil || res.Config.Trust != profiles.TrustConfirm || res.Config.TrustDomain != "hoster.test" {
		t.Fatalf("config %+v trace %+v", res.Config, res.Trace)
	}
	if !strings.Contains(strings.Join(res.Config.Warnings, " "), "redirected to another domain, hoster.test") {
		t.Fatalf("warnings %q", res.Config.Warnings)
	}
}

func TestAutoconfigForeignUsernameRefused(t *testing.T) {
	w := newWorld(t)
	doc := strings.ReplaceAll(autoconfigXML("imap.example.test", 993, "SSL", "smtp.example.test"), "<username>%EMAILADDRESS%</username>", "<username>%EMAILLOCALPART%@attacker.test</username>")
	httpsServer(t, w.ca, w.nw, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { io.WriteString(rw, doc) }), "autoconfig.example.test")
	o := w.opts(profiles.SourceAutoconfig)
	o.HTTPSOnly = true
	res := detect(t, w, "ivan@example.test", o)
	if res.Config != nil {
		t.Fatalf("accepted %+v", res.Config.Incoming)
	}
	if e := traceOf(res, profiles.SourceAutoconfig); !strings.Contains(e.Detail, "another domain") {
		t.Fatalf("trace %+v", e)
	}
}

func ispdbHandler(files map[string]string) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		doc, ok := files[strings.TrimPrefix(r.URL.Path, "/v1.1/")]
		if !ok {
			http.NotFound(rw, r)
			return
		}
		io.WriteString(rw, doc)
	})
}

func TestISPDB(t *testing.T) {
	w := newWorld(t)
	httpsServer(t, w.ca, w.nw, ispdbHandler(map[string]string{"example.test": autoconfigXML("imap.example.test", 993, "SSL", "smtp.example.test")}), "ispdb.test")
	res := detect(t, w, "ivan@example.test", w.opts(profiles.SourceISPDB))
	if res.Config == nil || res.Config.Source != profiles.SourceISPDB || res.Config.Trust != profiles.TrustVerified {
		t.Fatalf("config %+v trace %+v", res.Config, res.Trace)
	}
	res = detect(t, w, "ivan@unknown.test", w.opts(profiles.SourceISPDB))
	if res.Config != nil || res.Trace[0].Outcome != profiles.OutcomeNothing {
		t.Fatalf("unknown domain: %+v", res.Trace)
	}
}

func TestMX(t *testing.T) {
	for _, ad := range []bool{false, true} {
		t.Run(fmt.Sprint("ad=", ad), func(t *testing.T) {
			w := newWorld(t)
			w.dns.setAD(ad)
			w.dns.add("corp.test. 300 IN MX 20 backup.corp.test.", "corp.test. 300 IN MX 10 mx.yandex.net.")
			res := detect(t, w, "boss@corp.test", w.opts(profiles.SourceMX))
			cfg := res.Config
			if cfg == nil || cfg.Provider.ID != "yandex" || cfg.Source != profiles.SourceMX {
				t.Fatalf("config %+v trace %+v", cfg, res.Trace)
			}
			if cfg.Incoming[0].Username != "boss@corp.test" || cfg.TrustDomain != "yandex.net" {
				t.Fatalf("username %q trust domain %q", cfg.Incoming[0].Username, cfg.TrustDomain)
			}
			want := profiles.TrustConfirm
			if ad {
				want = profiles.TrustVerified
			}
			if cfg.Trust != want {
				t.Fatalf("trust %s, want %s", cfg.Trust, want)
			}
			if !strings.Contains(strings.Join(cfg.Warnings, " "), "inferred from MX") {
				t.Fatalf("warnings %q", cfg.Warnings)
			}
		})
	}
}

// The MX host name, not only its registrable domain, picks the provider:
// Yahoo's MX hosts are under yahoodns.net and AOL's under
// mail.gm0.yahoodns.net (the ISPDB's aol.com.xml and yahoo.com.xml), so a
// company domain hosted at AOL must not come out as Yahoo.
func TestMXHostPicksTheProvider(t *testing.T) {
	tests := []struct{ mx, want string }{
		{"mx-aol.mail.gm0.yahoodns.net.", "aol"},
		{"mta5.am0.yahoodns.net.", "yahoo"},
	}
	for _, tt := range tests {
		w := newWorld(t)
		w.dns.setAD(true)
		w.dns.add("corp.test. 300 IN MX 10 " + tt.mx)
		res := detect(t, w, "boss@corp.test", w.opts(profiles.SourceMX))
		if res.Config == nil || res.Config.Provider.ID != tt.want {
			t.Errorf("MX %s: config %+v, want provider %s", tt.mx, res.Config, tt.want)
		}
	}
}

func TestMXThroughISPDB(t *testing.T) {
	w := newWorld(t)
	w.dns.add("corp.test. 300 IN MX 10 in1.smtp.hoster.test.")
	httpsServer(t, w.ca, w.nw, ispdbHandler(map[string]string{"hoster.test": autoconfigXML("imap.hoster.test", 993, "SSL", "smtp.hoster.test")}), "ispdb.test")
	res := detect(t, w, "boss@corp.test", w.opts(profiles.SourceMX))
	if res.Config == nil || res.Config.Incoming[0].Host != "imap.hoster.test" || res.Config.Trust != profiles.TrustConfirm {
		t.Fatalf("config %+v trace %+v", res.Config, res.Trace)
	}
	if d := res.Trace[0].Detail; !strings.Contains(d, "smtp.hoster.test") || !strings.Contains(d, "ISPDB hoster.test") {
		t.Fatalf("detail %q: should try the MX parent domain then the registrable one", d)
	}
	// An MX in the domain itself says nothing.
	w.dns.add("self.test. 300 IN MX 10 mail.self.test.")
	if res := detect(t, w, "a@self.test", w.opts(profiles.SourceMX)); res.Config != nil || res.Trace[0].Outcome != profiles.OutcomeNothing {
		t.Fatalf("self-hosted: %+v", res.Trace)
	}
}

func TestSRV(t *testing.T) {
	w := newWorld(t)
	w.dns.add(
		"_imaps._tcp.example.test. 300 IN SRV 20 0 993 imap-backup.example.test.",
		"_imaps._tcp.example.test. 300 IN SRV 10 0 993 imap.example.test.",
		"_imap._tcp.example.test. 300 IN SRV 0 0 143 imap.example.test.",
		"_pop3s._tcp.example.test. 300 IN SRV 0 0 0 .",
		"_submissions._tcp.example.test. 300 IN SRV 0 1 465 smtp.example.test.",
	)
	res := detect(t, w, "ivan@example.test", w.opts(profiles.SourceSRV))
	cfg := res.Config
	if cfg == nil {
		t.Fatalf("nothing: %+v", res.Trace)
	}
	var got []string
	for _, s := range cfg.Incoming {
		got = append(got, s.String())
	}
	want := "imap imap.example.test:993 tls,imap imap-backup.example.test:993 tls,imap imap.example.test:143 starttls"
	if strings.Join(got, ",") != want {
		t.Fatalf("incoming %v, want %s", got, want)
	}
	if cfg.Outgoing[0].String() != "smtp smtp.example.test:465 tls" || cfg.Trust != profiles.TrustConfirm {
		t.Fatalf("outgoing %v trust %s", cfg.Outgoing, cfg.Trust)
	}
	if !strings.Contains(res.Trace[0].Detail, `_pop3s._tcp: not offered (".")`) {
		t.Fatalf("detail %q", res.Trace[0].Detail)
	}
}

func TestSRVWeights(t *testing.T) {
	defer func(f func(int) int) { randIntN = f }(randIntN)
	in := srvRecords(t, "_imaps._tcp.x. 1 IN SRV 5 0 993 zero.x.", "_imaps._tcp.x. 1 IN SRV 5 90 993 heavy.x.", "_imaps._tcp.x. 1 IN SRV 5 10 993 light.x.", "_imaps._tcp.x. 1 IN SRV 1 0 993 first.x.")
	for _, tt := range []struct {
		n    int
		want string
	}{
		{0, "first.x. zero.x. heavy.x. light.x."},  // draw 0 picks the weight-0 record
		{50, "first.x. heavy.x. zero.x. light.x."}, // draw 50 of 0..100 falls in heavy's 90
		{95, "first.x. light.x. zero.x. heavy.x."}, // draw 95 falls in light's 10
	} {
		draws := []int{tt.n}
		randIntN = func(n int) int {
			if len(draws) > 0 {
				d := draws[0]
				draws = draws[1:]
				return d
			}
			return 0
		}
		var got []string
		for _, r := range srvOrder(in) {
			got = append(got, r.Target)
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("draw %d: order %v, want %s", tt.n, got, tt.want)
		}
	}
}

func TestAutodiscover(t *testing.T) {
	pox := func(protocols string) string {
		return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
<Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
<Account><AccountType>email</AccountType><Action>settings</Action>` + protocols + `</Account></Response></Autodiscover>`
	}
	imapSMTP := `<Protocol><Type>IMAP</Type><Server>mail.example.test</Server><Port>993</Port><SSL>on</SSL><LoginName>ivan@example.test</LoginName></Protocol>
<Protocol><Type>SMTP</Type><Server>mail.example.test</Server><Port>587</Port><Encryption>TLS</Encryption></Protocol>`
	tests := []struct {
		name    string
		handler http.HandlerFunc
		check   func(t *testing.T, res *Result)
	}{
		{"imap and smtp", func(rw http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			if r.Method != "POST" || !strings.Contains(string(b), "<EMailAddress>ivan@example.test</EMailAddress>") || r.Header.Get("Authorization") != "" {
				http.Error(rw, "bad request", 400)
				return
			}
			io.WriteString(rw, pox(imapSMTP))
		}, func(t *testing.T, res *Result) {
			c := res.Config
			if c == nil || c.Incoming[0].String() != "imap mail.example.test:993 tls" || c.Outgoing[0].String() != "smtp mail.example.test:587 starttls" {
				t.Fatalf("config %+v trace %+v", c, res.Trace)
			}
		}},
		{"microsoft 365 by 401", func(rw http.ResponseWriter, r *http.Request) {
			rw.Header().Set("WWW-Authenticate", `Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"`)
			rw.WriteHeader(401)
		}, func(t *testing.T, res *Result) {
			c := res.Config
			if c == nil || c.Provider.ID != "microsoft365" || !c.Incoming[0].OAuthOnly() || !c.HasNote(profiles.NoteOAuthOnly) {
				t.Fatalf("config %+v trace %+v", c, res.Trace)
			}
		}},
		{"exchange only", func(rw http.ResponseWriter, r *http.Request) {
			io.WriteString(rw, pox(`<Protocol><Type>EXCH</Type><Server>exch.example.test</Server></Protocol>`))
		}, func(t *testing.T, res *Result) {
			if res.Config != nil || !strings.Contains(res.Trace[0].Detail, "Exchange") {
				t.Fatalf("trace %+v", res.Trace)
			}
		}},
		{"malformed", func(rw http.ResponseWriter, r *http.Request) { io.WriteString(rw, "<Autodiscover><Response>") }, func(t *testing.T, res *Result) {
			if res.Config != nil || res.Trace[0].Outcome != profiles.OutcomeError || !strings.Contains(res.Trace[0].Detail, "malformed") {
				t.Fatalf("trace %+v", res.Trace)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			httpsServer(t, w.ca, w.nw, tt.handler, "autodiscover.example.test")
			tt.check(t, detect(t, w, "ivan@example.test", w.opts(profiles.SourceAutodiscover)))
		})
	}
}

func FuzzParsePOX(f *testing.F) {
	f.Add(`<Autodiscover><Response><Account><Action>settings</Action><Protocol><Type>IMAP</Type><Server>a.b</Server><Port>993</Port><SSL>on</SSL></Protocol><Protocol><Type>SMTP</Type><Server>a.b</Server><Port>587</Port><Encryption>TLS</Encryption></Protocol></Account></Response></Autodiscover>`)
	f.Add(`<Autodiscover><Response><Account><Action>redirectUrl</Action><RedirectUrl>https://x/</RedirectUrl></Account></Response></Autodiscover>`)
	f.Add(`<Autodiscover><Response><Error><Message>x</Message></Error></Response></Autodiscover>`)
	r := newRun(mustAddr(f, "ivan@example.test"), Options{})
	final, _ := url.Parse("https://autodiscover.example.test/autodiscover/autodiscover.xml")
	f.Fuzz(func(t *testing.T, doc string) {
		cfg, _, _, err := r.parsePOX(&fetched{body: []byte(doc), final: final})
		if err != nil || cfg == nil {
			return
		}
		if !cfg.Found() {
			t.Fatal("config without servers")
		}
		for _, s := range append(cfg.Incoming, cfg.Outgoing...) {
			if err := s.Validate(); err != nil {
				t.Fatal(err)
			}
			if i := strings.LastIndexByte(s.Username, '@'); i >= 0 && !strings.EqualFold(s.Username[i+1:], "example.test") {
				t.Fatalf("foreign login %q", s.Username)
			}
		}
	})
}

// imapScript is a scripted IMAP server that may or may not offer STARTTLS.
func imapScript(starttls bool) func(net.Conn) {
	return func(c net.Conn) {
		br := bufio.NewReader(c)
		io.WriteString(c, "* OK scripted IMAP ready\r\n")
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				return
			}
			f := strings.Fields(l)
			if len(f) < 2 {
				return
			}
			switch strings.ToUpper(f[1]) {
			case "CAPABILITY":
				caps := "IMAP4rev1 AUTH=PLAIN"
				if starttls {
					caps += " STARTTLS"
				}
				io.WriteString(c, "* CAPABILITY "+caps+"\r\n"+f[0]+" OK done\r\n")
			case "LOGOUT":
				io.WriteString(c, "* BYE\r\n"+f[0]+" OK bye\r\n")
				return
			default:
				io.WriteString(c, f[0]+" BAD no\r\n")
			}
		}
	}
}

func TestGuess(t *testing.T) {
	w := newWorld(t)
	good := w.ca.leaf(t, "imap.example.test", "smtp.example.test", "mail.example.test", "pop.example.test")
	imapServer(t, w.nw, good, true, "imap.example.test:993")
	imapServer(t, w.nw, good, false, "imap.example.test:143")
	smtpServer(t, w.nw, good, true, "smtp.example.test:465")
	smtpServer(t, w.nw, good, false, "smtp.example.test:587")
	// Liars and broken ones.
	scripted(t, w.nw, func(c net.Conn) { io.WriteString(c, "HTTP/1.1 400 Bad Request\r\n\r\n") }, "mail.example.test:143")
	smtpServer(t, w.nw, w.ca.leaf(t, "other.test"), true, "mail.example.test:465")                            // wrong certificate name
	scripted(t, w.nw, imapScript(false), "example.test:143")                                                  // no STARTTLS offered
	scripted(t, w.nw, func(c net.Conn) { time.Sleep(10 * time.Second) }, "pop.example.test:110")              // silent: slow-loris
	scripted(t, w.nw, func(c net.Conn) { io.WriteString(c, "+OK POP3\r\n-ERR\r\n") }, "pop.example.test:995") // plain on TLS port
	w.nw.host("mail.example.test")
	w.nw.host("example.test")
	start := time.Now()
	res := detect(t, w, "ivan@example.test", w.opts(profiles.SourceGuess))
	cfg := res.Config
	if cfg == nil {
		t.Fatalf("nothing: %+v", res.Trace)
	}
	var in, out []string
	for _, s := range cfg.Incoming {
		in = append(in, s.String())
	}
	for _, s := range cfg.Outgoing {
		out = append(out, s.String())
	}
	if strings.Join(in, ",") != "imap imap.example.test:993 tls,imap imap.example.test:143 starttls" {
		t.Errorf("incoming %v", in)
	}
	if strings.Join(out, ",") != "smtp smtp.example.test:465 tls,smtp smtp.example.test:587 starttls" {
		t.Errorf("outgoing %v", out)
	}
	if cfg.Trust != profiles.TrustConfirm {
		t.Errorf("guess must ask for confirmation")
	}
	d := res.Trace[0].Detail
	for _, want := range []string{"mail.example.test:143 does not greet as IMAP", "mail.example.test:465 certificate is not for this name", "example.test:143 greets as imap but offers no STARTTLS", "pop.example.test:110 no greeting in time", "pop.example.test:995 TLS handshake failed"} {
		if !strings.Contains(d, want) {
			t.Errorf("detail lacks %q:\n%s", want, d)
		}
	}
	if el := time.Since(start); el > 6*time.Second {
		t.Errorf("guess took %s: the slow server was not cut off", el)
	}
}

func TestGuessBlockedPort(t *testing.T) {
	w := newWorld(t)
	good := w.ca.leaf(t, "imap.example.test", "smtp.example.test", "mail.example.test")
	imapServer(t, w.nw, good, true, "imap.example.test:993")
	imapServer(t, w.nw, good, true, "mail.example.test:993")
	smtpServer(t, w.nw, good, false, "smtp.example.test:587")
	w.nw.block(":465")
	w.nw.block(":25")
	w.nw.host("down.example.test")
	res := detect(t, w, "ivan@example.test", w.opts(profiles.SourceGuess))
	if res.Config == nil {
		t.Fatalf("nothing %+v", res.Trace)
	}
	all := strings.Join(res.Config.Warnings, " | ")
	if !strings.Contains(all, "port 465 seems blocked on your network") || !strings.Contains(all, "port 25 seems blocked") {
		t.Fatalf("warnings %q", all)
	}
	if strings.Contains(all, "port 993") || strings.Contains(all, "may be down") {
		t.Fatalf("wrong diagnosis: %q", all)
	}
	// A host that refuses everything is "down", not "blocked".
	w2 := newWorld(t)
	w2.nw.host("imap.dead.test")
	w2.nw.host("smtp.dead.test")
	res = detect(t, w2, "ivan@dead.test", w2.opts(profiles.SourceGuess))
	if res.Config != nil || !strings.Contains(res.Trace[0].Detail, "imap.dead.test exists but answers on no mail port") || strings.Contains(res.Trace[0].Detail, "blocked") {
		t.Fatalf("trace %+v", res.Trace)
	}
}

func srvRecords(t *testing.T, lines ...string) []*dns.SRV {
	var out []*dns.SRV
	for _, l := range lines {
		rr, err := dns.NewRR(l)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rr.(*dns.SRV))
	}
	return out
}

func TestGuessUnreachable(t *testing.T) {
	w := newWorld(t)
	hangGuess(w, "example.test")
	o := w.opts(profiles.SourceGuess)
	o.ProbeTimeout = 200 * time.Millisecond
	res := detect(t, w, "ivan@example.test", o)
	d := res.Trace[0].Detail
	if res.Config != nil || !strings.Contains(d, "no mail server answered on any port") || strings.Contains(d, "blocked on your network") || strings.Contains(d, "may be down") {
		t.Fatalf("trace %+v", res.Trace)
	}
}

func TestAutodiscoverRecognisesMicrosoft365(t *testing.T) {
	t.Run("certificate names Microsoft", func(t *testing.T) {
		w := newWorld(t)
		srv := httptest.NewUnstartedServer(http.NotFoundHandler())
		srv.Config.ErrorLog = log.New(io.Discard, "", 0)
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{w.ca.leaf(t, "autodiscover.outlook.com", "*.outlook.com")}}
		srv.StartTLS()
		defer srv.Close()
		w.nw.route("autodiscover.example.test:443", srv.Listener.Addr().String())
		o := w.opts(profiles.SourceAutodiscover)
		o.HTTPSOnly = true
		res := detect(t, w, "ivan@example.test", o)
		if res.Config == nil || res.Config.Provider.ID != "microsoft365" || !res.Config.HasNote(profiles.NoteOAuthOnly) {
			t.Fatalf("config %+v trace %+v", res.Config, res.Trace)
		}
	})
	t.Run("http redirect method", func(t *testing.T) {
		w := newWorld(t)
		var asked []string
		var mu sync.Mutex
		httpServer(t, w.nw, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			asked = append(asked, r.Method+" "+r.URL.String()+" "+string(b))
			mu.Unlock()
			http.Redirect(rw, r, "https://autodiscover-s.outlook.com/autodiscover/autodiscover.xml", http.StatusFound)
		}), "autodiscover.example.test")
		res := detect(t, w, "ivan@example.test", w.opts(profiles.SourceAutodiscover))
		if res.Config == nil || res.Config.Provider.ID != "microsoft365" || res.Config.Trust != profiles.TrustConfirm {
			t.Fatalf("config %+v trace %+v", res.Config, res.Trace)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, a := range asked {
			if strings.Contains(a, "ivan") || !strings.HasPrefix(a, "GET ") {
				t.Fatalf("plain-HTTP request carried the address or a body: %q", a)
			}
		}
	})
	t.Run("on-premises 401 is not Microsoft 365", func(t *testing.T) {
		w := newWorld(t)
		httpsServer(t, w.ca, w.nw, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			rw.Header().Set("X-FEServer", "EXCH01")
			rw.Header().Set("WWW-Authenticate", "Negotiate")
			rw.WriteHeader(401)
		}), "autodiscover.example.test")
		o := w.opts(profiles.SourceAutodiscover)
		o.HTTPSOnly = true
		if res := detect(t, w, "ivan@example.test", o); res.Config != nil {
			t.Fatalf("config %+v", res.Config)
		}
	})
}
