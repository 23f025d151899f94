package discover

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/xml"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"mailsetup/profiles"
	"mailsetup/profiles/autoconfig"
)

// attempt is one URL a source fetched.
type attempt struct {
	url string
	cfg *profiles.Config
	f   *fetched
	err error
}

// parallelFetch fetches every URL at once and parses each answer with parse.
func (r *run) parallelFetch(ctx context.Context, urls []string, fetch func(context.Context, string) (*fetched, error), parse func(*fetched) (*profiles.Config, error)) []attempt {
	out := make([]attempt, len(urls))
	var wg sync.WaitGroup
	for i, u := range urls {
		wg.Add(1)
		go func(i int, u string) {
			defer wg.Done()
			a := attempt{url: u}
			a.f, a.err = fetch(ctx, u)
			if a.err == nil {
				a.cfg, a.err = parse(a.f)
			}
			out[i] = a
		}(i, u)
	}
	wg.Wait()
	return out
}

func (r *run) get(ctx context.Context, u string) (*fetched, error) {
	return r.fetch(ctx, "GET", u, nil, "")
}

func (r *run) parseAutoconfig(f *fetched) (*profiles.Config, error) {
	return autoconfig.Parse(bytes.NewReader(f.body), r.addr)
}

// summary lists each attempt's URL (without the query, which holds the
// address) and result for the trace.
func summary(list []attempt) string {
	var parts []string
	for _, a := range list {
		u := a.url
		if i := strings.IndexByte(u, '?'); i >= 0 {
			u = u[:i]
		}
		switch {
		case a.cfg != nil:
			parts = append(parts, u+": found")
		case a.err != nil:
			parts = append(parts, u+": "+a.err.Error())
		}
	}
	return strings.Join(parts, "; ")
}

func firstErr(list []attempt) error {
	for _, a := range list {
		if a.err != nil && (errors.Is(a.err, context.DeadlineExceeded) || errors.Is(a.err, context.Canceled)) {
			return a.err
		}
	}
	for _, a := range list {
		if a.err != nil {
			var he *httpError
			if errors.As(a.err, &he) && (he.status == 404 || he.status == 410) {
				continue
			}
			var de *net.DNSError
			if errors.As(a.err, &de) && de.IsNotFound {
				continue
			}
			return a.err
		}
	}
	return nil
}

// autoconfig asks the domain itself over HTTPS (both URLs, with the address)
// and, unless HTTPSOnly, over plain HTTP without the address as a last resort.
func (r *run) autoconfig(ctx context.Context) answer {
	d := r.addr.Domain
	q := "?emailaddress=" + url.QueryEscape(r.addr.String())
	urls := []string{
		"https://autoconfig." + d + "/mail/config-v1.1.xml" + q,
		"https://" + d + "/.well-known/autoconfig/mail/config-v1.1.xml" + q,
	}
	if !r.opts.HTTPSOnly {
		// Never the address over plain HTTP.
		urls = append(urls, "http://autoconfig."+d+"/mail/config-v1.1.xml")
	}
	list := r.parallelFetch(ctx, urls, r.get, r.parseAutoconfig)
	detail := summary(list)
	for _, a := range list {
		if a.cfg == nil {
			continue
		}
		cfg := a.cfg
		cfg.Source = profiles.SourceAutoconfig
		cfg.TrustDomain = registrable(d)
		if a.f.final.Scheme != "https" {
			cfg.Trust = profiles.TrustConfirm
			cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("these settings were fetched over unencrypted HTTP from %s and could have been changed on the way; check them before use", a.f.final.Host))
		}
		if a.f.crossDomain {
			cfg.Trust = profiles.TrustConfirm
			cfg.TrustDomain = registrable(a.f.final.Hostname())
			cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("the autoconfig of %s redirected to another domain, %s; check that you trust it", d, cfg.TrustDomain))
		}
		return answer{cfg: cfg, detail: detail, url: strings.SplitN(a.url, "?", 2)[0]}
	}
	return answer{detail: detail, err: firstErr(list)}
}

// fromISPDB asks the ISP database for the address's domain.
func (r *run) fromISPDB(ctx context.Context) answer {
	cfg, detail, u, err := r.ispdbLookup(ctx, r.addr.Domain)
	if cfg != nil {
		cfg.Source = profiles.SourceISPDB
	}
	return answer{cfg: cfg, detail: detail, url: u, err: err}
}

// ispdbLookup fetches base+domain and parses it for the address. A nil
// Config and nil error mean the database does not know the domain.
func (r *run) ispdbLookup(ctx context.Context, domain string) (*profiles.Config, string, string, error) {
	u := r.ispdb + domain
	f, err := r.get(ctx, u)
	if err != nil {
		var he *httpError
		if errors.As(err, &he) && (he.status == 404 || he.status == 410) {
			return nil, u + ": not in the database", u, nil
		}
		return nil, u + ": " + err.Error(), u, err
	}
	cfg, err := r.parseAutoconfig(f)
	if err != nil {
		return nil, u + ": " + err.Error(), u, err
	}
	cfg.TrustDomain = registrable(f.final.Hostname())
	if f.final.Scheme != "https" {
		cfg.Trust = profiles.TrustConfirm
		cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("these settings were fetched over unencrypted HTTP from %s and could have been changed on the way", f.final.Host))
	}
	if f.crossDomain {
		cfg.Trust = profiles.TrustConfirm
		cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("the ISP database redirected to another domain, %s", registrable(f.final.Hostname())))
	}
	return cfg, u + ": found " + cfg.Provider.Name, u, nil
}

// fromMX reads the domain's MX hosts, takes the most preferred one's
// registrable domain and looks it up in the knowledge base, then the ISPDB.
func (r *run) fromMX(ctx context.Context) answer {
	rrs, ad, err := r.dns.query(ctx, r.addr.Domain, dns.TypeMX)
	if errors.Is(err, errNoName) {
		return answer{detail: "no MX records for " + r.addr.Domain}
	}
	if err != nil {
		return answer{err: fmt.Errorf("MX lookup: %w", err)}
	}
	var mxs []*dns.MX
	for _, rr := range rrs {
		if mx, ok := rr.(*dns.MX); ok && mx.Mx != "." && mx.Mx != "" {
			mxs = append(mxs, mx)
		}
	}
	if len(mxs) == 0 {
		return answer{detail: r.addr.Domain + " accepts no mail (null MX)"}
	}
	sort.SliceStable(mxs, func(i, j int) bool { return mxs[i].Preference < mxs[j].Preference })
	host := strings.ToLower(strings.TrimSuffix(mxs[0].Mx, "."))
	reg := registrable(host)
	dnssec := "not validated by DNSSEC"
	if ad {
		dnssec = "validated by DNSSEC"
	}
	detail := fmt.Sprintf("MX %s (registrable domain %s, %s)", host, reg, dnssec)
	if reg == registrable(r.addr.Domain) {
		return answer{detail: detail + ": the domain handles its own mail"}
	}
	finish := func(cfg *profiles.Config, how string) answer {
		cfg.Source = profiles.SourceMX
		cfg.TrustDomain = reg
		if !ad || cfg.Trust == profiles.TrustConfirm {
			cfg.Trust = profiles.TrustConfirm
		}
		cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("inferred from MX: mail for %s is handled by %s (%s), so these are %s's settings; the DNS answer was %s",
			r.addr.Domain, host, reg, cfg.Provider.Name, dnssec))
		return answer{cfg: cfg, detail: detail + " → " + how, url: host}
	}
	if p, ok := r.kb.LookupMX(reg); ok {
		return finish(p.ConfigFor(r.addr, profiles.SourceMX), "built-in provider "+p.ID)
	}
	// Thunderbird's order: the MX host's parent domain, then the registrable one.
	var tries []string
	if i := strings.IndexByte(host, '.'); i > 0 && host[i+1:] != reg {
		tries = append(tries, host[i+1:])
	}
	tries = append(tries, reg)
	var lastErr error
	for _, dom := range tries {
		cfg, d, _, err := r.ispdbLookup(ctx, dom)
		detail += "; ISPDB " + d
		if cfg != nil {
			return finish(cfg, "ISPDB "+dom)
		}
		if err != nil {
			lastErr = err
		}
	}
	return answer{detail: detail, err: lastErr}
}

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

// fromSRV reads the RFC 6186 / 8314 records. A single record with target
// "." means the service is not offered. Servers found on _imap, _pop3 and
// _submission are configured with STARTTLS, never in plain text.
func (r *run) fromSRV(ctx context.Context) answer {
	type res struct {
		recs []*dns.SRV
		ad   bool
		err  error
	}
	results := make([]res, len(srvServices))
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
			results[i] = res{recs, ad, err}
		}(i, s)
	}
	wg.Wait()
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

// autodiscoverRequest is the Outlook POX request; %s is the address.
const autodiscoverRequest = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>%s</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>`

// poxResponse is the part of an Autodiscover POX answer mailsetup reads.
type poxResponse struct {
	XMLName  xml.Name
	Response struct {
		Error *struct {
			Message string `xml:"Message"`
		} `xml:"Error"`
		Account struct {
			AccountType string `xml:"AccountType"`
			Action      string `xml:"Action"`
			RedirectURL string `xml:"RedirectUrl"`
			Protocols   []struct {
				Type       string `xml:"Type"`
				Server     string `xml:"Server"`
				Port       string `xml:"Port"`
				LoginName  string `xml:"LoginName"`
				SSL        string `xml:"SSL"`
				Encryption string `xml:"Encryption"`
				SPA        string `xml:"SPA"`
				AuthPkg    string `xml:"AuthPackage"`
			} `xml:"Protocol"`
		} `xml:"Account"`
	} `xml:"Response"`
}

// microsoft365 is the configuration of Exchange Online (Microsoft 365).
func (r *run) microsoft365(how string) *profiles.Config {
	warn := "recognised as Microsoft 365 / Exchange Online by Autodiscover (" + how + "); OAuth2 sign-in is needed"
	if p, ok := r.kb.Provider("microsoft365"); ok {
		cfg := p.ConfigFor(r.addr, profiles.SourceAutodiscover)
		cfg.Trust, cfg.TrustDomain = profiles.TrustConfirm, "outlook.com"
		if !cfg.HasNote(profiles.NoteOAuthOnly) {
			cfg.Notes = append(cfg.Notes, profiles.Note{Kind: profiles.NoteOAuthOnly, Key: "note.oauth-only",
				Text: "Microsoft 365 accepts only OAuth2 sign-in (a browser window) for IMAP and POP3; a password will not work."})
		}
		cfg.Warnings = append(cfg.Warnings, warn)
		return cfg
	}
	oauth := []profiles.AuthMethod{profiles.AuthOAuth2}
	u := r.addr.String()
	cfg := &profiles.Config{
		Address: u, Domain: r.addr.Domain, Source: profiles.SourceAutodiscover,
		Provider: profiles.Provider{ID: "microsoft365", Name: "Microsoft 365 (Exchange Online)", Webmail: "https://outlook.office.com/mail/"},
		Incoming: []profiles.Server{
			{Protocol: profiles.IMAP, Host: "outlook.office365.com", Port: 993, Security: profiles.SecurityTLS, Username: u, Auth: oauth},
			{Protocol: profiles.POP3, Host: "outlook.office365.com", Port: 995, Security: profiles.SecurityTLS, Username: u, Auth: oauth},
		},
		Outgoing: []profiles.Server{
			{Protocol: profiles.SMTP, Host: "smtp.office365.com", Port: 587, Security: profiles.SecuritySTARTTLS, Username: u, Auth: oauth},
		},
		Notes: []profiles.Note{{Kind: profiles.NoteOAuthOnly, Key: "note.oauth-only",
			Text: "Microsoft 365 accepts only OAuth2 sign-in (a browser window) for IMAP, POP3 and SMTP; a password will not work. Your organisation's administrator must allow IMAP/SMTP for your mailbox."}},
		Trust:       profiles.TrustConfirm,
		TrustDomain: "outlook.com",
	}
	cfg.Warnings = append(cfg.Warnings, warn)
	cfg.Normalize()
	return cfg
}

func isMicrosoftHost(h string) bool {
	h = strings.ToLower(h)
	for _, s := range []string{"outlook.office365.com", "outlook.com", "office365.com", "microsoftonline.com", "office.com"} {
		if h == s || strings.HasSuffix(h, "."+s) {
			return true
		}
	}
	return false
}

// autodiscover posts an Outlook POX request to autodiscover.<domain> and
// <domain>/autodiscover, without credentials, and reads IMAP/POP3/SMTP out
// of the answer. It recognises Exchange Online by its answers.
func (r *run) autodiscover(ctx context.Context) answer {
	d := r.addr.Domain
	urls := []string{
		"https://autodiscover." + d + "/autodiscover/autodiscover.xml",
		"https://" + d + "/autodiscover/autodiscover.xml",
	}
	var body bytes.Buffer
	_ = xml.EscapeText(&body, []byte(r.addr.String()))
	req := []byte(fmt.Sprintf(autodiscoverRequest, body.String()))
	post := func(ctx context.Context, u string) (*fetched, error) {
		return r.fetch(ctx, "POST", u, req, "text/xml; charset=utf-8")
	}
	var exchange []string
	var mu sync.Mutex
	parse := func(f *fetched) (*profiles.Config, error) {
		for i := 0; ; i++ {
			cfg, redirect, exch, err := r.parsePOX(f)
			if exch != "" {
				mu.Lock()
				exchange = append(exchange, exch)
				mu.Unlock()
			}
			if redirect == "" || err != nil || cfg != nil {
				return cfg, err
			}
			if i >= 1 {
				return nil, fmt.Errorf("too many Autodiscover redirects")
			}
			nu, perr := url.Parse(redirect)
			if perr != nil || nu.Scheme != "https" {
				return nil, fmt.Errorf("autodiscover redirect to %q refused: not https", truncate(redirect, 80))
			}
			nf, ferr := post(ctx, redirect)
			if ferr != nil {
				return nil, fmt.Errorf("autodiscover redirect to %s: %w", nu.Host, ferr)
			}
			if registrable(nu.Hostname()) != registrable(d) {
				nf.crossDomain = true
			}
			f = nf
		}
	}
	fetchOr401 := func(ctx context.Context, u string) (*fetched, error) {
		f, err := post(ctx, u)
		var he *httpError
		if errors.As(err, &he) && he.status == 401 {
			auth := strings.ToLower(strings.Join(he.header.Values("WWW-Authenticate"), " "))
			if strings.Contains(auth, "microsoftonline.com") {
				return nil, errMicrosoft365
			}
		}
		// autodiscover.<domain> of a Microsoft 365 domain is a CNAME to
		// Microsoft: its certificate names Microsoft, not the domain.
		var hn x509.HostnameError
		if errors.As(err, &hn) && hn.Certificate != nil {
			for _, n := range hn.Certificate.DNSNames {
				if isMicrosoftHost(strings.TrimPrefix(n, "*.")) {
					return nil, errMicrosoft365
				}
			}
		}
		return f, err
	}
	// Outlook's "HTTP redirect method": a GET over plain HTTP, without the
	// address, whose redirect names the real Autodiscover server. Only a
	// redirect to Microsoft is used (to recognise Microsoft 365); others are
	// reported, not followed.
	redirectProbe := func(ctx context.Context, u string) (*fetched, error) {
		req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
		if err != nil {
			return nil, err
		}
		c := *r.client
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Do(req)
		if err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			return nil, err
		}
		resp.Body.Close()
		loc, lerr := resp.Location()
		if resp.StatusCode/100 != 3 || lerr != nil {
			return nil, &httpError{status: resp.StatusCode, header: resp.Header}
		}
		if loc.Scheme == "https" && isMicrosoftHost(loc.Hostname()) {
			return nil, errMicrosoft365
		}
		return nil, fmt.Errorf("redirects to %s (not followed)", truncate(loc.Host, 80))
	}
	fetchAny := func(ctx context.Context, u string) (*fetched, error) {
		if strings.HasPrefix(u, "http://") {
			return redirectProbe(ctx, u)
		}
		return fetchOr401(ctx, u)
	}
	if !r.opts.HTTPSOnly {
		urls = append(urls, "http://autodiscover."+d+"/autodiscover/autodiscover.xml")
	}
	list := r.parallelFetch(ctx, urls, fetchAny, parse)
	detail := summary(list)
	for _, a := range list {
		if a.cfg == nil {
			continue
		}
		if a.f != nil && a.f.crossDomain {
			a.cfg.Trust = profiles.TrustConfirm
			a.cfg.TrustDomain = registrable(a.f.final.Hostname())
			a.cfg.Warnings = append(a.cfg.Warnings, "Autodiscover redirected to another domain, "+a.cfg.TrustDomain)
		}
		return answer{cfg: a.cfg, detail: detail, url: a.url}
	}
	for _, a := range list {
		if errors.Is(a.err, errMicrosoft365) {
			return answer{cfg: r.microsoft365("it asks for Microsoft sign-in"), detail: detail, url: a.url}
		}
	}
	if len(exchange) > 0 {
		detail = joinDetail(detail, "an Exchange server answered ("+strings.Join(exchange, ", ")+") but named no IMAP, POP3 or SMTP server; it needs Exchange (EWS) with OAuth2 or an administrator to enable IMAP")
	}
	return answer{detail: detail, err: firstErr(list)}
}

var errMicrosoft365 = errors.New("microsoft 365 asks for OAuth2 sign-in")

// parsePOX reads one Autodiscover answer. It returns a Config, or a redirect
// URL to follow, and names an Exchange server it saw.
func (r *run) parsePOX(f *fetched) (cfg *profiles.Config, redirect, exchange string, err error) {
	var pox poxResponse
	dec := xml.NewDecoder(bytes.NewReader(f.body))
	dec.Strict = true
	if err := dec.Decode(&pox); err != nil {
		return nil, "", "", fmt.Errorf("malformed Autodiscover XML: %w", err)
	}
	if pox.XMLName.Local != "Autodiscover" {
		return nil, "", "", fmt.Errorf("not an Autodiscover answer (root <%s>)", truncate(pox.XMLName.Local, 40))
	}
	if e := pox.Response.Error; e != nil {
		return nil, "", "", fmt.Errorf("autodiscover error: %s", truncate(strings.TrimSpace(e.Message), 120))
	}
	acc := pox.Response.Account
	if strings.EqualFold(acc.Action, "redirectUrl") {
		return nil, strings.TrimSpace(acc.RedirectURL), "", nil
	}
	if strings.EqualFold(acc.Action, "redirectAddr") {
		return nil, "", "", fmt.Errorf("autodiscover points to another address; not followed")
	}
	cfg = &profiles.Config{
		Address: r.addr.String(), Domain: r.addr.Domain, Source: profiles.SourceAutodiscover,
		Provider: profiles.Provider{ID: r.addr.Domain, Name: r.addr.DomainUnicode},
		Trust:    profiles.TrustVerified, TrustDomain: registrable(f.final.Hostname()),
	}
	microsoft := false
	for _, p := range acc.Protocols {
		typ := strings.ToUpper(strings.TrimSpace(p.Type))
		host := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(p.Server), "."))
		if isMicrosoftHost(host) {
			microsoft = true
		}
		var proto profiles.Protocol
		switch typ {
		case "IMAP":
			proto = profiles.IMAP
		case "POP3":
			proto = profiles.POP3
		case "SMTP":
			proto = profiles.SMTP
		case "EXCH", "EXPR", "EXHTTP", "WEB":
			if host != "" {
				exchange = typ + " " + truncate(host, 80)
			} else {
				exchange = typ
			}
			continue
		default:
			continue
		}
		port, perr := strconv.Atoi(strings.TrimSpace(p.Port))
		if perr != nil || port < 1 || port > 65535 || profiles.ValidateHost(host) != nil {
			continue
		}
		sec := profiles.SecurityNone
		switch strings.ToLower(strings.TrimSpace(p.Encryption)) {
		case "ssl":
			sec = profiles.SecurityTLS
		case "tls":
			sec = profiles.SecuritySTARTTLS
		case "none":
		default:
			if !strings.EqualFold(strings.TrimSpace(p.SSL), "off") {
				sec = profiles.SecuritySTARTTLS
				if port == 993 || port == 995 || port == 465 {
					sec = profiles.SecurityTLS
				}
			}
		}
		user := strings.TrimSpace(p.LoginName)
		if user == "" {
			user = r.addr.String()
		}
		if i := strings.LastIndexByte(user, '@'); i >= 0 && !strings.EqualFold(user[i+1:], r.addr.Domain) {
			cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s server %s skipped: its login %q belongs to another domain", proto, host, truncate(user, 80)))
			continue
		}
		auth := []profiles.AuthMethod{profiles.AuthPassword}
		if strings.EqualFold(strings.TrimSpace(p.SPA), "on") {
			auth = []profiles.AuthMethod{profiles.AuthNTLM}
		}
		s := profiles.Server{Protocol: proto, Host: host, Port: port, Security: sec, Username: user, Auth: auth}
		if proto == profiles.SMTP {
			cfg.Outgoing = appendServer(cfg.Outgoing, s)
		} else {
			cfg.Incoming = appendServer(cfg.Incoming, s)
		}
	}
	if microsoft {
		return r.microsoft365("its answer names Microsoft's servers"), "", exchange, nil
	}
	if !cfg.Found() {
		if exchange != "" {
			return nil, "", exchange, fmt.Errorf("exchange only: no IMAP/POP3/SMTP in the answer")
		}
		return nil, "", "", fmt.Errorf("no IMAP/POP3/SMTP server in the answer")
	}
	if exchange != "" {
		cfg.Notes = append(cfg.Notes, profiles.Note{Kind: profiles.NoteInfo,
			Text: "This is a Microsoft Exchange server; if a password is refused, your organisation may require OAuth2 sign-in."})
	}
	cfg.Normalize()
	return cfg, "", exchange, nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
