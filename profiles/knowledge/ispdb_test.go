package knowledge

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailsetup/profiles"
	"mailsetup/profiles/mailtest"
)

// ispdbDir is the shared ISPDB sample (skips without it).
func ispdbDir(t *testing.T) string { return mailtest.SharedData(t, "ispdb") }

type ispdbServer struct {
	Type       string `xml:"type,attr"`
	Hostname   string `xml:"hostname"`
	Port       int    `xml:"port"`
	SocketType string `xml:"socketType"`
	Username   string `xml:"username"`
}

type ispdbConfig struct {
	Providers []struct {
		Domains  []string      `xml:"domain"`
		Incoming []ispdbServer `xml:"incomingServer"`
		Outgoing []ispdbServer `xml:"outgoingServer"`
	} `xml:"emailProvider"`
}

func ispdbSecurity(s string) profiles.Security {
	switch strings.ToUpper(s) {
	case "SSL":
		return profiles.SecurityTLS
	case "STARTTLS":
		return profiles.SecuritySTARTTLS
	}
	return profiles.SecurityNone
}

// ispdbDifferences lists where we knowingly differ from the ISPDB sample for
// the recommended server, and why.
var ispdbDifferences = map[string]string{
	"yandex/imap":      "the seed articles give imap.yandex.ru; imap.yandex.com is the same service",
	"yandex/pop3":      "the seed articles give pop.yandex.ru; pop.yandex.com is the same service",
	"yandex/smtp":      "the seed articles give smtp.yandex.ru; smtp.yandex.com is the same service",
	"virginmedia/imap": "Virgin Media publishes one set of servers for ntlworld.com too",
	"virginmedia/pop3": "Virgin Media publishes one set of servers for ntlworld.com too",
	"virginmedia/smtp": "Virgin Media publishes one set of servers for ntlworld.com too",
}

// TestAgainstISPDB cross-checks the recommended IMAP (or POP3) and SMTP
// server of every provider that the ISPDB sample also describes: same host,
// port, security and login format, apart from the listed differences.
func TestAgainstISPDB(t *testing.T) {
	dir := ispdbDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no ISPDB files in %s: %v", dir, err)
	}
	kb := Default()
	compared := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cfg ispdbConfig
		if err := xml.Unmarshal(data, &cfg); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		for _, ep := range cfg.Providers {
			for _, d := range ep.Domains {
				p, ok := kb.Lookup(d)
				if !ok {
					continue
				}
				compared++
				check := func(kind string, ours []ServerTemplate, theirs []ispdbServer) {
					var first *ServerTemplate
					for i := range ours {
						if string(ours[i].Protocol) == kind {
							first = &ours[i]
							break
						}
					}
					var list []ispdbServer
					for _, s := range theirs {
						if s.Type == kind {
							list = append(list, s)
						}
					}
					if first == nil || len(list) == 0 {
						return
					}
					key := p.ID + "/" + kind
					if _, known := ispdbDifferences[key]; known {
						return
					}
					for _, s := range list {
						if strings.EqualFold(s.Hostname, first.Host) && s.Port == first.Port && ispdbSecurity(s.SocketType) == first.Security {
							if s.Username != first.Username {
								t.Errorf("%s (%s): %s login %s, ISPDB %s", d, p.ID, kind, first.Username, s.Username)
							}
							return
						}
					}
					t.Errorf("%s (%s): our first %s server %s:%d %s is not among ISPDB's %v", d, p.ID, kind, first.Host, first.Port, first.Security, list)
				}
				check("imap", p.Incoming, ep.Incoming)
				check("pop3", p.Incoming, ep.Incoming)
				check("smtp", p.Outgoing, ep.Outgoing)
			}
		}
	}
	if compared < 50 {
		t.Errorf("only %d domains compared with the ISPDB sample; expected many more", compared)
	}
}
