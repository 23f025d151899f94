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

// TestCrossCheckReferences compares, for every domain the knowledge base
// claims that a public reference also knows (the ISPDB sample, FairEmail's
// list, K-9's last bundled list), our recommended IMAP, POP3 and SMTP server
// with the reference's: host, port, security and login form. A disagreement
// fails unless the provider file records it as an exception with a reason
// and the provider's own page that decides; an exception that no longer
// matches a disagreement fails too (stale). Each provider file must say when
// and against what it was last checked, naming exactly the references that
// know one of its domains. The table of every comparison goes to the log
// (go test -v -run TestCrossCheckReferences).
func TestCrossCheckReferences(t *testing.T) {
	refs := []reference{loadISPDB(t), loadFairEmail(t)}
	missing := map[string]bool{} // reference families with a reading not on this machine
	for _, load := range []func(*testing.T) (reference, string){loadISPDBLive, loadK9} {
		ref, why := load(t)
		if why != "" {
			t.Logf("a reference is not compared: %s", why)
			missing[map[bool]string{true: "ispdb", false: "k9"}[strings.Contains(why, "autoconfig")]] = true
			continue
		}
		refs = append(refs, ref)
	}
	kb := Default()
	var rows []string
	counts := map[string]int{}
	domainsCompared, domainsAgree := 0, 0
	used := map[string]bool{} // provider id + exception index
	for _, p := range kb.Providers() {
		if p.Checked == nil {
			t.Errorf("%s: no \"checked\" record (when and against what the file was last checked)", p.ID)
		}
		knownBy := map[string]bool{}
		for _, d := range p.Domains {
			comparedHere, allAgree := false, true
			for _, ref := range refs {
				e, ok := ref.lookup(d)
				if !ok {
					continue
				}
				knownBy[family(ref.name)] = true
				for _, proto := range []profiles.Protocol{profiles.IMAP, profiles.POP3, profiles.SMTP} {
					list := p.Incoming
					if proto == profiles.SMTP {
						list = p.Outgoing
					}
					ours, theirs := ofProtocol(list, proto), e.servers(proto)
					if len(ours) == 0 || len(theirs) == 0 {
						continue
					}
					comparedHere = true
					v := compare(ours, theirs)
					if v == verdictDisagree {
						if i := findException(p, ref.name, proto, d, theirs[0]); i >= 0 {
							v = verdictException
							used[fmt.Sprint(p.ID, "#", i)] = true
						} else {
							t.Errorf("%s (%s) %s: we recommend %s, %s (%s) recommends %s; fix the file or record an exception with the provider's page",
								d, p.ID, proto, serverString(ours[0]), ref.name, e.Name, theirs[0])
						}
					}
					if v != verdictAgree && v != verdictPreference {
						allAgree = false
					}
					counts[v]++
					rows = append(rows, fmt.Sprintf("%-22s %-18s %-9s %-4s %-44s %-44s %s", d, p.ID, ref.name, proto, serverString(ours[0]), theirs[0], v))
				}
			}
			if comparedHere {
				domainsCompared++
				if allAgree {
					domainsAgree++
				}
			}
		}
		if p.Checked == nil {
			continue
		}
		for i, e := range p.Checked.Exceptions {
			t.Logf("exception %s %s vs %s (theirs %s): %s [decided by %s]", p.ID, e.Protocol, e.Reference, e.Theirs, e.Reason, e.Source)
			if !used[fmt.Sprint(p.ID, "#", i)] && !missing[e.Reference] {
				t.Errorf("%s: stale exception for %s %s (theirs %q): the reference no longer says that", p.ID, e.Reference, e.Protocol, e.Theirs)
			}
		}
		named := map[string]bool{}
		for _, a := range p.Checked.Against {
			if isReference(a) {
				named[a] = true
			}
		}
		for _, ref := range References {
			if knownBy[ref] && !named[ref] {
				t.Errorf("%s: %s knows its domains, but the file says it was checked against %v", p.ID, ref, p.Checked.Against)
			}
			if named[ref] && !knownBy[ref] && !missing[ref] {
				t.Errorf("%s: checked against %s, which knows none of its domains", p.ID, ref)
			}
		}
		if len(named) == 0 && p.Checked != nil && !hasHTTPS(p.Checked.Against) {
			t.Errorf("%s: checked against nothing a reader can open", p.ID)
		}
	}
	sort.Strings(rows)
	t.Logf("%-22s %-18s %-9s %-4s %-44s %-44s %s", "domain", "provider", "reference", "", "ours (recommended)", "theirs (recommended)", "verdict")
	for _, r := range rows {
		t.Log(r)
	}
	t.Logf("domains compared: %d, agreeing on every comparison (or by preference only): %d; comparisons: %d agree, %d preference, %d recorded exceptions, %d disagreements",
		domainsCompared, domainsAgree, counts[verdictAgree], counts[verdictPreference], counts[verdictException], counts[verdictDisagree])
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
