package knowledge

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestCheckedRecord covers the "checked" field of a provider file: when and
// against what it was last compared, and its recorded exceptions.
func TestCheckedRecord(t *testing.T) {
	exc := func(fields string) string {
		return `"checked": {"date": "2026-12-01", "against": ["ispdb"], "exceptions": [{` + fields + `}]}`
	}
	good := `"reference": "fairemail", "protocol": "smtp", "theirs": "smtp.example.org:587 starttls address", "reason": "the provider's page says 465", "source": "https://example.org/help"`
	tests := []struct {
		name, checked, want string
	}{
		{"date not a date", `"checked": {"date": "1 Dec 2026", "against": ["ispdb"]}`, `checked date "1 Dec 2026" is not YYYY-MM-DD`},
		{"impossible date", `"checked": {"date": "2026-13-01", "against": ["ispdb"]}`, "is not YYYY-MM-DD"},
		{"against nothing", `"checked": {"date": "2026-12-01", "against": []}`, "checked against nothing"},
		{"unknown reference", `"checked": {"date": "2026-12-01", "against": ["memory"]}`, `checked against "memory", neither a reference`},
		{"plain http page", `"checked": {"date": "2026-12-01", "against": ["http://example.org"]}`, "neither a reference"},
		{"unknown field", `"checked": {"date": "2026-12-01", "against": ["k9"], "by": "me"}`, `unknown field "by"`},
		{"exception for unknown reference", exc(strings.Replace(good, "fairemail", "thunderbird", 1)), `exception for unknown reference "thunderbird"`},
		{"exception for unknown protocol", exc(strings.Replace(good, `"smtp"`, `"jmap"`, 1)), `exception for unknown protocol "jmap"`},
		{"exception without reason", exc(strings.Replace(good, "the provider's page says 465", " ", 1)), "needs what the reference says and a reason"},
		{"exception without theirs", exc(strings.Replace(good, "smtp.example.org:587 starttls address", "", 1)), "needs what the reference says and a reason"},
		{"exception decided by no page", exc(strings.Replace(good, "https://example.org/help", "the forum", 1)), `deciding source "the forum" is not an https:// page`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := providerFile("a", `"domains": ["example.net"], `+goodServers+`, `+tt.checked)
			_, err := Load(fstest.MapFS{"p/a.json": {Data: []byte(file)}}, "p")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	t.Run("good record loads", func(t *testing.T) {
		file := providerFile("a", `"domains": ["example.net"], `+goodServers+`, `+exc(good))
		kb, err := Load(fstest.MapFS{"p/a.json": {Data: []byte(file)}}, "p")
		if err != nil {
			t.Fatal(err)
		}
		p, _ := kb.Provider("a")
		if p.Checked == nil || p.Checked.Date != "2026-12-01" || len(p.Checked.Exceptions) != 1 || p.Checked.Exceptions[0].Reference != "fairemail" {
			t.Errorf("checked %+v", p.Checked)
		}
	})
	t.Run("every embedded file was checked on 2026-12-01", func(t *testing.T) {
		for _, p := range Default().Providers() {
			if p.Checked == nil || p.Checked.Date != "2026-12-01" {
				t.Errorf("%s: checked %+v", p.ID, p.Checked)
			}
		}
	})
}
