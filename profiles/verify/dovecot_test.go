package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"mailsetup/profiles"
	"mailsetup/profiles/diagnose"
	"mailsetup/profiles/mailtest"
)

// secretPassword is distinctive so a leak anywhere can be grepped for.
const secretPassword = "Zq9-LEAK-CANARY-7xw"

// testConfig builds a Config for the Dovecot user with the given servers.
func testConfig(d *mailtest.Dovecot, in, out []profiles.Server) *profiles.Config {
	for i := range in {
		in[i].Username = d.User
		in[i].Auth = []profiles.AuthMethod{profiles.AuthPassword}
	}
	for i := range out {
		out[i].Username = d.User
		out[i].Auth = []profiles.AuthMethod{profiles.AuthPassword}
	}
	return &profiles.Config{Address: d.User, Domain: "example.org", Incoming: in, Outgoing: out}
}

func srv(p profiles.Protocol, host string, port int, sec profiles.Security) profiles.Server {
	return profiles.Server{Protocol: p, Host: host, Port: port, Security: sec}
}

func opts(d *mailtest.Dovecot, password string) Options {
	return Options{Password: Secret(password), Roots: d.CA.Pool(), ConnectTimeout: 2 * time.Second, StepTimeout: 3 * time.Second}
}

// TestDovecotNoneSecurityAsks: a server with security none gets no password
// without Options.AllowPlaintext: Verify returns a *ConsentError naming it
// and Dovecot sees no login at all (issue 12).
func TestDovecotNoneSecurityAsks(t *testing.T) {
	d := mailtest.StartDovecot(t)
	for _, s := range []profiles.Server{
		srv(profiles.IMAP, "localhost", d.IMAPPort, profiles.SecurityNone),
		srv(profiles.POP3, "localhost", d.POP3Port, profiles.SecurityNone),
	} {
		cfg := testConfig(d, []profiles.Server{s}, nil)
		res, err := Verify(context.Background(), cfg, opts(d, d.Password))
		var ce *ConsentError
		if !errors.As(err, &ce) || !ce.Plaintext || ce.Unconfirmed || len(ce.Servers) != 1 || res != nil {
			t.Fatalf("%s: got %v, %v; want a plaintext ConsentError", s, res, err)
		}
		if strings.Contains(err.Error(), d.Password) {
			t.Fatalf("the consent error holds the password: %v", err)
		}
		if _, err := VerifyServer(context.Background(), cfg, s, opts(d, d.Password)); !errors.As(err, &ce) {
			t.Fatalf("VerifyServer: got %v, want a ConsentError", err)
		}
	}
	if strings.Contains(d.Log(), "Login: user=") || strings.Contains(d.Log(), "auth failed") {
		t.Fatalf("Dovecot saw a login attempt:\n%s", d.Log())
	}
	o := opts(d, d.Password)
	o.AllowPlaintext = true
	cfg := testConfig(d, []profiles.Server{srv(profiles.IMAP, "localhost", d.IMAPPort, profiles.SecurityNone)}, nil)
	if res := verifyT(t, context.Background(), cfg, o); !res.OK() {
		t.Fatalf("with consent: %+v", res.Checks[0].Diagnosis)
	}
}

func TestDovecotSuccess(t *testing.T) {
	d := mailtest.StartDovecot(t)
	cases := []struct {
		name string
		s    profiles.Server
	}{
		{"imap-tls", srv(profiles.IMAP, "localhost", d.IMAPSPort, profiles.SecurityTLS)},
		{"imap-starttls", srv(profiles.IMAP, "localhost", d.IMAPPort, profiles.SecuritySTARTTLS)},
		{"imap-none", srv(profiles.IMAP, "localhost", d.IMAPPort, profiles.SecurityNone)},
		{"pop3-tls", srv(profiles.POP3, "localhost", d.POP3SPort, profiles.SecurityTLS)},
		{"pop3-starttls", srv(profiles.POP3, "localhost", d.POP3Port, profiles.SecuritySTARTTLS)},
		{"pop3-none", srv(profiles.POP3, "localhost", d.POP3Port, profiles.SecurityNone)},
		{"smtp-starttls", srv(profiles.SMTP, "localhost", d.SubmissionPort, profiles.SecuritySTARTTLS)},
		{"smtp-tls", srv(profiles.SMTP, "localhost", d.SubmissionsPort, profiles.SecurityTLS)},
		{"imap-tls-by-ip", srv(profiles.IMAP, "127.0.0.1", d.IMAPSPort, profiles.SecurityTLS)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig(d, []profiles.Server{c.s}, nil)
			var events []Event
			var mu sync.Mutex
			o := opts(d, d.Password)
			o.OnStep = func(e Event) { mu.Lock(); events = append(events, e); mu.Unlock() }
			if c.s.Security == profiles.SecurityNone {
				// Security none now asks first (issue 12): the user said yes.
				o.AllowPlaintext = true
			}
			chk := checkT(t, context.Background(), cfg, cfg.Incoming[0], o)
			if !chk.OK {
				t.Fatalf("check failed: %+v\nsteps %+v", chk.Diagnosis, chk.Steps)
			}
			want := []StepName{StepConnecting}
			if c.s.Security == profiles.SecurityTLS {
				want = append(want, StepTLS)
			}
			want = append(want, StepGreeting)
			if c.s.Security == profiles.SecuritySTARTTLS {
				want = append(want, StepStartTLS)
			}
			want = append(want, StepSigningIn)
			if c.s.Protocol != profiles.SMTP {
				want = append(want, StepMailbox)
			}
			want = append(want, StepReady)
			var got []StepName
			for _, s := range chk.Steps {
				got = append(got, s.Name)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("steps %v, want %v", got, want)
			}
			if len(events) < 2*len(want)-1 || events[0].Step != StepConnecting || events[0].Status != StatusStarted {
				t.Errorf("events %+v", events)
			}
			if len(chk.Capabilities) == 0 {
				t.Errorf("no capabilities")
			}
		})
	}
}

func TestDovecotSendTest(t *testing.T) {
	d := mailtest.StartDovecot(t)
	cfg := testConfig(d, []profiles.Server{srv(profiles.IMAP, "localhost", d.IMAPSPort, profiles.SecurityTLS)},
		[]profiles.Server{srv(profiles.SMTP, "localhost", d.SubmissionPort, profiles.SecuritySTARTTLS)})
	o := opts(d, d.Password)
	res := verifyT(t, context.Background(), cfg, o)
	if !res.OK() {
		t.Fatalf("verify failed: %+v", res)
	}
	if n := len(d.Relay.Messages()); n != 0 {
		t.Fatalf("a message was sent without SendTest: %d", n)
	}
	o.SendTest = true
	res = verifyT(t, context.Background(), cfg, o)
	if !res.OK() || !res.Checks[1].Sent {
		t.Fatalf("verify with send failed: %+v", res.Checks[1])
	}
	msgs := d.Relay.Messages()
	if len(msgs) != 1 || msgs[0].From != d.User || len(msgs[0].To) != 1 || msgs[0].To[0] != d.User {
		t.Fatalf("relay got %+v", msgs)
	}
}

func TestDovecotFailures(t *testing.T) {
	d := mailtest.StartDovecot(t)
	cases := []struct {
		name     string
		s        profiles.Server
		password string
		want     diagnose.Code
	}{
		{"imap-wrong-password", srv(profiles.IMAP, "localhost", d.IMAPSPort, profiles.SecurityTLS), secretPassword, diagnose.AuthFailed},
		{"imap-starttls-wrong-password", srv(profiles.IMAP, "localhost", d.IMAPPort, profiles.SecuritySTARTTLS), secretPassword, diagnose.AuthFailed},
		{"pop3-wrong-password", srv(profiles.POP3, "localhost", d.POP3SPort, profiles.SecurityTLS), secretPassword, diagnose.AuthFailed},
		{"pop3-starttls-wrong-password", srv(profiles.POP3, "localhost", d.POP3Port, profiles.SecuritySTARTTLS), secretPassword, diagnose.AuthFailed},
		{"smtp-wrong-password", srv(profiles.SMTP, "localhost", d.SubmissionPort, profiles.SecuritySTARTTLS), secretPassword, diagnose.AuthFailed},
		{"imap-wrong-name", srv(profiles.IMAP, "mail.localtest.invalid", d.IMAPSPort, profiles.SecurityTLS), d.Password, diagnose.HostNotFound},
		{"implicit-tls-on-plain-port", srv(profiles.IMAP, "localhost", d.IMAPPort, profiles.SecurityTLS), d.Password, diagnose.TLSWrongMode},
		{"closed-port", srv(profiles.IMAP, "localhost", mailtest.ClosedPort(t), profiles.SecurityTLS), d.Password, diagnose.ConnectionRefused},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig(d, []profiles.Server{c.s}, nil)
			chk := checkT(t, context.Background(), cfg, cfg.Incoming[0], opts(d, c.password))
			if chk.OK || chk.Diagnosis == nil {
				t.Fatalf("check passed: %+v", chk)
			}
			if chk.Diagnosis.Code != c.want {
				t.Fatalf("code %s, want %s (%+v)", chk.Diagnosis.Code, c.want, chk.Diagnosis)
			}
			assertNoLeak(t, chk, c.password)
		})
	}
	// One sign-in attempt per failing check: never a retry storm.
	if n := strings.Count(d.Log(), "Password mismatch") + strings.Count(d.Log(), "password mismatch"); n > 5 {
		t.Errorf("%d password mismatches logged for 5 wrong-password checks:\n%s", n, d.Log())
	}
	if strings.Contains(d.Log(), secretPassword) {
		t.Errorf("the password reached Dovecot's log")
	}
}

func assertNoLeak(t *testing.T, v any, password string) {
	t.Helper()
	b, _ := json.Marshal(v)
	s := string(b) + fmt.Sprintf("%+v", v)
	if strings.Contains(s, password) {
		t.Fatalf("password leaked: %s", s)
	}
}
