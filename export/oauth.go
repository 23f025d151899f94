package export

import (
	"strings"

	"mailsetup/profiles"
)

// tbOAuthHosts are the host names Thunderbird desktop has OAuth2 settings
// for (mozilla/releases-comm-central@cf9726f56328,
// mailnews/base/src/OAuth2Providers.sys.mjs:64-108, mail hosts only). It
// also matches their subdomains (_getBuiltInDetails, :565-590).
var tbOAuthHosts = []string{
	"googlemail.com", "gmail.com", "imap.mail.ru", "smtp.mail.ru", "imap.yandex.com", "smtp.yandex.com",
	"yahoo.com", "att.net", "aol.com", "office365.com", "outlook.com", "hotmail.com",
	"imap.fastmail.com", "pop.fastmail.com", "smtp.fastmail.com",
	"imap.comcast.net", "pop.comcast.net", "smtp.comcast.net", "thundermail.com",
}

// androidOAuthHosts are the host names Thunderbird for Android has OAuth2
// settings for (thunderbird/thunderbird-android@a59bd679859d,
// app-thunderbird/src/release/kotlin/net/thunderbird/android/auth/TbOAuthConfigurationFactory.kt:22-113).
var androidOAuthHosts = []string{
	"imap.aol.com", "smtp.aol.com", "imap.fastmail.com", "smtp.fastmail.com",
	"imap.gmail.com", "imap.googlemail.com", "smtp.gmail.com", "smtp.googlemail.com",
	"outlook.office365.com", "smtp.office365.com", "smtp-mail.outlook.com",
	"imap.mail.yahoo.com", "smtp.mail.yahoo.com", "mail.thundermail.com",
}

// tbKnowsOAuth reports whether Thunderbird desktop can sign in to host
// with OAuth2: the host or one of its parent domains is listed.
func tbKnowsOAuth(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	for strings.Contains(h, ".") {
		for _, k := range tbOAuthHosts {
			if h == k {
				return true
			}
		}
		_, h, _ = strings.Cut(h, ".")
	}
	return false
}

// androidKnowsOAuth reports whether Thunderbird for Android can sign in to
// host with OAuth2 (exact host names).
func androidKnowsOAuth(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	for _, k := range androidOAuthHosts {
		if h == k {
			return true
		}
	}
	return false
}

// withoutOAuthUnless drops OAuth2 from methods unless the client knows the
// server's host.
func withoutOAuthUnless(s profiles.Server, knows func(string) bool, methods []profiles.AuthMethod) []profiles.AuthMethod {
	if knows(s.Host) {
		return methods
	}
	var out []profiles.AuthMethod
	for _, m := range methods {
		if m != profiles.AuthOAuth2 {
			out = append(out, m)
		}
	}
	return out
}
