package export

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"mailsetup/internal/fsafe"
	"mailsetup/profiles"
)

// ErrThunderbirdRunning means the profile is in use; nothing was changed.
var ErrThunderbirdRunning = errors.New("export: Thunderbird is running with this profile: close it and try again")

// ErrNoProfile means no Thunderbird profile could be chosen.
var ErrNoProfile = errors.New("export: no Thunderbird profile found")

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

// ErrUserJSOverrides means the profile's user.js pins an account list,
// which Thunderbird applies again at every start, so an added account would
// be hidden; nothing was changed.
var ErrUserJSOverrides = errors.New("export: the profile's user.js overrides Thunderbird's account lists")

// listPrefs are the prefs that a user.js must not pin: Thunderbird keeps
// them in prefs.js and rewrites them when accounts are added or removed
// (nsMsgAccountManager.cpp:1160 reads mail.accountmanager.accounts at every
// start; OutgoingServerService.sys.mjs:150-164 reads and saves
// mail.smtpservers; GetUniqueAccountKey :305-335 counts from lastKey).
var listPrefs = []string{"mail.accountmanager.accounts", "mail.account.lastKey", "mail.smtpservers", "mail.accountmanager.defaultaccount", "mail.smtp.defaultserver"}

// maxPrefsSize bounds the prefs.js and user.js read (Thunderbird's own are
// well below 10 MB even with thousands of folders).
const maxPrefsSize = 64 << 20

var utf8BOM = []byte("\xEF\xBB\xBF")

// InstallThunderbird is InstallThunderbirdWith without options.
func InstallThunderbird(dir string, cfg *profiles.Config, acct Account) (*InstallResult, error) {
	return InstallThunderbirdWith(dir, cfg, acct, Options{})
}

// InstallThunderbirdWith adds the account to the Thunderbird profile in dir
// (prefs.js); opts.DeleteFromServer is honoured for POP3. It refuses while
// Thunderbird uses the profile, holds a lock file beside prefs.js so that
// concurrent installs run one after the other, backs prefs.js up first,
// takes keys that are not in use, and only appends lines: list prefs
// (mail.accountmanager.accounts, mail.smtpservers) get a new line with the
// old value plus the new key, which wins because it comes last. prefs.js
// keeps its mode, its owner (when run as root) and its symbolic link; a
// read-only prefs.js, one that ends inside a comment, and a user.js that
// pins the account lists are refused with a reason. The new account becomes
// the default account or outgoing server only when the profile had none.
// When an account with the same server type, host and login (in any case)
// already exists it changes nothing, so running it twice never makes a
// second account.
func InstallThunderbirdWith(dir string, cfg *profiles.Config, acct Account, opts Options) (*InstallResult, error) {
	r, err := resolve(cfg, acct, withoutPassword(opts))
	if err != nil {
		return nil, err
	}
	if err := tbCheck("thunderbird-install", r); err != nil {
		return nil, err
	}
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%w: %s is not a folder", ErrNoProfile, dir)
	}
	if err := profileInUse(dir); err != nil {
		return nil, err
	}
	unlock, err := lockProfile(filepath.Join(dir, "prefs.js.mailsetup-lock"))
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := profileInUse(dir); err != nil {
		return nil, err
	}
	target, info, err := prefsTarget(filepath.Join(dir, "prefs.js"))
	if err != nil {
		return nil, err
	}
	var old []byte
	if info != nil {
		if info.Mode().Perm()&0o200 == 0 {
			return nil, fmt.Errorf("export: prefs.js is read-only (%v), so Thunderbird could not save its own settings either; make it writable and run again. Nothing was changed", info.Mode().Perm())
		}
		if old, err = fsafe.ReadFile(target, maxPrefsSize); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
	}
	parsed, err := ParsePrefs(bytes.TrimPrefix(old, utf8BOM))
	if err != nil {
		return nil, fmt.Errorf("%w; prefs.js was left as it is", err)
	}
	m := PrefMap(parsed)
	um, err := userJSPrefs(dir)
	if err != nil {
		return nil, err
	}
	res := &InstallResult{Profile: dir}
	accounts := splitList(m["mail.accountmanager.accounts"])
	if a, srv, ok := findAccount(m, accounts, r); ok {
		res.AlreadyPresent = true
		res.Account, res.Server = a, srv
		return res, nil
	}
	k, ps := installPrefs(m, um, accounts, r)
	res.Account, res.Server, res.Identity, res.SMTP = k.Account, k.Server, k.Identity, k.SMTP
	eol := "\n"
	if bytes.Contains(old, []byte("\r\n")) {
		eol = "\r\n"
	}
	var add bytes.Buffer
	if len(old) > 0 && !bytes.HasSuffix(old, []byte("\n")) {
		add.WriteString(eol)
	}
	add.WriteString("// Added by mailsetup: account " + strings.ReplaceAll(r.Email, "\n", "") + eol)
	for _, p := range ps {
		add.WriteString(FormatPref(p) + eol)
	}
	if info != nil {
		res.Backup, err = backup(filepath.Join(dir, "prefs.js"), old)
		if err != nil {
			return nil, err
		}
	}
	if err := writeKeeping(target, append(append([]byte{}, old...), add.Bytes()...), info, st); err != nil {
		return nil, fmt.Errorf("export: writing prefs.js: %w", err)
	}
	return res, nil
}

// installPrefs chooses free keys (not used in prefs.js m or user.js um) and
// returns the lines that add r.
func installPrefs(m, um map[string]any, accounts []string, r *resolved) (tbKeys, []Pref) {
	// Keys used in prefs.js or user.js are taken.
	all := make(map[string]any, len(m)+len(um))
	for k, v := range um {
		all[k] = v
	}
	for k, v := range m {
		all[k] = v
	}
	smtps := splitList(m["mail.smtpservers"])
	k := tbKeys{
		Account:  nextKey(all, "mail.account.", "account", accounts),
		Server:   nextKey(all, "mail.server.", "server", nil),
		Identity: nextKey(all, "mail.identity.", "id", nil),
		SMTP:     nextKey(all, "mail.smtpserver.", "smtp", smtps),
	}
	ps := accountPrefs(r, k)
	ps = append(ps,
		Pref{"mail.accountmanager.accounts", strings.Join(append(accounts, k.Account), ",")},
		Pref{"mail.smtpservers", strings.Join(append(smtps, k.SMTP), ",")},
	)
	if n, _ := strconv.Atoi(strings.TrimPrefix(k.Account, "account")); n > 0 {
		if last, _ := m["mail.account.lastKey"].(int); n > last {
			ps = append(ps, Pref{"mail.account.lastKey", n})
		}
	}
	// Only an empty profile gets a new default: otherwise identities that
	// name no smtpServer would start sending through the new server
	// (OutgoingServerService.sys.mjs:30-45 takes the first listed server
	// when mail.smtp.defaultserver is unset; getServerByIdentity :67-71).
	if len(accounts) == 0 {
		ps = append(ps, Pref{"mail.accountmanager.defaultaccount", k.Account})
	}
	if len(smtps) == 0 {
		ps = append(ps, Pref{"mail.smtp.defaultserver", k.SMTP})
	}
	return k, ps
}

// findAccount returns the account of prefs m that already has r's
// incoming server: same type, host and login, compared without case
// (hosts and addresses are case-insensitive).
func findAccount(m map[string]any, accounts []string, r *resolved) (string, string, bool) {
	for _, a := range accounts {
		srv, _ := m["mail.account."+a+".server"].(string)
		if srv == "" {
			continue
		}
		typ, _ := m["mail.server."+srv+".type"].(string)
		host, _ := m["mail.server."+srv+".hostname"].(string)
		user, _ := m["mail.server."+srv+".userName"].(string)
		if typ == string(r.In.Protocol) && strings.EqualFold(host, r.In.Host) && strings.EqualFold(user, r.InUser) {
			return a, srv, true
		}
	}
	return "", "", false
}

// userJSPrefs reads the profile's user.js, if any, and refuses when it pins
// one of listPrefs (M7 of the reliability review): Thunderbird applies
// user.js after prefs.js at every start.
func userJSPrefs(dir string) (map[string]any, error) {
	data, err := fsafe.ReadFile(filepath.Join(dir, "user.js"), maxPrefsSize)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	parsed, err := ParsePrefs(bytes.TrimPrefix(data, utf8BOM))
	if err != nil {
		return nil, fmt.Errorf("export: user.js: %w; nothing was changed", err)
	}
	um := PrefMap(parsed)
	var pinned []string
	for _, p := range listPrefs {
		if _, ok := um[p]; ok {
			pinned = append(pinned, p)
		}
	}
	if len(pinned) > 0 {
		return nil, fmt.Errorf("%w: it sets %s, which Thunderbird applies again at every start, so the new account (and Local Folders) would be hidden. Remove those lines from %s (Thunderbird keeps these lists in prefs.js itself) and run again; nothing was changed", ErrUserJSOverrides, strings.Join(pinned, ", "), filepath.Join(dir, "user.js"))
	}
	return um, nil
}

// prefsTarget follows a symbolic link at path to the file it names, so the
// link is kept and its target is written; info is nil when there is no
// prefs.js yet.
func prefsTarget(path string) (string, os.FileInfo, error) {
	target := path
	if li, err := os.Lstat(path); err == nil && li.Mode()&os.ModeSymlink != 0 {
		t, err := filepath.EvalSymlinks(path)
		if err != nil {
			return "", nil, fmt.Errorf("export: prefs.js is a link to a missing file (%v); nothing was changed", err)
		}
		target = t
	}
	info, err := os.Stat(target)
	if errors.Is(err, os.ErrNotExist) {
		return target, nil, nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("export: reading prefs.js: %w", err)
	}
	if !info.Mode().IsRegular() {
		return "", nil, fmt.Errorf("export: prefs.js is not a regular file; nothing was changed")
	}
	return target, info, nil
}

// writeKeeping replaces path atomically (fsafe.WriteFile) and gives the new
// file the old one's mode and, when run as root, its owner; a new prefs.js
// (old is nil) stays 0600 and gets the profile folder's owner.
func writeKeeping(path string, data []byte, old, folder os.FileInfo) error {
	if err := fsafe.WriteFile(path, data, fsafe.WriteOptions{Replace: true, Secret: true}); err != nil {
		return err
	}
	if old == nil {
		return keepOwner(path, folder)
	}
	if err := os.Chmod(path, old.Mode().Perm()); err != nil {
		return err
	}
	return keepOwner(path, old)
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
