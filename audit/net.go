package audit

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/net/publicsuffix"
)

// maxBody caps every HTTP answer read (1 MiB), as discover does.
const maxBody = 1 << 20

// checker is one check's shared state.
type checker struct {
	opts   Options
	addr   string // the domain
	dialer *net.Dialer
	client *http.Client
	dns    *resolver
}

func newChecker(domain string, opts Options) *checker {
	c := &checker{opts: opts, addr: domain}
	c.dialer = &net.Dialer{Timeout: opts.ProbeTimeout}
	if opts.DNS != "" {
		server := opts.DNS
		c.dialer.Resolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, server)
		}}
	}
	c.dns = newResolver(opts.DNS)
	tr := &http.Transport{
		DialContext:            c.dial,
		TLSClientConfig:        &tls.Config{RootCAs: opts.RootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    opts.ProbeTimeout,
		ResponseHeaderTimeout:  opts.ProbeTimeout,
		MaxResponseHeaderBytes: 64 << 10,
		DisableKeepAlives:      true,
	}
	c.client = &http.Client{Transport: tr, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) > 3 {
			return fmt.Errorf("more than 3 redirects")
		}
		if via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
			return errors.New("redirect from https to plain http refused")
		}
		return nil
	}}
	return c
}

// dial opens a TCP connection with the connect timeout.
func (c *checker) dial(ctx context.Context, network, address string) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.ProbeTimeout)
	defer cancel()
	if c.opts.Dial != nil {
		return c.opts.Dial(ctx, network, address)
	}
	return c.dialer.DialContext(ctx, network, address)
}

// httpAnswer is one HTTP exchange.
type httpAnswer struct {
	status   int
	body     []byte
	final    *url.URL
	location string
}

// do sends one request. With follow false, a redirect is returned as is.
func (c *checker) do(ctx context.Context, method, u string, body []byte, follow bool) (*httpAnswer, error) {
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(string(body))
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "mailsetup check-domain")
	if body != nil {
		req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	}
	client := c.client
	if !follow {
		cc := *c.client
		cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		client = &cc
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, plainErr(err)
	}
	defer resp.Body.Close()
	a := &httpAnswer{status: resp.StatusCode, final: resp.Request.URL, location: resp.Header.Get("Location")}
	if resp.StatusCode == http.StatusOK {
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
		if err != nil {
			return nil, fmt.Errorf("reading the answer: %w", err)
		}
		if len(data) > maxBody {
			return nil, fmt.Errorf("the answer is larger than %d bytes", maxBody)
		}
		a.body = data
	}
	return a, nil
}

// plainErr words common network errors for people.
func plainErr(err error) error {
	var de *net.DNSError
	switch {
	case errors.As(err, &de) && de.IsNotFound:
		return absentError("the name " + de.Name + " does not exist in DNS")
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Errorf("no answer in time (%w)", context.DeadlineExceeded)
	case errors.Is(err, syscall.ECONNREFUSED):
		return absentError("the connection was refused: no web server there")
	}
	var he x509.HostnameError
	if errors.As(err, &he) {
		return webCertError("the HTTPS certificate is for another name: " + he.Error())
	}
	var ue x509.UnknownAuthorityError
	if errors.As(err, &ue) {
		return webCertError("the HTTPS certificate is not from a trusted issuer: " + ue.Error())
	}
	var ie x509.CertificateInvalidError
	if errors.As(err, &ie) {
		return webCertError("the HTTPS certificate is not valid: " + ie.Error())
	}
	return err
}

// webCertError is an HTTPS answer refused for its certificate.
type webCertError string

func (e webCertError) Error() string { return string(e) }

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// registrable returns the registrable domain (eTLD+1) of host.
func registrable(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return d
	}
	return host
}

// resolver asks DNS with the AD bit requested, like discover's.
type resolver struct{ servers []string }

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

// errNoRecord is NXDOMAIN or an empty answer.
var errNoRecord = errors.New("no such DNS record")

// absentError is "nothing there" in plain words; it counts as errNoRecord.
type absentError string

func (e absentError) Error() string        { return string(e) }
func (e absentError) Is(target error) bool { return target == errNoRecord }

// query returns name's records of qtype and the answer's AD bit.
func (r *resolver) query(ctx context.Context, name string, qtype uint16) ([]dns.RR, bool, error) {
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
		cl := &dns.Client{Net: "udp", Timeout: 5 * time.Second}
		in, _, err := cl.ExchangeContext(ctx, m, srv)
		if err == nil && in.Truncated {
			cl.Net = "tcp"
			in, _, err = cl.ExchangeContext(ctx, m, srv)
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
			return nil, in.AuthenticatedData, errNoRecord
		default:
			last = fmt.Errorf("the DNS server %s answered %s", srv, dns.RcodeToString[in.Rcode])
			continue
		}
		var rrs []dns.RR
		for _, rr := range in.Answer {
			if rr.Header().Rrtype == qtype {
				rrs = append(rrs, rr)
			}
		}
		if len(rrs) == 0 {
			return nil, in.AuthenticatedData, errNoRecord
		}
		return rrs, in.AuthenticatedData, nil
	}
	return nil, false, last
}

// fallback uses Go's resolver (no AD bit) when no DNS server is known.
func (r *resolver) fallback(ctx context.Context, name string, qtype uint16) ([]dns.RR, bool, error) {
	nf := func(err error) error {
		var de *net.DNSError
		if errors.As(err, &de) && de.IsNotFound {
			return errNoRecord
		}
		return err
	}
	var out []dns.RR
	switch qtype {
	case dns.TypeMX:
		mxs, err := net.DefaultResolver.LookupMX(ctx, name)
		if err != nil {
			return nil, false, nf(err)
		}
		for _, m := range mxs {
			out = append(out, &dns.MX{Hdr: dns.RR_Header{Rrtype: dns.TypeMX}, Mx: m.Host, Preference: m.Pref})
		}
	case dns.TypeSRV:
		_, srvs, err := net.DefaultResolver.LookupSRV(ctx, "", "", name)
		if err != nil {
			return nil, false, nf(err)
		}
		for _, s := range srvs {
			out = append(out, &dns.SRV{Hdr: dns.RR_Header{Rrtype: dns.TypeSRV}, Target: s.Target, Port: s.Port, Priority: s.Priority, Weight: s.Weight})
		}
	default:
		return nil, false, errors.New("unsupported DNS question")
	}
	return out, false, nil
}
