package discover

// The Autodiscover source (Outlook POX) and Microsoft 365.

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"mailsetup/profiles"
	"mailsetup/profiles/autoconfig"
)

// autodiscoverRequest is the Outlook POX request; %s is the address.
const autodiscoverRequest = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>%s</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>`

// poxProtocol is one <Protocol> of a POX answer.
type poxProtocol struct {
	Type       string `xml:"Type"`
	Server     string `xml:"Server"`
	Port       string `xml:"Port"`
	LoginName  string `xml:"LoginName"`
	SSL        string `xml:"SSL"`
	Encryption string `xml:"Encryption"`
	SPA        string `xml:"SPA"`
	AuthPkg    string `xml:"AuthPackage"`
}

// poxServer turns one <Protocol> into a Server. exch names an Exchange
// protocol seen; warn says why a server was skipped; ok is false when
// there is no server to use.
func (r *run) poxServer(p poxProtocol) (s profiles.Server, exch, warn string, ok bool) {
	typ := strings.ToUpper(strings.TrimSpace(p.Type))
	host := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(p.Server), "."))
	s.Host = host
	switch typ {
	case "IMAP":
		s.Protocol = profiles.IMAP
	case "POP3":
		s.Protocol = profiles.POP3
	case "SMTP":
		s.Protocol = profiles.SMTP
	case "EXCH", "EXPR", "EXHTTP", "WEB":
		if host != "" {
			return s, typ + " " + truncate(host, 80), "", false
		}
		return s, typ, "", false
	default:
		return s, "", "", false
	}
	port, perr := strconv.Atoi(strings.TrimSpace(p.Port))
	if perr != nil || port < 1 || port > 65535 || profiles.ValidateHost(host) != nil {
		return s, "", "", false
	}
	s.Port = port
	s.Security = profiles.SecurityNone
	switch strings.ToLower(strings.TrimSpace(p.Encryption)) {
	case "ssl":
		s.Security = profiles.SecurityTLS
	case "tls":
		s.Security = profiles.SecuritySTARTTLS
	case "none":
	default:
		if !strings.EqualFold(strings.TrimSpace(p.SSL), "off") {
			s.Security = profiles.SecuritySTARTTLS
			if port == 993 || port == 995 || port == 465 {
				s.Security = profiles.SecurityTLS
			}
		}
	}
	user := strings.TrimSpace(p.LoginName)
	if user == "" {
		user = r.addr.String()
	}
	if err := autoconfig.CheckLogin(user, r.addr); err != nil {
		return s, "", fmt.Sprintf("%s server %s skipped: its login %q belongs to another domain", s.Protocol, host, truncate(user, 80)), false
	}
	s.Username = user
	s.Auth = []profiles.AuthMethod{profiles.AuthPassword}
	if strings.EqualFold(strings.TrimSpace(p.SPA), "on") {
		s.Auth = []profiles.AuthMethod{profiles.AuthNTLM}
	}
	return s, "", "", true
}

// poxResponse is the part of an Autodiscover POX answer mailsetup reads.
type poxResponse struct {
	XMLName  xml.Name
	Response struct {
		Error *struct {
			Message string `xml:"Message"`
		} `xml:"Error"`
		Account struct {
			AccountType string        `xml:"AccountType"`
			Action      string        `xml:"Action"`
			RedirectURL string        `xml:"RedirectUrl"`
			Protocols   []poxProtocol `xml:"Protocol"`
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
	ad := &adLookup{r: r, req: []byte(fmt.Sprintf(autodiscoverRequest, body.String()))}
	if !r.opts.HTTPSOnly {
		urls = append(urls, "http://autodiscover."+d+"/autodiscover/autodiscover.xml")
	}
	list := r.parallelFetch(ctx, urls, ad.fetchAny, func(f *fetched) (*profiles.Config, error) { return ad.parse(ctx, f) })
	return ad.answer(list)
}

// adLookup is one Autodiscover lookup: the POX request it posts and the
// Exchange servers the answers named.
type adLookup struct {
	r        *run
	req      []byte
	mu       sync.Mutex
	exchange []string
}

func (ad *adLookup) post(ctx context.Context, u string) (*fetched, error) {
	return ad.r.fetch(ctx, "POST", u, ad.req, "text/xml; charset=utf-8")
}

// parse reads a POX answer, following at most one redirect (https only).
func (ad *adLookup) parse(ctx context.Context, f *fetched) (*profiles.Config, error) {
	for i := 0; ; i++ {
		cfg, redirect, exch, err := ad.r.parsePOX(f)
		if exch != "" {
			ad.mu.Lock()
			ad.exchange = append(ad.exchange, exch)
			ad.mu.Unlock()
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
		nf, ferr := ad.post(ctx, redirect)
		if ferr != nil {
			return nil, fmt.Errorf("autodiscover redirect to %s: %w", nu.Host, ferr)
		}
		if registrable(nu.Hostname()) != registrable(ad.r.addr.Domain) {
			nf.crossDomain = true
		}
		f = nf
	}
}

// fetchOr401 posts the request; a Microsoft sign-in demand or a Microsoft
// certificate means Microsoft 365.
func (ad *adLookup) fetchOr401(ctx context.Context, u string) (*fetched, error) {
	f, err := ad.post(ctx, u)
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

// redirectProbe is Outlook's "HTTP redirect method": a GET over plain HTTP,
// without the address, whose redirect names the real Autodiscover server.
// Only a redirect to Microsoft is used (to recognise Microsoft 365); others
// are reported, not followed.
func (ad *adLookup) redirectProbe(ctx context.Context, u string) (*fetched, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return nil, err
	}
	c := *ad.r.client
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

func (ad *adLookup) fetchAny(ctx context.Context, u string) (*fetched, error) {
	if strings.HasPrefix(u, "http://") {
		return ad.redirectProbe(ctx, u)
	}
	return ad.fetchOr401(ctx, u)
}

// answer picks the first config found, else Microsoft 365 if recognised,
// else says which Exchange servers answered without IMAP/POP3/SMTP.
func (ad *adLookup) answer(list []attempt) answer {
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
			return answer{cfg: ad.r.microsoft365("it asks for Microsoft sign-in"), detail: detail, url: a.url}
		}
	}
	ad.mu.Lock()
	defer ad.mu.Unlock()
	if len(ad.exchange) > 0 {
		detail = joinDetail(detail, "an Exchange server answered ("+strings.Join(ad.exchange, ", ")+") but named no IMAP, POP3 or SMTP server; it needs Exchange (EWS) with OAuth2 or an administrator to enable IMAP")
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
		srv, exch, warn, ok := r.poxServer(p)
		if isMicrosoftHost(srv.Host) {
			microsoft = true
		}
		if exch != "" {
			exchange = exch
		}
		if warn != "" {
			cfg.Warnings = append(cfg.Warnings, warn)
		}
		if !ok {
			continue
		}
		if srv.Protocol == profiles.SMTP {
			cfg.Outgoing = appendServer(cfg.Outgoing, srv)
		} else {
			cfg.Incoming = appendServer(cfg.Incoming, srv)
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
