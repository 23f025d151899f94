package cli

import "testing"

// TestLanguageFromEnvironment: the command line takes the language from
// the environment as the window does (i18n.FromEnv). It gave English for
// LANGUAGE=xx:ru before, taking only the first entry of the list.
func TestLanguageFromEnvironment(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		flag string
		want string
	}{
		{map[string]string{"LANGUAGE": "xx:ru"}, "", "ru"},
		{map[string]string{"LANGUAGE": "xx:ru", "MAILSETUP_LANG": "ja"}, "", "ja"},
		{map[string]string{"LANGUAGE": "xx:ru"}, "tr", "tr"},
	} {
		env := &Env{Getenv: func(k string) string { return c.env[k] }}
		got := pickLanguage(env, c.flag)
		if got != c.want {
			t.Errorf("env %v, --lang %q: %q; want %q", c.env, c.flag, got, c.want)
		}
	}
}
