package diagnose

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
)

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

var errAuth = errors.New("server said no")

func TestClassifyReplies(t *testing.T) {
	imap, pop, smtp := profiles.IMAP, profiles.POP3, profiles.SMTP
	cases := []struct {
		name     string
		proto    profiles.Protocol
		stage    Stage
		provider string
		host     string
		reply    string
		want     Code
	}{
		// Gmail (discovery.md §5)
		{"gmail-imap-app-password", imap, StageAuth, "gmail", "imap.gmail.com", "NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)", AppPasswordNeeded},
		{"gmail-imap-invalid", imap, StageAuth, "gmail", "imap.gmail.com", "NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)", AuthOrAppPassword},
		{"gmail-imap-web-login", imap, StageAuth, "gmail", "imap.gmail.com", "NO [ALERT] Web login required: https://support.google.com/mail/accounts/answer/78754 (Failure)", WebLoginRequired},
		{"gmail-imap-browser", imap, StageAuth, "gmail", "imap.gmail.com", "NO [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)", WebLoginRequired},
		{"gmail-smtp-app-password", smtp, StageAuth, "gmail", "smtp.gmail.com", "534 5.7.9 Application-specific password required. Learn more at https://support.google.com/mail/?p=InvalidSecondFactor", AppPasswordNeeded},
		{"gmail-smtp-bad-credentials", smtp, StageAuth, "gmail", "smtp.gmail.com", "535 5.7.8 Username and Password not accepted. Learn more at https://support.google.com/mail/?p=BadCredentials", AuthOrAppPassword},
		{"gmail-smtp-web-login", smtp, StageAuth, "gmail", "smtp.gmail.com", "534 5.7.14 Please log in via your web browser and then try again.", WebLoginRequired},
		{"workspace-imap-disabled", imap, StageAuth, "", "imap.gmail.com", "NO [ALERT] Please log in via your web browser. IMAP access is disabled for your domain.", IMAPDisabled},
		{"gmail-too-many", imap, StageAuth, "gmail", "imap.gmail.com", "NO [ALERT] Too many simultaneous connections. (Failure)", TooManyConnections},
		// Outlook / Microsoft 365
		{"outlook-imap-login-failed", imap, StageAuth, "outlook", "outlook.office365.com", "NO LOGIN failed.", BasicAuthDisabled},
		{"outlook-imap-authenticate-failed", imap, StageAuth, "", "outlook.office365.com", "NO AUTHENTICATE failed.", AuthFailed},
		{"outlook-smtp-basic", smtp, StageAuth, "outlook", "smtp-mail.outlook.com", "535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [AM0PR04CA0001.eurprd04.prod.outlook.com]", BasicAuthDisabled},
		{"m365-smtp-tenant", smtp, StageAuth, "office365", "smtp.office365.com", "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.", SMTPAuthDisabled},
		{"m365-kb-id", smtp, StageAuth, "microsoft365", "smtp.office365.com", "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.", SMTPAuthDisabled},
		{"workspace-kb-id", imap, StageAuth, "google-workspace", "imap.gmail.com", "NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)", AuthOrAppPassword},
		{"m365-smtp-5.7.3", smtp, StageAuth, "office365", "smtp.office365.com", "535 5.7.3 Authentication unsuccessful", AuthFailed},
		{"m365-client-submission", smtp, StageAuth, "office365", "smtp.office365.com", "550 5.7.30 Basic authentication is not supported for Client Submission.", BasicAuthDisabled},
		// Yahoo / AOL: one text for two causes
		{"yahoo-imap", imap, StageAuth, "yahoo", "imap.mail.yahoo.com", "NO [AUTHENTICATIONFAILED] LOGIN Invalid credentials", AuthOrAppPassword},
		{"aol-imap-by-host", imap, StageAuth, "", "imap.aol.com", "NO [AUTHENTICATIONFAILED] AUTHENTICATE Invalid credentials", AuthOrAppPassword},
		// iCloud
		{"icloud-imap", imap, StageAuth, "icloud", "imap.mail.me.com", "NO [AUTHENTICATIONFAILED] Authentication failed", AuthOrAppPassword},
		// Yandex
		{"yandex-imap", imap, StageAuth, "yandex", "imap.yandex.com", "NO [AUTHENTICATIONFAILED] LOGIN invalid credentials or IMAP is disabled sc=abc123", IMAPDisabled},
		{"yandex-smtp", smtp, StageAuth, "yandex", "smtp.yandex.com", "535 5.7.8 Error: authentication failed: This user does not have access rights to this service", ClientsDisabled},
		// Mail.ru
		{"mailru-smtp", smtp, StageAuth, "mail.ru", "smtp.mail.ru", "535 5.7.0 NEOBHODIM parol prilozheniya https://help.mail.ru/mail/security/protection/external / Application password is REQUIRED", AppPasswordNeeded},
		{"mailru-imap", imap, StageAuth, "mail.ru", "imap.mail.ru", "NO [AUTHENTICATIONFAILED] NEOBHODIM parol prilozheniya https://help.mail.ru/mail/security/protection/external / Application password is REQUIRED", AppPasswordNeeded},
		{"mailru-old", smtp, StageAuth, "mail.ru", "smtp.mail.ru", "535 Incorrect authentication data", AuthOrAppPassword},
		{"mailru-sending-disabled", smtp, StageSend, "mail.ru", "smtp.mail.ru", "550 Message sending for this account is disabled", SendingDisabled},
		{"mailru-rate", smtp, StageSend, "mail.ru", "smtp.mail.ru", "553 5.7.1 Too many messages, try again later", RateLimited},
		{"mailru-553-bare", smtp, StageSend, "mail.ru", "smtp.mail.ru", "553 5.7.1 Sorry", RateLimited},
		// GMX / WEB.DE
		{"gmx-pop", pop, StageAuth, "gmx", "pop.gmx.net", "-ERR authentication failed", AuthFailed},
		{"webde-imap", imap, StageAuth, "web.de", "imap.web.de", "NO authentication failed", AuthFailed},
		// Zoho
		{"zoho-imap", imap, StageAuth, "zoho", "imap.zoho.com", "NO [AUTHENTICATIONFAILED] Invalid credentials(Failure)", AuthFailed},
		// Seeds' error table
		{"seed-login-failure-pop3", pop, StageAuth, "", "pop.example.ru", "-ERR Login failure or POP3 disabled", POP3Disabled},
		{"seed-mailbox-full", smtp, StageSend, "", "smtp.example.ru", "552 5.2.2 Mailbox full", MailboxFull},
		{"seed-user-not-found", smtp, StageSend, "", "smtp.mail.ru", "550 5.1.1 User not found", RecipientUnknown},
		{"seed-dynamic-ip", smtp, StageSend, "", "smtp.example.ru", "550 We do not accept mail from dynamic IP", DynamicIP},
		{"seed-spam-discarded", smtp, StageSend, "", "smtp.mail.ru", "550 Spam message discarded/rejected", SpamRejected},
		{"seed-rambler-spam", smtp, StageSend, "rambler", "smtp.rambler.ru", "554 5.7.1 Spam message rejected; If this is not spam contact abuse at rambler-co.ru", SpamRejected},
		{"seed-suspicion-spam", smtp, StageSend, "", "smtp.example.ru", "550 Message rejected under suspicion of SPAM", SpamRejected},
		{"seed-account-disabled", smtp, StageSend, "", "smtp.example.ru", "550 Access to this account is disabled", AccountBlocked},
		{"seed-auth-required", smtp, StageSend, "", "smtp.example.ru", "530 5.7.0 Authentication required", AuthRequired},
		{"seed-access-denied", smtp, StageSend, "", "smtp.example.ru", "554 5.7.1 <ivan@example.ru>: Sender address rejected: Access denied", AuthRequired},
		{"seed-auth-first", smtp, StageSend, "", "smtp.example.ru", "503 5.5.1 Error: send auth command first", AuthRequired},
		{"seed-not-owned", smtp, StageSend, "yandex", "smtp.yandex.ru", "553 5.7.1 Sender address rejected: not owned by auth user.", FromMismatch},
		{"seed-yandex-limit", smtp, StageSend, "yandex", "smtp.yandex.ru", "550 5.7.1 Message rejected", RateLimited},
		{"seed-invalid-credentials", imap, StageAuth, "", "imap.example.com", "NO [AUTHENTICATIONFAILED] Invalid credentials", AuthFailed},
		// Generic servers
		{"dovecot-imap", imap, StageAuth, "", "localhost", "NO [AUTHENTICATIONFAILED] Authentication failed.", AuthFailed},
		{"dovecot-pop3", pop, StageAuth, "", "localhost", "-ERR [AUTH] Authentication failed.", AuthFailed},
		{"postfix-smtp", smtp, StageAuth, "", "localhost", "535 5.7.8 Error: authentication failed: (reason unavailable)", AuthFailed},
		{"privacy-required", imap, StageAuth, "", "localhost", "NO [PRIVACYREQUIRED] TLS is required to authenticate", PlaintextRefused},
		{"smtp-starttls-first", smtp, StageAuth, "", "localhost", "530 5.7.0 Must issue a STARTTLS command first", PlaintextRefused},
		{"imap-bye-greeting", imap, StageGreeting, "", "localhost", "* BYE Too many connections from your IP", TooManyConnections},
		// RFC 5530 UNAVAILABLE is a temporary failure (issue 12): it was
		// service-unavailable before the response codes had their own.
		{"imap-unavailable", imap, StageAuth, "", "localhost", "NO [UNAVAILABLE] Temporary authentication failure", ServerTemporary},
		{"smtp-421", smtp, StageGreeting, "", "localhost", "421 4.3.2 Service not available", ServiceUnavailable},
		{"over-quota", imap, StageMailbox, "", "localhost", "NO [OVERQUOTA] Quota exceeded", MailboxFull},
		{"account-locked", imap, StageAuth, "", "localhost", "NO [AUTHORIZATIONFAILED] Account is locked", AccountBlocked},
		{"user-unknown", pop, StageAuth, "", "localhost", "-ERR Unknown user", UserUnknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := Failure{Protocol: c.proto, Stage: c.stage, Err: errAuth, Reply: c.reply, Provider: c.provider, Host: c.host, Port: 993}
			got, _ := Classify(f)
			if got != c.want {
				t.Fatalf("Classify(%q) = %s, want %s", c.reply, got, c.want)
			}
			d := Explain(f, "ru")
			if d.Reply != c.reply || d.Code != c.want || d.Title == "" || strings.HasPrefix(d.Title, "diag.") {
				t.Fatalf("Explain: %+v", d)
			}
		})
	}
}

func cert(cn, issuer string, nb, na time.Time) *x509.Certificate {
	return &x509.Certificate{Subject: pkix.Name{CommonName: cn}, Issuer: pkix.Name{CommonName: issuer}, NotBefore: nb, NotAfter: na,
		DNSNames: []string{cn}}
}

func TestClassifyErrors(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	good := cert("imap.example.com", "Example CA", now.Add(-time.Hour), now.Add(time.Hour))
	cases := []struct {
		name  string
		stage Stage
		sec   profiles.Security
		port  int
		err   error
		want  Code
		arg   string // "Key=value" expected in args
	}{
		{"dns", StageConnect, "tls", 993, &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}}, HostNotFound, ""},
		{"refused", StageConnect, "tls", 993, &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, ConnectionRefused, ""},
		{"unreachable", StageConnect, "tls", 993, &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ENETUNREACH)}, NetworkUnreachable, ""},
		{"connect-timeout", StageConnect, "tls", 465, &net.OpError{Op: "dial", Err: timeoutErr{}}, PortBlocked, ""},
		{"greeting-timeout", StageGreeting, "tls", 993, &net.OpError{Op: "read", Err: timeoutErr{}}, Timeout, ""},
		{"plain-to-implicit-port", StageGreeting, "starttls", 993, &net.OpError{Op: "read", Err: timeoutErr{}}, TLSWrongMode, ""},
		{"tls-to-plain-port", StageTLS, "tls", 143, errors.New("tls: first record does not look like a TLS handshake"), TLSWrongMode, ""},
		{"eof", StageGreeting, "tls", 993, io.EOF, ConnectionClosed, ""},
		{"cancel", StageAuth, "tls", 993, context.Canceled, Cancelled, ""},
		{"expired", StageTLS, "tls", 993, &x509.CertificateInvalidError{Cert: cert("a", "CA", now.Add(-48*time.Hour), now.Add(-24*time.Hour)), Reason: x509.Expired}, TLSExpired, "NotAfter=2026-11-22"},
		{"not-yet", StageTLS, "tls", 993, x509.CertificateInvalidError{Cert: cert("a", "CA", now.Add(24*time.Hour), now.Add(48*time.Hour)), Reason: x509.Expired}, TLSNotYetValid, "NotBefore=2026-11-24"},
		{"name", StageTLS, "tls", 993, x509.HostnameError{Certificate: good, Host: "mail.other.org"}, TLSNameMismatch, "Names=imap.example.com"},
		{"untrusted", StageTLS, "tls", 993, x509.UnknownAuthorityError{Cert: cert("imap.example.com", "Some Private CA", now, now)}, TLSUntrusted, "Issuer=Some Private CA"},
		{"kaspersky", StageTLS, "tls", 993, x509.UnknownAuthorityError{Cert: cert("imap.example.com", "Kaspersky Anti-Virus Personal Root Certificate", now, now)}, TLSIntercepted, "Product=Kaspersky"},
		{"eset", StageTLS, "tls", 993, x509.UnknownAuthorityError{Cert: cert("imap.example.com", "ESET SSL Filter CA", now, now)}, TLSIntercepted, "Product=ESET"},
		{"avast", StageTLS, "tls", 993, x509.UnknownAuthorityError{Cert: cert("imap.example.com", "Avast Web/Mail Shield Root", now, now)}, TLSIntercepted, "Product=Avast"},
		{"avg", StageTLS, "tls", 993, x509.UnknownAuthorityError{Cert: cert("imap.example.com", "AVG Web/Mail Shield Root", now, now)}, TLSIntercepted, "Product=AVG"},
		{"bitdefender", StageTLS, "tls", 993, x509.UnknownAuthorityError{Cert: cert("imap.example.com", "Bitdefender Personal CA.Net-Defender", now, now)}, TLSIntercepted, "Product=Bitdefender"},
		{"fortinet", StageTLS, "tls", 993, x509.UnknownAuthorityError{Cert: cert("imap.example.com", "FortiGate CA", now, now)}, TLSIntercepted, "Product=Fortinet FortiGate"},
		{"zscaler", StageTLS, "tls", 993, x509.UnknownAuthorityError{Cert: cert("imap.example.com", "Zscaler Intermediate Root CA (zscaler.net)", now, now)}, TLSIntercepted, "Product=Zscaler"},
		{"starttls", StageStartTLS, "starttls", 143, ErrStartTLSMissing, StartTLSMissing, ""},
		{"plaintext", StageAuth, "none", 143, ErrPlaintextRefused, PlaintextRefused, ""},
		{"nomech", StageAuth, "tls", 993, ErrNoPasswordMethod, NoPasswordMethod, ""},
		{"bad-greeting", StageGreeting, "none", 143, ErrBadGreeting, ProtocolError, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := Failure{Protocol: profiles.IMAP, Stage: c.stage, Err: fmt.Errorf("wrapped: %w", c.err), Host: "imap.example.com", Port: c.port, Security: c.sec, Now: now}
			got, args := Classify(f)
			if got != c.want {
				t.Fatalf("Classify(%v) = %s, want %s", c.err, got, c.want)
			}
			if c.arg != "" {
				k, v, _ := strings.Cut(c.arg, "=")
				if !strings.Contains(args[k], v) {
					t.Fatalf("args[%s] = %q, want it to contain %q", k, args[k], v)
				}
			}
		})
	}
}

func TestExplainTexts(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	f := Failure{Protocol: profiles.IMAP, Stage: StageTLS, Host: "imap.mail.ru", Port: 993, Now: now,
		Err: x509.CertificateInvalidError{Cert: cert("imap.mail.ru", "CA", now.Add(24*time.Hour), now.Add(48*time.Hour)), Reason: x509.Expired}}
	d := Explain(f, "en")
	if d.Code != TLSNotYetValid || !strings.Contains(d.Advice, d.Args["Now"]) || !strings.Contains(d.Advice, d.Args["NotBefore"]) {
		t.Fatalf("the advice must show the local time next to the certificate's dates: %+v", d)
	}
	f = Failure{Protocol: profiles.SMTP, Stage: StageConnect, Host: "smtp.mail.ru", Port: 465, Alternative: "587 (STARTTLS), 2525 (STARTTLS)",
		Err: &net.OpError{Op: "dial", Err: timeoutErr{}}}
	for _, lang := range i18n.Languages {
		d = Explain(f, lang)
		if d.Code != PortBlocked || !strings.Contains(d.Advice, "2525") || strings.Contains(d.Advice, "{{") {
			t.Fatalf("%s: port-blocked advice must name the alternative ports: %+v", lang, d)
		}
	}
	f = Failure{Protocol: profiles.IMAP, Stage: StageTLS, Host: "imap.mail.ru", Port: 993,
		Err: x509.UnknownAuthorityError{Cert: cert("imap.mail.ru", "Kaspersky Anti-Virus Personal Root Certificate", now, now)}}
	d = Explain(f, "ru")
	if !strings.Contains(d.Title, "Kaspersky") || !strings.Contains(d.Advice, "Kaspersky") || len(d.Links) == 0 {
		t.Fatalf("antivirus advice must name the product and say where to switch it off: %+v", d)
	}
	f = Failure{Protocol: profiles.IMAP, Stage: StageAuth, Provider: "gmail", Host: "imap.gmail.com", Port: 993,
		Reply: "NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)"}
	d = Explain(f, "ja")
	if len(d.Links) < 2 || d.Links[0] != "https://support.google.com/accounts/answer/185833" {
		t.Fatalf("links: %v", d.Links)
	}
	f = Failure{Protocol: profiles.IMAP, Stage: StageAuth, Provider: "yahoo", Host: "imap.mail.yahoo.com", Port: 993,
		Reply: "NO [AUTHENTICATIONFAILED] LOGIN Invalid credentials"}
	d = Explain(f, "en")
	if !strings.Contains(d.Advice, "wrong") || !strings.Contains(d.Advice, "app password") {
		t.Fatalf("Yahoo's ambiguous reply must name both causes: %s", d.Advice)
	}
}

// TestTranslations checks that every code, every "where" text and every
// verify string exists in all six languages, and that the templates use
// the same placeholders as English.
func TestTranslations(t *testing.T) {
	cat := i18n.Default()
	keys := []string{"diag.try-alternative"}
	for _, c := range Codes {
		keys = append(keys, c.TitleKey(), c.AdviceKey())
	}
	for _, k := range []string{"kaspersky", "eset", "avast", "bitdefender", "proxy", "antivirus"} {
		keys = append(keys, "diag.where."+k)
	}
	for _, k := range cat.Keys("en") {
		if strings.HasPrefix(k, "verify.") || strings.HasPrefix(k, "diag.") {
			keys = append(keys, k)
		}
	}
	for _, lang := range i18n.Languages {
		for _, k := range keys {
			if !cat.Has(lang, k) {
				t.Errorf("%s: missing %s", lang, k)
				continue
			}
			en, _ := cat.Raw("en", k)
			tr, _ := cat.Raw(lang, k)
			if placeholders(en) != placeholders(tr) {
				t.Errorf("%s %s: placeholders %s, English has %s", lang, k, placeholders(tr), placeholders(en))
			}
		}
	}
	// Every key the package can produce is known to the catalog.
	for _, c := range Codes {
		if !cat.Has("en", c.TitleKey()) {
			t.Errorf("code %s has no English title", c)
		}
	}
}

func placeholders(s string) string {
	var out []string
	for _, p := range strings.Split(s, "{{")[1:] {
		if i := strings.Index(p, "}}"); i >= 0 {
			out = append(out, p[:i])
		}
	}
	seen := map[string]bool{}
	var uniq []string
	for _, p := range out {
		if !seen[p] {
			seen[p] = true
			uniq = append(uniq, p)
		}
	}
	// order may differ between languages
	sortStrings(uniq)
	return strings.Join(uniq, ",")
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
