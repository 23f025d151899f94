// Package dnsq asks DNS the way mailsetup's discovery and domain check both
// need: with the AD (authenticated data) bit requested, so the answer says
// whether the resolver validated it with DNSSEC, to a chosen server or the
// system's (/etc/resolv.conf), over UDP with a TCP retry when truncated.
// Without any server it falls back to Go's resolver for MX and SRV, which
// cannot report DNSSEC. It is written once here for profiles/discover and
// audit.
package dnsq

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/net/publicsuffix"
)

// ErrNoRecord is a name that does not exist (NXDOMAIN) or has no record of
// the type asked for.
var ErrNoRecord = errors.New("no such DNS record")

// Resolver sends the questions.
type Resolver struct {
	// Servers are HOST:PORT addresses asked in order; none means Go's
	// resolver (no AD bit).
	Servers []string
	// Timeout bounds one exchange with one server; 0 is the dns package's
	// default (2 s for each of dial, write and read).
	Timeout time.Duration
}

// New returns a Resolver for server (HOST:PORT), or for the system's
// resolvers from /etc/resolv.conf when server is "".
func New(server string) *Resolver {
	if server != "" {
		return &Resolver{Servers: []string{server}}
	}
	cc, err := dns.ClientConfigFromFile("/etc/resolv.conf")
	if err != nil || len(cc.Servers) == 0 {
		return &Resolver{}
	}
	r := &Resolver{}
	for _, s := range cc.Servers {
		r.Servers = append(r.Servers, net.JoinHostPort(s, cc.Port))
	}
	return r
}

// Query returns name's records of qtype and the answer's AD bit.
func (r *Resolver) Query(ctx context.Context, name string, qtype uint16) (rrs []dns.RR, ad bool, err error) {
	if len(r.Servers) == 0 {
		return fallback(ctx, name, qtype)
	}
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.RecursionDesired = true
	m.AuthenticatedData = true
	m.SetEdns0(4096, true)
	var last error
	for _, srv := range r.Servers {
		c := &dns.Client{Net: "udp", Timeout: r.Timeout}
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
			return nil, in.AuthenticatedData, ErrNoRecord
		default:
			last = fmt.Errorf("the DNS server %s answered %s", srv, dns.RcodeToString[in.Rcode])
			continue
		}
		for _, rr := range in.Answer {
			if rr.Header().Rrtype == qtype {
				rrs = append(rrs, rr)
			}
		}
		if len(rrs) == 0 {
			return nil, in.AuthenticatedData, ErrNoRecord
		}
		return rrs, in.AuthenticatedData, nil
	}
	return nil, false, last
}

// fallback answers MX and SRV questions through Go's resolver.
func fallback(ctx context.Context, name string, qtype uint16) ([]dns.RR, bool, error) {
	notFound := func(err error) error {
		var de *net.DNSError
		if errors.As(err, &de) && de.IsNotFound {
			return ErrNoRecord
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
		return nil, false, errors.New("unsupported DNS question")
	}
	return out, false, nil
}

// Registrable returns the registrable domain (eTLD+1) of a host name, or the
// name itself when it has none.
func Registrable(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return d
	}
	return host
}
