package knowledge

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"mailsetup/profiles"
)

// Verdicts of one comparison.
const (
	verdictAgree      = "agree"      // our first server is the reference's first
	verdictPreference = "preference" // both list the other's first, in another order (465 vs 587)
	verdictException  = "exception"  // a recorded disagreement, decided by the provider's page
	verdictDisagree   = "DISAGREE"   // fails the test
)

func sameServer(ours ServerTemplate, theirs refServer) bool {
	return strings.EqualFold(ours.Host, theirs.Host) && ours.Port == theirs.Port && ours.Security == theirs.Security &&
		(theirs.Login == "other" || loginForm(ours.Username) == theirs.Login)
}

func serverString(s ServerTemplate) string {
	return fmt.Sprintf("%s:%d %s %s", s.Host, s.Port, s.Security, loginForm(s.Username))
}

// compare says how our servers of one protocol compare with a reference's.
func compare(ours []ServerTemplate, theirs []refServer) string {
	if sameServer(ours[0], theirs[0]) {
		return verdictAgree
	}
	for _, t := range theirs {
		if sameServer(ours[0], t) {
			return verdictPreference
		}
	}
	for _, o := range ours {
		if sameServer(o, theirs[0]) {
			return verdictPreference
		}
	}
	return verdictDisagree
}

func ofProtocol(list []ServerTemplate, p profiles.Protocol) []ServerTemplate {
	var out []ServerTemplate
	for _, s := range list {
		if s.Protocol == p {
			out = append(out, s)
		}
	}
	return out
}

// family names the reference a reading belongs to: the ISPDB sample and the
// complete ISPDB are both "ispdb", so one exception covers both.
func family(ref string) string {
	if ref == "ispdb-live" {
		return "ispdb"
	}
	return ref
}

// findException returns the index of the provider's exception covering a
// disagreement, or -1.
func findException(p *Provider, ref string, proto profiles.Protocol, domain string, theirs refServer) int {
	if p.Checked == nil {
		return -1
	}
	for i, e := range p.Checked.Exceptions {
		if e.Reference != family(ref) || e.Protocol != proto || e.Theirs != theirs.String() {
			continue
		}
		if len(e.Domains) == 0 {
			return i
		}
		for _, d := range e.Domains {
			if d == domain {
				return i
			}
		}
	}
	return -1
}

// hostedISPDB names, for each hosted-only entry (matched by MX, no address
// domains), the ISPDB file Thunderbird reads for that MX: the ISPDB is keyed
// by the MX host's domain there.
var hostedISPDB = map[string]string{
	"microsoft365":     "office365.com",
	"rackspace":        "emailsrvr.com",
	"fastmail-domains": "messagingengine.com",
	"google-workspace": "googlemail.com",
}

// crossCheck holds one run of TestCrossCheckReferences.
type crossCheck struct {
	t       *testing.T
	refs    []reference
	missing map[string]bool // reference families with a reading not on this machine
	rows    []string
	counts  map[string]int
	used    map[string]bool // provider id + "#" + exception index
}

// compareKey compares a provider with every reference that knows key (an
// address domain, or the ISPDB file of a hosted entry's MX) and returns the
// reference families that know it, whether any comparison was made, and
// whether all agreed (or differed by preference only).
func (c *crossCheck) compareKey(p *Provider, key string, only func(reference) bool) (known map[string]bool, compared, agreed bool) {
	known, agreed = map[string]bool{}, true
	for _, ref := range c.refs {
		e, ok := ref.lookup(key)
		if !ok || (only != nil && !only(ref)) {
			continue
		}
		known[family(ref.name)] = true
		for _, proto := range []profiles.Protocol{profiles.IMAP, profiles.POP3, profiles.SMTP} {
			list := p.Incoming
			if proto == profiles.SMTP {
				list = p.Outgoing
			}
			ours, theirs := ofProtocol(list, proto), e.servers(proto)
			if len(ours) == 0 || len(theirs) == 0 {
				continue
			}
			compared = true
			v := compare(ours, theirs)
			if v == verdictDisagree {
				if i := findException(p, ref.name, proto, key, theirs[0]); i >= 0 {
					v = verdictException
					c.used[fmt.Sprint(p.ID, "#", i)] = true
				} else {
					c.t.Errorf("%s (%s) %s: we recommend %s, %s (%s) recommends %s; fix the file or record an exception with the provider's page",
						key, p.ID, proto, serverString(ours[0]), ref.name, e.Name, theirs[0])
				}
			}
			agreed = agreed && (v == verdictAgree || v == verdictPreference)
			c.counts[v]++
			c.rows = append(c.rows, fmt.Sprintf("%-22s %-18s %-10s %-4s %-44s %-44s %s", key, p.ID, ref.name, proto, serverString(ours[0]), theirs[0], v))
		}
	}
	return known, compared, agreed
}

// checkRecord checks a provider's "checked" record against what the
// references know: every reference that knows one of its domains is named,
// none is named that knows none, and every exception still matches.
func (c *crossCheck) checkRecord(p *Provider, knownBy map[string]bool) {
	if p.Checked == nil {
		c.t.Errorf("%s: no \"checked\" record (when and against what the file was last checked)", p.ID)
		return
	}
	for i, e := range p.Checked.Exceptions {
		c.t.Logf("exception %s %s vs %s (theirs %s): %s [decided by %s]", p.ID, e.Protocol, e.Reference, e.Theirs, e.Reason, e.Source)
		if !c.used[fmt.Sprint(p.ID, "#", i)] && !c.missing[e.Reference] {
			c.t.Errorf("%s: stale exception for %s %s (theirs %q): the reference no longer says that", p.ID, e.Reference, e.Protocol, e.Theirs)
		}
	}
	named := map[string]bool{}
	for _, a := range p.Checked.Against {
		named[a] = isReference(a)
	}
	for _, ref := range References {
		if knownBy[ref] && !named[ref] {
			c.t.Errorf("%s: %s knows its domains, but the file says it was checked against %v", p.ID, ref, p.Checked.Against)
		}
		if named[ref] && !knownBy[ref] && !c.missing[ref] {
			c.t.Errorf("%s: checked against %s, which knows none of its domains", p.ID, ref)
		}
	}
	namesMissing := false // it names a reference whose reading is not on this machine
	for ref := range c.missing {
		namesMissing = namesMissing || named[ref]
	}
	if len(knownBy) == 0 && !namesMissing && !hasHTTPS(p.Checked.Against) {
		c.t.Errorf("%s: no reference knows it and it names no page it was checked against", p.ID)
	}
}

// TestCrossCheckReferences compares, for every domain the knowledge base
// claims that a public reference also knows (the ISPDB sample, and the
// complete ISPDB when its mirror is here; FairEmail's list; K-9's last
// bundled list when its mirror is here), our recommended IMAP, POP3 and SMTP
// server with the reference's: host, port, security and login form. Hosted
// entries are compared with the ISPDB file for their MX (hostedISPDB). A
// disagreement fails unless the provider file records it as an exception
// with a reason and the provider's own page that decides; an exception that
// no longer matches a disagreement fails too (stale). Each provider file must
// say when and against what it was last checked. The table of every
// comparison goes to the log (go test -v -run TestCrossCheckReferences).
func TestCrossCheckReferences(t *testing.T) {
	c := &crossCheck{t: t, refs: []reference{loadISPDB(t), loadFairEmail(t)}, missing: map[string]bool{},
		counts: map[string]int{}, used: map[string]bool{}}
	for _, load := range []struct {
		family string
		load   func(*testing.T) (reference, string)
	}{{"ispdb", loadISPDBLive}, {"k9", loadK9}} {
		ref, why := load.load(t)
		if why != "" {
			t.Logf("a reference is not compared: %s", why)
			c.missing[load.family] = true
			continue
		}
		c.refs = append(c.refs, ref)
	}
	domainsCompared, domainsAgree := 0, 0
	var unknown []string // claimed domains no reference knows
	isISPDB := func(r reference) bool { return family(r.name) == "ispdb" }
	for _, p := range Default().Providers() {
		knownBy := map[string]bool{}
		keys, only := p.Domains, func(reference) bool { return true }
		if file, ok := hostedISPDB[p.ID]; ok {
			keys, only = []string{file}, isISPDB
		}
		for _, key := range keys {
			known, compared, agreed := c.compareKey(p, key, only)
			if len(known) == 0 && !p.Hosted {
				unknown = append(unknown, key+" ("+p.ID+")")
			}
			for r := range known {
				knownBy[r] = true
			}
			if compared {
				domainsCompared++
				if agreed {
					domainsAgree++
				}
			}
		}
		c.checkRecord(p, knownBy)
	}
	sort.Strings(c.rows)
	t.Logf("%-22s %-18s %-10s %-4s %-44s %-44s %s", "domain", "provider", "reference", "", "ours (recommended)", "theirs (recommended)", "verdict")
	for _, r := range c.rows {
		t.Log(r)
	}
	t.Logf("domains compared: %d, agreeing on every comparison (or by preference only): %d; comparisons: %d agree, %d preference, %d recorded exceptions, %d disagreements",
		domainsCompared, domainsAgree, c.counts[verdictAgree], c.counts[verdictPreference], c.counts[verdictException], c.counts[verdictDisagree])
	t.Logf("claimed domains no reference knows (%d, the provider's own page only): %s", len(unknown), strings.Join(unknown, ", "))
	if domainsCompared < 100 {
		t.Errorf("only %d domains compared; the references know far more of ours", domainsCompared)
	}
}

func hasHTTPS(list []string) bool {
	for _, a := range list {
		if strings.HasPrefix(a, "https://") {
			return true
		}
	}
	return false
}
