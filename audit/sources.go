package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"mailsetup/profiles"
	"mailsetup/profiles/autoconfig"
	"mailsetup/profiles/discover"
	"mailsetup/profiles/knowledge"
)

// srvServices are the six records of RFC 6186 §3 and RFC 8314 §5.1, the
// same list discovery asks (discover.SRVRecords), implicit TLS first.
var srvServices = discover.SRVRecords()

// askAll starts every question at once and calls emit (from one goroutine
// at a time) with each answer as it arrives. It returns when all are done;
// every question honours ctx's deadline.
func (c *checker) askAll(ctx context.Context, emit func(SourceResult)) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	send := func(r SourceResult) {
		mu.Lock()
		defer mu.Unlock()
		emit(r)
	}
	job := func(f func() []SourceResult) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, r := range f() {
				send(r)
			}
		}()
	}
	one := func(f func() SourceResult) { job(func() []SourceResult { return []SourceResult{f()} }) }
	d := c.addr
	one(func() SourceResult { return c.builtin() })
	// Thunderbird's four provider URLs (discovery.md §1.1 b), without the
	// address: the check is for the domain, and K-9 never sends it (§2.1 a).
	one(func() SourceResult {
		return c.autoconfigURL(ctx, KindAutoconfigHTTPS, "https://autoconfig."+d+"/mail/config-v1.1.xml")
	})
	one(func() SourceResult {
		return c.autoconfigURL(ctx, KindAutoconfigHTTPSWellKnown, "https://"+d+"/.well-known/autoconfig/mail/config-v1.1.xml")
	})
	one(func() SourceResult {
		return c.autoconfigURL(ctx, KindAutoconfigHTTP, "http://autoconfig."+d+"/mail/config-v1.1.xml")
	})
	one(func() SourceResult {
		return c.autoconfigURL(ctx, KindAutoconfigHTTPWellKnown, "http://"+d+"/.well-known/autoconfig/mail/config-v1.1.xml")
	})
	one(func() SourceResult { return c.ispdb(ctx, KindISPDB, d) })
	job(func() []SourceResult { return c.mx(ctx) })
	for _, s := range srvServices {
		one(func() SourceResult { return c.srv(ctx, s) })
	}
	one(func() SourceResult {
		return c.pox(ctx, KindAutodiscoverSubdomain, "https://autodiscover."+d+"/autodiscover/autodiscover.xml")
	})
	one(func() SourceResult {
		return c.pox(ctx, KindAutodiscoverRoot, "https://"+d+"/autodiscover/autodiscover.xml")
	})
	one(func() SourceResult { return c.autodiscoverSRV(ctx) })
	one(func() SourceResult { return c.autodiscoverRedirect(ctx) })
	wg.Wait()
}

// placeholder is the address files and parsers are given: the check is for
// every user of the domain.
func (c *checker) placeholder() profiles.Address {
	a, err := profiles.ParseAddress("user@" + c.addr)
	if err != nil {
		return profiles.Address{Local: "user", Domain: c.addr, DomainUnicode: c.addr}
	}
	return a
}

// builtin asks mailsetup's own provider list (no network).
func (c *checker) builtin() SourceResult {
	t0 := time.Now()
	r := SourceResult{Source: profiles.SourceBuiltin, Kind: KindBuiltin, URL: c.addr}
	if cfg, ok := knowledge.Default().Detect(c.placeholder()); ok {
		r.setConfig(cfg)
		r.Detail = "mailsetup knows the provider " + cfg.Provider.Name
	} else {
		r.Detail = "not in mailsetup's built-in list"
	}
	return finish(&r, t0, nil)
}

// finish fills in the outcome of a question that ended in err.
func finish(r *SourceResult, t0 time.Time, err error) SourceResult {
	r.ElapsedMS = time.Since(t0).Milliseconds()
	var wce webCertError
	if errors.As(err, &wce) {
		r.CertificateError, r.present = true, true
	}
	switch {
	case err == nil:
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		r.Outcome, r.Detail = profiles.OutcomeTimeout, joinDetail(r.Detail, err.Error())
	case errors.Is(err, errNoRecord):
		r.Outcome = profiles.OutcomeNothing
		if err != errNoRecord {
			r.Detail = joinDetail(r.Detail, err.Error())
		} else if r.Detail == "" {
			r.Detail = "no such record"
		}
	default:
		r.Outcome, r.Detail = profiles.OutcomeError, joinDetail(r.Detail, err.Error())
	}
	if r.Outcome == "" {
		r.Outcome = profiles.OutcomeNothing
	}
	return *r
}

func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return a + ": " + b
}

// setConfig records what a document named.
func (r *SourceResult) setConfig(cfg *profiles.Config) {
	r.cfg = cfg
	r.Outcome = profiles.OutcomeFound
	for _, s := range cfg.Incoming {
		r.Incoming = append(r.Incoming, endpointOf(s))
	}
	for _, s := range cfg.Outgoing {
		r.Outgoing = append(r.Outgoing, endpointOf(s))
	}
	r.Detail = fmt.Sprintf("found %d incoming and %d outgoing servers", len(r.Incoming), len(r.Outgoing))
	if len(cfg.Warnings) > 0 {
		r.Detail += " (" + strings.Join(cfg.Warnings, "; ") + ")"
	}
}

// autoconfigURL fetches one clientConfig file and parses it with the parser
// detect uses.
func (c *checker) autoconfigURL(ctx context.Context, kind Kind, u string) SourceResult {
	t0 := time.Now()
	r := SourceResult{Source: profiles.SourceAutoconfig, Kind: kind, URL: u}
	if kind == KindMXAutoconfig {
		r.Source = profiles.SourceMX
	}
	a, err := c.do(ctx, "GET", u, nil, true)
	if err == nil && a.status == 400 {
		// automx2 answers 400 without ?emailaddress= (discovery.md §0, §3):
		// Thunderbird sends it, Thunderbird for Android never does.
		var b *httpAnswer
		if b, err = c.do(ctx, "GET", u+"?emailaddress="+url.QueryEscape(c.placeholder().String()), nil, true); err == nil && b.status == 200 {
			a, r.NeedsAddress = b, true
		}
	}
	if err != nil {
		return finish(&r, t0, err)
	}
	res := c.readAutoconfig(&r, t0, a)
	if res.NeedsAddress {
		res.Detail += "; only with ?emailaddress= (HTTP 400 without it)"
	}
	return res
}

func (c *checker) readAutoconfig(r *SourceResult, t0 time.Time, a *httpAnswer) SourceResult {
	switch {
	case a.status == 404 || a.status == 410:
		r.Detail = fmt.Sprintf("HTTP %d: no file here", a.status)
		return finish(r, t0, nil)
	case a.status != 200:
		return finish(r, t0, fmt.Errorf("HTTP %d", a.status))
	}
	r.body = a.body
	cfg, err := autoconfig.Parse(bytes.NewReader(a.body), c.placeholder())
	if err != nil {
		r.Malformed = true
		return finish(r, t0, fmt.Errorf("the file cannot be used: %w", err))
	}
	r.setConfig(cfg)
	if a.final != nil && a.final.String() != r.URL {
		r.Detail += "; answered by " + a.final.String()
	}
	return finish(r, t0, nil)
}

// ispdb asks the ISP database for domain.
func (c *checker) ispdb(ctx context.Context, kind Kind, domain string) SourceResult {
	t0 := time.Now()
	base := c.opts.ISPDB
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	r := SourceResult{Source: profiles.SourceISPDB, Kind: kind, URL: base + domain}
	if kind == KindMXISPDB {
		r.Source = profiles.SourceMX
	}
	a, err := c.do(ctx, "GET", r.URL, nil, true)
	if err != nil {
		return finish(&r, t0, err)
	}
	if a.status == 404 || a.status == 410 {
		r.Detail = "not in the database"
		return finish(&r, t0, nil)
	}
	return c.readAutoconfig(&r, t0, a)
}

// mx reads the MX records, names the provider of the most preferred host
// from the built-in knowledge and asks, for the MX host's domains, their
// own autoconfig over HTTPS and the ISPDB (Thunderbird's queue,
// discovery.md §1.1 d, and K-9's PostMxLookupAutoconfigUrlProvider, §2.1 c:
// autoconfig.<host minus its first label>, ISPDB of it, then the same for
// the registrable domain).
func (c *checker) mx(ctx context.Context) []SourceResult {
	t0 := time.Now()
	r := SourceResult{Source: profiles.SourceMX, Kind: KindMX, URL: c.addr}
	rrs, ad, err := c.dns.query(ctx, c.addr, dns.TypeMX)
	if err != nil {
		if errors.Is(err, errNoRecord) {
			r.Detail = "no MX records"
		}
		return []SourceResult{finish(&r, t0, err)}
	}
	r.DNSSEC = &ad
	var mxs []*dns.MX
	for _, rr := range rrs {
		if m, ok := rr.(*dns.MX); ok && m.Mx != "." && m.Mx != "" {
			mxs = append(mxs, m)
		}
	}
	if len(mxs) == 0 {
		r.Detail = "null MX: the domain accepts no mail"
		return []SourceResult{finish(&r, t0, nil)}
	}
	sort.SliceStable(mxs, func(i, j int) bool { return mxs[i].Preference < mxs[j].Preference })
	host := strings.ToLower(strings.TrimSuffix(mxs[0].Mx, "."))
	reg := registrable(host)
	r.Detail = fmt.Sprintf("MX %s (registrable domain %s)", host, reg)
	if p, ok := knowledge.Default().LookupMX(reg); ok {
		r.setConfig(p.ConfigFor(c.placeholder(), profiles.SourceMX))
		r.Provider = p.ID
		r.Detail = fmt.Sprintf("MX %s belongs to %s (built-in provider %s)", host, p.Name, p.ID)
	} else if reg == registrable(c.addr) {
		r.Detail += ": the domain receives its own mail"
	}
	out := []SourceResult{finish(&r, t0, nil)}
	if reg == registrable(c.addr) {
		return out
	}
	var tries []string
	if i := strings.IndexByte(host, '.'); i > 0 && host[i+1:] != reg {
		tries = append(tries, host[i+1:])
	}
	tries = append(tries, reg)
	res := make([]SourceResult, 2*len(tries))
	var wg sync.WaitGroup
	for i, dom := range tries {
		wg.Add(2)
		go func() {
			defer wg.Done()
			res[2*i] = c.autoconfigURL(ctx, KindMXAutoconfig, "https://autoconfig."+dom+"/mail/config-v1.1.xml")
		}()
		go func() { defer wg.Done(); res[2*i+1] = c.ispdb(ctx, KindMXISPDB, dom) }()
	}
	wg.Wait()
	for i := range res {
		res[i].DNSSEC, res[i].seq = &ad, i+1
	}
	return append(out, res...)
}

// srv reads one RFC 6186 record. A lone "." target means "not offered".
func (c *checker) srv(ctx context.Context, s discover.SRVRecord) SourceResult {
	t0 := time.Now()
	r := SourceResult{Source: profiles.SourceSRV, Kind: KindSRV, URL: s.Name + c.addr}
	rrs, ad, err := c.dns.query(ctx, r.URL, dns.TypeSRV)
	if err != nil {
		return finish(&r, t0, err)
	}
	r.DNSSEC = &ad
	var parts []string
	for _, rr := range rrs {
		rec, ok := rr.(*dns.SRV)
		if !ok {
			continue
		}
		host := strings.ToLower(strings.TrimSuffix(rec.Target, "."))
		if host == "" {
			parts = append(parts, "not offered (target \".\")")
			continue
		}
		if rec.Port == 0 || profiles.ValidateHost(host) != nil {
			parts = append(parts, fmt.Sprintf("unusable record %s:%d", host, rec.Port))
			continue
		}
		e := Endpoint{Protocol: s.Protocol, Host: host, Port: int(rec.Port), Security: s.Security}
		if s.Protocol == profiles.SMTP {
			r.Outgoing = append(r.Outgoing, e)
		} else {
			r.Incoming = append(r.Incoming, e)
		}
		parts = append(parts, fmt.Sprintf("%s:%d (priority %d, weight %d)", host, rec.Port, rec.Priority, rec.Weight))
	}
	r.Detail = strings.Join(parts, "; ")
	if len(r.Incoming)+len(r.Outgoing) > 0 {
		r.Outcome = profiles.OutcomeFound
	}
	return finish(&r, t0, nil)
}

// pox posts Outlook's Autodiscover request (no credentials) to u and reads
// the answer with discover's parser, following one redirectUrl.
func (c *checker) pox(ctx context.Context, kind Kind, u string) SourceResult {
	t0 := time.Now()
	r := SourceResult{Source: profiles.SourceAutodiscover, Kind: kind, URL: u}
	return c.postPOX(ctx, &r, t0, u, 0)
}

func (c *checker) postPOX(ctx context.Context, r *SourceResult, t0 time.Time, u string, depth int) SourceResult {
	addr := c.placeholder()
	a, err := c.do(ctx, "POST", u, discover.AutodiscoverRequest(addr), true)
	if err != nil {
		return finish(r, t0, err)
	}
	switch {
	case a.status == 401 || a.status == 403:
		r.present = true
		r.Detail = joinDetail(r.Detail, fmt.Sprintf("%s asks for a sign-in (HTTP %d): an Exchange-style Autodiscover that shows nothing without a password", u, a.status))
		return finish(r, t0, nil)
	case a.status == 404 || a.status == 410:
		r.Detail = joinDetail(r.Detail, fmt.Sprintf("HTTP %d: no Autodiscover here", a.status))
		return finish(r, t0, nil)
	case a.status != 200:
		return finish(r, t0, fmt.Errorf("HTTP %d", a.status))
	}
	host := u
	if a.final != nil {
		host = a.final.Hostname()
	}
	cfg, redirect, exchange, err := discover.ParseAutodiscover(a.body, host, addr)
	switch {
	case err != nil:
		r.present = true
		r.Malformed = exchange == ""
		return finish(r, t0, err)
	case redirect != "":
		nu, perr := url.Parse(redirect)
		if depth > 0 || perr != nil || nu.Scheme != "https" {
			return finish(r, t0, fmt.Errorf("redirect to %q not followed (only one, and only to https)", redirect))
		}
		r.Detail = joinDetail(r.Detail, "redirects to "+redirect)
		return c.postPOX(ctx, r, t0, redirect, depth+1)
	}
	r.present = true
	r.setConfig(cfg)
	return finish(r, t0, nil)
}

// autodiscoverSRV follows _autodiscover._tcp (RFC 2782 order: the lowest
// priority) to https://target:port/autodiscover/autodiscover.xml, as
// Outlook and Thunderbird do (discovery.md §1.1 e, §7).
func (c *checker) autodiscoverSRV(ctx context.Context) SourceResult {
	t0 := time.Now()
	r := SourceResult{Source: profiles.SourceAutodiscover, Kind: KindAutodiscoverSRV, URL: "_autodiscover._tcp." + c.addr}
	rrs, ad, err := c.dns.query(ctx, r.URL, dns.TypeSRV)
	if err != nil {
		return finish(&r, t0, err)
	}
	r.DNSSEC = &ad
	var best *dns.SRV
	for _, rr := range rrs {
		if s, ok := rr.(*dns.SRV); ok && s.Target != "." && (best == nil || s.Priority < best.Priority) {
			best = s
		}
	}
	if best == nil {
		r.Detail = "not offered (target \".\")"
		return finish(&r, t0, nil)
	}
	host := strings.TrimSuffix(best.Target, ".")
	hp := host
	if best.Port != 443 {
		hp = net.JoinHostPort(host, strconv.Itoa(int(best.Port)))
	}
	r.Detail = "points to " + hp
	return c.postPOX(ctx, &r, t0, "https://"+hp+"/autodiscover/autodiscover.xml", 0)
}

// autodiscoverRedirect is Outlook's "HTTP redirect method": a GET over plain
// HTTP whose redirect names the real Autodiscover URL (HTTPS only).
func (c *checker) autodiscoverRedirect(ctx context.Context) SourceResult {
	t0 := time.Now()
	u := "http://autodiscover." + c.addr + "/autodiscover/autodiscover.xml"
	r := SourceResult{Source: profiles.SourceAutodiscover, Kind: KindAutodiscoverRedirect, URL: u}
	a, err := c.do(ctx, "GET", u, nil, false)
	if err != nil {
		return finish(&r, t0, err)
	}
	if a.status/100 != 3 || a.location == "" {
		r.Detail = fmt.Sprintf("no redirect (HTTP %d)", a.status)
		return finish(&r, t0, nil)
	}
	loc, perr := url.Parse(a.location)
	if perr != nil || loc.Scheme != "https" {
		return finish(&r, t0, fmt.Errorf("redirects to %q, which is not https; Outlook does not follow it", a.location))
	}
	r.Detail = "redirects to " + a.location
	return c.postPOX(ctx, &r, t0, a.location, 1)
}
