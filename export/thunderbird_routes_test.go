package export

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailsetup/profiles"
)

// localFolders is how accountSummary shows Thunderbird's Local Folders.
const localFolders = "none Local Folders nobody"

// TestThunderbirdSnippetIsPrefsJS: the snippet is offered only as the
// prefs.js of a new profile, never as a user.js, and pins no key counter.
// Why, in Thunderbird's code (mozilla/releases-comm-central@cf9726f56328):
// user.js is applied after prefs.js at every start, and
// nsMsgAccountManager.cpp:1158-1160 reads mail.accountmanager.accounts at
// every start, so a user.js list hides Local Folders (created later by
// messenger.js createLocalMailAccount) and every account added afterwards;
// GetUniqueAccountKey (:305-335) counts from mail.account.lastKey, so a
// pinned lastKey makes the next account reuse a key. prefs.js, in
// contrast, is read once and rewritten by Thunderbird.
// TestThunderbirdRoutesKeepAccounts shows both with a real Thunderbird.
func TestThunderbirdSnippetIsPrefsJS(t *testing.T) {
	f, _ := Lookup(string(FormatThunderbird))
	cfg, addr := testConfig(t)
	if name := FileName(f, Account{Address: addr}, cfg); name != "prefs.js" {
		t.Errorf("suggested file name %q, want prefs.js", name)
	}
	var buf bytes.Buffer
	if err := WriteThunderbirdPrefs(&buf, cfg, Account{Address: addr}, Options{}); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	if !strings.Contains(text, "as prefs.js in a NEW, EMPTY profile") || !strings.Contains(text, "Never save it as user.js") {
		t.Errorf("the instructions must say prefs.js in a new profile and warn against user.js:\n%s", text)
	}
	if _, ok := PrefMap(mustParse(t, buf.Bytes()))["mail.account.lastKey"]; ok {
		t.Error("the snippet pins mail.account.lastKey")
	}
}

// TestThunderbirdRoutesKeepAccounts runs a real Thunderbird (headless)
// three times on a profile made by each route we offer — the snippet saved
// as the file name we suggest, the zip through Thunderbird's own importer,
// and the direct install — and checks after every start that Local
// Folders, every old account and the new one are in Thunderbird's account
// list, and (snippet route) that an account added between starts is kept.
// A control shows the defect of the old advice: the same lines as user.js
// lose Local Folders from the second start on.
func TestThunderbirdRoutesKeepAccounts(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Thunderbird nine times; skipped with -short")
	}
	d, inst, addr, cfg := thunderbirdWithDovecot(t)
	cfg.Incoming = append(cfg.Incoming, profiles.Server{Protocol: profiles.POP3, Host: "localhost", Port: d.POP3Port, Security: profiles.SecuritySTARTTLS, Username: d.User})
	acct := Account{Address: addr, DisplayName: "Alice Route", Incoming: profiles.IMAP}
	newAcc := "imap localhost " + d.User
	popAcc := "pop3 localhost " + d.User
	oldAccs := accountSummary(t, []byte(twoAccountPrefs)) // includes Local Folders

	// start runs Thunderbird once. With the zip it runs the importer
	// (the imported account logs in from the next start on, as after
	// Tools → Import); otherwise it waits for a Dovecot login and for the
	// report of the accounts Thunderbird has loaded, and returns them.
	start := func(t *testing.T, home, prof string, env []string) []string {
		t.Helper()
		before := strings.Count(d.Log(), "Login: user=<"+d.User+">")
		importing := len(env) > 0
		if !importing {
			env = []string{"MAILSETUP_TEST_REPORT=1"}
		}
		out, ok := runThunderbird(t, inst, home, prof, env, 90*time.Second, func(s string) bool {
			if importing {
				return strings.Contains(s, "mailsetup-import: ")
			}
			return strings.Contains(s, "mailsetup-live-done") && strings.Count(d.Log(), "Login: user=<"+d.User+">") > before
		})
		if !ok {
			t.Fatalf("Thunderbird did not log in to Dovecot and report its accounts (or the importer did not run).\nDovecot:\n%s\nThunderbird:\n%s", tail(d.Log(), 2000), tail(out, 2000))
		}
		if importing && !strings.Contains(out, "mailsetup-import: done") {
			t.Fatalf("the importer did not finish:\n%s", tail(out, 2000))
		}
		return liveAccounts(out)
	}
	has := func(accs []string, want string) int {
		n := 0
		for _, a := range accs {
			if a == want {
				n++
			}
		}
		return n
	}
	// expect checks the accounts the running Thunderbird had loaded (live)
	// and those its prefs.js lists afterwards.
	expect := func(t *testing.T, prof string, round int, live []string, want ...string) {
		t.Helper()
		saved := accountSummary(t, mustRead(t, filepath.Join(prof, "prefs.js")))
		for _, w := range want {
			if live != nil && has(live, w) != 1 {
				t.Errorf("start %d: Thunderbird had loaded %q %d times: %v", round, w, has(live, w), live)
			}
			if has(saved, w) != 1 {
				t.Errorf("after start %d: %q appears %d times in prefs.js's account list %v", round, w, has(saved, w), saved)
			}
		}
	}
	newProfile := func(t *testing.T, prefs string) (string, string) {
		home := t.TempDir()
		prof := filepath.Join(home, "profile")
		os.MkdirAll(prof, 0o700)
		os.WriteFile(filepath.Join(prof, "user.js"), []byte(quietPrefs), 0o600)
		if prefs != "" {
			os.WriteFile(filepath.Join(prof, "prefs.js"), []byte(prefs), 0o600)
		}
		return home, prof
	}

	t.Run("snippet", func(t *testing.T) {
		home, prof := newProfile(t, "")
		f, _ := Lookup(string(FormatThunderbird))
		var buf bytes.Buffer
		if err := WriteThunderbirdPrefs(&buf, cfg, acct, Options{}); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(prof, FileName(f, acct, cfg)), buf.Bytes(), 0o600)
		expect(t, prof, 1, start(t, home, prof, nil), newAcc, localFolders)
		// The person adds another account while Thunderbird is closed.
		if _, err := InstallThunderbird(prof, cfg, Account{Address: addr, Incoming: profiles.POP3}); err != nil {
			t.Fatal(err)
		}
		for round := 2; round <= 3; round++ {
			expect(t, prof, round, start(t, home, prof, nil), newAcc, localFolders, popAcc)
		}
	})
	t.Run("zip", func(t *testing.T) {
		home, prof := newProfile(t, twoAccountPrefs)
		var buf bytes.Buffer
		if err := WriteThunderbirdZip(&buf, cfg, acct, Options{}); err != nil {
			t.Fatal(err)
		}
		zipPath := filepath.Join(home, "account.zip")
		os.WriteFile(zipPath, buf.Bytes(), 0o600)
		start(t, home, prof, []string{"MAILSETUP_TEST_IMPORT_ZIP=" + zipPath})
		for round := 2; round <= 3; round++ {
			expect(t, prof, round, start(t, home, prof, nil), append(oldAccs, newAcc)...)
		}
	})
	t.Run("install", func(t *testing.T) {
		home, prof := newProfile(t, twoAccountPrefs)
		if _, err := InstallThunderbird(prof, cfg, acct); err != nil {
			t.Fatal(err)
		}
		for round := 1; round <= 3; round++ {
			expect(t, prof, round, start(t, home, prof, nil), append(oldAccs, newAcc)...)
		}
	})
	// A prefs.js with a UTF-8 BOM and CRLF line ends (edited in Notepad):
	// the install appends in the file's line ends, and Thunderbird loads
	// the old accounts and the new one.
	t.Run("install-bom-crlf", func(t *testing.T) {
		home, prof := newProfile(t, "\xEF\xBB\xBF"+strings.ReplaceAll(twoAccountPrefs, "\n", "\r\n"))
		if _, err := InstallThunderbird(prof, cfg, acct); err != nil {
			t.Fatal(err)
		}
		live := start(t, home, prof, nil)
		for _, w := range append(oldAccs, newAcc) {
			if has(live, w) != 1 {
				t.Errorf("Thunderbird loaded %q %d times: %v", w, has(live, w), live)
			}
		}
	})
	// Observed with Thunderbird 153.8 ESR (Debian 12): with the lines in user.js,
	// every start resets mail.accountmanager.accounts to "account1" and
	// Thunderbird re-creates the Local Folders account under a new key
	// (account2, account3, account4…); an account added between starts
	// (written into prefs.js as Thunderbird itself does when one is added)
	// is gone from the list at the next start.
	t.Run("control-old-user.js-advice-drops-added-account", func(t *testing.T) {
		home, prof := newProfile(t, "")
		var buf bytes.Buffer
		WriteThunderbirdPrefs(&buf, cfg, acct, Options{})
		os.WriteFile(filepath.Join(prof, "user.js"), append([]byte(quietPrefs), buf.Bytes()...), 0o600)
		start(t, home, prof, nil)
		prefsPath := filepath.Join(prof, "prefs.js")
		m := PrefMap(mustParse(t, mustRead(t, prefsPath)))
		r, err := resolve(cfg, Account{Address: addr, Incoming: profiles.POP3}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var add bytes.Buffer
		for _, p := range append(accountPrefs(r, tbKeys{"account9", "server9", "id9", "smtp9"}),
			Pref{"mail.accountmanager.accounts", str(m["mail.accountmanager.accounts"]) + ",account9"},
			Pref{"mail.smtpservers", "smtp1,smtp9"}) {
			add.WriteString(FormatPref(p) + "\n")
		}
		f, _ := os.OpenFile(prefsPath, os.O_APPEND|os.O_WRONLY, 0)
		f.Write(add.Bytes())
		f.Close()
		first := accountSummary(t, mustRead(t, prefsPath))
		live := start(t, home, prof, nil)
		t.Logf("user.js route: prefs.js listed %v before start 2; Thunderbird loaded %v", first, live)
		if has(first, popAcc) != 1 || has(live, popAcc) != 0 {
			t.Errorf("expected the added account to vanish under a user.js account list (the defect the prefs.js route avoids): prefs.js %v, loaded %v", first, live)
		}
	})
}
