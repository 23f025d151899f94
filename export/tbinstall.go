package export

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"mailsetup/profiles"
)

// ErrThunderbirdRunning means the profile is in use; nothing was changed.
var ErrThunderbirdRunning = errors.New("export: Thunderbird is running with this profile: close it and try again")

// ErrNoProfile means no Thunderbird profile could be chosen.
var ErrNoProfile = errors.New("export: no Thunderbird profile found")

// ProfileDirs returns the folders that may hold Thunderbird's profiles.ini
// on the running system, most likely first. home and appData come from the
// environment (appData is %APPDATA% on Windows).
func ProfileDirs(goos, home, appData string) []string {
	switch goos {
	case "windows":
		if appData == "" {
			appData = filepath.Join(home, "AppData", "Roaming")
		}
		return []string{filepath.Join(appData, "Thunderbird")}
	case "darwin":
		return []string{filepath.Join(home, "Library", "Thunderbird")}
	default:
		return []string{
			filepath.Join(home, ".thunderbird"),
			filepath.Join(home, "snap", "thunderbird", "common", ".thunderbird"),
			filepath.Join(home, ".var", "app", "org.mozilla.Thunderbird", ".thunderbird"),
			filepath.Join(home, ".mozilla-thunderbird"),
		}
	}
}

// FindProfile finds the user's default Thunderbird profile folder through
// profiles.ini: the profile of an [Install…] section, else the one marked
// Default=1, else the only one.
func FindProfile() (string, error) {
	home, _ := os.UserHomeDir()
	for _, dir := range ProfileDirs(runtime.GOOS, home, os.Getenv("APPDATA")) {
		data, err := os.ReadFile(filepath.Join(dir, "profiles.ini"))
		if err != nil {
			continue
		}
		return DefaultProfile(dir, data)
	}
	return "", fmt.Errorf("%w (looked for profiles.ini in %s); start Thunderbird once or give --profile", ErrNoProfile, strings.Join(ProfileDirs(runtime.GOOS, home, os.Getenv("APPDATA")), ", "))
}

// DefaultProfile picks the default profile from the contents of
// profiles.ini found in dir.
func DefaultProfile(dir string, ini []byte) (string, error) {
	type section struct {
		name string
		kv   map[string]string
	}
	var secs []section
	sc := bufio.NewScanner(bytes.NewReader(ini))
	for sc.Scan() {
		t := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
			secs = append(secs, section{t[1 : len(t)-1], map[string]string{}})
			continue
		}
		if k, v, ok := strings.Cut(t, "="); ok && len(secs) > 0 {
			secs[len(secs)-1].kv[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	abs := func(path, rel string) string {
		path = filepath.FromSlash(path)
		if rel == "0" {
			return path
		}
		return filepath.Join(dir, path)
	}
	for _, s := range secs {
		if strings.HasPrefix(s.name, "Install") && s.kv["Default"] != "" {
			return abs(s.kv["Default"], "1"), nil
		}
	}
	var all []string
	for _, s := range secs {
		if !strings.HasPrefix(s.name, "Profile") || s.kv["Path"] == "" {
			continue
		}
		p := abs(s.kv["Path"], s.kv["IsRelative"])
		if s.kv["Default"] == "1" {
			return p, nil
		}
		all = append(all, p)
	}
	switch len(all) {
	case 0:
		return "", fmt.Errorf("%w in %s", ErrNoProfile, filepath.Join(dir, "profiles.ini"))
	case 1:
		return all[0], nil
	}
	return "", fmt.Errorf("export: %d Thunderbird profiles and none is the default; choose one with --profile: %s", len(all), strings.Join(all, ", "))
}

// InstallResult says what Install did.
type InstallResult struct {
	// Profile is the profile folder.
	Profile string
	// Backup is the copy of prefs.js made before writing ("" when nothing was written).
	Backup string
	// AlreadyPresent is set when the account existed and nothing was changed.
	AlreadyPresent bool
	// Account, Server, Identity and SMTP are the keys used (or found).
	Account, Server, Identity, SMTP string
}

// InstallThunderbird adds the account to the Thunderbird profile in dir
// (prefs.js). It refuses while Thunderbird uses the profile, backs prefs.js
// up first, takes keys that are not in use, and only appends lines: list
// prefs (mail.accountmanager.accounts, mail.smtpservers) get a new line
// with the old value plus the new key, which wins because it comes last.
// When an account with the same server type, host and login already exists
// it changes nothing, so running it twice never makes a second account.
func InstallThunderbird(dir string, cfg *profiles.Config, acct Account) (*InstallResult, error) {
	r, err := resolve(cfg, acct, Options{})
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%w: %s is not a folder", ErrNoProfile, dir)
	}
	if err := profileInUse(dir); err != nil {
		return nil, err
	}
	prefsPath := filepath.Join(dir, "prefs.js")
	old, err := os.ReadFile(prefsPath)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("export: reading prefs.js: %w", err)
	}
	parsed, err := ParsePrefs(old)
	if err != nil {
		return nil, fmt.Errorf("%w; prefs.js was left as it is", err)
	}
	m := PrefMap(parsed)
	res := &InstallResult{Profile: dir}
	accounts := splitList(m["mail.accountmanager.accounts"])
	for _, a := range accounts {
		srv, _ := m["mail.account."+a+".server"].(string)
		if srv == "" {
			continue
		}
		typ, _ := m["mail.server."+srv+".type"].(string)
		host, _ := m["mail.server."+srv+".hostname"].(string)
		user, _ := m["mail.server."+srv+".userName"].(string)
		if typ == string(r.In.Protocol) && strings.EqualFold(host, r.In.Host) && user == r.InUser {
			res.AlreadyPresent = true
			res.Account, res.Server = a, srv
			return res, nil
		}
	}
	k := tbKeys{
		Account:  nextKey(m, "mail.account.", "account", accounts),
		Server:   nextKey(m, "mail.server.", "server", nil),
		Identity: nextKey(m, "mail.identity.", "id", nil),
		SMTP:     nextKey(m, "mail.smtpserver.", "smtp", splitList(m["mail.smtpservers"])),
	}
	res.Account, res.Server, res.Identity, res.SMTP = k.Account, k.Server, k.Identity, k.SMTP
	ps := accountPrefs(r, k)
	ps = append(ps,
		Pref{"mail.accountmanager.accounts", strings.Join(append(accounts, k.Account), ",")},
		Pref{"mail.smtpservers", strings.Join(append(splitList(m["mail.smtpservers"]), k.SMTP), ",")},
	)
	if n, _ := strconv.Atoi(strings.TrimPrefix(k.Account, "account")); n > 0 {
		if last, _ := m["mail.account.lastKey"].(int); n > last {
			ps = append(ps, Pref{"mail.account.lastKey", n})
		}
	}
	if s, _ := m["mail.accountmanager.defaultaccount"].(string); s == "" {
		ps = append(ps, Pref{"mail.accountmanager.defaultaccount", k.Account})
	}
	if s, _ := m["mail.smtp.defaultserver"].(string); s == "" {
		ps = append(ps, Pref{"mail.smtp.defaultserver", k.SMTP})
	}
	var add bytes.Buffer
	if len(old) > 0 && !bytes.HasSuffix(old, []byte("\n")) {
		add.WriteByte('\n')
	}
	add.WriteString("// Added by mailsetup: account " + strings.ReplaceAll(r.Email, "\n", "") + "\n")
	for _, p := range ps {
		add.WriteString(FormatPref(p) + "\n")
	}
	if len(old) > 0 {
		res.Backup, err = backup(prefsPath, old)
		if err != nil {
			return nil, err
		}
	}
	// Write a complete new file beside and rename it over, so a crash
	// never leaves half a prefs.js.
	tmp := prefsPath + ".mailsetup-tmp"
	data := append(append([]byte{}, old...), add.Bytes()...)
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return nil, fmt.Errorf("export: writing prefs.js: %w", err)
	}
	if err := os.Rename(tmp, prefsPath); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("export: writing prefs.js: %w", err)
	}
	return res, nil
}

// nextKey returns prefix+N for the smallest N above every N used in a pref
// name under branch (e.g. mail.server.server7.*) or in extra.
func nextKey(m map[string]any, branch, prefix string, extra []string) string {
	used := map[string]bool{}
	for _, e := range extra {
		used[e] = true
	}
	for name := range m {
		if rest, ok := strings.CutPrefix(name, branch); ok {
			if key, _, ok := strings.Cut(rest, "."); ok {
				used[key] = true
			}
		}
	}
	max := 0
	for key := range used {
		if n, err := strconv.Atoi(strings.TrimPrefix(key, prefix)); err == nil && strings.HasPrefix(key, prefix) && n > max {
			max = n
		}
	}
	if prefix == "account" {
		if last, ok := m["mail.account.lastKey"].(int); ok && last > max {
			max = last
		}
	}
	return prefix + strconv.Itoa(max+1)
}

// backup copies prefs.js to prefs.js.mailsetup-backup-N (the first free N).
func backup(path string, data []byte) (string, error) {
	for n := 1; ; n++ {
		b := path + ".mailsetup-backup-" + strconv.Itoa(n)
		f, err := os.OpenFile(b, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("export: backing up prefs.js: %w", err)
		}
		_, werr := f.Write(data)
		cerr := f.Close()
		if werr != nil || cerr != nil {
			os.Remove(b)
			return "", fmt.Errorf("export: backing up prefs.js: %v", errors.Join(werr, cerr))
		}
		return b, nil
	}
}
