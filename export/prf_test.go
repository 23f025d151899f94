package export

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"mailsetup/profiles"
)

func writePRFSections(t *testing.T, cfg *profiles.Config, acct Account, opts Options) ([]PRFSection, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := WritePRF(&buf, cfg, acct, opts); err != nil {
		t.Fatal(err)
	}
	secs, err := ParsePRF(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return secs, buf.Bytes()
}

// TestPRFAddsToExistingProfile: the account goes into the person's
// existing default Outlook profile instead of a new default profile that
// hides theirs. Microsoft's Office Customization Tool calls this "Modify
// Profile" / "Define changes to make to the existing default profile"
// (learn.microsoft.com cc179062, "Customize Outlook profiles by using an
// Outlook Profile (PRF) file"); in the PRF it is
// ModifyDefaultProfileIfPresent=TRUE ("Modifies the default profile if one
// exists, even if the profile name is different from the one in the PRF")
// with OverwriteProfile=Append ("Valid entries are Yes, No, and Append. Use
// Append to update a profile"), as in OCT-generated PRFs (annotated by
// slipstick.com, "Understanding an Outlook Profile file (PRF)"). The
// account must not take over as the default sending account
// (no DefaultAccount=TRUE).
func TestPRFAddsToExistingProfile(t *testing.T) {
	cfg, addr := testConfig(t)
	for _, p := range []profiles.Protocol{profiles.IMAP, profiles.POP3} {
		secs, _ := writePRFSections(t, cfg, Account{Address: addr, Incoming: p}, Options{})
		g := prfSection(secs, "General")
		for k, want := range map[string]string{"ModifyDefaultProfileIfPresent": "TRUE", "OverwriteProfile": "Append", "BackupProfile": "False"} {
			if !strings.EqualFold(g.Values[k], want) {
				t.Errorf("%s: [General] %s=%q, want %s", p, k, g.Values[k], want)
			}
		}
		if v, ok := prfSection(secs, "Account1").Values["DefaultAccount"]; ok && strings.EqualFold(v, "TRUE") {
			t.Errorf("%s: the new account would become the default sending account", p)
		}
	}
}

// TestPRFPrefersImplicitTLS: Microsoft documents IMAPUseSSL/POP3UseSSL
// only as "A zero value means do not use SSL, otherwise use SSL"
// (MicrosoftDocs/office-developer-client-docs, docs/outlook/auxiliary/prop_inet_ssl.md,
// PROP_INET_SSL 0x0105); SMTPSecureConnection has ENCRYPT_CONN_SSL 1 and
// ENCRYPT_CONN_TLS 2 (constants-account-management-api.md). Where the
// provider offers implicit TLS the PRF uses it.
func TestPRFPrefersImplicitTLS(t *testing.T) {
	st, saddr := starttlsConfig(t)
	withTLS := st.Clone()
	withTLS.Incoming = append(withTLS.Incoming,
		profiles.Server{Protocol: profiles.IMAP, Host: "mail.example.org", Port: 993, Security: profiles.SecurityTLS, Username: "%EMAILLOCALPART%"},
		profiles.Server{Protocol: profiles.POP3, Host: "mail.example.org", Port: 995, Security: profiles.SecurityTLS, Username: "%EMAILLOCALPART%"})
	withTLS.Outgoing = append(withTLS.Outgoing, profiles.Server{Protocol: profiles.SMTP, Host: "mail.example.org", Port: 465, Security: profiles.SecurityTLS, Username: "ivan.smtp", Auth: []profiles.AuthMethod{profiles.AuthPasswordEncrypted}})
	for _, c := range []struct {
		cfg                     *profiles.Config
		p                       profiles.Protocol
		port, ssl, smtp, smtpSC string
	}{
		{withTLS, profiles.IMAP, "993", "1", "465", "1"},
		{withTLS, profiles.POP3, "995", "1", "465", "1"},
		{st, profiles.IMAP, "143", "2", "587", "2"}, // STARTTLS only: the undocumented 2 stays (see the note)
	} {
		secs, _ := writePRFSections(t, c.cfg, Account{Address: saddr, Incoming: c.p}, Options{})
		a := prfSection(secs, "Account1")
		pre := "IMAP"
		if c.p == profiles.POP3 {
			pre = "POP3"
		}
		if a.Values[pre+"Port"] != c.port || a.Values[pre+"UseSSL"] != c.ssl || a.Values["SMTPPort"] != c.smtp || a.Values["SMTPSecureConnection"] != c.smtpSC {
			t.Errorf("%s: port %s ssl %s smtp %s/%s, want %s %s %s/%s", c.p, a.Values[pre+"Port"], a.Values[pre+"UseSSL"], a.Values["SMTPPort"], a.Values["SMTPSecureConnection"], c.port, c.ssl, c.smtp, c.smtpSC)
		}
	}
}

// TestPRFPercentDoesNotExpand: Outlook expands %NAME% environment
// variables in PRF values (OCT PRFs use ProfileName=%UserName% and
// PathToPersonalFolders=%USERPROFILE%\…). A display name keeps its look
// with the fullwidth ％; an address or login with two % is refused.
func TestPRFPercentDoesNotExpand(t *testing.T) {
	cfg, addr := testConfig(t)
	secs, _ := writePRFSections(t, cfg, Account{Address: addr, DisplayName: "100% %USERNAME% Ivan", Incoming: profiles.IMAP}, Options{Organization: "%COMPUTERNAME% Ltd"})
	a := prfSection(secs, "Account1")
	for _, k := range []string{"DisplayName", "Organization"} {
		if strings.Contains(a.Values[k], "%") || !strings.Contains(a.Values[k], "％") {
			t.Errorf("%s=%q could expand as an environment variable", k, a.Values[k])
		}
	}
	odd := cfg.Clone()
	for i := range odd.Incoming {
		odd.Incoming[i].Username = "%USERNAME%"
	}
	var buf bytes.Buffer
	if err := WritePRF(&buf, odd, Account{Address: addr, Incoming: profiles.IMAP}, Options{}); !errors.Is(err, ErrCannotSignIn) {
		t.Errorf("login %%USERNAME%%: got %v, want ErrCannotSignIn", err)
	}
}

// TestPRFEncoding pins the encoding decision (see encodePRF and the note):
// ASCII when every value is ASCII, the only form measured on real Outlook
// 16.x; UTF-16LE with a BOM otherwise, which Windows' profile functions
// read as Unicode on every code page, for Cyrillic, Turkish, Romanian and
// Japanese names alike (an ANSI file could carry only one code page).
func TestPRFEncoding(t *testing.T) {
	cfg, addr := testConfig(t)
	_, raw := writePRFSections(t, cfg, Account{Address: addr, DisplayName: "Ivan Petrov", Incoming: profiles.IMAP}, Options{})
	if bytes.HasPrefix(raw, []byte{0xFF, 0xFE}) || !utf8.Valid(raw) || bytes.ContainsFunc(raw, func(r rune) bool { return r > 0x7f }) {
		t.Error("an all-ASCII account must give a plain ASCII PRF")
	}
	for _, name := range []string{"Иван Петров", "İsmail Işık", "Ștefan Țurcanu", "山田太郎", "Иван İsmail Ștefan 山田"} {
		secs, raw := writePRFSections(t, cfg, Account{Address: addr, DisplayName: name, Incoming: profiles.IMAP}, Options{})
		if !bytes.HasPrefix(raw, []byte{0xFF, 0xFE}) || len(raw)%2 != 0 {
			t.Errorf("%s: not UTF-16LE with a BOM", name)
		}
		if got := prfSection(secs, "Account1").Values["DisplayName"]; got != name {
			t.Errorf("DisplayName %q, want %q", got, name)
		}
	}
}
