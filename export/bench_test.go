package export

import (
	"io"
	"testing"

	"mailsetup/profiles"
)

// BenchmarkWrite measures each writer for the IMAP example account.
func BenchmarkWrite(b *testing.B) {
	cfg, addr := testConfig(b)
	acct := Account{Address: addr, DisplayName: "Иван \"Q\" Petrov 🙂", Incoming: profiles.IMAP}
	for _, f := range Formats {
		b.Run(string(f.Name), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := f.Write(io.Discard, cfg, acct, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParsePrefs measures reading a prefs.js of a two-account profile.
func BenchmarkParsePrefs(b *testing.B) {
	data := []byte(twoAccountPrefs)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParsePrefs(data); err != nil {
			b.Fatal(err)
		}
	}
}
