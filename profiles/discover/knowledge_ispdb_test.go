package discover

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"mailsetup/profiles"
	"mailsetup/profiles/knowledge"
)

// The complete ISPDB (thunderbird/autoconfig, ispdb/ at this commit), read
// from a git mirror above the repository when one is on the machine.
const (
	autoconfigMirror = ".mirror/thunderbird+autoconfig/repo"
	autoconfigCommit = "c6ad79659b5fc321d1593ec4c277815b83e5dec5"
)

// mirrorISPDBFile returns ispdb/<name> of the complete ISPDB, or false when
// no mirror is on this machine.
func mirrorISPDBFile(t *testing.T, name string) (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		gitDir := filepath.Join(dir, autoconfigMirror)
		if _, err := os.Stat(gitDir); err == nil {
			out, err := exec.Command("git", "--git-dir="+gitDir, "show", autoconfigCommit+":ispdb/"+name).Output()
			if err != nil {
				t.Logf("git show %s:ispdb/%s: %v", autoconfigCommit[:12], name, err)
				return "", false
			}
			return string(out), true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// TestISPDBAnswersWhatBuiltinDoesNotClaim runs discovery with the built-in
// source and a local HTTPS ISPDB for every domain of the ISPDB sample that
// the knowledge base does not claim, and for the domains issue 14 took out
// of the knowledge base that the complete ISPDB knows (o2.pl's four domains
// and zeelandnet.nl, served from the thunderbird/autoconfig mirror when it is
// here): the built-in source finds nothing and the ISPDB's servers, with its
// login form, are the answer.
func TestISPDBAnswersWhatBuiltinDoesNotClaim(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(ispdbDir(t), "*.xml"))
	if len(files) == 0 {
		t.Fatal("no ISPDB files")
	}
	kb := knowledge.Default()
	served := map[string]string{}
	want := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dom, servers := ispdbExpect(t, data)
		if _, claimed := kb.Lookup(dom); claimed {
			continue
		}
		served[dom] = string(data)
		want[dom] = servers
	}
	// Domains the built-in list no longer claims (issue 14), and what the
	// complete ISPDB says for them.
	removed := map[string]struct{ file, imap, user string }{
		"o2.pl":         {"o2.pl.xml", "imap poczta.o2.pl:993 tls", "test.user"},
		"tlen.pl":       {"o2.pl.xml", "imap poczta.o2.pl:993 tls", "test.user"},
		"go2.pl":        {"o2.pl.xml", "imap poczta.o2.pl:993 tls", "test.user"},
		"prokonto.pl":   {"o2.pl.xml", "imap poczta.o2.pl:993 tls", "test.user"},
		"zeelandnet.nl": {"zeelandnet.nl.xml", "imap mail.zeelandnet.nl:993 tls", "test.user"},
	}
	haveMirror := true
	for dom, r := range removed {
		if _, claimed := kb.Lookup(dom); claimed {
			t.Errorf("%s is still claimed by the built-in list", dom)
		}
		doc, ok := mirrorISPDBFile(t, r.file)
		if !ok {
			haveMirror = false
			continue
		}
		served[dom] = doc
	}
	if !haveMirror {
		t.Log("no thunderbird/autoconfig mirror (" + autoconfigMirror + " above the repository): the removed domains are checked only as not claimed")
	}
	if len(want) < 20 {
		t.Fatalf("only %d sample domains the built-in list does not claim", len(want))
	}
	w := newWorld(t)
	httpsServer(t, w.ca, w.nw, ispdbHandler(served), "ispdb.test")
	opts := w.opts(profiles.SourceBuiltin, profiles.SourceISPDB)
	check := func(dom string, res *Result) bool {
		if res.Config == nil || res.Config.Source != profiles.SourceISPDB {
			t.Errorf("%s: no ISPDB answer: %+v", dom, res.Trace)
			return false
		}
		if tr := traceOf(res, profiles.SourceBuiltin); tr.Outcome == profiles.OutcomeFound {
			t.Errorf("%s: the built-in source answered: %+v", dom, tr)
		}
		return true
	}
	for dom, servers := range want {
		res := detect(t, w, "test.user@"+dom, opts)
		if !check(dom, res) {
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
	for dom, r := range removed {
		if _, ok := served[dom]; !ok {
			continue
		}
		res := detect(t, w, "test.user@"+dom, opts)
		if !check(dom, res) {
			continue
		}
		in, _ := res.Config.RecommendedIncoming()
		if in.String() != r.imap || in.Username != r.user {
			t.Errorf("%s: incoming %s user %q, want %s user %q (the ISPDB's local-part login)", dom, in, in.Username, r.imap, r.user)
		}
	}
}
