package discover

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailsetup/profiles"
	"mailsetup/profiles/mailtest"
)

// ispdbDir is the shared ISPDB sample (skips without it).
func ispdbDir(t testing.TB) string { return mailtest.SharedData(t, "ispdb") }

// ispdbExpect reads a provider file with its own minimal decoder (not the
// autoconfig package) and returns its first domain and its IMAP/POP3/SMTP
// servers as "protocol host:port security".
func ispdbExpect(t *testing.T, data []byte) (string, []string) {
	var doc struct {
		Provider struct {
			Domains []string `xml:"domain"`
			In      []struct {
				Type string `xml:"type,attr"`
				Host string `xml:"hostname"`
				Port string `xml:"port"`
				Sock string `xml:"socketType"`
			} `xml:"incomingServer"`
			Out []struct {
				Type string `xml:"type,attr"`
				Host string `xml:"hostname"`
				Port string `xml:"port"`
				Sock string `xml:"socketType"`
			} `xml:"outgoingServer"`
		} `xml:"emailProvider"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	dom := strings.ToLower(strings.TrimSpace(doc.Provider.Domains[0]))
	sec := map[string]string{"SSL": "tls", "STARTTLS": "starttls", "plain": "none"}
	var out []string
	seen := map[string]bool{}
	add := func(typ, host, port, sock string) {
		host = strings.ReplaceAll(strings.TrimSpace(host), "%EMAILDOMAIN%", dom) // placeholders in host names
		s := fmt.Sprintf("%s %s:%s %s", typ, host, strings.TrimSpace(port), sec[strings.TrimSpace(sock)])
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range doc.Provider.In {
		if s.Type == "imap" || s.Type == "pop3" {
			add(s.Type, s.Host, s.Port, s.Sock)
		}
	}
	for _, s := range doc.Provider.Out {
		if s.Type == "smtp" {
			add(s.Type, s.Host, s.Port, s.Sock)
		}
	}
	return dom, out
}

// TestISPDBConformance serves every provider file of the ISPDB sample from a
// local HTTPS ISPDB and checks that the ispdb source returns exactly its
// servers for the file's first domain.
func TestISPDBConformance(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(ispdbDir(t), "*.xml"))
	if len(files) == 0 {
		t.Fatal("no ISPDB files")
	}
	w := newWorld(t)
	served := map[string]string{}
	want := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dom, servers := ispdbExpect(t, data)
		served[dom] = string(data)
		want[dom] = servers
	}
	httpsServer(t, w.ca, w.nw, ispdbHandler(served), "ispdb.test")
	for dom, servers := range want {
		res := detect(t, w, "test.user@"+dom, w.opts(profiles.SourceISPDB))
		if res.Config == nil {
			t.Errorf("%s: nothing found: %+v", dom, res.Trace)
			continue
		}
		var got []string
		for _, s := range append(res.Config.Incoming, res.Config.Outgoing...) {
			got = append(got, s.String())
		}
		if strings.Join(got, "\n") != strings.Join(servers, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", dom, got, servers)
		}
	}
}
