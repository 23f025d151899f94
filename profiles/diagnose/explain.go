package diagnose

import (
	"regexp"
	"strings"

	"mailsetup/assets/i18n"
)

// Diagnosis explains one failure to the user.
type Diagnosis struct {
	Code   Code     `json:"code"`
	Title  string   `json:"title"`
	Advice string   `json:"advice"`
	Links  []string `json:"links"`
	// Reply is the server's own words (never holding the password).
	Reply string `json:"reply,omitempty"`
	// Error is the program's own description of the failure (password-free).
	Error string `json:"error,omitempty"`
	// Args are the values filled into the texts (Host, Port, Issuer…), kept
	// so the window can show the diagnosis again in another language.
	Args map[string]string `json:"args,omitempty"`
}

// Explain classifies f and writes the diagnosis in lang.
func Explain(f Failure, lang string) *Diagnosis {
	code, args := Classify(f)
	d := &Diagnosis{Code: code, Reply: f.Reply, Args: args}
	if f.Err != nil {
		d.Error = f.Err.Error()
	}
	d.Links = links(code, providerOf(f), f.Reply, args)
	d.Translate(lang)
	return d
}

// Translate fills Title and Advice in lang from Code and Args.
func (d *Diagnosis) Translate(lang string) {
	args := make(map[string]string, len(d.Args)+2)
	for k, v := range d.Args {
		args[k] = v
	}
	if p := args["Product"]; p != "" {
		args["Where"] = i18n.T(lang, "diag.where."+ProductKind(p), args)
	}
	if args["Alt"] != "" {
		args["AltText"] = i18n.T(lang, "diag.try-alternative", args)
	}
	d.Title = i18n.T(lang, d.Code.TitleKey(), args)
	d.Advice = strings.TrimSpace(i18n.T(lang, d.Code.AdviceKey(), args))
}

var urlRE = regexp.MustCompile(`https?://[^\s<>"')\]]+`)

// codeLinks are help pages per code and provider ("" = any provider).
var codeLinks = map[Code]map[string][]string{
	AppPasswordNeeded: {
		"gmail":   {"https://myaccount.google.com/apppasswords", "https://support.google.com/accounts/answer/185833"},
		"mail.ru": {"https://help.mail.ru/mail/security/protection/external"},
		"yandex":  {"https://yandex.com/support/id/authorization/app-passwords.html"},
		"yahoo":   {"https://help.yahoo.com/kb/SLN15241.html"},
		"aol":     {"https://help.aol.com/articles/Create-and-manage-app-password"},
		"icloud":  {"https://support.apple.com/en-us/102654"},
	},
	WebLoginRequired: {"gmail": {"https://support.google.com/mail/answer/78754"}},
	IMAPDisabled: {
		"yandex": {"https://mail.yandex.ru/#setup/client"},
		"gmx":    {"https://support.gmx.com/pop-imap/toggle.html"},
		"web.de": {"https://hilfe.web.de/pop-imap/einschalten.html"},
	},
	POP3Disabled: {
		"gmail":  {"https://support.google.com/mail/answer/7104828"},
		"yandex": {"https://mail.yandex.ru/#setup/client"},
		"web.de": {"https://hilfe.web.de/pop-imap/einschalten.html"},
	},
	ClientsDisabled: {
		"yandex":  {"https://mail.yandex.ru/#setup/client"},
		"rambler": {"https://mail.rambler.ru/settings/mailclients"},
	},
	BasicAuthDisabled: {"": {"https://support.microsoft.com/office/modern-authentication-methods-now-needed-to-continue-syncing-outlook-email-in-non-microsoft-email-apps-c5d65390-9676-4763-b41f-d7986499a90d"}},
	SMTPAuthDisabled:  {"": {"https://aka.ms/smtp_auth_disabled"}},
	SendingDisabled:   {"mail.ru": {"https://help.mail.ru/mail/security/hacked"}},
	RateLimited:       {"mail.ru": {"https://help.mail.ru/mail/mailer/limits"}},
}

// AntivirusLinks are vendor pages on switching off the scanning of
// encrypted connections.
var AntivirusLinks = map[string]string{
	"kaspersky":   "https://support.kaspersky.com/KIS/21/en-US/175124.htm",
	"eset":        "https://support.eset.com/en/kb3126-disable-ssltls-protocol-filtering",
	"avast":       "https://support.avast.com/article/Antivirus-HTTPS-scanning",
	"bitdefender": "https://www.bitdefender.com/business/support/en/77209-78367-encrypted-web-scan.html",
}

func links(code Code, provider, reply string, args map[string]string) []string {
	out := []string{}
	seen := map[string]bool{}
	add := func(u string) {
		u = strings.TrimRight(u, ".,;:")
		if u != "" && !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	for _, u := range urlRE.FindAllString(reply, -1) {
		add(u)
	}
	if m := codeLinks[code]; m != nil {
		for _, u := range m[provider] {
			add(u)
		}
		for _, u := range m[""] {
			add(u)
		}
	}
	if code == AuthOrAppPassword {
		for _, u := range codeLinks[AppPasswordNeeded][provider] {
			add(u)
		}
	}
	if code == TLSIntercepted {
		if u, ok := AntivirusLinks[ProductKind(args["Product"])]; ok {
			add(u)
		}
	}
	return out
}
