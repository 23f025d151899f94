package i18n

import "testing"

// TestFromEnv is the one rule window and command line share. Before it,
// the command line took only the first LANGUAGE entry (LANGUAGE=xx:ru gave
// English) while the window skipped unsupported entries (Russian).
// LANGUAGE is a priority list of languages, tried in order (GNU gettext
// manual, "The LANGUAGE variable"); LC_ALL overrides LC_MESSAGES, which
// overrides LANG (POSIX.1-2017, 8.2 Internationalization Variables).
func TestFromEnv(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"nothing set", nil, "en"},
		{"LANGUAGE skips an unsupported first entry", map[string]string{"LANGUAGE": "xx:ru"}, "ru"},
		{"LANGUAGE order", map[string]string{"LANGUAGE": "ja:ru"}, "ja"},
		{"LANGUAGE with English first", map[string]string{"LANGUAGE": "en_GB:ru"}, "en"},
		{"LANGUAGE before the locale", map[string]string{"LANGUAGE": "tr", "LANG": "ru_RU.UTF-8"}, "tr"},
		{"LANGUAGE of nothing supported falls to the locale", map[string]string{"LANGUAGE": "xx:de", "LANG": "ru_RU.UTF-8"}, "ru"},
		{"empty LANGUAGE entries are skipped", map[string]string{"LANGUAGE": "::ro"}, "ro"},
		{"LC_ALL over LC_MESSAGES over LANG", map[string]string{"LC_ALL": "ja_JP.UTF-8", "LC_MESSAGES": "ru_RU", "LANG": "tr_TR"}, "ja"},
		{"LC_MESSAGES over LANG", map[string]string{"LC_MESSAGES": "bs_BA", "LANG": "tr_TR"}, "bs"},
		{"LANG alone", map[string]string{"LANG": "ro_RO.UTF-8"}, "ro"},
		{"the C locale is English", map[string]string{"LC_ALL": "C", "LANG": "ru_RU"}, "en"},
		{"an unsupported locale is English, not the next variable", map[string]string{"LC_ALL": "de_DE", "LANG": "ru_RU"}, "en"},
		{"MAILSETUP_LANG first", map[string]string{"MAILSETUP_LANG": "ja", "LANGUAGE": "ru"}, "ja"},
		{"an unsupported MAILSETUP_LANG is skipped", map[string]string{"MAILSETUP_LANG": "xx", "LANGUAGE": "ru"}, "ru"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := FromEnv(func(k string) string { return c.env[k] }); got != c.want {
				t.Errorf("FromEnv(%v) = %q, want %q", c.env, got, c.want)
			}
		})
	}
}

func TestTOr(t *testing.T) {
	c := Default()
	cases := []struct{ lang, key, fallback, want string }{
		{"ru", "app.title", "English", c.T("ru", "app.title", nil)},
		{"ru", "no.such.key", "English words", "English words"},
		{"ru", "no.such.key", "", "no.such.key"},
		{"ru", "", "plain name", "plain name"},
	}
	for _, k := range cases {
		if got := c.TOr(k.lang, k.key, k.fallback, nil); got != k.want {
			t.Errorf("TOr(%q, %q, %q) = %q, want %q", k.lang, k.key, k.fallback, got, k.want)
		}
	}
	if c.T("ru", "app.title", nil) == c.T("en", "app.title", nil) {
		t.Error("app.title is not translated into Russian: the first case proves nothing")
	}
}
