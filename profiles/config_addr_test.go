package profiles

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
)

// TestConfigAddr: the parsed Address travels with the Config (SetAddress),
// the JSON is the same bytes as before (the parsed copy is not in it), and
// a Config that did not come from a constructor still answers by parsing.
func TestConfigAddr(t *testing.T) {
	a, err := ParseAddress("Иван <Ivan@Почта.РФ>")
	if err != nil {
		t.Fatal(err)
	}
	cfg := ManualConfig(a, Server{Protocol: IMAP, Host: "imap.xn--80a1acny.xn--p1ai", Port: 993, Security: SecurityTLS},
		Server{Protocol: SMTP, Host: "smtp.xn--80a1acny.xn--p1ai", Port: 465, Security: SecurityTLS})
	got, err := cfg.Addr()
	if err != nil || got.Local != "Ivan" || got.Domain != a.Domain || got.DomainUnicode != a.DomainUnicode || got.Name != "" {
		t.Fatalf("Addr = %+v, %v; want %+v without the name", got, err, a)
	}
	// The JSON of a Config built with the parsed Address is byte-identical
	// to one whose Address is only the string.
	plain := *cfg
	plain.addr = Address{}
	j1, _ := json.Marshal(cfg)
	j2, _ := json.Marshal(&plain)
	if !bytes.Equal(j1, j2) {
		t.Errorf("JSON differs:\n%s\n%s", j1, j2)
	}
	var back Config
	if err := json.Unmarshal(j1, &back); err != nil {
		t.Fatal(err)
	}
	if b, err := back.Addr(); err != nil || b != got {
		t.Errorf("decoded Addr = %+v, %v; want %+v", b, err, got)
	}
	// Changing Address by hand is not hidden by the kept copy.
	c2 := cfg.Clone()
	c2.Address = "other@example.org"
	if b, err := c2.Addr(); err != nil || b.String() != "other@example.org" {
		t.Errorf("after a hand change Addr = %+v, %v", b, err)
	}
	c2.Address = "not an address"
	if _, err := c2.Addr(); !errors.Is(err, ErrInvalidAddress) {
		t.Errorf("a bad Address: %v", err)
	}
}

func TestSentence(t *testing.T) {
	_, aerr := ParseAddress("a.b.ru")
	herr := ValidateHost("bad_-.example.-x")
	for _, c := range []struct {
		err  error
		want string
	}{
		{aerr, `the address has no "@": it should look like name@example.com`},
		{fmt.Errorf("typing: %w", aerr), `the address has no "@": it should look like name@example.com`},
		{herr, herr.(*HostError).Problem},
		{errors.New("plain: text"), "plain: text"},
		{nil, ""},
	} {
		if got := Sentence(c.err); got != c.want {
			t.Errorf("Sentence(%v) = %q, want %q", c.err, got, c.want)
		}
	}
	if herr == nil || Sentence(herr) == herr.Error() {
		t.Errorf("host error %v has no sentence of its own", herr)
	}
}
