package ui

import (
	"context"
	"os"
	"strings"
	"testing"

	"mailsetup/profiles"
)

// architecture.md §2.7 item 3: the "Leave a copy on the server" checkbox
// reached ExportRequest.LeaveCopy and no further; every writer kept mail on
// the server whatever the person chose. Now it decides the POP3 setting in
// the file (here the autoconfig XML's leaveMessagesOnServer).
func TestExportLeaveCopyReachesTheFile(t *testing.T) {
	addr, err := profiles.ParseAddress("ivan@example.org")
	if err != nil {
		t.Fatal(err)
	}
	pop := profiles.Server{Protocol: profiles.POP3, Host: "pop.example.org", Port: 995, Security: profiles.SecurityTLS, Username: "ivan@example.org"}
	smtp := profiles.Server{Protocol: profiles.SMTP, Host: "smtp.example.org", Port: 465, Security: profiles.SecurityTLS, Username: "ivan@example.org"}
	for _, leave := range []bool{true, false} {
		cfg := profiles.ManualConfig(addr, pop, smtp)
		paths, err := ExportFiles(context.Background(), ExportRequest{Config: cfg, Dir: t.TempDir(), Format: "autoconfig", LeaveCopy: leave})
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(paths[0])
		if err != nil {
			t.Fatal(err)
		}
		want := "<leaveMessagesOnServer>false</leaveMessagesOnServer>"
		if leave {
			want = "<leaveMessagesOnServer>true</leaveMessagesOnServer>"
		}
		if !strings.Contains(string(data), want) {
			t.Errorf("LeaveCopy=%v: the file lacks %s:\n%s", leave, want, data)
		}
	}
}
