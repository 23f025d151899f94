package audit

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/miekg/dns"

	"mailsetup/assets/i18n"
	"mailsetup/export"
	"mailsetup/internal/fsafe"
	"mailsetup/profiles"
)

// preference orders the working servers a file names, best first: implicit
// TLS before STARTTLS (RFC 8314 §3.3), IMAP before POP3.
var preference = []struct {
	p profiles.Protocol
	s profiles.Security
}{
	{profiles.IMAP, profiles.SecurityTLS}, {profiles.IMAP, profiles.SecuritySTARTTLS},
	{profiles.POP3, profiles.SecurityTLS}, {profiles.POP3, profiles.SecuritySTARTTLS},
	{profiles.SMTP, profiles.SecurityTLS}, {profiles.SMTP, profiles.SecuritySTARTTLS},
}

// workingConfig is the settings that work: every probed server that is
// reachable with a trusted certificate, best first. Unencrypted servers are
// never put in a file.
func workingConfig(rep *Report) *profiles.Config {
	addr, err := profiles.ParseAddress("user@" + rep.Domain)
	if err != nil {
		return nil
	}
	cfg := &profiles.Config{Address: addr.String(), Domain: rep.Domain,
		Provider: profiles.Provider{ID: rep.Domain, Name: rep.Domain}, Source: profiles.SourceManual}
	if p, ok := mxProvider(rep); ok {
		cfg.Provider.Name = p.Name
	}
	for _, pref := range preference {
		for _, s := range rep.Servers {
			if s.Protocol != pref.p || s.Security != pref.s || !rep.works(s.Endpoint) {
				continue
			}
			srv := profiles.Server{Protocol: s.Protocol, Host: s.Host, Port: s.Port, Security: s.Security,
				Username: profiles.PlaceholderAddress, Auth: authOf(s)}
			if s.Protocol == profiles.SMTP {
				cfg.Outgoing = append(cfg.Outgoing, srv)
			} else {
				cfg.Incoming = append(cfg.Incoming, srv)
			}
		}
	}
	cfg.Normalize()
	if !cfg.Found() {
		return nil
	}
	return cfg
}

// authOf maps advertised mechanisms to the file's sign-in method.
func authOf(s ServerReport) []profiles.AuthMethod {
	pw, oauth := false, false
	for _, m := range s.Auth {
		switch m {
		case "PLAIN", "LOGIN", "USER":
			pw = true
		case "XOAUTH2", "OAUTHBEARER":
			oauth = true
		}
	}
	if oauth && !pw {
		return []profiles.AuthMethod{profiles.AuthOAuth2}
	}
	return []profiles.AuthMethod{profiles.AuthPassword}
}

// files writes the files for the settings that work, each with the writer
// the exports use.
func files(rep *Report) []File {
	out := []File{}
	cfg := workingConfig(rep)
	if cfg == nil {
		return out
	}
	addr, _ := cfg.Addr()
	acct := export.Account{Address: addr}
	d := rep.Domain
	write := func(f export.FormatName, name, at, note string) {
		format, _ := export.Lookup(string(f))
		var b bytes.Buffer
		if err := format.Write(&b, cfg, acct, export.Options{Organization: cfg.Provider.Name}); err != nil {
			return
		}
		out = append(out, File{Name: name, PublishAt: at, Format: string(f), Content: b.Bytes(),
			Note: i18n.T(rep.Lang, note, map[string]string{"Domain": d})})
	}
	write(export.FormatAutoconfig, "config-v1.1.xml", "https://autoconfig."+d+"/mail/config-v1.1.xml", "audit.file.autoconfig")
	write(export.FormatAutodiscover, "autodiscover.xml", "https://autodiscover."+d+"/autodiscover/autodiscover.xml", "audit.file.autodiscover")
	out = append(out, File{Name: d + ".srv.zone", PublishAt: "DNS: " + d, Format: "srv-zone", Content: srvZone(d, cfg),
		Note: i18n.T(rep.Lang, "audit.file.srv", map[string]string{"Domain": d})})
	write(export.FormatMobileconfig, d+".mobileconfig", "", "audit.file.mobileconfig")
	return out
}

// srvZone writes the six RFC 6186/8314 records for cfg in zone-file
// syntax; a service cfg lacks gets target "." ("not offered", RFC 6186 §3.4).
func srvZone(domain string, cfg *profiles.Config) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "; SRV records for %s (RFC 6186, RFC 8314), zone-file syntax. Written by mailsetup check-domain.\n", domain)
	for _, svc := range srvServices {
		rr := &dns.SRV{Hdr: dns.RR_Header{Name: svc.Name + dns.Fqdn(domain), Rrtype: dns.TypeSRV, Class: dns.ClassINET, Ttl: 3600}, Target: "."}
		list := cfg.Incoming
		if svc.Protocol == profiles.SMTP {
			list = cfg.Outgoing
		}
		for _, s := range list {
			if s.Protocol == svc.Protocol && s.Security == svc.Security {
				rr.Priority, rr.Weight, rr.Port, rr.Target = 0, 1, uint16(s.Port), dns.Fqdn(s.Host)
				break
			}
		}
		b.WriteString(rr.String() + "\n")
	}
	return []byte(b.String())
}

// WriteFiles writes every file into dir (made if missing) with fsafe,
// never over an existing file unless replace, and returns the paths written.
func WriteFiles(rep *Report, dir string, replace bool) ([]string, error) {
	var paths []string
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for _, f := range rep.Files {
		p := filepath.Join(dir, filepath.Base(f.Name))
		if err := fsafe.WriteFile(p, f.Content, fsafe.WriteOptions{Replace: replace}); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}
