package i18n

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProviderNames checks providers.<lang>.json, the names a provider's
// users know it by ("Яндекс Почта", "Yahoo!メール"), which a caller shows
// instead of the English name in profiles/knowledge/providers/<id>.json
// (TOr(lang, "provider."+id, name)): every key names a provider that exists
// and every name differs from the English one.
func TestProviderNames(t *testing.T) {
	english := map[string]string{}
	files, _ := filepath.Glob(filepath.Join("..", "..", "profiles", "knowledge", "providers", "*.json"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var p struct{ ID, Name string }
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatal(err)
		}
		english[p.ID] = p.Name
	}
	if len(english) < 50 {
		t.Fatalf("only %d providers found", len(english))
	}
	for _, lang := range Languages[1:] {
		data, err := os.ReadFile(filepath.Join("..", "translations", "providers."+lang+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		for k, v := range m {
			id, ok := strings.CutPrefix(k, "provider.")
			if !ok || english[id] == "" {
				t.Errorf("providers.%s.json: %q names no provider", lang, k)
				continue
			}
			if v == english[id] {
				t.Errorf("providers.%s.json: %q is the English name %q", lang, k, v)
			}
		}
	}
	want := map[string]map[string]string{
		"ru": {"yandex": "Яндекс Почта", "mail.ru": "Почта Mail.ru", "rambler": "Рамблер/почта"},
		"ja": {"yahoo.co.jp": "Yahoo!メール"},
	}
	c := Default()
	for lang, names := range want {
		for id, name := range names {
			if got := c.T(lang, "provider."+id, nil); got != name {
				t.Errorf("%s provider.%s = %q, want %q", lang, id, got, name)
			}
		}
	}
}
