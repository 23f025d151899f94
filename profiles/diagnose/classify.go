package diagnose

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"mailsetup/profiles"
	"mailsetup/profiles/internal/mailwire"
)

// Stage is the part of a check that failed.
type Stage string

// The stages of a check, in order.
const (
	StageConnect  Stage = "connect"
	StageTLS      Stage = "tls"
	StageGreeting Stage = "greeting"
	StageStartTLS Stage = "starttls"
	StageAuth     Stage = "auth"
	StageMailbox  Stage = "mailbox"
	StageSend     Stage = "send"
)

// Errors the verifier reports for conditions that are not a server reply.
var (
	// ErrStartTLSMissing: the server did not offer STARTTLS/STLS.
	ErrStartTLSMissing = mailwire.ErrStartTLSMissing
	// ErrPlaintextRefused: the server will not take a password without TLS.
	ErrPlaintextRefused = errors.New("diagnose: the server refuses sign-in without encryption")
	// ErrNoPasswordMethod: the server offers no password sign-in method we use.
	ErrNoPasswordMethod = errors.New("diagnose: the server offers no password sign-in (only OAuth2 or similar)")
	// ErrBadGreeting: the server's first words were not a mail greeting.
	ErrBadGreeting = mailwire.ErrBadGreeting
	// ErrReplyTooLarge: the server sent an endless line, an endless
	// multi-line reply or a flood of data.
	ErrReplyTooLarge = mailwire.ErrReplyTooLarge
	// ErrCertChainTooLarge: the server presented an oversized certificate chain.
	ErrCertChainTooLarge = mailwire.ErrCertChainTooLarge
	// ErrDataBeforeTLS: the server sent data after agreeing to STARTTLS and
	// before the TLS handshake.
	ErrDataBeforeTLS = mailwire.ErrDataBeforeTLS
	// ErrPOP3: a POP3 "-ERR" reply.
	ErrPOP3 = mailwire.ErrPOP3
)

// Failure is what the verifier knows about a failed check.
type Failure struct {
	Protocol profiles.Protocol
	Stage    Stage
	// Err is the error; it must not contain the password.
	Err error
	// Reply is the server's reply (password-free), e.g. "NO [ALERT] …".
	Reply string
	// Provider is the provider's ID from the knowledge base ("gmail", "mail.ru").
	Provider string
	Host     string
	Port     int
	Security profiles.Security
	// Alternative names other ports worth trying, e.g. "587 (STARTTLS)".
	Alternative string
	// Now is the local time of the check (for certificate dates).
	Now time.Time
}

// timeLayout shows dates with the zone, so the user can compare the
// computer's clock with the certificate.
const timeLayout = "2006-01-02 15:04 MST"

// Classify names what went wrong and returns the values the texts need
// (Host, Port, Issuer, NotBefore…).
func Classify(f Failure) (Code, map[string]string) {
	args := map[string]string{
		"Host": f.Host, "Port": strconv.Itoa(f.Port), "Protocol": strings.ToUpper(string(f.Protocol)),
		"Security": string(f.Security), "Alt": f.Alternative, "Provider": f.Provider,
	}
	if f.Now.IsZero() {
		f.Now = time.Now()
	}
	if c, ok := classifyErr(f, args); ok {
		return c, args
	}
	if c, ok := classifyReply(f); ok {
		return c, args
	}
	if f.Err != nil {
		var ne net.Error
		if errors.As(f.Err, &ne) && ne.Timeout() {
			return Timeout, args
		}
	}
	switch f.Stage {
	case StageAuth:
		if f.Reply != "" {
			return AuthFailed, args
		}
	case StageGreeting:
		if f.Reply != "" {
			return ServiceUnavailable, args
		}
	}
	if f.Reply != "" || errors.Is(f.Err, ErrBadGreeting) {
		return ProtocolError, args
	}
	return Unknown, args
}

// classifyErr names the failure from the Go error alone: the verifier's
// sentinels, certificate errors, DNS, errno values, TLS texts, timeouts
// and closed connections. It is longer than 80 lines on purpose: it is one
// ordered list of checks whose order is the rule (a sentinel before a
// certificate before a timeout), easier to read in one place than spread
// over helpers.
func classifyErr(f Failure, args map[string]string) (Code, bool) {
	err := f.Err
	if err == nil {
		return "", false
	}
	if errors.Is(err, context.Canceled) {
		return Cancelled, true
	}
	switch {
	case errors.Is(err, ErrReplyTooLarge):
		return ReplyTooLarge, true
	case errors.Is(err, ErrCertChainTooLarge):
		return TLSChainTooLarge, true
	case errors.Is(err, ErrDataBeforeTLS):
		return StartTLSInjection, true
	case errors.Is(err, ErrStartTLSMissing):
		return StartTLSMissing, true
	case errors.Is(err, ErrPlaintextRefused):
		return PlaintextRefused, true
	case errors.Is(err, ErrNoPasswordMethod):
		return NoPasswordMethod, true
	}
	var inv x509.CertificateInvalidError
	var pinv *x509.CertificateInvalidError
	if errors.As(err, &pinv) && pinv != nil {
		inv = *pinv
	} else {
		errors.As(err, &inv)
	}
	if inv.Cert != nil {
		certArgs(args, inv.Cert)
		args["Now"] = f.Now.Local().Format(timeLayout)
		switch inv.Reason {
		case x509.Expired:
			if f.Now.Before(inv.Cert.NotBefore) {
				return TLSNotYetValid, true
			}
			return TLSExpired, true
		}
		return TLSUntrusted, true
	}
	var hn x509.HostnameError
	if errors.As(err, &hn) && hn.Certificate != nil {
		names := append([]string(nil), hn.Certificate.DNSNames...)
		for _, ip := range hn.Certificate.IPAddresses {
			names = append(names, ip.String())
		}
		if len(names) == 0 {
			names = []string{hn.Certificate.Subject.CommonName}
		}
		args["Names"] = strings.Join(names, ", ")
		certArgs(args, hn.Certificate)
		return TLSNameMismatch, true
	}
	var ua x509.UnknownAuthorityError
	if errors.As(err, &ua) {
		if ua.Cert != nil {
			certArgs(args, ua.Cert)
			if p := Interceptor(ua.Cert); p != "" {
				args["Product"] = p
				return TLSIntercepted, true
			}
		}
		return TLSUntrusted, true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		if dns.IsTimeout && !dns.IsNotFound {
			return NetworkUnreachable, true
		}
		return HostNotFound, true
	}
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return ConnectionRefused, true
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return NetworkUnreachable, true
	}
	msg := err.Error()
	if strings.Contains(msg, "first record does not look like a TLS handshake") ||
		strings.Contains(msg, "tls: oversized record") {
		return TLSWrongMode, true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		if f.Stage == StageConnect {
			return PortBlocked, true
		}
		// A plain greeting awaited from an implicit-TLS port never comes.
		if f.Stage == StageGreeting && f.Security != profiles.SecurityTLS && implicitTLSPort(f.Port) {
			return TLSWrongMode, true
		}
		if f.Reply == "" {
			return Timeout, true
		}
	}
	if f.Reply == "" {
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET),
			errors.Is(err, syscall.EPIPE), errors.Is(err, net.ErrClosed):
			if f.Stage == StageTLS && f.Security == profiles.SecurityTLS && !implicitTLSPort(f.Port) {
				return TLSWrongMode, true
			}
			return ConnectionClosed, true
		}
		if f.Stage == StageTLS || strings.HasPrefix(msg, "tls:") {
			return TLSFailed, true
		}
	}
	return "", false
}

func implicitTLSPort(p int) bool { return p == 993 || p == 995 || p == 465 }

func issuerName(c *x509.Certificate) string {
	if c.Issuer.CommonName != "" {
		return c.Issuer.CommonName
	}
	if len(c.Issuer.Organization) > 0 {
		return c.Issuer.Organization[0]
	}
	return c.Issuer.String()
}

// interceptors maps a lowercase fragment of an issuer name to the product
// that inspects encrypted connections with its own certificate.
var interceptors = []struct{ frag, product string }{
	{"kaspersky", "Kaspersky"}, {"eset", "ESET"}, {"avast", "Avast"}, {"avg ", "AVG"}, {"avg technologies", "AVG"},
	{"bitdefender", "Bitdefender"}, {"fortinet", "Fortinet FortiGate"}, {"fortigate", "Fortinet FortiGate"},
	{"zscaler", "Zscaler"}, {"sophos", "Sophos"}, {"mcafee", "McAfee"}, {"norton", "Norton"},
	{"trend micro", "Trend Micro"}, {"dr.web", "Dr.Web"}, {"drweb", "Dr.Web"}, {"netskope", "Netskope"},
	{"palo alto", "Palo Alto Networks"}, {"check point", "Check Point"}, {"checkpoint", "Check Point"},
	{"blue coat", "Blue Coat"}, {"cisco umbrella", "Cisco Umbrella"}, {"webroot", "Webroot"},
	{"adguard", "AdGuard"}, {"fiddler", "Fiddler"}, {"mitmproxy", "mitmproxy"}, {"charles proxy", "Charles Proxy"},
}

// Interceptor returns the antivirus or proxy product that issued cert (or
// its issuer), or "" when the issuer is not a known interceptor.
func Interceptor(cert *x509.Certificate) string {
	s := strings.ToLower(cert.Issuer.String()+" "+cert.Subject.String()) + " "
	for _, i := range interceptors {
		if strings.Contains(s, i.frag) {
			return i.product
		}
	}
	return ""
}

// ProductKind returns the translation suffix of where to switch product's
// inspection off ("kaspersky", "eset", "avast", "bitdefender", or "proxy"
// for corporate gateways and anything else).
func ProductKind(product string) string {
	switch product {
	case "Kaspersky":
		return "kaspersky"
	case "ESET":
		return "eset"
	case "Avast", "AVG":
		return "avast"
	case "Bitdefender":
		return "bitdefender"
	case "Fortinet FortiGate", "Zscaler", "Netskope", "Palo Alto Networks", "Check Point", "Blue Coat", "Cisco Umbrella", "Sophos":
		return "proxy"
	}
	return "antivirus"
}

// appPasswordProviders need an app password for mail programs: a generic
// "invalid credentials" there may mean either cause.
var appPasswordProviders = map[string]bool{
	"gmail": true, "google": true, "yahoo": true, "aol": true, "icloud": true, "mail.ru": true, "yandex": true,
}

// providerOf guesses the provider from its ID or the host name.
func providerOf(f Failure) string {
	if c, ok := providerAliases[f.Provider]; ok {
		return c
	}
	if knownProviders[f.Provider] {
		return f.Provider
	}
	h := strings.ToLower(f.Host)
	for _, p := range []struct{ frag, id string }{
		{"gmail", "gmail"}, {"google", "gmail"}, {"yahoo", "yahoo"}, {"aol.com", "aol"}, {"mail.me.com", "icloud"},
		{"icloud", "icloud"}, {"mail.ru", "mail.ru"}, {"yandex", "yandex"}, {"office365", "office365"},
		{"outlook", "outlook"}, {"hotmail", "outlook"}, {"rambler", "rambler"}, {"gmx", "gmx"}, {"web.de", "web.de"},
	} {
		if strings.Contains(h, p.frag) {
			return p.id
		}
	}
	return f.Provider
}

// providerAliases map knowledge-base IDs onto the IDs the rules use.
var providerAliases = map[string]string{
	"google-workspace": "gmail", "microsoft365": "office365", "icloud-custom-domain": "icloud", "gmx.com": "gmx",
}

// knownProviders are the provider IDs the rules and links know by name.
var knownProviders = map[string]bool{
	"gmail": true, "google": true, "yahoo": true, "aol": true, "icloud": true, "mail.ru": true, "yandex": true,
	"outlook": true, "office365": true, "rambler": true, "gmx": true, "web.de": true, "zoho": true,
}

var smtpCode = regexp.MustCompile(`^(\d{3})[ -]`)

type rule struct {
	code   Code
	stages []Stage // empty = any
	frags  []string
}

// rules are tried in order; the first whose fragment occurs in the
// lowercase reply wins. Order matters: specific texts before generic ones.
var rules = []rule{
	{AppPasswordNeeded, nil, []string{"application-specific password required", "application password is required",
		"neobhodim parol prilozheniya", "5.7.9 application-specific", "invalidsecondfactor", "app password required",
		"пароль приложения"}},
	{IMAPDisabled, nil, []string{"invalid credentials or imap is disabled", "imap access is disabled", "imap is disabled",
		"imap access disabled", "imap service is unavailable for this account", "imap not enabled", "imap is not enabled"}},
	{POP3Disabled, nil, []string{"pop3 disabled", "pop3 is disabled", "pop access is disabled", "pop3 access is disabled",
		"pop is disabled", "pop3 not enabled"}},
	{WebLoginRequired, nil, []string{"web login required", "log in via your web browser", "5.7.14"}},
	{SMTPAuthDisabled, nil, []string{"smtpclientauthentication is disabled", "smtp_auth_disabled"}},
	{BasicAuthDisabled, nil, []string{"basic authentication is disabled", "basic authentication is not supported", "5.7.139"}},
	{ClientsDisabled, nil, []string{"does not have access rights to this service", "access through mail clients",
		"mail clients are disabled"}},
	{TooManyConnections, nil, []string{"too many simultaneous connections", "too many connections", "maximum number of connections",
		"too many concurrent", "connection limit", "[limit]"}},
	{SendingDisabled, nil, []string{"message sending for this account is disabled", "sending for this account is disabled",
		"sending is disabled", "outgoing mail is disabled"}},
	{FromMismatch, nil, []string{"not owned by auth user", "not owned by user", "sendasdenied", "sender address does not match",
		"from address does not match", "5.7.60"}},
	{AuthRequired, []Stage{StageSend}, []string{"authentication required", "send auth command first", "sender address rejected: access denied",
		"5.7.57", "must authenticate", "auth required"}},
	{PlaintextRefused, nil, []string{"must issue a starttls command first", "privacyrequired", "logindisabled",
		"plaintext authentication disallowed", "encryption required", "tls is required", "ssl/tls required", "requires ssl"}},
	{DynamicIP, nil, []string{"dynamic ip", "dynamic address", "dialup", "dial-up"}},
	{SpamRejected, nil, []string{"spam"}},
	{MailboxFull, nil, []string{"mailbox full", "mailbox is full", "over quota", "quota exceeded", "overquota", "5.2.2",
		"insufficient storage", "[overquota]"}},
	{AccountBlocked, nil, []string{"access to this account is disabled", "account is disabled", "account disabled",
		"account has been disabled", "account blocked", "account is blocked", "account is locked", "account locked",
		"account has been suspended", "account suspended", "user is blocked"}},
	{RecipientUnknown, []Stage{StageSend}, []string{"user not found", "user unknown", "no such user", "recipient address rejected",
		"5.1.1", "mailbox unavailable", "does not exist"}},
	{UserUnknown, []Stage{StageAuth}, []string{"user not found", "unknown user", "user unknown", "no such user", "user doesn't exist", "user does not exist"}},
	{RateLimited, nil, []string{"rate limit", "too many messages", "sending limit", "limit exceeded", "try again later",
		"too many recipients", "ratelimit", "throttl"}},
}

// authFailFrags mark a plain "wrong login or password" reply.
var authFailFrags = []string{"authenticationfailed", "authentication failed", "invalid credentials", "incorrect authentication data",
	"authentication unsuccessful", "login failed", "authenticate failed", "username and password not accepted",
	"badcredentials", "invalid login", "wrong password", "bad password", "password mismatch", "[auth]", "-err authentication",
	"5.7.8", "5.7.3", "5.7.0 authentication", "login incorrect", "invalid user name or password"}

func classifyReply(f Failure) (Code, bool) {
	reply := f.Reply
	if reply == "" && f.Err != nil {
		reply = f.Err.Error()
	}
	low := strings.ToLower(reply)
	if low == "" {
		return "", false
	}
	rc := responseCode(reply)
	if c, ok := temporaryCodes[rc]; ok {
		return c, true
	}
	if f.Protocol == profiles.SMTP && f.Stage == StageAuth {
		if c, ok := smtpAuthCode(reply); ok {
			return c, true
		}
	}
	for _, r := range rules {
		if len(r.stages) > 0 && !hasStage(r.stages, f.Stage) {
			continue
		}
		for _, fr := range r.frags {
			if strings.Contains(low, fr) {
				return r.code, true
			}
		}
	}
	if c, ok := permanentCodes[rc]; ok {
		return c, true
	}
	prov := providerOf(f)
	authFail := false
	for _, fr := range authFailFrags {
		if strings.Contains(low, fr) {
			authFail = true
			break
		}
	}
	code := 0
	if m := smtpCode.FindStringSubmatch(reply); m != nil {
		code, _ = strconv.Atoi(m[1])
	}
	if f.Stage == StageAuth && (code == 535 || code == 534) {
		authFail = true
	}
	if authFail && f.Stage != StageSend {
		switch {
		case prov == "outlook" || prov == "office365":
			// Outlook.com has refused passwords since September 2024; a plain
			// "LOGIN failed" there means OAuth2 is required.
			if prov == "outlook" {
				return BasicAuthDisabled, true
			}
			return AuthFailed, true
		case appPasswordProviders[prov]:
			return AuthOrAppPassword, true
		}
		return AuthFailed, true
	}
	if f.Protocol == profiles.SMTP && f.Stage == StageSend {
		switch {
		case code == 553 || code == 450 || code == 451 || code == 452:
			return RateLimited, true
		case code == 530:
			return AuthRequired, true
		case code == 550 && prov == "yandex":
			return RateLimited, true
		}
	}
	if code == 421 || strings.Contains(low, "[unavailable]") || strings.Contains(low, "temporarily unavailable") ||
		strings.Contains(low, "service not available") {
		return ServiceUnavailable, true
	}
	return "", false
}

func hasStage(list []Stage, s Stage) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// certArgs describes the server's certificate for a person who must decide
// whether to trust it: who issued it, its SHA-256 fingerprint (to compare
// with the one IT gives) and its validity.
func certArgs(args map[string]string, c *x509.Certificate) {
	args["Issuer"] = issuerName(c)
	sum := sha256.Sum256(c.Raw)
	hexes := make([]string, len(sum))
	for i, b := range sum {
		hexes[i] = strings.ToUpper(hex.EncodeToString([]byte{b}))
	}
	args["Fingerprint"] = strings.Join(hexes, ":")
	args["NotBefore"] = c.NotBefore.Local().Format(timeLayout)
	args["NotAfter"] = c.NotAfter.Local().Format(timeLayout)
}
