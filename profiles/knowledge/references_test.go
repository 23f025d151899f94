package knowledge

import (
	"archive/tar"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"mailsetup/profiles"
)

// This file reads the three public provider lists the knowledge base is
// checked against. None of them is copied into the repository: the ISPDB
// sample and FairEmail's list are read from shared/data above the
// repository, K-9's list from a git mirror of thunderbird/thunderbird-android
// when one is on the machine.

// refServer is one server a reference recommends. Login is "address"
// (%EMAILADDRESS%, $email, FairEmail's default), "local" (%EMAILLOCALPART%,
// $user, FairEmail's user="local") or "other" (anything else: not compared).
type refServer struct {
	Host     string
	Port     int
	Security profiles.Security
	Login    string
}

func (s refServer) String() string {
	return fmt.Sprintf("%s:%d %s %s", strings.ToLower(s.Host), s.Port, s.Security, s.Login)
}

// refEntry is what a reference says about one domain, servers in its order.
type refEntry struct {
	Name             string // the reference's provider name or file
	IMAP, POP3, SMTP []refServer
}

func (e refEntry) servers(p profiles.Protocol) []refServer {
	switch p {
	case profiles.IMAP:
		return e.IMAP
	case profiles.POP3:
		return e.POP3
	}
	return e.SMTP
}

// reference answers "what do you recommend for this domain?".
type reference struct {
	name   string
	lookup func(domain string) (refEntry, bool)
}

func loginForm(template string) string {
	switch template {
	case "%EMAILADDRESS%", "$email":
		return "address"
	case "%EMAILLOCALPART%", "$user":
		return "local"
	}
	return "other"
}

// walkUp looks for rel in the test's directory and each parent.
func walkUp(rel string) (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		cand := filepath.Join(dir, rel)
		if _, err := os.Stat(cand); err == nil {
			return cand, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// loadISPDB reads every file of the ISPDB sample in shared/data/ispdb.
func loadISPDB(t *testing.T) reference {
	dir := ispdbDir(t)
	paths, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no ISPDB files in %s: %v", dir, err)
	}
	files := map[string][]byte{}
	for _, f := range paths {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(f)] = data
	}
	return ispdbReference(t, "ispdb", files)
}

// The complete ISPDB: thunderbird/autoconfig, directory ispdb/ at this commit
// (2026-03-12), of which shared/data/ispdb is a sample.
const (
	ispdbMirror = ".mirror/thunderbird+autoconfig/repo"
	ispdbCommit = "c6ad79659b5fc321d1593ec4c277815b83e5dec5"
)

// loadISPDBLive reads the complete ISPDB from a git mirror of
// thunderbird/autoconfig above the repository (or the git directory in
// MAILSETUP_ISPDB_GITDIR), or says why it cannot.
func loadISPDBLive(t *testing.T) (reference, string) {
	gitDir := os.Getenv("MAILSETUP_ISPDB_GITDIR")
	if gitDir == "" {
		var ok bool
		if gitDir, ok = walkUp(ispdbMirror); !ok {
			return reference{}, "no git mirror of thunderbird/autoconfig (" + ispdbMirror + " above the repository, or MAILSETUP_ISPDB_GITDIR)"
		}
	}
	out, err := exec.Command("git", "--git-dir="+gitDir, "archive", "--format=tar", ispdbCommit, "ispdb").Output()
	if err != nil {
		return reference{}, fmt.Sprintf("git archive %s ispdb in %s: %v", ispdbCommit[:12], gitDir, err)
	}
	files := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(out))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("ISPDB archive: %v", err)
		}
		if !strings.HasSuffix(h.Name, ".xml") {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[path.Base(h.Name)] = data
	}
	if len(files) < 100 {
		t.Fatalf("the ISPDB at %s has only %d files", ispdbCommit[:12], len(files))
	}
	return ispdbReference(t, "ispdb-live", files), ""
}

// ispdbReference indexes ISPDB files (name -> content). A domain is known by
// its file name (the ISPDB serves /v1.1/<domain>) and by each <domain>
// element; usernames are autoconfig placeholders.
func ispdbReference(t *testing.T, name string, files map[string][]byte) reference {
	byDomain := map[string]refEntry{}
	conv := func(s ispdbServer) refServer {
		return refServer{Host: s.Hostname, Port: s.Port, Security: ispdbSecurity(s.SocketType), Login: loginForm(s.Username)}
	}
	names := make([]string, 0, len(files))
	for f := range files {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		var cfg ispdbConfig
		if err := xml.Unmarshal(files[f], &cfg); err != nil {
			t.Fatalf("%s: %s: %v", name, f, err)
		}
		id := strings.TrimSuffix(f, ".xml")
		for _, ep := range cfg.Providers {
			e := refEntry{Name: name + "/" + id}
			for _, s := range ep.Incoming {
				switch s.Type {
				case "imap":
					e.IMAP = append(e.IMAP, conv(s))
				case "pop3":
					e.POP3 = append(e.POP3, conv(s))
				}
			}
			for _, s := range ep.Outgoing {
				e.SMTP = append(e.SMTP, conv(s))
			}
			for _, d := range append([]string{id}, ep.Domains...) {
				d = strings.ToLower(strings.TrimSpace(d))
				if _, dup := byDomain[d]; !dup {
					byDomain[d] = e
				}
			}
		}
	}
	return reference{name: name, lookup: func(d string) (refEntry, bool) { e, ok := byDomain[d]; return e, ok }}
}

// fairemailProvider is a <provider> of FairEmail's providers.xml.
type fairemailProvider struct {
	Name    string `xml:"name,attr"`
	Domain  string `xml:"domain,attr"`
	Enabled string `xml:"enabled,attr"`
	Order   string `xml:"order,attr"`
	User    string `xml:"user,attr"`
	IMAP    []struct {
		Host     string `xml:"host,attr"`
		Port     int    `xml:"port,attr"`
		STARTTLS string `xml:"starttls,attr"`
	} `xml:"imap"`
	POP []struct {
		Host     string `xml:"host,attr"`
		Port     int    `xml:"port,attr"`
		STARTTLS string `xml:"starttls,attr"`
	} `xml:"pop"`
	SMTP []struct {
		Host     string `xml:"host,attr"`
		Port     int    `xml:"port,attr"`
		STARTTLS string `xml:"starttls,attr"`
	} `xml:"smtp"`
}

// loadFairEmail reads shared/data/fairemail/providers.xml the way FairEmail
// does (M66B/FairEmail app/src/main/java/eu/faircode/email/EmailProvider.java):
// parseProfiles takes "domain" as a comma list of Java regular expressions
// (written with Android's resource escaping, "gmail\\.com"), user="local"
// means the local part and no user the full address, starttls="false" is
// implicit TLS; loadProfiles sorts providers by "order" (default
// Integer.MAX_VALUE), then by name ignoring case; fromDomain returns the first
// enabled provider one of whose expressions matches the whole lower-cased
// domain (String.matches). It is one function, a little over 80 lines,
// because it mirrors those three Java methods in order.
func loadFairEmail(t *testing.T) reference {
	file, ok := walkUp(filepath.Join("shared", "data", "fairemail", "providers.xml"))
	if !ok {
		t.Skip("FairEmail's list (shared/data/fairemail/providers.xml above the repository) is not on this machine; cross-check skipped")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Providers []fairemailProvider `xml:"provider"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	type compiled struct {
		p   fairemailProvider
		res []*regexp.Regexp
		ord int
	}
	var list []compiled
	for _, p := range doc.Providers {
		if p.Domain == "" || p.Enabled == "false" {
			continue
		}
		c := compiled{p: p, ord: int(^uint32(0) >> 1)}
		if p.Order != "" {
			if c.ord, err = strconv.Atoi(p.Order); err != nil {
				t.Fatalf("FairEmail %s: order %q", p.Name, p.Order)
			}
		}
		for _, expr := range strings.Split(p.Domain, ",") {
			expr = strings.ReplaceAll(expr, `\\`, `\`)
			re, err := regexp.Compile(`^(?:` + expr + `)$`)
			if err != nil {
				t.Fatalf("FairEmail %s: domain %q: %v", p.Name, expr, err)
			}
			c.res = append(c.res, re)
		}
		list = append(list, c)
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].ord != list[j].ord {
			return list[i].ord < list[j].ord
		}
		return strings.ToLower(list[i].p.Name) < strings.ToLower(list[j].p.Name)
	})
	sec := func(starttls string) profiles.Security {
		if starttls == "true" {
			return profiles.SecuritySTARTTLS
		}
		return profiles.SecurityTLS
	}
	return reference{name: "fairemail", lookup: func(d string) (refEntry, bool) {
		for _, c := range list {
			for _, re := range c.res {
				if !re.MatchString(d) {
					continue
				}
				login := "other"
				switch c.p.User {
				case "", "email":
					login = "address"
				case "local":
					login = "local"
				}
				e := refEntry{Name: "fairemail/" + c.p.Name}
				for _, s := range c.p.IMAP {
					e.IMAP = append(e.IMAP, refServer{s.Host, s.Port, sec(s.STARTTLS), login})
				}
				for _, s := range c.p.POP {
					e.POP3 = append(e.POP3, refServer{s.Host, s.Port, sec(s.STARTTLS), login})
				}
				for _, s := range c.p.SMTP {
					e.SMTP = append(e.SMTP, refServer{s.Host, s.Port, sec(s.STARTTLS), login})
				}
				return e, true
			}
		}
		return refEntry{}, false
	}}
}

// K-9's last bundled list: thunderbird/thunderbird-android, file
// feature/autodiscovery/providersxml/src/main/res/xml/providers.xml at
// commit 801611779a315307ad8764a3add05ffb71985983, the parent of be44dc3a6932
// ("Remove `ProvidersXmlDiscovery`", 2023-10-11), which deleted it.
const (
	k9Mirror = ".mirror/thunderbird+thunderbird-android/repo"
	k9Commit = "801611779a315307ad8764a3add05ffb71985983"
	k9Path   = "feature/autodiscovery/providersxml/src/main/res/xml/providers.xml"
)

// loadK9 reads K-9's list from a git mirror above the repository (or the
// git directory in MAILSETUP_K9_GITDIR). Its header comment and
// feature/autodiscovery/providersxml/src/main/kotlin/app/k9mail/autodiscovery/providersxml/ProvidersXmlDiscovery.kt
// (same commit) define the format: the domain is compared exactly, ignoring
// case (line 47), and the first matching provider wins; only the first
// <incoming>/<outgoing> is used, the URI scheme imap+ssl+ is
// implicit TLS (default port 993), imap+tls+ STARTTLS (143), smtp+ssl+ 465,
// smtp+tls+ 587 (lines 95-105, 124-134); username $email is the address,
// $user the local part (line 147). It
// returns false, with the reason, when the mirror is not on this machine.
func loadK9(t *testing.T) (reference, string) {
	gitDir := os.Getenv("MAILSETUP_K9_GITDIR")
	if gitDir == "" {
		var ok bool
		if gitDir, ok = walkUp(k9Mirror); !ok {
			return reference{}, "no git mirror of thunderbird/thunderbird-android (" + k9Mirror + " above the repository, or MAILSETUP_K9_GITDIR)"
		}
	}
	out, err := exec.Command("git", "--git-dir="+gitDir, "show", k9Commit+":"+k9Path).Output()
	if err != nil {
		return reference{}, fmt.Sprintf("git show %s:%s in %s: %v", k9Commit[:12], k9Path, gitDir, err)
	}
	var doc struct {
		Providers []struct {
			ID       string `xml:"id,attr"`
			Domain   string `xml:"domain,attr"`
			Incoming []struct {
				URI      string `xml:"uri,attr"`
				Username string `xml:"username,attr"`
			} `xml:"incoming"`
			Outgoing []struct {
				URI      string `xml:"uri,attr"`
				Username string `xml:"username,attr"`
			} `xml:"outgoing"`
		} `xml:"provider"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("K-9 providers.xml: %v", err)
	}
	parse := func(uri, user string) (profiles.Protocol, refServer) {
		u, err := url.Parse(uri)
		if err != nil {
			t.Fatalf("K-9 uri %q: %v", uri, err)
		}
		schemes := map[string]struct {
			proto profiles.Protocol
			sec   profiles.Security
			port  int
		}{
			"imap+ssl+": {profiles.IMAP, profiles.SecurityTLS, 993}, "imap+tls+": {profiles.IMAP, profiles.SecuritySTARTTLS, 143},
			"smtp+ssl+": {profiles.SMTP, profiles.SecurityTLS, 465}, "smtp+tls+": {profiles.SMTP, profiles.SecuritySTARTTLS, 587},
			"pop3+ssl+": {profiles.POP3, profiles.SecurityTLS, 995}, "pop3+tls+": {profiles.POP3, profiles.SecuritySTARTTLS, 110},
		}
		s, ok := schemes[u.Scheme]
		if !ok {
			t.Fatalf("K-9 uri %q: unknown scheme", uri)
		}
		port := s.port
		if p := u.Port(); p != "" {
			port, _ = strconv.Atoi(p)
		}
		return s.proto, refServer{Host: u.Hostname(), Port: port, Security: s.sec, Login: loginForm(user)}
	}
	byDomain := map[string]refEntry{}
	for _, p := range doc.Providers {
		if len(p.Incoming) == 0 || len(p.Outgoing) == 0 {
			continue
		}
		e := refEntry{Name: "k9/" + p.ID}
		proto, s := parse(p.Incoming[0].URI, p.Incoming[0].Username)
		if proto == profiles.IMAP {
			e.IMAP = []refServer{s}
		} else {
			e.POP3 = []refServer{s}
		}
		_, s = parse(p.Outgoing[0].URI, p.Outgoing[0].Username)
		e.SMTP = []refServer{s}
		d := strings.ToLower(p.Domain)
		if _, dup := byDomain[d]; !dup { // the first provider for a domain wins
			byDomain[d] = e
		}
	}
	if len(byDomain) < 100 {
		t.Fatalf("K-9 providers.xml: only %d domains read", len(byDomain))
	}
	return reference{name: "k9", lookup: func(d string) (refEntry, bool) { e, ok := byDomain[d]; return e, ok }}, ""
}
