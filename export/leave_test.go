package export

import (
	"bytes"
	"encoding/xml"
	"testing"

	"mailsetup/profiles"
)

// TestDeleteFromServer checks that Options.DeleteFromServer reaches every
// POP3 writer (architecture review §2.7 item 3: today every writer keeps a
// copy on the server) and that the zero value keeps a copy. The key each
// client reads:
//   - PRF: LeaveOnServer, LEAVE_ON_SERVER 0x1 (MicrosoftDocs/office-developer-client-docs,
//     docs/outlook/auxiliary/constants-account-management-api.md).
//   - Thunderbird: mail.server.N.leave_on_server (mozilla/releases-comm-central@cf9726f56328,
//     mailnews/local/src/Pop3IncomingServer.sys.mjs:49 ["Bool", "leaveMessagesOnServer", "leave_on_server"]).
//   - autoconfig: <pop3><leaveMessagesOnServer> (readFromXML.sys.mjs:209-233).
//   - .k9s: deletePolicy (K-9 has no "delete after download"; DELETE removes
//     a message from the server when it is deleted on the phone).
func TestDeleteFromServer(t *testing.T) {
	cfg, addr := testConfig(t)
	acct := Account{Address: addr, Incoming: profiles.POP3}
	for _, del := range []bool{false, true} {
		opts := Options{DeleteFromServer: del}
		write := func(f FormatName) []byte {
			var b bytes.Buffer
			if err := Write(string(f), &b, cfg, acct, opts); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}
		secs, err := ParsePRF(write(FormatPRF))
		if err != nil {
			t.Fatal(err)
		}
		wantPRF := map[bool]string{false: "0x1", true: "0x0"}[del]
		if got := prfSection(secs, "Account1").Values["LeaveOnServer"]; got != wantPRF {
			t.Errorf("delete=%v: PRF LeaveOnServer=%s, want %s", del, got, wantPRF)
		}
		for name, prefs := range map[string][]byte{"thunderbird": write(FormatThunderbird), "zip": unzipPrefs(t, write(FormatThunderbirdZip))} {
			m := PrefMap(mustParse(t, prefs))
			if got := m["mail.server.server1.leave_on_server"]; got != !del {
				t.Errorf("delete=%v: %s leave_on_server=%v", del, name, got)
			}
		}
		var ac struct {
			In []struct {
				Leave string `xml:"pop3>leaveMessagesOnServer"`
			} `xml:"emailProvider>incomingServer"`
		}
		if err := xml.Unmarshal(write(FormatAutoconfig), &ac); err != nil {
			t.Fatal(err)
		}
		if want := map[bool]string{false: "true", true: "false"}[del]; len(ac.In) == 0 || ac.In[0].Leave != want {
			t.Errorf("delete=%v: autoconfig leaveMessagesOnServer=%+v", del, ac.In)
		}
		accs, err := k9Import(write(FormatK9))
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]string{false: "NEVER", true: "DELETE"}[del]; accs[0].Settings["deletePolicy"] != want {
			t.Errorf("delete=%v: k9 deletePolicy=%s", del, accs[0].Settings["deletePolicy"])
		}
	}
}
