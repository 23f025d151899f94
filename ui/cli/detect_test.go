package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

type detectJSON struct {
	Address  string `json:"address"`
	Domain   string `json:"domain"`
	Provider struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"provider"`
	Source   string `json:"source"`
	Incoming []struct {
		Protocol, Host, Security, Username string
		Port                               int
		Auth                               []string
	} `json:"incoming"`
	Outgoing []struct {
		Protocol, Host, Security, Username string
		Port                               int
		Auth                               []string
	} `json:"outgoing"`
	Notes []struct {
		Kind, Text, URL string
	} `json:"notes"`
	Warnings []string `json:"warnings"`
}

func TestDetectJSONShape(t *testing.T) {
	code, out, errs := runCLI(t, nil, "detect", "--json", "--sources", "builtin", "ivan@inbox.ru")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{"address", "domain", "provider", "source", "incoming", "outgoing", "notes", "warnings"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	if string(raw["warnings"]) != "[]" {
		t.Errorf("warnings = %s, want []", raw["warnings"])
	}
	var d detectJSON
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.Address != "ivan@inbox.ru" || d.Domain != "inbox.ru" || d.Provider.ID != "mail.ru" || d.Provider.Name != "Mail.ru" || d.Source != "builtin" {
		t.Errorf("header = %+v", d)
	}
	in, outS := d.Incoming[0], d.Outgoing[0]
	if in.Protocol != "imap" || in.Host != "imap.mail.ru" || in.Port != 993 || in.Security != "tls" || in.Username != "ivan@inbox.ru" || len(in.Auth) == 0 || in.Auth[0] != "password" {
		t.Errorf("incoming[0] = %+v", in)
	}
	if outS.Protocol != "smtp" || outS.Host != "smtp.mail.ru" || outS.Port != 465 || outS.Security != "tls" || outS.Username != "ivan@inbox.ru" {
		t.Errorf("outgoing[0] = %+v", outS)
	}
	found := false
	for _, n := range d.Notes {
		if n.Kind == "app-password" && n.Text != "" && strings.HasPrefix(n.URL, "https://") {
			found = true
		}
	}
	if !found {
		t.Errorf("no app-password note with text and link: %+v", d.Notes)
	}
}

func TestDetectHuman(t *testing.T) {
	code, out, _ := runCLI(t, nil, "detect", "--sources=builtin", "Ivan <ivan@yandex.ru>")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"Yandex", "imap.yandex.ru", "993", "smtp.yandex.ru", "465", "ivan@yandex.ru", "Email clients"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestDetectFlagsAfterAddress(t *testing.T) {
	code, out, errs := runCLI(t, nil, "detect", "ivan@gmail.com", "--json", "--sources", "builtin")
	if code != ExitOK || !strings.Contains(out, `"imap.gmail.com"`) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

func TestDetectBadInput(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"empty", []string{"detect", ""}, "empty"},
		{"no domain", []string{"detect", "a@"}, "domain is empty"},
		{"no local", []string{"detect", "@b.ru"}, "local part is empty"},
		{"two at", []string{"detect", "a@@b.ru"}, "more than one"},
		{"space", []string{"detect", "a b@c.ru"}, "space"},
		{"300 characters", []string{"detect", strings.Repeat("a", 300) + "@b.ru"}, "too long"},
		{"control", []string{"detect", "a\x07@b.ru"}, "control character"},
		{"no address", []string{"detect", "--json"}, "give the e-mail address"},
		{"two addresses", []string{"detect", "a@b.ru", "c@d.ru"}, "one e-mail address"},
		{"bad source", []string{"detect", "--sources", "builtin,carrier-pigeon", "a@b.ru"}, "unknown source"},
		{"bad lang", []string{"detect", "--lang", "xx", "a@b.ru"}, "unknown language"},
		{"bad timeout", []string{"detect", "--timeout", "-1s", "a@b.ru"}, "timeout"},
		{"unknown flag", []string{"detect", "--jsn", "a@b.ru"}, "not defined"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCLI(t, nil, tc.args...)
			if code != ExitUsage {
				t.Errorf("exit %d, want %d (stdout %q)", code, ExitUsage, out)
			}
			if !strings.Contains(errs, tc.want) {
				t.Errorf("stderr %q lacks %q", errs, tc.want)
			}
		})
	}
}

func TestDetectNotFound(t *testing.T) {
	code, out, _ := runCLI(t, nil, "detect", "--json", "--sources", "builtin", "bob@unknown-domain.example")
	if code != ExitFailed {
		t.Fatalf("exit %d, want 1", code)
	}
	var d detectJSON
	if err := json.Unmarshal([]byte(out), &d); err != nil || len(d.Incoming) != 0 || d.Address != "bob@unknown-domain.example" {
		t.Fatalf("not-found JSON = %s (%v)", out, err)
	}
}

func TestDetectIDN(t *testing.T) {
	code, out, _ := runCLI(t, nil, "detect", "--json", "--sources", "builtin", "иван@почта.рф")
	if code != ExitFailed {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out, "xn--80a1acny.xn--p1ai") {
		t.Errorf("punycode domain missing from %s", out)
	}
}

func TestDetectLang(t *testing.T) {
	_, en, _ := runCLI(t, nil, "detect", "--json", "--sources", "builtin", "ivan@mail.ru")
	_, ru, _ := runCLI(t, map[string]string{"MAILSETUP_LANG": "ru"}, "detect", "--json", "--sources", "builtin", "ivan@mail.ru")
	_, ru2, _ := runCLI(t, nil, "detect", "--json", "--lang", "ru", "--sources", "builtin", "ivan@mail.ru")
	notes := func(out string) string {
		var d detectJSON
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(d.Notes)
		return string(b)
	}
	// The trace's timings differ from run to run; the notes must not.
	if notes(ru) != notes(ru2) {
		t.Errorf("--lang ru and MAILSETUP_LANG=ru give different notes:\n%s\n%s", notes(ru), notes(ru2))
	}
	if !strings.ContainsAny(ru, "абвгдежзийклмнопрстуфхцчшщыэюя") {
		t.Errorf("notes are not in Russian:\n%s", ru)
	}
	if en == ru {
		t.Error("Russian output equals English output")
	}
}

func TestUnknownCommand(t *testing.T) {
	code, _, errs := runCLI(t, nil, "frobnicate")
	if code != ExitUsage || !strings.Contains(errs, "unknown command") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	code, out, _ := runCLI(t, nil, "help")
	if code != ExitOK || !strings.Contains(out, "detect") {
		t.Errorf("help: exit %d, %q", code, out)
	}
}

// reliability.md L9: a domain that imitates a provider is named as such,
// whether or not settings were found for it.
func TestDetectWarnsOfLookalikeDomain(t *testing.T) {
	code, out, _ := runCLI(t, nil, "detect", "--sources", "builtin", "ivan@gmaіl.com") // Cyrillic і
	if code != ExitFailed || !strings.Contains(out, "only looks like gmail.com") {
		t.Errorf("exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, nil, "detect", "--json", "--sources", "builtin", "ivan@gmaіl.com")
	if code != ExitFailed || !strings.Contains(out, "only looks like gmail.com") {
		t.Errorf("--json: exit %d\n%s", code, out)
	}
}

// issue 18: detect's trace was English in every language. Sources and
// outcomes are now named in the user's language.
func TestDetectTraceInUsersLanguage(t *testing.T) {
	_, out, _ := runCLI(t, nil, "detect", "--lang", "ru", "--sources", "builtin", "ivan@nothing-here.example")
	if !strings.Contains(out, "встроенный в mailsetup список") || !strings.Contains(out, "ничего нет") || strings.Contains(out, "builtin ") {
		t.Errorf("the Russian trace:\n%s", out)
	}
}
