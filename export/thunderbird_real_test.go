package export

import (
	"bytes"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"mailsetup/profiles"
	"mailsetup/profiles/mailtest"
)

// thunderbirdDir returns Debian's Thunderbird install folder, or skips
// (fails when MAILSETUP_REQUIRE_SERVERS is set).
func thunderbirdDir(t *testing.T) string {
	t.Helper()
	for _, d := range []string{"/usr/lib/thunderbird", "/usr/lib64/thunderbird"} {
		if st, err := os.Stat(filepath.Join(d, "thunderbird-bin")); err == nil && !st.IsDir() {
			return d
		}
	}
	mailtest.NeedServers(t, "Thunderbird is not installed (apt-get install thunderbird): cannot check that a real Thunderbird imports the account")
	return ""
}

var (
	tbInstOnce sync.Once
	tbInstDir  string
	tbInstErr  error
)

// thunderbirdCopy copies the install folder once per test binary (AutoConfig
// must live in the install folder). Debian's folder holds relative
// symlinks, which copyTree follows, and one that dangles on a machine
// without a hunspell dictionary (dictionaries -> ../../share/hunspell,
// packages installed without Recommends), which it skips: `cp -rL` stopped
// there (issue 16).
func thunderbirdCopy(t *testing.T, src string) string {
	tbInstOnce.Do(func() {
		base, err := os.MkdirTemp("", "mailsetup-tbinst-")
		if err != nil {
			tbInstErr = err
			return
		}
		tbInstDir = filepath.Join(base, "tb")
		if err := copyTree(src, tbInstDir, 0); err != nil {
			tbInstErr = fmt.Errorf("copying %s: %v", src, err)
		}
	})
	if tbInstErr != nil {
		t.Fatal(tbInstErr)
	}
	return tbInstDir
}

// copyTree copies src to dst, following symbolic links (files and
// folders) and skipping links whose target is missing; depth bounds link
// loops.
func copyTree(src, dst string, depth int) error {
	if depth > 40 {
		return fmt.Errorf("%s: folders nested too deep (a link loop?)", src)
	}
	st, err := os.Stat(src) // follows links
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil // a dangling link: nothing to copy
		}
		return err
	}
	if !st.IsDir() {
		if !st.Mode().IsRegular() {
			return nil
		}
		in, err := os.Open(src)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, st.Mode().Perm()|0o200)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := copyTree(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()), depth+1); err != nil {
			return err
		}
	}
	return nil
}

// TestCopyTreeSkipsDanglingLinks is the fresh-machine case of issue 16:
// Debian's /usr/lib/thunderbird/dictionaries -> ../../share/hunspell
// dangles when no dictionary is installed.
func TestCopyTreeSkipsDanglingLinks(t *testing.T) {
	base := t.TempDir()
	src := filepath.Join(base, "lib", "thunderbird")
	os.MkdirAll(filepath.Join(src, "defaults", "pref"), 0o755)
	os.WriteFile(filepath.Join(src, "thunderbird-bin"), []byte("bin"), 0o755)
	os.MkdirAll(filepath.Join(base, "share", "real"), 0o755)
	os.WriteFile(filepath.Join(base, "share", "real", "omni.ja"), []byte("ja"), 0o644)
	for name, target := range map[string]string{"dictionaries": "../../share/hunspell", "distribution": "../../share/real", "omni.ja": "../../share/real/omni.ja"} {
		if err := os.Symlink(target, filepath.Join(src, name)); err != nil {
			t.Skip(err)
		}
	}
	dst := filepath.Join(base, "copy")
	if err := copyTree(src, dst, 0); err != nil {
		t.Fatalf("copy failed on a dangling link: %v", err)
	}
	for _, f := range []string{"thunderbird-bin", "distribution/omni.ja", "omni.ja"} {
		if _, err := os.Stat(filepath.Join(dst, f)); err != nil {
			t.Errorf("%s not copied: %v", f, err)
		}
	}
	if _, err := os.Lstat(filepath.Join(dst, "dictionaries")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the dangling link should be skipped: %v", err)
	}
	if st, _ := os.Stat(filepath.Join(dst, "thunderbird-bin")); st == nil || st.Mode().Perm()&0o100 == 0 {
		t.Error("the executable bit was lost")
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if tbInstDir != "" {
		os.RemoveAll(filepath.Dir(tbInstDir))
	}
	os.Exit(code)
}

// writeAutoConfig makes Thunderbird trust the test CA and know the
// password at start-up (privileged AutoConfig script, ecosystem.md §9):
// headless Thunderbird cannot ask for a password.
func writeAutoConfig(t *testing.T, inst string, caPEM []byte, user, password string) {
	t.Helper()
	blk, _ := pem.Decode(caPEM)
	if blk == nil {
		t.Fatal("CA PEM does not decode")
	}
	js := func(s string) string { return fmt.Sprintf("%q", s) }
	cfg := "// mailsetup test AutoConfig (first line must be a comment)\n" +
		"try {\n" +
		"  const certdb = Components.classes[\"@mozilla.org/security/x509certdb;1\"].getService(Components.interfaces.nsIX509CertDB);\n" +
		"  certdb.addCertFromBase64(" + js(base64.StdEncoding.EncodeToString(blk.Bytes)) + ", \"C,,\");\n" +
		"} catch (e) { dump(\"autoconfig cert exception: \" + e + \"\\n\"); }\n" +
		"try {\n" +
		"  const LoginInfo = Components.Constructor(\"@mozilla.org/login-manager/loginInfo;1\", Components.interfaces.nsILoginInfo, \"init\");\n" +
		"  const lm = Components.classes[\"@mozilla.org/login-manager;1\"].getService(Components.interfaces.nsILoginManager);\n" +
		"  for (const origin of [\"imap://localhost\", \"smtp://localhost\", \"pop3://localhost\"]) {\n" +
		"    lm.addLoginAsync(new LoginInfo(origin, null, origin, " + js(user) + ", " + js(password) + ", \"\", \"\")).then(() => dump(\"autoconfig: stored \" + origin + \"\\n\"), e => dump(\"autoconfig err \" + e + \"\\n\"));\n" +
		"  }\n" +
		"} catch (e) { dump(\"autoconfig exception: \" + e + \"\\n\"); }\n" +
		zipImportJS + reportJS
	if err := os.WriteFile(filepath.Join(inst, "mozilla.cfg"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	ac := "pref(\"general.config.filename\", \"mozilla.cfg\");\npref(\"general.config.obscure_value\", 0);\npref(\"general.config.sandbox_enabled\", false);\n"
	if err := os.WriteFile(filepath.Join(inst, "defaults", "pref", "autoconfig.js"), []byte(ac), 0o644); err != nil {
		t.Fatal(err)
	}
}

// zipImportJS, when MAILSETUP_TEST_IMPORT_ZIP names a zip, runs what
// Tools → Import → "from another Thunderbird installation" (zip) runs:
// ThunderbirdProfileImporter.extractZipFile + startImport({accounts}), then
// saves prefs and prints the accounts.
const zipImportJS = `
var mailsetupZip = Components.classes["@mozilla.org/process/environment;1"].getService(Components.interfaces.nsIEnvironment).get("MAILSETUP_TEST_IMPORT_ZIP");
if (mailsetupZip) {
  var mailsetupTimer = Components.classes["@mozilla.org/timer;1"].createInstance(Components.interfaces.nsITimer);
  mailsetupTimer.initWithCallback({ notify: async function () {
    try {
      const { ThunderbirdProfileImporter } = ChromeUtils.importESModule("resource:///modules/ThunderbirdProfileImporter.sys.mjs");
      const f = Components.classes["@mozilla.org/file/local;1"].createInstance(Components.interfaces.nsIFile);
      f.initWithPath(mailsetupZip);
      const imp = new ThunderbirdProfileImporter();
      if (!imp.validateSource(f)) { dump("mailsetup-import: zip rejected\n"); return; }
      const dir = await imp.extractZipFile(f, () => {});
      await imp.startImport(dir, { accounts: true });
      Services.prefs.savePrefFile(null);
      // List the accounts the importer wrote into the prefs: the account
      // manager reloads them asynchronously, so its in-memory list may lag.
      for (const key of Services.prefs.getCharPref("mail.accountmanager.accounts", "").split(",").filter(Boolean)) {
        const srv = Services.prefs.getCharPref("mail.account." + key + ".server", "");
        const p = "mail.server." + srv + ".";
        dump("mailsetup-account: " + Services.prefs.getCharPref(p + "type", "") + " " + Services.prefs.getCharPref(p + "hostname", "") + " " + Services.prefs.getCharPref(p + "userName", "") + "\n");
      }
      dump("mailsetup-import: done\n");
    } catch (e) { dump("mailsetup-import: error " + e + "\n"); }
  } }, 3000, Components.interfaces.nsITimer.TYPE_ONE_SHOT);
}
`

// reportJS, when MAILSETUP_TEST_REPORT is set, prints the accounts the
// running Thunderbird has loaded (MailServices.accounts, not just the prefs)
// once Local Folders exists or 30 s have passed, saves the prefs and prints
// "mailsetup-live-done".
const reportJS = `
if (Components.classes["@mozilla.org/process/environment;1"].getService(Components.interfaces.nsIEnvironment).get("MAILSETUP_TEST_REPORT")) {
  var mailsetupTries = 0;
  var mailsetupReport = Components.classes["@mozilla.org/timer;1"].createInstance(Components.interfaces.nsITimer);
  mailsetupReport.initWithCallback({ notify: function () {
    try {
      const { MailServices } = ChromeUtils.importESModule("resource:///modules/MailServices.sys.mjs");
      const accs = MailServices.accounts.accounts;
      mailsetupTries++;
      if (!accs.some(a => a.incomingServer && a.incomingServer.type == "none") && mailsetupTries < 30) return;
      for (const a of accs) {
        const s = a.incomingServer;
        dump("mailsetup-live: " + a.key + " " + (s ? s.type + " " + s.hostname + " " + s.username : "-") + "\n");
      }
      Services.prefs.savePrefFile(null);
      mailsetupReport.cancel();
      dump("mailsetup-live-done\n");
    } catch (e) { dump("mailsetup-live: error " + e + "\n"); }
  } }, 1000, Components.interfaces.nsITimer.TYPE_REPEATING_SLACK);
}
`

// liveAccounts returns "type host user" of each mailsetup-live line.
func liveAccounts(out string) []string {
	var accs []string
	for _, l := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(l, "mailsetup-live: "); ok && !strings.HasPrefix(rest, "error") {
			if _, v, ok := strings.Cut(rest, " "); ok {
				accs = append(accs, v)
			}
		}
	}
	return accs
}

// quietPrefs keep a test Thunderbird off the network and first-run dialogs;
// they carry no account keys.
const quietPrefs = `user_pref("mail.shell.checkDefaultClient", false);
user_pref("mailnews.start_page.enabled", false);
user_pref("app.update.enabled", false);
user_pref("app.update.auto", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("toolkit.telemetry.enabled", false);
user_pref("extensions.update.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("mail.provider.enabled", false);
user_pref("browser.dom.window.dump.enabled", true);
`

// TestThunderbirdImportsInstalledAccount starts Debian's Thunderbird
// headless on profiles made by InstallThunderbird (a fresh one, and one
// that already has two accounts) and expects Dovecot to log its login.
func TestThunderbirdImportsInstalledAccount(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Thunderbird; skipped with -short")
	}
	src := thunderbirdDir(t)
	d := mailtest.StartDovecot(t)
	inst := thunderbirdCopy(t, src)
	writeAutoConfig(t, inst, d.CA.PEM, d.User, d.Password)

	addr, err := profiles.ParseAddress(d.User)
	if err != nil {
		t.Fatal(err)
	}
	cfg := profiles.ManualConfig(addr,
		profiles.Server{Protocol: profiles.IMAP, Host: "localhost", Port: d.IMAPPort, Security: profiles.SecuritySTARTTLS, Username: d.User, Auth: []profiles.AuthMethod{profiles.AuthPassword}},
		profiles.Server{Protocol: profiles.SMTP, Host: "localhost", Port: d.SubmissionPort, Security: profiles.SecuritySTARTTLS, Username: d.User, Auth: []profiles.AuthMethod{profiles.AuthPassword}})
	cfg.Incoming = append(cfg.Incoming, profiles.Server{Protocol: profiles.POP3, Host: "localhost", Port: d.POP3Port, Security: profiles.SecuritySTARTTLS, Username: d.User})

	for i, tc := range []struct {
		name     string
		existing string
	}{{"fresh-profile", ""}, {"profile-with-two-accounts", twoAccountPrefs}} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			prof := filepath.Join(home, "profile")
			os.MkdirAll(prof, 0o700)
			os.WriteFile(filepath.Join(prof, "user.js"), []byte(quietPrefs), 0o600)
			if tc.existing != "" {
				os.WriteFile(filepath.Join(prof, "prefs.js"), []byte(tc.existing), 0o600)
			}
			res, err := InstallThunderbird(prof, cfg, Account{Address: addr, DisplayName: "Alice \"Тест\" İı 🙂", Incoming: profiles.IMAP})
			if err != nil {
				t.Fatal(err)
			}
			installed := mustRead(t, filepath.Join(prof, "prefs.js"))
			before := len(strings.Split(d.Log(), "Login: user=<"+d.User+">"))

			var out bytes.Buffer
			cmd := exec.Command(filepath.Join(inst, "thunderbird-bin"), "--headless", "-profile", prof, "-no-remote")
			cmd.Env = append(os.Environ(), "HOME="+home, "MOZ_HEADLESS=1", "TMPDIR="+home)
			cmd.Stdout, cmd.Stderr = &out, &out
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			started := time.Now()
			stopped := false
			stop := func() {
				if stopped {
					return
				}
				stopped = true
				syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
				select {
				case <-done:
				case <-time.After(15 * time.Second):
					syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
					<-done
				}
			}
			defer stop()

			deadline := time.Now().Add(60 * time.Second)
			loggedIn := false
			for time.Now().Before(deadline) {
				if len(strings.Split(d.Log(), "Login: user=<"+d.User+">")) > before {
					loggedIn = true
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
			if !loggedIn {
				stop()
				t.Fatalf("Dovecot saw no login from Thunderbird within 60 s.\nDovecot log:\n%s\nThunderbird output (tail):\n%s", tail(d.Log(), 3000), tail(out.String(), 3000))
			}
			// While Thunderbird runs, a second install must refuse and change nothing.
			prefsNow := mustRead(t, filepath.Join(prof, "prefs.js"))
			if _, err := InstallThunderbird(prof, cfg, Account{Address: addr, Incoming: profiles.POP3}); !errors.Is(err, ErrThunderbirdRunning) {
				t.Errorf("install while Thunderbird runs: got %v, want ErrThunderbirdRunning", err)
			}
			if !bytes.Equal(prefsNow, mustRead(t, filepath.Join(prof, "prefs.js"))) {
				t.Error("prefs.js changed while Thunderbird was running")
			}
			loginAfter := time.Since(started)
			stop()
			t.Logf("login after %v, Thunderbird stopped after %v", loginAfter.Round(time.Millisecond), time.Since(started).Round(time.Millisecond))

			// After Thunderbird wrote its own prefs.js: the old accounts and
			// the new one are all there, the new one exactly once.
			after := mustRead(t, filepath.Join(prof, "prefs.js"))
			rewritten := !bytes.Equal(after, installed)
			t.Logf("Thunderbird rewrote prefs.js while running or on exit: %v", rewritten)
			accs := accountSummary(t, after)
			newAcc := "imap localhost " + d.User
			count := 0
			for _, a := range accs {
				if a == newAcc {
					count++
				}
			}
			if count != 1 {
				t.Errorf("the new account appears %d times in %v", count, accs)
			}
			if tc.existing != "" {
				for _, old := range accountSummary(t, []byte(tc.existing)) {
					found := false
					for _, a := range accs {
						found = found || a == old
					}
					if !found {
						t.Errorf("old account %q is gone after Thunderbird ran: %v", old, accs)
					}
				}
			}
			// Installing again after Thunderbird ran is a no-op.
			res2, err := InstallThunderbird(prof, cfg, Account{Address: addr, Incoming: profiles.IMAP})
			if err != nil || !res2.AlreadyPresent {
				t.Errorf("second install after Thunderbird ran: present=%v err=%v", res2 != nil && res2.AlreadyPresent, err)
			}
			t.Logf("run %d: account %s; accounts now %v", i, res.Account, accs)
		})
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// runThunderbird starts the test Thunderbird on prof with extra environment
// and stops it once until() is true or the timeout passes; it returns the
// output.
func runThunderbird(t *testing.T, inst, home, prof string, env []string, timeout time.Duration, until func(out string) bool) (string, bool) {
	t.Helper()
	var mu sync.Mutex
	var out bytes.Buffer
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return out.Write(p) })
	cmd := exec.Command(filepath.Join(inst, "thunderbird-bin"), "--headless", "-profile", prof, "-no-remote")
	cmd.Env = append(append(os.Environ(), "HOME="+home, "MOZ_HEADLESS=1", "TMPDIR="+home), env...)
	cmd.Stdout, cmd.Stderr = w, w
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	ok := false
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) && !ok {
		mu.Lock()
		s := out.String()
		mu.Unlock()
		ok = until(s)
		if !ok {
			time.Sleep(200 * time.Millisecond)
		}
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	mu.Lock()
	defer mu.Unlock()
	return out.String(), ok
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestThunderbirdImportsZip runs Thunderbird's own profile importer (the
// code behind Tools → Import → Thunderbird → zip) on our thunderbird-zip
// in a profile that already has two accounts, then restarts Thunderbird
// and expects the imported account to log in to Dovecot.
func TestThunderbirdImportsZip(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Thunderbird; skipped with -short")
	}
	d, inst, addr, cfg := thunderbirdWithDovecot(t)

	home := t.TempDir()
	prof := filepath.Join(home, "profile")
	os.MkdirAll(prof, 0o700)
	os.WriteFile(filepath.Join(prof, "user.js"), []byte(quietPrefs), 0o600)
	os.WriteFile(filepath.Join(prof, "prefs.js"), []byte(twoAccountPrefs), 0o600)
	zipPath := filepath.Join(home, "account.zip")
	var buf bytes.Buffer
	if err := WriteThunderbirdZip(&buf, cfg, Account{Address: addr, DisplayName: "Alice Zip", Incoming: profiles.IMAP}, Options{}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(zipPath, buf.Bytes(), 0o600)

	out, ok := runThunderbird(t, inst, home, prof, []string{"MAILSETUP_TEST_IMPORT_ZIP=" + zipPath}, 60*time.Second,
		func(s string) bool { return strings.Contains(s, "mailsetup-import: ") })
	if !ok || !strings.Contains(out, "mailsetup-import: done") {
		t.Fatalf("Thunderbird's importer did not finish:\n%s", tail(out, 3000))
	}
	want := "mailsetup-account: imap localhost " + d.User
	if strings.Count(out, want) != 1 {
		t.Fatalf("imported account seen %d times:\n%s", strings.Count(out, want), tail(out, 3000))
	}
	for _, old := range []string{"imap 127.0.0.1 old1@old.example", "pop3 127.0.0.1 old2@old.example"} {
		if !strings.Contains(out, "mailsetup-account: "+old) {
			t.Errorf("old account %q missing after import:\n%s", old, tail(out, 2000))
		}
	}
	// Second start, no import: the imported account logs in.
	before := strings.Count(d.Log(), "Login: user=<"+d.User+">")
	out, ok = runThunderbird(t, inst, home, prof, nil, 60*time.Second,
		func(string) bool { return strings.Count(d.Log(), "Login: user=<"+d.User+">") > before })
	if !ok {
		t.Fatalf("the imported account did not log in on the next start.\nDovecot:\n%s\nThunderbird:\n%s", tail(d.Log(), 2000), tail(out, 2000))
	}
	accs := accountSummary(t, mustRead(t, filepath.Join(prof, "prefs.js")))
	if len(accs) != 4 {
		t.Errorf("accounts after import: %v, want the 3 old ones (incl. Local Folders) and the new one", accs)
	}
}

// thunderbirdWithDovecot is what the real-Thunderbird tests share: a real
// Dovecot, a private copy of the installed Thunderbird that knows its
// password and CA (AutoConfig), and STARTTLS settings for its account.
func thunderbirdWithDovecot(t *testing.T) (*mailtest.Dovecot, string, profiles.Address, *profiles.Config) {
	t.Helper()
	src := thunderbirdDir(t)
	d := mailtest.StartDovecot(t)
	inst := thunderbirdCopy(t, src)
	writeAutoConfig(t, inst, d.CA.PEM, d.User, d.Password)
	addr, err := profiles.ParseAddress(d.User)
	if err != nil {
		t.Fatal(err)
	}
	cfg := profiles.ManualConfig(addr,
		profiles.Server{Protocol: profiles.IMAP, Host: "localhost", Port: d.IMAPPort, Security: profiles.SecuritySTARTTLS, Username: d.User},
		profiles.Server{Protocol: profiles.SMTP, Host: "localhost", Port: d.SubmissionPort, Security: profiles.SecuritySTARTTLS, Username: d.User})
	return d, inst, addr, cfg
}
