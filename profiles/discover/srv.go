package discover

// The SRV source (RFC 6186, RFC 8314).

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"mailsetup/profiles"
)

// srvOrder sorts SRV records per RFC 2782: by priority, and within one
// priority by weighted random choice. randIntN is replaced in tests.
var randIntN = rand.IntN

func srvOrder(in []*dns.SRV) []*dns.SRV {
	recs := append([]*dns.SRV(nil), in...)
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].Priority < recs[j].Priority })
	var out []*dns.SRV
	for i := 0; i < len(recs); {
		j := i
		for j < len(recs) && recs[j].Priority == recs[i].Priority {
			j++
		}
		group := append([]*dns.SRV(nil), recs[i:j]...)
		// Weight-0 records first, as RFC 2782 asks, then weighted draws.
		sort.SliceStable(group, func(a, b int) bool { return group[a].Weight == 0 && group[b].Weight != 0 })
		for len(group) > 0 {
			total := 0
			for _, g := range group {
				total += int(g.Weight)
			}
			pick := 0
			if total > 0 {
				n := randIntN(total + 1)
				sum := 0
				for k, g := range group {
					sum += int(g.Weight)
					if sum >= n {
						pick = k
						break
					}
				}
			}
			out = append(out, group[pick])
			group = append(group[:pick], group[pick+1:]...)
		}
		i = j
	}
	return out
}

// srvService is one RFC 6186 / RFC 8314 service name.
type srvService struct {
	name     string
	protocol profiles.Protocol
	security profiles.Security
}

var srvServices = []srvService{
	{"_imaps._tcp.", profiles.IMAP, profiles.SecurityTLS},
	{"_imap._tcp.", profiles.IMAP, profiles.SecuritySTARTTLS},
	{"_pop3s._tcp.", profiles.POP3, profiles.SecurityTLS},
	{"_pop3._tcp.", profiles.POP3, profiles.SecuritySTARTTLS},
	{"_submissions._tcp.", profiles.SMTP, profiles.SecurityTLS},
	{"_submission._tcp.", profiles.SMTP, profiles.SecuritySTARTTLS},
}

// srvResult is the answer for one SRV service name.
type srvResult struct {
	recs []*dns.SRV
	ad   bool
	err  error
}

// srvLookup asks for every service of srvServices at once.
func (r *run) srvLookup(ctx context.Context) []srvResult {
	results := make([]srvResult, len(srvServices))
	var wg sync.WaitGroup
	for i, s := range srvServices {
		wg.Add(1)
		go func(i int, s srvService) {
			defer wg.Done()
			rrs, ad, err := r.dns.query(ctx, s.name+r.addr.Domain, dns.TypeSRV)
			var recs []*dns.SRV
			for _, rr := range rrs {
				if srv, ok := rr.(*dns.SRV); ok {
					recs = append(recs, srv)
				}
			}
			results[i] = srvResult{recs, ad, err}
		}(i, s)
	}
	wg.Wait()
	return results
}

// fromSRV reads the RFC 6186 / 8314 records. A single record with target
// "." means the service is not offered. Servers found on _imap, _pop3 and
// _submission are configured with STARTTLS, never in plain text.
func (r *run) fromSRV(ctx context.Context) answer {
	results := r.srvLookup(ctx)
	cfg := &profiles.Config{
		Address: r.addr.String(), Domain: r.addr.Domain, Source: profiles.SourceSRV,
		Provider: profiles.Provider{ID: r.addr.Domain, Name: r.addr.DomainUnicode},
		Trust:    profiles.TrustVerified,
	}
	if r.addr.DomainUnicode != r.addr.Domain {
		cfg.DomainUnicode = r.addr.DomainUnicode
	}
	var parts []string
	var lastErr error
	allAD := true
	for i, s := range srvServices {
		rs := results[i]
		name := strings.TrimSuffix(s.name, ".")
		switch {
		case errors.Is(rs.err, errNoName):
			continue
		case rs.err != nil:
			lastErr = rs.err
			parts = append(parts, name+": "+rs.err.Error())
			continue
		}
		if len(rs.recs) == 1 && (rs.recs[0].Target == "." || rs.recs[0].Target == "") {
			parts = append(parts, name+": not offered (\".\")")
			continue
		}
		if !rs.ad {
			allAD = false
		}
		for _, rec := range srvOrder(rs.recs) {
			host := strings.ToLower(strings.TrimSuffix(rec.Target, "."))
			if host == "" || rec.Port == 0 || profiles.ValidateHost(host) != nil {
				continue
			}
			srv := profiles.Server{Protocol: s.protocol, Host: host, Port: int(rec.Port), Security: s.security,
				Username: r.addr.String(), Auth: []profiles.AuthMethod{profiles.AuthPassword}}
			parts = append(parts, fmt.Sprintf("%s: %s:%d", name, host, rec.Port))
			if s.protocol == profiles.SMTP {
				cfg.Outgoing = appendServer(cfg.Outgoing, srv)
			} else {
				cfg.Incoming = appendServer(cfg.Incoming, srv)
			}
		}
	}
	detail := strings.Join(parts, "; ")
	if !cfg.Found() {
		if detail == "" {
			detail = "no SRV records for " + r.addr.Domain
		} else if len(cfg.Incoming)+len(cfg.Outgoing) > 0 {
			detail += " (records for only one direction)"
		}
		return answer{detail: detail, err: lastErr}
	}
	if !allAD {
		cfg.Trust = profiles.TrustConfirm
		cfg.Warnings = append(cfg.Warnings, "taken from DNS SRV records that were not validated by DNSSEC; check the server names")
	}
	cfg.TrustDomain = registrable(cfg.Incoming[0].Host)
	cfg.Normalize()
	return answer{cfg: cfg, detail: detail, url: "_imaps._tcp." + r.addr.Domain}
}

func appendServer(list []profiles.Server, s profiles.Server) []profiles.Server {
	if containsServer(list, s) {
		return list
	}
	return append(list, s)
}
