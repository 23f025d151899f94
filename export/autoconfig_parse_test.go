package export

import (
	"bytes"
	"testing"

	"mailsetup/profiles"
	"mailsetup/profiles/autoconfig"
)

// TestAutoconfigParsesBack feeds our clientConfig output to the discovery
// parser and expects the very settings it was made from.
func TestAutoconfigParsesBack(t *testing.T) {
	cfg, addr := testConfig(t)
	st, saddr := starttlsConfig(t)
	for _, c := range []struct {
		name string
		cfg  *profiles.Config
		addr profiles.Address
		p    profiles.Protocol
	}{
		{"mailru-imap", cfg, addr, profiles.IMAP},
		{"mailru-pop3", cfg, addr, profiles.POP3},
		{"starttls-imap", st, saddr, profiles.IMAP},
		{"starttls-pop3", st, saddr, profiles.POP3},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteAutoconfig(&buf, c.cfg, Account{Address: c.addr, Incoming: c.p}, Options{}); err != nil {
				t.Fatal(err)
			}
			got, err := autoconfig.Parse(bytes.NewReader(buf.Bytes()), c.addr)
			if err != nil {
				t.Fatalf("discovery cannot parse our file: %v\n%s", err, buf.String())
			}
			if len(got.Warnings) > 0 {
				t.Errorf("parser warnings: %v", got.Warnings)
			}
			if got.Provider.Name != c.cfg.Provider.Name {
				t.Errorf("provider %q, want %q", got.Provider.Name, c.cfg.Provider.Name)
			}
			wantIn := []profiles.Server{}
			first, _ := c.cfg.FirstIncoming(c.p)
			wantIn = append(wantIn, first)
			for _, s := range c.cfg.Incoming {
				if !s.Same(first) {
					wantIn = append(wantIn, s)
				}
			}
			compare := func(kind string, got, want []profiles.Server) {
				t.Helper()
				if len(got) != len(want) {
					t.Fatalf("%s: %d servers back, want %d", kind, len(got), len(want))
				}
				for i := range want {
					w := want[i]
					w.Username = profiles.ExpandUsername(w.Username, c.addr)
					g := got[i]
					if !g.Same(w) || g.Username != w.Username {
						t.Errorf("%s %d: got %+v, want %+v", kind, i, g, w)
					}
					wantAuth := w.Auth
					if len(wantAuth) == 0 {
						wantAuth = []profiles.AuthMethod{profiles.AuthPassword}
					}
					if len(g.Auth) != len(wantAuth) || g.Auth[0] != wantAuth[0] {
						t.Errorf("%s %d: auth %v, want %v", kind, i, g.Auth, wantAuth)
					}
				}
			}
			compare("incoming", got.Incoming, wantIn)
			compare("outgoing", got.Outgoing, c.cfg.Outgoing[:1])
		})
	}
}
