package knowledge

import (
	"fmt"
	"testing"

	"mailsetup/profiles"
)

// TestIssue14Domains is what `mailsetup detect --json --sources builtin
// ivan@DOMAIN` answers for every domain issue 14 names (the built-in source
// is kb.Detect): the servers the references confirm, recommended first, or
// nothing (the command exits 1 and discovery answers from the network).
// Each expectation comes from the cross-check (crosscheck_test.go): the
// ISPDB (thunderbird/autoconfig ispdb/<file>.xml), FairEmail's list and
// K-9's last list, as noted per row. The function is long because the
// table is: one row per domain the issue names.
func TestIssue14Domains(t *testing.T) {
	type want struct {
		in, out string // "proto host:port security login"; "" means not claimed
	}
	const a, l = "address", "local"
	srv := func(proto, hostport, sec, login string) string {
		return proto + " " + hostport + " " + sec + " " + login
	}
	none := want{}
	cases := map[string]want{
		// Wrong before: now the references' servers (ISPDB sky.com.xml, FairEmail Sky.com).
		"sky.com": {srv("imap", "imap.tools.sky.com:993", "tls", a), srv("smtp", "smtp.tools.sky.com:465", "tls", a)},
		// ISPDB alice.it.xml and FairEmail Alice.it: TIM's Alice servers, STARTTLS.
		"alice.it": {srv("imap", "in.alice.it:143", "starttls", a), srv("smtp", "out.alice.it:587", "starttls", a)},
		// tin.it: only FairEmail knows it (imaps.tin.it); tiscalinet.it: no reference under TIM.
		"tin.it": none, "tiscalinet.it": none,
		"tim.it": {srv("imap", "imap.tim.it:143", "starttls", a), srv("smtp", "smtp.tim.it:587", "starttls", a)},
		// ISPDB zeelandnet.nl.xml gives its own servers and the local part; only one reference, so discovery answers.
		"zeelandnet.nl": none,
		"comcast.net":   {srv("imap", "imap.comcast.net:993", "tls", a), srv("smtp", "smtp.comcast.net:587", "starttls", a)},
		"shaw.ca":       {srv("imap", "imap.shaw.ca:993", "tls", a), srv("smtp", "mail.shaw.ca:587", "starttls", a)},
		// Bell: 465 dropped (ISPDB bell.net.xml lists 587 STARTTLS only).
		"bell.net": {srv("imap", "imap.bell.net:993", "tls", a), srv("smtp", "smtphm.sympatico.ca:587", "starttls", a)},
		// o2.pl: the ISPDB says the local part, FairEmail the address: not claimed.
		"o2.pl": none, "tlen.pl": none, "go2.pl": none, "prokonto.pl": none,
		// Virgin Media's legacy domains: FairEmail and K-9 give virginmedia.com's servers.
		"virgin.net":       {srv("imap", "imap.virginmedia.com:993", "tls", a), srv("smtp", "smtp.virginmedia.com:465", "tls", a)},
		"ntlworld.com":     {srv("imap", "imap.virginmedia.com:993", "tls", a), srv("smtp", "smtp.virginmedia.com:465", "tls", a)},
		"blueyonder.co.uk": {srv("imap", "imap.virginmedia.com:993", "tls", a), srv("smtp", "smtp.virginmedia.com:465", "tls", a)},
		// No public list knows these: not claimed.
		"ukr.net": none, "i.ua": none, "meta.ua": none, "rogers.com": none,
		// Proton: the Bridge's own defaults (proton-bridge internal/vault/types_settings.go).
		"proton.me": {srv("imap", "127.0.0.1:1143", "starttls", a), srv("smtp", "127.0.0.1:1025", "starttls", a)},
		// iCloud: IMAP with the local part, SMTP with the address (ISPDB me.com.xml, Apple).
		"icloud.com": {srv("imap", "imap.mail.me.com:993", "tls", l), srv("smtp", "smtp.mail.me.com:587", "starttls", a)},
		// Personal Zoho EU (ISPDB zoho.eu.xml, FairEmail Zoho EU).
		"zoho.eu": {srv("imap", "imap.zoho.eu:993", "tls", a), srv("smtp", "smtp.zoho.eu:465", "tls", a)},
		// Alias domains added from the ISPDB's lists.
		"cheerful.com":   {srv("imap", "imap.mail.com:993", "tls", a), srv("smtp", "smtp.mail.com:587", "starttls", a)},
		"techie.com":     {srv("imap", "imap.mail.com:993", "tls", a), srv("smtp", "smtp.mail.com:587", "starttls", a)},
		"hotmail.co.za":  {srv("imap", "outlook.office365.com:993", "tls", a), srv("smtp", "smtp-mail.outlook.com:587", "starttls", a)},
		"live.com.pt":    {srv("imap", "outlook.office365.com:993", "tls", a), srv("smtp", "smtp-mail.outlook.com:587", "starttls", a)},
		"netscape.net":   {srv("imap", "imap.aol.com:993", "tls", a), srv("smtp", "smtp.aol.com:465", "tls", a)},
		"compuserve.com": {srv("imap", "imap.aol.com:993", "tls", a), srv("smtp", "smtp.aol.com:465", "tls", a)},
		"aol.se":         {srv("imap", "imap.aol.com:993", "tls", a), srv("smtp", "smtp.aol.com:465", "tls", a)},
		"posteo.jp":      {srv("imap", "posteo.de:993", "tls", a), srv("smtp", "posteo.de:465", "tls", a)},
		"onsmail.nl":     {srv("imap", "imap.kpnmail.nl:993", "tls", a), srv("smtp", "smtp.kpnmail.nl:465", "tls", a)},
		"ziggomail.com":  {srv("imap", "imap.ziggo.nl:993", "tls", a), srv("smtp", "smtp.ziggo.nl:587", "starttls", a)},
		"fn.de":          {srv("imap", "mx.freenet.de:993", "tls", a), srv("smtp", "mx.freenet.de:465", "tls", a)},
		"mein.gmx":       {srv("imap", "imap.gmx.net:993", "tls", a), srv("smtp", "mail.gmx.net:465", "tls", a)},
		// New providers where the ISPDB and FairEmail agree.
		"arcor.de":    {srv("imap", "imap.vodafonemail.de:993", "tls", a), srv("smtp", "smtp.vodafonemail.de:465", "tls", a)},
		"charter.net": {srv("imap", "mobile.charter.net:993", "tls", a), srv("smtp", "mobile.charter.net:587", "tls", a)},
		"pec.it":      {srv("imap", "imaps.pec.aruba.it:993", "tls", a), srv("smtp", "smtps.pec.aruba.it:465", "tls", a)},
		"a1.net":      {srv("imap", "securemail.a1.net:993", "tls", a), srv("smtp", "securemail.a1.net:587", "starttls", a)},
	}
	kb := Default()
	show := func(s profiles.Server) string {
		login := "other"
		switch s.Username {
		case "ivan":
			login = l
		default:
			if len(s.Username) > 5 && s.Username[:5] == "ivan@" {
				login = a
			}
		}
		return fmt.Sprintf("%s %s:%d %s %s", s.Protocol, s.Host, s.Port, s.Security, login)
	}
	for domain, w := range cases {
		cfg, ok := kb.Detect(mustParse(t, "ivan@"+domain))
		if w.in == "" {
			if ok {
				t.Errorf("%s: claimed by %s, want nothing (discovery answers)", domain, cfg.Provider.ID)
			}
			continue
		}
		if !ok {
			t.Errorf("%s: not claimed, want %s / %s", domain, w.in, w.out)
			continue
		}
		in, _ := cfg.RecommendedIncoming()
		out, _ := cfg.RecommendedOutgoing()
		if got := show(in); got != w.in {
			t.Errorf("%s (%s): incoming %s, want %s", domain, cfg.Provider.ID, got, w.in)
		}
		if got := show(out); got != w.out {
			t.Errorf("%s (%s): outgoing %s, want %s", domain, cfg.Provider.ID, got, w.out)
		}
	}
	// comcast.net's POP3 server (the issue's defect): mail.comcast.net, not pop3.comcast.net.
	cfg, _ := kb.Detect(mustParse(t, "ivan@comcast.net"))
	if pop, ok := cfg.FirstIncoming(profiles.POP3); !ok || pop.Host != "mail.comcast.net" || pop.Port != 995 || pop.Security != profiles.SecurityTLS {
		t.Errorf("comcast.net POP3 %v, want mail.comcast.net:995 tls", pop)
	}
	// shaw.ca and Bell offer no unconfirmed SMTP alternative.
	for _, d := range []string{"shaw.ca", "bell.net", "sky.com"} {
		cfg, _ := kb.Detect(mustParse(t, "ivan@"+d))
		if len(cfg.Outgoing) != 1 {
			t.Errorf("%s: %d outgoing servers %v, want only the confirmed one", d, len(cfg.Outgoing), cfg.Outgoing)
		}
	}
	// Company domains hosted at Yahoo or AOL are recognised by MX.
	for mx, id := range map[string]string{"mx-biz.mail.am0.yahoodns.net": "yahoo", "mx-aol.mail.gm0.yahoodns.net": "aol"} {
		if p, ok := kb.LookupMX(mx); !ok || p.ID != id {
			t.Errorf("LookupMX(%s) = %v, want %s", mx, p, id)
		}
	}
}
