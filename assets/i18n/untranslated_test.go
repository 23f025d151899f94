package i18n

import (
	"regexp"
	"strings"
	"testing"
)

// untranslatable matches what stays the same in every language: template
// actions, host names and addresses, numbers, protocol and product names.
var untranslatable = regexp.MustCompile(`\{\{[^}]*\}\}|[\w.-]+@[\w.-]+|[\w-]+(\.[\w-]+)+|\d+|` +
	`The Bat!|\b(IMAP|POP3|SMTP|SSL/TLS|STARTTLS|TLS|SSL|OAuth2|OK|Microsoft Autodiscover|Autodiscover|Microsoft|Thunderbird|` +
	`Outlook|Gmail|iPhone|iPad|Mac|Android|Windows|K-9 Mail|Apple Mail|Yandex ID|mailsetup)\b`)

// sameAsEnglish lists, per language, the texts that rightly equal English:
// words the language borrowed unchanged ("Server", "Port") and labels a
// program shows in English in that language (Gmail for Android's
// "Personal (IMAP)" in Romanian). audit.col.server is the check-domain
// report's column header, the same borrowed "Server" as cli.col.server.
var sameAsEnglish = map[string]map[string]bool{
	"ro": {"cli.col.protocol": true, "cli.col.server": true, "audit.col.server": true, "cli.col.port": true, "settings.host": true, "settings.port": true,
		"guide.ui.f.port": true, "guide.ui.f.server": true, "guide.ui.import": true, "guide.ui.android.imap": true, "guide.ui.android.pop": true},
	"bs": {"cli.col.server": true, "audit.col.server": true, "cli.col.port": true, "settings.host": true, "settings.port": true, "guide.ui.f.port": true, "guide.ui.f.server": true},
	"tr": {"cli.col.port": true, "settings.port": true},
}

// TestNothingLeftInEnglish fails on a translation identical to English
// unless it holds only names, hosts and numbers or is listed above.
func TestNothingLeftInEnglish(t *testing.T) {
	for lang, texts := range readTexts(t) {
		if lang == Fallback {
			continue
		}
		for _, x := range texts {
			if x.tr != x.en || sameAsEnglish[lang][x.key] {
				continue
			}
			rest := untranslatable.ReplaceAllString(x.tr, "")
			if regexp.MustCompile(`\p{L}{2,}`).MatchString(rest) {
				t.Errorf("%s %s.%s is still English: %q", lang, x.area, x.key, x.tr)
			}
		}
	}
}

// englishWords are common English words that are not words of ru, tr, ja,
// ro or bs: one of them outside a quoted server message or another
// program's label means a phrase was left untranslated ("basic
// authentication отключена").
var englishWords = word("the", "and", "with", "your", "you", "is", "this", "that", "please", "password", "passwords",
	"account", "settings", "enabled", "disabled", "authentication", "authenticated", "login", "mailbox", "tenant", "found", "skipped")

// hosts matches host names and web addresses (account.apple.com).
var hosts = regexp.MustCompile(`[\w-]+(\.[\w-]+)+(/[\w./-]*)?`)

// TestNoEnglishPhrases looks for English words inside translated texts.
func TestNoEnglishPhrases(t *testing.T) {
	for lang, texts := range readTexts(t) {
		if lang == Fallback {
			continue
		}
		for _, x := range texts {
			if labelsOnly(x.key) {
				continue
			}
			// Brand names that contain English words stay as they are.
			plain := strings.NewReplacer("Proton Mail Bridge", "", "Secure mail key", "", "secure mail key", "",
				"Telekom Login", "", "Yahoo! JAPAN ID", "").Replace(unquote(hosts.ReplaceAllString(x.tr, "")))
			if m := englishWords.FindStringSubmatch(plain); m != nil {
				t.Errorf("%s %s.%s: English %q in %q", lang, x.area, x.key, m[1], x.tr)
			}
		}
	}
}
