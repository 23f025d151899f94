package audit

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
)

// Check audits domain: every source at once, every server as soon as a
// source names it, all under one deadline; then the clients, problems and
// files. The error is only for a domain that is not a domain.
func Check(ctx context.Context, domain string, opts Options) (*Report, error) {
	ascii, uni, err := profiles.NormalizeDomain(domain)
	if err != nil {
		return nil, fmt.Errorf("%q is not a domain name: %w", domain, err)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.ProbeTimeout <= 0 {
		opts.ProbeTimeout = DefaultProbeTimeout
	}
	if opts.ISPDB == "" {
		opts.ISPDB = DefaultISPDB
	}
	if opts.Lang == "" || !i18n.Supported(opts.Lang) {
		opts.Lang = i18n.Fallback
	}
	t0 := time.Now()
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	c := newChecker(ascii, opts)
	rep := &Report{Domain: ascii, Lang: opts.Lang, Sources: []SourceResult{}, Servers: []ServerReport{},
		Clients: []ClientReport{}, Problems: []Problem{}, Files: []File{}}
	if uni != ascii {
		rep.DomainUnicode = uni
	}

	var mu sync.Mutex
	var probes sync.WaitGroup
	named := map[Endpoint][]string{}
	results := map[Endpoint]ServerReport{}
	name := func(e Endpoint, by string) {
		mu.Lock()
		defer mu.Unlock()
		if list, ok := named[e]; ok {
			if !contains(list, by) {
				named[e] = append(list, by)
			}
			return
		}
		named[e] = []string{by}
		probes.Add(1)
		go func() {
			defer probes.Done()
			r := c.probe(ctx, e)
			mu.Lock()
			results[e] = r
			mu.Unlock()
		}()
	}
	c.askAll(ctx, func(r SourceResult) {
		rep.Sources = append(rep.Sources, r)
		for _, e := range append(append([]Endpoint(nil), r.Incoming...), r.Outgoing...) {
			name(e, string(r.Source))
		}
	})
	probes.Wait()
	sortSources(rep.Sources)
	for e, r := range results {
		r.NamedBy = named[e]
		sort.Strings(r.NamedBy)
		rep.Servers = append(rep.Servers, r)
	}
	sortServers(rep.Servers)
	rep.Clients = clients(rep)
	rep.Problems = problems(rep)
	rep.Files = files(rep)
	rep.ElapsedMS = time.Since(t0).Milliseconds()
	return rep, nil
}

// kindOrder is the order sources are listed in.
var kindOrder = []Kind{KindBuiltin, KindAutoconfigHTTPS, KindAutoconfigHTTPSWellKnown, KindAutoconfigHTTP, KindAutoconfigHTTPWellKnown,
	KindISPDB, KindMX, KindMXAutoconfig, KindSRV, KindAutodiscoverSubdomain, KindAutodiscoverRoot, KindAutodiscoverSRV, KindAutodiscoverRedirect}

func kindRank(k Kind) int {
	if k == KindMXISPDB {
		k = KindMXAutoconfig // one queue, in question order (seq)
	}
	for i, o := range kindOrder {
		if o == k {
			return i
		}
	}
	return len(kindOrder)
}

// srvRank orders the SRV questions as srvServices lists them.
func srvRank(u string) int {
	for i, s := range srvServices {
		if len(u) >= len(s.Name) && u[:len(s.Name)] == s.Name {
			return i
		}
	}
	return len(srvServices)
}

func sortSources(list []SourceResult) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if kindRank(a.Kind) != kindRank(b.Kind) {
			return kindRank(a.Kind) < kindRank(b.Kind)
		}
		if a.Kind == KindSRV {
			return srvRank(a.URL) < srvRank(b.URL)
		}
		if a.seq != b.seq {
			return a.seq < b.seq
		}
		return a.URL < b.URL
	})
}

var protoRank = map[profiles.Protocol]int{profiles.IMAP: 0, profiles.POP3: 1, profiles.SMTP: 2}

func sortServers(list []ServerReport) {
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if protoRank[a.Protocol] != protoRank[b.Protocol] {
			return protoRank[a.Protocol] < protoRank[b.Protocol]
		}
		if a.Host != b.Host {
			return a.Host < b.Host
		}
		if a.Port != b.Port {
			return a.Port < b.Port
		}
		return a.Security < b.Security
	})
}

func contains(list []string, s string) bool {
	for _, o := range list {
		if o == s {
			return true
		}
	}
	return false
}

// works reports whether a mail program can use the server as named: it
// answers, its certificate is trusted and valid for its name, and the
// security the source names is there.
func (r *Report) works(e Endpoint) bool {
	s, ok := r.Server(e)
	if !ok || !s.Reachable || s.Error != "" {
		return false
	}
	if e.Security == profiles.SecurityNone {
		return true
	}
	return s.TLS != nil && s.TLS.Trusted && s.TLS.Problem == ""
}
