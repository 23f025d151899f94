package verify

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"mailsetup/profiles"
	"mailsetup/profiles/diagnose"
	"mailsetup/profiles/mailtest"
)

func quickOpts(ca *mailtest.CA, password string) Options {
	// Scripted servers on loopback mostly speak without TLS: the tests
	// stand for a user who agreed to that (consent has its own tests).
	o := Options{Password: Secret(password), ConnectTimeout: 2 * time.Second, StepTimeout: 700 * time.Millisecond,
		AllowPlaintext: true}
	if ca != nil {
		o.Roots = ca.Pool()
	}
	return o
}

func oneServer(user string, s profiles.Server) *profiles.Config {
	s.Username = user
	return &profiles.Config{Address: user, Domain: strings.SplitN(user, "@", 2)[1], Incoming: []profiles.Server{s}}
}

// imapScript plays an IMAP server: greeting, CAPABILITY, and loginReply to
// any LOGIN or AUTHENTICATE.
func imapScript(caps, loginReply string, tlsCfg *tls.Config, startTLS bool) func(c *mailtest.Conn) {
	return func(c *mailtest.Conn) {
		c.Send("* OK [CAPABILITY " + caps + "] scripted ready")
		for {
			line, ok := c.ReadLine()
			if !ok {
				return
			}
			f := strings.Fields(line)
			if len(f) < 2 {
				continue
			}
			tag, cmd := f[0], strings.ToUpper(f[1])
			switch cmd {
			case "CAPABILITY":
				c.Send("* CAPABILITY "+caps, tag+" OK done")
			case "STARTTLS":
				if !startTLS {
					c.Send(tag + " BAD unknown command")
					continue
				}
				c.Send(tag + " OK begin TLS")
				if err := c.StartTLS(tlsCfg); err != nil {
					return
				}
			case "AUTHENTICATE":
				if len(f) == 3 {
					c.Send("+ ")
					c.ReadLine()
				}
				c.Send(tag + " " + loginReply)
			case "LOGIN":
				c.Send(tag + " " + loginReply)
			case "EXAMINE", "SELECT":
				c.Send("* 0 EXISTS", "* FLAGS ()", tag+" OK [READ-ONLY] done")
			case "LOGOUT":
				c.Send("* BYE", tag+" OK bye")
				return
			default:
				c.Send(tag + " BAD no")
			}
		}
	}
}

// smtpScript plays an SMTP server answering authReply to AUTH.
func smtpScript(exts []string, authReply string, tlsCfg *tls.Config) func(c *mailtest.Conn) {
	return func(c *mailtest.Conn) {
		c.Send("220 scripted ESMTP")
		for {
			line, ok := c.ReadLine()
			if !ok {
				return
			}
			cmd := strings.ToUpper(strings.Fields(line + " x")[0])
			switch cmd {
			case "EHLO":
				lines := []string{"250-scripted"}
				for _, e := range exts {
					lines = append(lines, "250-"+e)
				}
				lines[len(lines)-1] = strings.Replace(lines[len(lines)-1], "250-", "250 ", 1)
				c.Send(lines...)
			case "STARTTLS":
				c.Send("220 go ahead")
				if err := c.StartTLS(tlsCfg); err != nil {
					return
				}
			case "AUTH":
				if len(strings.Fields(line)) == 2 {
					c.Send("334 ")
					c.ReadLine()
				}
				c.Send(authReply)
			case "*":
				c.Send("501 cancelled")
			case "QUIT":
				c.Send("221 bye")
				return
			default:
				c.Send("502 no")
			}
		}
	}
}

func TestCertificateProblems(t *testing.T) {
	ca := mailtest.NewCA(t, "Mailsetup Test CA")
	cases := []struct {
		name string
		leaf *mailtest.Leaf
		want diagnose.Code
		arg  string
	}{
		{"expired", ca.ExpiredLeaf(t), diagnose.TLSExpired, "NotAfter"},
		{"not-yet-valid", ca.NotYetValidLeaf(t), diagnose.TLSNotYetValid, "NotBefore"},
		{"wrong-name", ca.WrongNameLeaf(t), diagnose.TLSNameMismatch, "Names"},
		{"untrusted", mailtest.UntrustedLeaf(t, "Corp Private Root"), diagnose.TLSUntrusted, "Issuer"},
		{"antivirus", mailtest.UntrustedLeaf(t, "Kaspersky Anti-Virus Personal Root Certificate"), diagnose.TLSIntercepted, "Product"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Dovecot itself presents the bad certificate.
			d := mailtest.StartDovecot(t, mailtest.Options{CA: ca, Leaf: c.leaf})
			for _, s := range []profiles.Server{
				srv(profiles.IMAP, "localhost", d.IMAPSPort, profiles.SecurityTLS),
				srv(profiles.POP3, "localhost", d.POP3Port, profiles.SecuritySTARTTLS),
				srv(profiles.SMTP, "localhost", d.SubmissionPort, profiles.SecuritySTARTTLS),
			} {
				chk := checkT(t, context.Background(), oneServer(d.User, s), s, opts(d, d.Password))
				if chk.OK || chk.Diagnosis == nil || chk.Diagnosis.Code != c.want {
					t.Fatalf("%s: got %+v, want %s", s, chk.Diagnosis, c.want)
				}
				if chk.Diagnosis.Args[c.arg] == "" {
					t.Errorf("%s: diagnosis lacks %s: %+v", s, c.arg, chk.Diagnosis.Args)
				}
				if strings.Contains(d.Log(), "Login: user=") {
					t.Fatalf("signed in despite a bad certificate")
				}
			}
		})
	}
	t.Run("extra-ca-trusts-company-ca", func(t *testing.T) {
		corp := mailtest.NewCA(t, "Corp Private Root")
		d := mailtest.StartDovecot(t, mailtest.Options{CA: corp})
		s := srv(profiles.IMAP, "localhost", d.IMAPSPort, profiles.SecurityTLS)
		o := opts(d, d.Password)
		o.Roots = ca.Pool() // trusts only the other CA
		if chk := checkT(t, context.Background(), oneServer(d.User, s), s, o); chk.OK {
			t.Fatal("untrusted CA accepted")
		}
		o.ExtraCAs = corp.PEM
		if chk := checkT(t, context.Background(), oneServer(d.User, s), s, o); !chk.OK {
			t.Fatalf("--ca did not help: %+v", chk.Diagnosis)
		}
	})
}

func TestStartTLSMissing(t *testing.T) {
	for _, p := range []profiles.Protocol{profiles.IMAP, profiles.POP3, profiles.SMTP} {
		t.Run(string(p), func(t *testing.T) {
			var handle func(c *mailtest.Conn)
			switch p {
			case profiles.IMAP:
				handle = imapScript("IMAP4rev1 AUTH=PLAIN", "OK welcome", nil, false)
			case profiles.POP3:
				handle = func(c *mailtest.Conn) {
					c.Send("+OK scripted")
					for {
						l, ok := c.ReadLine()
						if !ok {
							return
						}
						if strings.EqualFold(l, "CAPA") {
							c.Send("+OK", "USER", "SASL PLAIN", ".")
						} else {
							c.Send("-ERR no")
						}
					}
				}
			case profiles.SMTP:
				handle = smtpScript([]string{"AUTH PLAIN LOGIN", "8BITMIME"}, "235 ok", nil)
			}
			sc := mailtest.ServeScript(t, nil, handle)
			s := srv(p, "127.0.0.1", sc.Port, profiles.SecuritySTARTTLS)
			chk := checkT(t, context.Background(), oneServer("ivan@example.org", s), s, quickOpts(nil, secretPassword))
			if chk.OK || chk.Diagnosis.Code != diagnose.StartTLSMissing {
				t.Fatalf("got %+v", chk.Diagnosis)
			}
			for _, l := range sc.Received() {
				if strings.Contains(l, secretPassword) || strings.Contains(l, base64.StdEncoding.EncodeToString([]byte(secretPassword))) ||
					strings.HasPrefix(strings.ToUpper(l), "AUTH") || strings.Contains(strings.ToUpper(l), "LOGIN") {
					t.Fatalf("a sign-in was sent over the unencrypted connection: %q", l)
				}
			}
		})
	}
}

func TestSilentServerTimesOut(t *testing.T) {
	port := mailtest.Silent(t)
	for _, p := range []profiles.Protocol{profiles.IMAP, profiles.POP3, profiles.SMTP} {
		s := srv(p, "127.0.0.1", port, profiles.SecurityNone)
		start := time.Now()
		chk := checkT(t, context.Background(), oneServer("ivan@example.org", s), s, quickOpts(nil, secretPassword))
		if chk.OK || chk.Diagnosis.Code != diagnose.Timeout {
			t.Fatalf("%s: got %+v", p, chk.Diagnosis)
		}
		if el := time.Since(start); el > 5*time.Second {
			t.Fatalf("%s: the step timeout was not applied (%v)", p, el)
		}
	}
	// Implicit TLS to a silent port times out in the handshake.
	s := srv(profiles.IMAP, "127.0.0.1", port, profiles.SecurityTLS)
	chk := checkT(t, context.Background(), oneServer("ivan@example.org", s), s, quickOpts(nil, secretPassword))
	if chk.OK || chk.Diagnosis.Code != diagnose.Timeout {
		t.Fatalf("tls: got %+v", chk.Diagnosis)
	}
}

func TestCancel(t *testing.T) {
	port := mailtest.Silent(t)
	s := srv(profiles.IMAP, "127.0.0.1", port, profiles.SecurityNone)
	ctx, cancel := context.WithCancel(context.Background())
	o := quickOpts(nil, secretPassword)
	o.StepTimeout = time.Minute
	o.OnStep = func(e Event) {
		if e.Step == StepGreeting && e.Status == StatusStarted {
			go func() { time.Sleep(50 * time.Millisecond); cancel() }()
		}
	}
	start := time.Now()
	chk := checkT(t, ctx, oneServer("ivan@example.org", s), s, o)
	if chk.OK || chk.Diagnosis.Code != diagnose.Cancelled || time.Since(start) > 10*time.Second {
		t.Fatalf("got %+v after %v", chk.Diagnosis, time.Since(start))
	}
}

// TestFallback: the recommended port is closed (or silent); the provider's
// next server of the same protocol works and is reported as the
// alternative, and WithWorking moves it to the front.
func TestFallback(t *testing.T) {
	d := mailtest.StartDovecot(t)
	silent := mailtest.Silent(t)
	cfg := testConfig(d,
		[]profiles.Server{
			srv(profiles.IMAP, "localhost", mailtest.ClosedPort(t), profiles.SecurityTLS),
			srv(profiles.IMAP, "localhost", d.IMAPPort, profiles.SecuritySTARTTLS),
			srv(profiles.POP3, "localhost", d.POP3SPort, profiles.SecurityTLS),
		},
		[]profiles.Server{
			srv(profiles.SMTP, "localhost", silent, profiles.SecurityTLS),
			srv(profiles.SMTP, "localhost", mailtest.ClosedPort(t), profiles.SecuritySTARTTLS),
			srv(profiles.SMTP, "localhost", d.SubmissionPort, profiles.SecuritySTARTTLS),
		})
	res := verifyT(t, context.Background(), cfg, opts(d, d.Password))
	if !res.OK() {
		b, _ := json.MarshalIndent(res, "", " ")
		t.Fatalf("fallback failed: %s", b)
	}
	in, out := res.Checks[0], res.Checks[1]
	if in.Alternative == nil || in.Alternative.Port != d.IMAPPort || in.Alternative.Security != profiles.SecuritySTARTTLS {
		t.Errorf("incoming alternative %+v", in.Alternative)
	}
	if out.Alternative == nil || out.Alternative.Port != d.SubmissionPort || len(out.Attempts) != 3 {
		t.Errorf("outgoing alternative %+v attempts %+v", out.Alternative, out.Attempts)
	}
	if out.Attempts[0].Diagnosis.Code != diagnose.Timeout || out.Attempts[1].Diagnosis.Code != diagnose.ConnectionRefused {
		t.Errorf("attempt diagnoses %+v %+v", out.Attempts[0].Diagnosis, out.Attempts[1].Diagnosis)
	}
	if in.Port != cfg.Incoming[0].Port {
		t.Errorf("the check must name the recommended server")
	}
	w := WithWorking(cfg, res)
	if w.Incoming[0].Port != d.IMAPPort || w.Outgoing[0].Port != d.SubmissionPort || w.Verified == nil {
		t.Errorf("WithWorking: %+v %+v", w.Incoming, w.Outgoing)
	}
	if len(w.Incoming) != 3 || len(w.Outgoing) != 3 || cfg.Incoming[0].Port == d.IMAPPort {
		t.Errorf("WithWorking must keep every server and not touch the original")
	}

	// No fallback after a certificate or password problem.
	cfg2 := testConfig(d,
		[]profiles.Server{srv(profiles.IMAP, "localhost", d.IMAPSPort, profiles.SecurityTLS), srv(profiles.IMAP, "localhost", d.IMAPPort, profiles.SecuritySTARTTLS)}, nil)
	res = verifyT(t, context.Background(), cfg2, opts(d, secretPassword))
	if res.OK() || len(res.Checks[0].Attempts) != 0 || res.Checks[0].Diagnosis.Code != diagnose.AuthFailed {
		t.Fatalf("a wrong password must not try other ports: %+v", res.Checks[0])
	}
}

// TestProviderReplies replays real providers' replies (discovery.md §5)
// from scripted servers and checks the diagnosis and that exactly one
// sign-in was attempted.
func TestProviderReplies(t *testing.T) {
	ca := mailtest.NewCA(t, "Mailsetup Test CA")
	tlsCfg := ca.Leaf(t, mailtest.LeafOptions{}).ServerTLS()
	cases := []struct {
		name, provider, user string
		proto                profiles.Protocol
		reply                string
		want                 diagnose.Code
		link                 string
	}{
		{"gmail-imap", "gmail", "ivan@gmail.com", profiles.IMAP, "NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)", diagnose.AppPasswordNeeded, "https://support.google.com/accounts/answer/185833"},
		{"gmail-smtp", "gmail", "ivan@gmail.com", profiles.SMTP, "534-5.7.9 Application-specific password required. Learn more at\r\n534 5.7.9 https://support.google.com/mail/?p=InvalidSecondFactor", diagnose.AppPasswordNeeded, "https://myaccount.google.com/apppasswords"},
		{"yandex-imap", "yandex", "ivan@yandex.ru", profiles.IMAP, "NO [AUTHENTICATIONFAILED] LOGIN invalid credentials or IMAP is disabled sc=Xr4", diagnose.IMAPDisabled, "https://mail.yandex.ru/#setup/client"},
		{"yandex-smtp", "yandex", "ivan@yandex.ru", profiles.SMTP, "535 5.7.8 Error: authentication failed: This user does not have access rights to this service", diagnose.ClientsDisabled, ""},
		{"mailru-smtp", "mail.ru", "ivan@mail.ru", profiles.SMTP, "535 5.7.0 NEOBHODIM parol prilozheniya https://help.mail.ru/mail/security/protection/external / Application password is REQUIRED", diagnose.AppPasswordNeeded, "https://help.mail.ru/mail/security/protection/external"},
		{"mailru-imap", "mail.ru", "ivan@mail.ru", profiles.IMAP, "NO [AUTHENTICATIONFAILED] NEOBHODIM parol prilozheniya https://help.mail.ru/mail/security/protection/external / Application password is REQUIRED", diagnose.AppPasswordNeeded, ""},
		{"outlook-smtp", "outlook", "ivan@outlook.com", profiles.SMTP, "535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [AM0PR04CA0001.eurprd04.prod.outlook.com]", diagnose.BasicAuthDisabled, ""},
		{"outlook-imap", "outlook", "ivan@outlook.com", profiles.IMAP, "NO LOGIN failed.", diagnose.BasicAuthDisabled, ""},
		{"m365-smtp", "office365", "ivan@contoso.com", profiles.SMTP, "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.", diagnose.SMTPAuthDisabled, "https://aka.ms/smtp_auth_disabled"},
		{"yahoo-imap", "yahoo", "ivan@yahoo.com", profiles.IMAP, "NO [AUTHENTICATIONFAILED] LOGIN Invalid credentials", diagnose.AuthOrAppPassword, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var sc *mailtest.Script
			var s profiles.Server
			if c.proto == profiles.IMAP {
				sc = mailtest.ServeScript(t, tlsCfg, imapScript("IMAP4rev1 AUTH=PLAIN AUTH=LOGIN", c.reply, nil, false))
				s = srv(profiles.IMAP, "localhost", sc.Port, profiles.SecurityTLS)
			} else {
				sc = mailtest.ServeScript(t, nil, smtpScript([]string{"STARTTLS", "AUTH PLAIN LOGIN"}, c.reply, tlsCfg))
				s = srv(profiles.SMTP, "localhost", sc.Port, profiles.SecuritySTARTTLS)
			}
			cfg := oneServer(c.user, s)
			cfg.Provider.ID = c.provider
			chk := checkT(t, context.Background(), cfg, s, quickOpts(ca, secretPassword))
			if chk.OK || chk.Diagnosis.Code != c.want {
				t.Fatalf("got %+v, want %s", chk.Diagnosis, c.want)
			}
			if chk.Diagnosis.Reply == "" || !strings.Contains(strings.ReplaceAll(c.reply, "\r\n", " "), strings.Fields(chk.Diagnosis.Reply)[len(strings.Fields(chk.Diagnosis.Reply))-1]) {
				t.Errorf("raw reply not kept: %q", chk.Diagnosis.Reply)
			}
			if c.link != "" && !contains(chk.Diagnosis.Links, c.link) {
				t.Errorf("links %v lack %s", chk.Diagnosis.Links, c.link)
			}
			n := 0
			for _, l := range sc.Received() {
				u := strings.ToUpper(l)
				if strings.Contains(u, " LOGIN ") || strings.Contains(u, "AUTHENTICATE") || strings.HasPrefix(u, "AUTH ") {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d sign-in attempts after a definitive refusal, want 1: %q", n, sc.Received())
			}
			assertNoLeak(t, chk, secretPassword)
		})
	}
}

// TestUsernameForms: the local part is tried only when the server says the
// user is unknown (or for providers known to use it), and only once.
func TestUsernameForms(t *testing.T) {
	var mu sync.Mutex
	var users []string
	sc := mailtest.ServeScript(t, nil, func(c *mailtest.Conn) {
		c.Send("+OK ready")
		user := ""
		for {
			l, ok := c.ReadLine()
			if !ok {
				return
			}
			f := strings.Fields(l)
			switch strings.ToUpper(f[0]) {
			case "CAPA":
				c.Send("+OK", "USER", ".")
			case "USER":
				user = f[1]
				mu.Lock()
				users = append(users, user)
				mu.Unlock()
				if strings.Contains(user, "@") {
					c.Send("-ERR [AUTH] Unknown user")
				} else {
					c.Send("+OK")
				}
			case "PASS":
				if user == "ivan" && f[1] == secretPassword {
					c.Send("+OK signed in")
				} else {
					c.Send("-ERR [AUTH] Authentication failed.")
				}
			case "STAT":
				c.Send("+OK 0 0")
			case "QUIT":
				c.Send("+OK")
				return
			}
		}
	})
	s := srv(profiles.POP3, "127.0.0.1", sc.Port, profiles.SecurityNone)
	cfg := oneServer("ivan@example.org", s)
	chk := checkT(t, context.Background(), cfg, s, quickOpts(nil, secretPassword))
	if !chk.OK || fmt.Sprint(users) != "[ivan@example.org ivan]" || chk.Working.Username != "ivan" {
		t.Fatalf("ok=%v users=%v diag=%+v", chk.OK, users, chk.Diagnosis)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestSecretNeverPrints: Options (and so a crash dump or a careless log
// line) never shows the password.
func TestSecretNeverPrints(t *testing.T) {
	o := Options{Password: Secret(secretPassword)}
	b, err := json.Marshal(struct{ P Secret }{o.Password})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{fmt.Sprint(o), fmt.Sprintf("%+v", o), fmt.Sprintf("%#v", o), o.Password.String(), fmt.Sprintf("%v", &o), string(b)} {
		if strings.Contains(s, secretPassword) {
			t.Fatalf("password printed: %s", s)
		}
	}
	if string(o.Password) != secretPassword {
		t.Fatal("the value itself must stay usable")
	}
}

// TestOAuthOnlyNotTried: a server the Config marks OAuth2-only gets no
// password at all.
func TestOAuthOnlyNotTried(t *testing.T) {
	sc := mailtest.ServeScript(t, nil, imapScript("IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2", "NO LOGIN failed.", nil, false))
	s := srv(profiles.IMAP, "127.0.0.1", sc.Port, profiles.SecurityNone)
	s.Auth = []profiles.AuthMethod{profiles.AuthOAuth2}
	cfg := &profiles.Config{Address: "ivan@outlook.com", Domain: "outlook.com", Incoming: []profiles.Server{s}}
	cfg.Provider.ID = "outlook"
	chk := checkT(t, context.Background(), cfg, s, quickOpts(nil, secretPassword))
	if chk.OK || chk.Diagnosis.Code != diagnose.NoPasswordMethod {
		t.Fatalf("got %+v", chk.Diagnosis)
	}
	for _, l := range sc.Received() {
		if strings.Contains(strings.ToUpper(l), "LOGIN ") || strings.Contains(strings.ToUpper(l), "AUTHENTICATE") {
			t.Fatalf("a password was sent to an OAuth2-only server: %q", l)
		}
	}
}

// TestSendTestReplies: replies to the test message (seeds' error table) are
// diagnosed, and the message goes only to the user's own address.
func TestSendTestReplies(t *testing.T) {
	cases := []struct {
		mail, rcpt, data string
		want             diagnose.Code
	}{
		{"550 Message sending for this account is disabled", "", "", diagnose.SendingDisabled},
		{"553 5.7.1 Sender address rejected: not owned by auth user.", "", "", diagnose.FromMismatch},
		{"", "552 5.2.2 Mailbox full", "", diagnose.MailboxFull},
		{"", "", "550 Spam message discarded/rejected", diagnose.SpamRejected},
		{"", "", "550 5.7.1 Message rejected under suspicion of SPAM", diagnose.SpamRejected},
		{"", "", "553 5.7.1 Too many messages, try again later", diagnose.RateLimited},
		{"", "", "", ""},
	}
	for _, c := range cases {
		t.Run(string(c.want), func(t *testing.T) {
			var rcpts []string
			var mu sync.Mutex
			sc := mailtest.ServeScript(t, nil, func(conn *mailtest.Conn) {
				conn.Send("220 scripted")
				for {
					l, ok := conn.ReadLine()
					if !ok {
						return
					}
					u := strings.ToUpper(l)
					reply := func(custom, def string) {
						if custom != "" {
							conn.Send(custom)
						} else {
							conn.Send(def)
						}
					}
					switch {
					case strings.HasPrefix(u, "EHLO"):
						conn.Send("250-scripted", "250 AUTH PLAIN")
					case strings.HasPrefix(u, "AUTH"):
						conn.Send("235 ok")
					case strings.HasPrefix(u, "MAIL"):
						reply(c.mail, "250 ok")
					case strings.HasPrefix(u, "RCPT"):
						mu.Lock()
						rcpts = append(rcpts, l)
						mu.Unlock()
						reply(c.rcpt, "250 ok")
					case u == "DATA":
						conn.Send("354 go")
						for {
							d, ok := conn.ReadLine()
							if !ok || d == "." {
								break
							}
						}
						reply(c.data, "250 queued")
					case u == "QUIT":
						conn.Send("221 bye")
						return
					default:
						conn.Send("250 ok")
					}
				}
			})
			s := srv(profiles.SMTP, "127.0.0.1", sc.Port, profiles.SecurityNone)
			cfg := &profiles.Config{Address: "ivan@mail.ru", Domain: "mail.ru", Outgoing: []profiles.Server{s}}
			cfg.Provider.ID = "mail.ru"
			o := quickOpts(nil, secretPassword)
			o.SendTest = true
			res := verifyT(t, context.Background(), cfg, o)
			chk := res.Checks[0]
			if c.want == "" {
				if !chk.OK || !chk.Sent {
					t.Fatalf("send failed: %+v", chk.Diagnosis)
				}
			} else if chk.OK || chk.Diagnosis.Code != c.want {
				t.Fatalf("got %+v, want %s", chk.Diagnosis, c.want)
			}
			for _, r := range rcpts {
				if !strings.Contains(r, "<ivan@mail.ru>") {
					t.Fatalf("test message to someone else: %q", r)
				}
			}
		})
	}
}

// TestNoFallbackAfterRefusal: 465 is closed, 587 refuses the password:
// 2525 must not be tried, and the check reports the refusal.
func TestNoFallbackAfterRefusal(t *testing.T) {
	sc := mailtest.ServeScript(t, nil, smtpScript([]string{"AUTH PLAIN LOGIN"}, "535 5.7.8 Authentication failed", nil))
	third := mailtest.ServeScript(t, nil, smtpScript([]string{"AUTH PLAIN LOGIN"}, "235 ok", nil))
	cfg := &profiles.Config{Address: "ivan@example.org", Domain: "example.org", Outgoing: []profiles.Server{
		srv(profiles.SMTP, "127.0.0.1", mailtest.ClosedPort(t), profiles.SecurityTLS),
		srv(profiles.SMTP, "127.0.0.1", sc.Port, profiles.SecurityNone),
		srv(profiles.SMTP, "127.0.0.1", third.Port, profiles.SecurityNone),
	}}
	res := verifyT(t, context.Background(), cfg, quickOpts(nil, secretPassword))
	chk := res.Checks[0]
	if chk.OK || chk.Diagnosis.Code != diagnose.AuthFailed || len(chk.Attempts) != 2 || len(third.Received()) != 0 {
		t.Fatalf("ok=%v diag=%+v attempts=%d third=%q", chk.OK, chk.Diagnosis, len(chk.Attempts), third.Received())
	}
}
