package discover

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/net/publicsuffix"

	"mailsetup/profiles"
	"mailsetup/profiles/knowledge"
)

// run is one discovery's shared state: the address, options and the network
// helpers every source uses.
type run struct {
	addr   profiles.Address
	opts   Options
	kb     *knowledge.KB
	ispdb  string
	client *http.Client
	dns    *resolver
	dialer *net.Dialer

	mu     sync.Mutex
	report *guessReport // the guess source's network findings, once done
}

func newRun(addr profiles.Address, opts Options) *run {
	r := &run{addr: addr, opts: opts, kb: opts.KB, ispdb: opts.ISPDB}
	if r.kb == nil {
		r.kb = knowledge.Default()
	}
	if r.ispdb == "" {
		r.ispdb = DefaultISPDB
	}
	if !strings.HasSuffix(r.ispdb, "/") {
		r.ispdb += "/"
	}
	r.dns = newResolver(opts.DNS)
	r.dialer = &net.Dialer{Timeout: 5 * time.Second}
	if opts.DNS != "" {
		server := opts.DNS
		r.dialer.Resolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, server)
		}}
	}
	tr := &http.Transport{
		DialContext:            r.dial,
		TLSClientConfig:        &tls.Config{RootCAs: opts.RootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    5 * time.Second,
		ResponseHeaderTimeout:  6 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
		DisableKeepAlives:      true,
	}
	if opts.Dial == nil {
		// A company proxy is honoured; through it the address still travels
		// only inside HTTPS (CONNECT).
		tr.Proxy = http.ProxyFromEnvironment
	}
	r.client = &http.Client{Transport: tr, CheckRedirect: checkRedirect}
	return r
}

func (r *run) dial(ctx context.Context, network, address string) (net.Conn, error) {
	if r.opts.Dial != nil {
		return r.opts.Dial(ctx, network, address)
	}
	return r.dialer.DialContext(ctx, network, address)
}

func (r *run) sourceTimeout(src profiles.Source) time.Duration {
	if d, ok := r.opts.SourceTimeouts[src]; ok && d > 0 {
		return d
	}
	return DefaultSourceTimeouts[src]
}

func (r *run) run(ctx context.Context, src profiles.Source) answer {
	ans := r.ask(ctx, src)
	r.flagLocal(src, ans.cfg)
	return ans
}

// ask runs one source.
func (r *run) ask(ctx context.Context, src profiles.Source) answer {
	switch src {
	case profiles.SourceBuiltin:
		if cfg, ok := r.kb.Detect(r.addr); ok {
			return answer{cfg: cfg, detail: "provider " + cfg.Provider.ID}
		}
		return answer{detail: r.addr.Domain + " is not in the built-in list"}
	case profiles.SourceAutoconfig:
		return r.autoconfig(ctx)
	case profiles.SourceISPDB:
		return r.fromISPDB(ctx)
	case profiles.SourceMX:
		return r.fromMX(ctx)
	case profiles.SourceSRV:
		return r.fromSRV(ctx)
	case profiles.SourceAutodiscover:
		return r.autodiscover(ctx)
	case profiles.SourceGuess:
		return r.guess(ctx)
	}
	return answer{err: fmt.Errorf("discover: unknown source %q", src)}
}

// errDowngrade refuses a redirect from HTTPS to plain HTTP.
var errDowngrade = errors.New("redirect from https to plain http refused")

func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > MaxRedirects {
		return fmt.Errorf("more than %d redirects", MaxRedirects)
	}
	if via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
		return errDowngrade
	}
	return nil
}

// fetched is a successful HTTP answer.
type fetched struct {
	body []byte
	// final is the URL that answered, after redirects.
	final *url.URL
	// crossDomain is set when a redirect led to another registrable domain.
	crossDomain bool
	header      http.Header
}

// httpError is a non-200 answer.
type httpError struct {
	status int
	header http.Header
}

func (e *httpError) Error() string { return fmt.Sprintf("HTTP %d", e.status) }

// fetch GETs (or POSTs, when body is not nil) a URL with the size cap, the
// redirect limit and the deadline of ctx.
func (r *run) fetch(ctx context.Context, method, rawURL string, body []byte, contentType string) (*fetched, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "mailsetup")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &httpError{status: resp.StatusCode, header: resp.Header}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponse+1))
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	if len(data) > MaxResponse {
		return nil, fmt.Errorf("the answer is larger than %d bytes; refused", MaxResponse)
	}
	f := &fetched{body: data, final: resp.Request.URL, header: resp.Header}
	orig, _ := url.Parse(rawURL)
	if orig != nil && registrable(orig.Hostname()) != registrable(f.final.Hostname()) {
		f.crossDomain = true
	}
	return f, nil
}

// registrable returns the registrable domain (eTLD+1) of a host name, or the
// name itself when it has none.
func registrable(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return d
	}
	return host
}

// resolver sends DNS questions with the AD (authenticated data) bit asked
// for, to Options.DNS or the system's resolvers from /etc/resolv.conf. When
// neither is available it falls back to Go's resolver, which cannot report
// DNSSEC validation.
type resolver struct {
	servers []string
}

func newResolver(server string) *resolver {
	if server != "" {
		return &resolver{servers: []string{server}}
	}
	cc, err := dns.ClientConfigFromFile("/etc/resolv.conf")
	if err != nil || len(cc.Servers) == 0 {
		return &resolver{}
	}
	r := &resolver{}
	for _, s := range cc.Servers {
		r.servers = append(r.servers, net.JoinHostPort(s, cc.Port))
	}
	return r
}

// errNoName is a name that does not exist (NXDOMAIN) or has no such record.
var errNoName = errors.New("no such DNS record")

// query asks for name's records of qtype. ad reports the resolver's AD bit.
func (r *resolver) query(ctx context.Context, name string, qtype uint16) (rrs []dns.RR, ad bool, err error) {
	if len(r.servers) == 0 {
		return r.fallback(ctx, name, qtype)
	}
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.RecursionDesired = true
	m.AuthenticatedData = true
	m.SetEdns0(4096, true)
	var last error
	for _, srv := range r.servers {
		c := &dns.Client{Net: "udp"}
		in, _, err := c.ExchangeContext(ctx, m, srv)
		if err == nil && in.Truncated {
			c.Net = "tcp"
			in, _, err = c.ExchangeContext(ctx, m, srv)
		}
		if err != nil {
			last = err
			if ctx.Err() != nil {
				return nil, false, ctx.Err()
			}
			continue
		}
		switch in.Rcode {
		case dns.RcodeSuccess:
		case dns.RcodeNameError:
			return nil, in.AuthenticatedData, errNoName
		default:
			last = fmt.Errorf("DNS server %s answered %s", srv, dns.RcodeToString[in.Rcode])
			continue
		}
		for _, rr := range in.Answer {
			if rr.Header().Rrtype == qtype {
				rrs = append(rrs, rr)
			}
		}
		if len(rrs) == 0 {
			return nil, in.AuthenticatedData, errNoName
		}
		return rrs, in.AuthenticatedData, nil
	}
	return nil, false, last
}

// fallback answers MX and SRV questions through Go's resolver.
func (r *resolver) fallback(ctx context.Context, name string, qtype uint16) ([]dns.RR, bool, error) {
	notFound := func(err error) error {
		var de *net.DNSError
		if errors.As(err, &de) && de.IsNotFound {
			return errNoName
		}
		return err
	}
	var out []dns.RR
	switch qtype {
	case dns.TypeMX:
		mxs, err := net.DefaultResolver.LookupMX(ctx, name)
		if err != nil {
			return nil, false, notFound(err)
		}
		for _, m := range mxs {
			out = append(out, &dns.MX{Hdr: dns.RR_Header{Rrtype: dns.TypeMX}, Mx: m.Host, Preference: m.Pref})
		}
	case dns.TypeSRV:
		_, srvs, err := net.DefaultResolver.LookupSRV(ctx, "", "", name)
		if err != nil {
			return nil, false, notFound(err)
		}
		for _, s := range srvs {
			out = append(out, &dns.SRV{Hdr: dns.RR_Header{Rrtype: dns.TypeSRV}, Target: s.Target, Port: s.Port, Priority: s.Priority, Weight: s.Weight})
		}
	default:
		return nil, false, fmt.Errorf("unsupported DNS question")
	}
	return out, false, nil
}
