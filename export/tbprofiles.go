package export

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"mailsetup/internal/fsafe"
)

// ProfileDirs returns the folders that may hold Thunderbird's profiles.ini
// on the running system, most likely first. home and appData come from the
// environment (appData is %APPDATA% on Windows).
func ProfileDirs(goos, home, appData string) []string {
	switch goos {
	case "windows":
		if appData == "" {
			appData = joinPath(goos, home, `AppData\Roaming`)
		}
		return []string{joinPath(goos, appData, "Thunderbird")}
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

// joinPath joins a profiles.ini path (which may use / or \) to dir with
// goos's separator, so Windows layouts can be checked on any system.
func joinPath(goos, dir, rel string) string {
	if goos != "windows" {
		return filepath.Join(dir, filepath.FromSlash(rel))
	}
	rel = strings.ReplaceAll(rel, "/", `\`)
	return strings.TrimRight(dir, `\/`) + `\` + strings.TrimLeft(rel, `\`)
}

// isAbsPath reports whether p is absolute on goos: /… on Unix; C:\…, C:/…
// or \\server\share on Windows.
func isAbsPath(goos, p string) bool {
	if goos != "windows" {
		return strings.HasPrefix(p, "/")
	}
	if strings.HasPrefix(p, `\\`) || strings.HasPrefix(p, "//") {
		return true
	}
	return len(p) >= 3 && (p[0]|0x20 >= 'a' && p[0]|0x20 <= 'z') && p[1] == ':' && (p[2] == '\\' || p[2] == '/')
}

// FindProfile finds the user's default Thunderbird profile folder through
// profiles.ini: the profile of an [Install…] section, else the one marked
// Default=1, else the only one.
func FindProfile() (string, error) {
	home, _ := os.UserHomeDir()
	dirs := ProfileDirs(runtime.GOOS, home, os.Getenv("APPDATA"))
	for _, dir := range dirs {
		data, err := fsafe.ReadFile(filepath.Join(dir, "profiles.ini"), 1<<20)
		if err != nil {
			continue
		}
		return DefaultProfile(dir, data)
	}
	return "", fmt.Errorf("%w (looked for profiles.ini in %s); start Thunderbird once or give --profile", ErrNoProfile, strings.Join(dirs, ", "))
}

// DefaultProfile picks the default profile from the contents of
// profiles.ini found in dir.
func DefaultProfile(dir string, ini []byte) (string, error) {
	return defaultProfile(runtime.GOOS, dir, ini)
}

type iniSection struct {
	name string
	kv   map[string]string
}

func parseINI(ini []byte) []iniSection {
	ini = bytes.TrimPrefix(ini, []byte("\xEF\xBB\xBF")) // Notepad's BOM
	var secs []iniSection
	sc := bufio.NewScanner(bytes.NewReader(ini))
	for sc.Scan() {
		t := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
			secs = append(secs, iniSection{t[1 : len(t)-1], map[string]string{}})
			continue
		}
		if k, v, ok := strings.Cut(t, "="); ok && len(secs) > 0 {
			secs[len(secs)-1].kv[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return secs
}

// defaultProfile is DefaultProfile for goos. An [Install…] Default= path
// is relative to dir unless it is absolute or the [Profile…] section with
// that Path says IsRelative=0 (Thunderbird writes the absolute path then,
// e.g. a profile on another drive).
func defaultProfile(goos, dir string, ini []byte) (string, error) {
	secs := parseINI(ini)
	abs := func(path, rel string) string {
		if rel == "0" || isAbsPath(goos, path) {
			if goos != "windows" {
				return filepath.FromSlash(path)
			}
			return path
		}
		return joinPath(goos, dir, path)
	}
	isRel := func(path string) string {
		for _, s := range secs {
			if strings.HasPrefix(s.name, "Profile") && s.kv["Path"] == path {
				return s.kv["IsRelative"]
			}
		}
		return "1"
	}
	for _, s := range secs {
		if strings.HasPrefix(s.name, "Install") && s.kv["Default"] != "" {
			return abs(s.kv["Default"], isRel(s.kv["Default"])), nil
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
		return "", fmt.Errorf("%w in %s", ErrNoProfile, joinPath(goos, dir, "profiles.ini"))
	case 1:
		return all[0], nil
	}
	return "", fmt.Errorf("export: %d Thunderbird profiles and none is the default; choose one with --profile: %s", len(all), strings.Join(all, ", "))
}
