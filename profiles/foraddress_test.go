package profiles

import "testing"

func TestConfigForAddress(t *testing.T) {
	a, _ := ParseAddress("anna+news@example.com")
	b, _ := ParseAddress("bob@example.com")
	src := ManualConfig(a, Server{Protocol: IMAP, Host: "imap.example.com", Port: 993, Security: SecurityTLS, Username: "anna+news"},
		Server{Protocol: SMTP, Host: "smtp.example.com", Port: 465, Security: SecurityTLS})
	src.Incoming = append(src.Incoming, Server{Protocol: POP3, Host: "pop.example.com", Port: 995, Security: SecurityTLS, Username: "anna"},
		Server{Protocol: POP3, Host: "pop2.example.com", Port: 995, Security: SecurityTLS, Username: `CORP\admin`})
	src.Notes = []Note{{Kind: NoteAppPassword, Args: map[string]string{"Login": "anna+news@example.com", "Other": "x"}}}
	got := src.ForAddress(b)
	if got.Address != "bob@example.com" {
		t.Errorf("address = %q", got.Address)
	}
	for i, want := range []string{"bob", "bob", `CORP\admin`} {
		if got.Incoming[i].Username != want {
			t.Errorf("incoming[%d] username = %q, want %q", i, got.Incoming[i].Username, want)
		}
	}
	if got.Outgoing[0].Username != "bob@example.com" {
		t.Errorf("outgoing username = %q", got.Outgoing[0].Username)
	}
	if got.Notes[0].Args["Login"] != "bob@example.com" || got.Notes[0].Args["Other"] != "x" {
		t.Errorf("note args = %v", got.Notes[0].Args)
	}
	if src.Address != "anna+news@example.com" || src.Incoming[0].Username != "anna+news" || src.Notes[0].Args["Login"] != "anna+news@example.com" {
		t.Error("ForAddress changed the original")
	}
}
