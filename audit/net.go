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

	"mailsetup/internal/dnsq"
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

// registrable is dnsq.Registrable.
func registrable(host string) string { return dnsq.Registrable(host) }

// resolver asks DNS with the AD bit requested: the same code as discovery's
// (internal/dnsq), with a longer wait for each answer.
type resolver struct{ *dnsq.Resolver }

func newResolver(server string) *resolver {
	r := dnsq.New(server)
	r.Timeout = 5 * time.Second
	return &resolver{r}
}

// errNoRecord is NXDOMAIN or an empty answer.
var errNoRecord = dnsq.ErrNoRecord

// absentError is "nothing there" in plain words; it counts as errNoRecord.
type absentError string

func (e absentError) Error() string        { return string(e) }
func (e absentError) Is(target error) bool { return target == errNoRecord }

// query returns name's records of qtype and the answer's AD bit.
func (r *resolver) query(ctx context.Context, name string, qtype uint16) ([]dns.RR, bool, error) {
	return r.Query(ctx, name, qtype)
}
