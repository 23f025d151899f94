package audit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailsetup/profiles/knowledge"
)

// TestClientRulesNameKnownProviders: every provider a client is said to
// know by itself is in the knowledge base (a renamed id would silently
// turn "finds" into "does not find").
func TestClientRulesNameKnownProviders(t *testing.T) {
	ids := map[string]bool{}
	for _, cl := range clientRules {
		if ids[cl.id] {
			t.Errorf("client %s twice", cl.id)
		}
		ids[cl.id] = true
		for _, p := range cl.builtin {
			if _, ok := knowledge.Default().Provider(p); !ok {
				t.Errorf("%s: unknown provider %q", cl.id, p)
			}
		}
	}
	// Issue 17 names these programs.
	for _, id := range []string{"thunderbird", "k9", "applemail", "outlook-classic", "outlook-new", "mailsetup"} {
		if !ids[id] {
			t.Errorf("no rules for %s", id)
		}
	}
}

// TestK9Read follows RealAutoconfigParser.kt (thunderbird/thunderbird-android,
// feature/autodiscovery/autoconfig/…/RealAutoconfigParser.kt): POP3 is
// skipped, not fatal; "plain" anywhere among IMAP/SMTP is fatal; a missing
// <domain> is fatal.
func TestK9Read(t *testing.T) {
	good := autoconfigXML("mail.example.test", 993, "SSL", "smtp.example.test", 587, "STARTTLS")
	pop := `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="example.test"><domain>example.test</domain>
<incomingServer type="pop3"><hostname>pop.example.test</hostname><port>995</port><socketType>SSL</socketType><username>u</username><authentication>password-cleartext</authentication></incomingServer>
<incomingServer type="imap"><hostname>imap.example.test</hostname><port>993</port><socketType>SSL</socketType><username>u</username><authentication>password-cleartext</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.example.test</hostname><port>465</port><socketType>SSL</socketType><username>u</username><authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>`
	cases := []struct {
		name, doc, in string
		ok            bool
	}{
		{"good", good, "mail.example.test", true},
		{"pop3 first is skipped", pop, "imap.example.test", true},
		{"plain smtp", autoconfigXML("mail.example.test", 993, "SSL", "smtp.example.test", 25, "plain"), "", false},
		{"no domain", strings.Replace(good, "<domain>example.test</domain>", "", 1), "", false},
		{"unusable authentication", `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="x.test"><domain>x.test</domain>
<incomingServer type="imap"><hostname>i.x.test</hostname><port>993</port><socketType>SSL</socketType><username>u</username><authentication>GSSAPI</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>s.x.test</hostname><port>465</port><socketType>SSL</socketType><username>u</username><authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>`, "", false},
	}
	for _, tc := range cases {
		in, out, err := k9Read([]byte(tc.doc), testDomain)
		if (err == nil) != tc.ok || (tc.ok && (in.Host != tc.in || out == nil)) {
			t.Errorf("%s: in %+v out %+v err %v", tc.name, in, out, err)
		}
	}
}

// TestREADMEListsEveryCode keeps the README's list of problem codes whole.
func TestREADMEListsEveryCode(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Skip("README.md not found beside the package")
	}
	for _, c := range Codes {
		if !strings.Contains(string(data), "`"+c.Code+"`") {
			t.Errorf("README.md does not list %s", c.Code)
		}
	}
}
