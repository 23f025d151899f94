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

	"mailsetup/internal/dnsq"
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

// registrable is dnsq.Registrable.
func registrable(host string) string { return dnsq.Registrable(host) }

// resolver asks DNS with the AD bit requested (internal/dnsq, shared with
// the domain check).
type resolver struct{ *dnsq.Resolver }

func newResolver(server string) *resolver { return &resolver{dnsq.New(server)} }

// errNoName is a name that does not exist (NXDOMAIN) or has no such record.
var errNoName = dnsq.ErrNoRecord

// query asks for name's records of qtype. ad reports the resolver's AD bit.
func (r *resolver) query(ctx context.Context, name string, qtype uint16) (rrs []dns.RR, ad bool, err error) {
	return r.Query(ctx, name, qtype)
}
