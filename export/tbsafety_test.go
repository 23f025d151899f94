package export

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"mailsetup/profiles"
)

// The cases of the reliability review's "Area 3 – thunderbird-install"
// (M5–M8, M10, L1–L3), each with what must hold now.

func installAddr(t *testing.T, email string) (*profiles.Config, Account) {
	t.Helper()
	a, err := profiles.ParseAddress(email)
	if err != nil {
		t.Fatal(err)
	}
	cfg := profiles.ManualConfig(a,
		profiles.Server{Protocol: profiles.IMAP, Host: "imap.example.test", Port: 993, Security: profiles.SecurityTLS, Username: profiles.PlaceholderAddress},
		profiles.Server{Protocol: profiles.SMTP, Host: "smtp.example.test", Port: 465, Security: profiles.SecurityTLS, Username: profiles.PlaceholderAddress})
	return cfg, Account{Address: a, Incoming: profiles.IMAP}
}

// bigPrefs is twoAccountPrefs padded to a few MB, which widens the window
// between reading and writing prefs.js (the review used 11.5 MB).
func bigPrefs() string {
	var b strings.Builder
	b.WriteString(twoAccountPrefs)
	for i := 0; i < 40000; i++ {
		fmt.Fprintf(&b, "user_pref(\"mail.server.server5.filler%d\", \"%s\");\n", i, strings.Repeat("x", 60))
	}
	return b.String()
}

// M5: concurrent installs are serialised by the lock file beside prefs.js;
// no "Added" account goes missing and no run fails on a shared temp name.
func TestInstallConcurrentGoroutines(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "prefs.js"), []byte(bigPrefs()), 0o600)
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	keys := make([]string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cfg, acct := installAddr(t, fmt.Sprintf("user%d@example.test", i))
			res, err := InstallThunderbird(dir, cfg, acct)
			errs[i] = err
			if res != nil {
				keys[i] = res.Account
			}
		}(i)
	}
	wg.Wait()
	checkAllInstalled(t, dir, n, errs, keys)
}

func checkAllInstalled(t *testing.T, dir string, n int, errs []error, keys []string) {
	t.Helper()
	seen := map[string]bool{}
	for i, err := range errs {
		if err != nil {
			t.Errorf("install %d: %v", i, err)
		}
		if keys[i] != "" && seen[keys[i]] {
			t.Errorf("two installs reported the same key %s", keys[i])
		}
		seen[keys[i]] = true
	}
	accs := strings.Join(accountSummary(t, mustRead(t, filepath.Join(dir, "prefs.js"))), "\n")
	for i := 0; i < n; i++ {
		if want := fmt.Sprintf("imap imap.example.test user%d@example.test", i); !strings.Contains(accs, want) {
			t.Errorf("account %q was reported Added but is missing:\n%s", want, accs)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*lock*")); len(m) > 0 {
		t.Errorf("lock file left behind: %v", m)
	}
}

// TestInstallHelperProcess is run by TestInstallConcurrentProcesses in a
// child process; it does nothing in a normal run.
func TestInstallHelperProcess(t *testing.T) {
	dir, email := os.Getenv("MAILSETUP_TEST_INSTALL_DIR"), os.Getenv("MAILSETUP_TEST_INSTALL_ADDR")
	if dir == "" {
		t.Skip("helper process only")
	}
	cfg, acct := installAddr(t, email)
	res, err := InstallThunderbird(dir, cfg, acct)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("KEY", res.Account)
}

// M5 across processes (what two "mailsetup thunderbird-install" runs do).
func TestInstallConcurrentProcesses(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "prefs.js"), []byte(bigPrefs()), 0o600)
	const n = 4
	cmds := make([]*exec.Cmd, n)
	outs := make([]bytes.Buffer, n)
	for i := range cmds {
		cmds[i] = exec.Command(os.Args[0], "-test.run=^TestInstallHelperProcess$", "-test.count=1")
		cmds[i].Env = append(os.Environ(), "MAILSETUP_TEST_INSTALL_DIR="+dir, fmt.Sprintf("MAILSETUP_TEST_INSTALL_ADDR=user%d@example.test", i))
		cmds[i].Stdout, cmds[i].Stderr = &outs[i], &outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	errs := make([]error, n)
	keys := make([]string, n)
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			errs[i] = fmt.Errorf("%v: %s", err, outs[i].String())
		}
		if _, rest, ok := strings.Cut(outs[i].String(), "KEY "); ok {
			keys[i], _, _ = strings.Cut(rest, "\n")
		}
	}
	checkAllInstalled(t, dir, n, errs, keys)
}

// M6: prefs.js keeps its mode, its owner when run as root, and its symlink;
// a read-only prefs.js is refused.
func TestInstallKeepsPrefsFile(t *testing.T) {
	cfg, acct := installAddr(t, "ivan@example.test")
	t.Run("mode-and-owner", func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "prefs.js")
		os.WriteFile(p, []byte(twoAccountPrefs), 0o640)
		os.Chmod(p, 0o640)
		asRoot := os.Geteuid() == 0
		if asRoot {
			if err := os.Chown(p, 1000, 1000); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := InstallThunderbird(dir, cfg, acct); err != nil {
			t.Fatal(err)
		}
		st, _ := os.Stat(p)
		if st.Mode().Perm() != 0o640 {
			t.Errorf("mode %v, want 0640", st.Mode().Perm())
		}
		if asRoot {
			s := st.Sys().(*syscall.Stat_t)
			if s.Uid != 1000 || s.Gid != 1000 {
				t.Errorf("owner %d:%d, want 1000:1000 (Thunderbird as the user could not read its prefs)", s.Uid, s.Gid)
			}
		} else {
			t.Log("not root: the owner part of this case did not run")
		}
	})
	t.Run("new-prefs-gets-folder-owner", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("needs root to give files away")
		}
		dir := t.TempDir()
		if err := os.Chown(dir, 1000, 1000); err != nil {
			t.Fatal(err)
		}
		if _, err := InstallThunderbird(dir, cfg, acct); err != nil {
			t.Fatal(err)
		}
		st, _ := os.Stat(filepath.Join(dir, "prefs.js"))
		if s := st.Sys().(*syscall.Stat_t); s.Uid != 1000 || st.Mode().Perm() != 0o600 {
			t.Errorf("new prefs.js owner %d mode %v, want the folder's owner 1000 and 0600", s.Uid, st.Mode().Perm())
		}
	})
	t.Run("symlink", func(t *testing.T) {
		base := t.TempDir()
		dir := filepath.Join(base, "profile")
		os.MkdirAll(dir, 0o700)
		os.MkdirAll(filepath.Join(base, "dotfiles"), 0o700)
		target := filepath.Join(base, "dotfiles", "prefs.js")
		os.WriteFile(target, []byte(twoAccountPrefs), 0o600)
		if err := os.Symlink("../dotfiles/prefs.js", filepath.Join(dir, "prefs.js")); err != nil {
			t.Skip(err)
		}
		if _, err := InstallThunderbird(dir, cfg, acct); err != nil {
			t.Fatal(err)
		}
		li, _ := os.Lstat(filepath.Join(dir, "prefs.js"))
		if li.Mode()&fs.ModeSymlink == 0 {
			t.Error("the symlink was replaced by a plain file")
		}
		if !strings.Contains(string(mustRead(t, target)), "imap.example.test") {
			t.Error("the link's target was not updated")
		}
	})
	t.Run("read-only", func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "prefs.js")
		os.WriteFile(p, []byte(twoAccountPrefs), 0o444)
		os.Chmod(p, 0o444)
		if _, err := InstallThunderbird(dir, cfg, acct); err == nil || !strings.Contains(err.Error(), "read-only") {
			t.Fatalf("got %v, want a read-only refusal", err)
		}
		if string(mustRead(t, p)) != twoAccountPrefs {
			t.Error("a read-only prefs.js was changed")
		}
	})
}

// M7: a user.js that pins the account lists (as the old snippet told
// people to create) would hide the new account at every start: refused
// with what to do. Harmless user.js lines are fine, and keys user.js uses
// are not reused.
func TestInstallUserJS(t *testing.T) {
	cfg, acct := installAddr(t, "ivan@example.test")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "prefs.js"), []byte(twoAccountPrefs), 0o600)
	os.WriteFile(filepath.Join(dir, "user.js"), []byte(quietPrefs+`user_pref("mail.accountmanager.accounts", "account1");`+"\n"), 0o600)
	_, err := InstallThunderbird(dir, cfg, acct)
	if !errors.Is(err, ErrUserJSOverrides) || !strings.Contains(err.Error(), "mail.accountmanager.accounts") {
		t.Fatalf("got %v, want ErrUserJSOverrides naming the pref", err)
	}
	if string(mustRead(t, filepath.Join(dir, "prefs.js"))) != twoAccountPrefs {
		t.Error("prefs.js changed although user.js would hide the account")
	}
	os.WriteFile(filepath.Join(dir, "user.js"), []byte(quietPrefs+`user_pref("mail.server.server6.type", "imap");`+"\n"), 0o600)
	res, err := InstallThunderbird(dir, cfg, acct)
	if err != nil {
		t.Fatal(err)
	}
	if res.Server == "server6" {
		t.Error("took server6, which user.js sets")
	}
}

// L1: the same address in another case is the same account.
func TestInstallCaseInsensitive(t *testing.T) {
	dir := t.TempDir()
	cfg, acct := installAddr(t, "ivan@example.test")
	if _, err := InstallThunderbird(dir, cfg, acct); err != nil {
		t.Fatal(err)
	}
	before := mustRead(t, filepath.Join(dir, "prefs.js"))
	cfg2, acct2 := installAddr(t, "IVAN@EXAMPLE.TEST")
	cfg2.Incoming[0].Host = "IMAP.Example.Test"
	res, err := InstallThunderbird(dir, cfg2, acct2)
	if err != nil || !res.AlreadyPresent {
		t.Fatalf("present=%v err=%v: the same account in capitals was added again", res != nil && res.AlreadyPresent, err)
	}
	if !bytes.Equal(before, mustRead(t, filepath.Join(dir, "prefs.js"))) {
		t.Error("prefs.js changed")
	}
}

// L2, L3: a prefs.js ending inside a comment is refused (lines appended
// there would be ignored); a BOM and CRLF line ends are handled, and the
// added lines use the file's line ends.
func TestInstallOddPrefsFiles(t *testing.T) {
	cfg, acct := installAddr(t, "ivan@example.test")
	t.Run("unterminated-comment", func(t *testing.T) {
		dir := t.TempDir()
		bad := twoAccountPrefs + "/* note: "
		os.WriteFile(filepath.Join(dir, "prefs.js"), []byte(bad), 0o600)
		if _, err := InstallThunderbird(dir, cfg, acct); err == nil || !strings.Contains(err.Error(), "comment") {
			t.Fatalf("got %v, want a refusal naming the open comment", err)
		}
		if string(mustRead(t, filepath.Join(dir, "prefs.js"))) != bad {
			t.Error("changed")
		}
	})
	t.Run("bom-crlf", func(t *testing.T) {
		dir := t.TempDir()
		orig := "\xEF\xBB\xBF" + strings.ReplaceAll(twoAccountPrefs, "\n", "\r\n")
		os.WriteFile(filepath.Join(dir, "prefs.js"), []byte(orig), 0o600)
		if _, err := InstallThunderbird(dir, cfg, acct); err != nil {
			t.Fatal(err)
		}
		after := string(mustRead(t, filepath.Join(dir, "prefs.js")))
		if !strings.HasPrefix(after, orig) {
			t.Fatal("existing bytes changed")
		}
		added := after[len(orig):]
		if strings.Count(added, "\n") != strings.Count(added, "\r\n") {
			t.Error("added lines do not use the file's CRLF line ends")
		}
		if !strings.Contains(strings.Join(accountSummary(t, []byte(strings.TrimPrefix(after, "\xEF\xBB\xBF"))), "|"), "imap.example.test") {
			t.Error("account not added")
		}
	})
}

// M10: the new account becomes the default account or outgoing server only
// in a profile that had none. Thunderbird takes the first listed SMTP server
// when mail.smtp.defaultserver is unset (OutgoingServerService.sys.mjs:30-45,
// releases-comm-central@cf9726f56328) and identities without smtpServer use
// the default (:67-71).
func TestInstallKeepsDefaults(t *testing.T) {
	cfg, acct := installAddr(t, "ivan@example.test")
	noDefaults := strings.NewReplacer(
		`user_pref("mail.smtp.defaultserver", "smtp1");`+"\n", "",
		`user_pref("mail.accountmanager.defaultaccount", "account1");`+"\n", "").Replace(twoAccountPrefs)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "prefs.js"), []byte(noDefaults), 0o600)
	if _, err := InstallThunderbird(dir, cfg, acct); err != nil {
		t.Fatal(err)
	}
	m := PrefMap(mustParse(t, mustRead(t, filepath.Join(dir, "prefs.js"))))
	for _, p := range []string{"mail.smtp.defaultserver", "mail.accountmanager.defaultaccount"} {
		if v, ok := m[p]; ok {
			t.Errorf("%s set to %v: existing identities would change their default", p, v)
		}
	}
	if s := str(m["mail.smtpservers"]); !strings.HasPrefix(s, "smtp1,smtp2") {
		t.Errorf("mail.smtpservers %q: the old servers must stay first", s)
	}
	fresh := t.TempDir()
	res, err := InstallThunderbird(fresh, cfg, acct)
	if err != nil {
		t.Fatal(err)
	}
	m = PrefMap(mustParse(t, mustRead(t, filepath.Join(fresh, "prefs.js"))))
	if m["mail.smtp.defaultserver"] != res.SMTP || m["mail.accountmanager.defaultaccount"] != res.Account {
		t.Errorf("an empty profile should get the new account as default: %v %v", m["mail.smtp.defaultserver"], m["mail.accountmanager.defaultaccount"])
	}
}

// M8 and issue 16: absolute profile paths, Windows layouts and names in
// Cyrillic and Japanese, checked for each system's rules on any system.
func TestDefaultProfileLayouts(t *testing.T) {
	for _, tc := range []struct {
		name, goos, dir, ini, want string
	}{
		{"unix-install-absolute", "linux", "/home/u/.thunderbird",
			"[Install4F96D1932A9F858E]\nDefault=/data/elsewhere/prof\nLocked=1\n\n[Profile0]\nName=x\nIsRelative=0\nPath=/data/elsewhere/prof\nDefault=1\n", "/data/elsewhere/prof"},
		{"unix-bom-crlf", "linux", "/home/u/.thunderbird",
			"\xEF\xBB\xBF[Profile0]\r\nName=a\r\nIsRelative=1\r\nPath=Profiles/a.default\r\n", "/home/u/.thunderbird/Profiles/a.default"},
		{"windows-relative-cyrillic", "windows", `C:\Users\Иван\AppData\Roaming\Thunderbird`,
			"[Install308046B0AF4A39CB]\r\nDefault=Profiles/abcd.default-release\r\nLocked=1\r\n\r\n[Profile0]\r\nName=default-release\r\nIsRelative=1\r\nPath=Profiles/abcd.default-release\r\n", `C:\Users\Иван\AppData\Roaming\Thunderbird\Profiles\abcd.default-release`},
		{"windows-other-drive-japanese", "windows", `C:\Users\taro\AppData\Roaming\Thunderbird`,
			"[Install308046B0AF4A39CB]\r\nDefault=D:\\メール\\tb.default\r\nLocked=1\r\n\r\n[Profile0]\r\nName=メール\r\nIsRelative=0\r\nPath=D:\\メール\\tb.default\r\n", `D:\メール\tb.default`},
		{"windows-default-flag-unc", "windows", `C:\Users\u\AppData\Roaming\Thunderbird`,
			"[Profile0]\r\nName=a\r\nIsRelative=0\r\nPath=\\\\server\\share\\tb\r\nDefault=1\r\n", `\\server\share\tb`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.dir
			want := tc.want
			if tc.goos != "windows" {
				dir, want = filepath.FromSlash(dir), filepath.FromSlash(want)
			}
			got, err := defaultProfile(tc.goos, dir, []byte(tc.ini))
			if err != nil || got != want {
				t.Fatalf("got %q, %v; want %q", got, err, want)
			}
		})
	}
	if d := ProfileDirs("windows", `C:\Users\Иван`, ""); d[0] != `C:\Users\Иван\AppData\Roaming\Thunderbird` {
		t.Errorf("windows without APPDATA: %v", d)
	}
	if d := ProfileDirs("windows", `C:\Users\u`, `E:\Roaming`); d[0] != `E:\Roaming\Thunderbird` {
		t.Errorf("windows: %v", d)
	}
}

// Issue 16: on Windows a running Thunderbird holds parent.lock open; any
// failure to open it other than "not there" means it runs.
func TestParentLockVerdict(t *testing.T) {
	sharing := &fs.PathError{Op: "open", Path: `C:\p\parent.lock`, Err: errors.New("The process cannot access the file because it is being used by another process.")}
	for _, c := range []struct {
		err  error
		want error
	}{{nil, nil}, {&fs.PathError{Op: "open", Err: fs.ErrNotExist}, nil}, {sharing, ErrThunderbirdRunning}} {
		if got := parentLockVerdict(c.err); !errors.Is(got, c.want) || (c.want == nil && got != nil) {
			t.Errorf("parentLockVerdict(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
