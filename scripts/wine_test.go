package scripts

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The Windows executable is run for real under Wine (Debian's wine and
// wine64), with Xvfb for the window. Wine passes its terminal through to a
// GUI-subsystem program, so these tests cannot show that cmd.exe gets the
// output of mailsetup.exe; TestWindowsPE checks the parts that make it so on
// real Windows (the AttachConsole import, the console-subsystem .com twin).

// winePackages names the Debian packages each tool comes from, so a missing
// one fails with what to install.
var winePackages = map[string]string{
	"wine": "wine wine64", "wineboot": "wine", "wineserver": "wine", "Xvfb": "xvfb", "xdotool": "xdotool", "import": "imagemagick",
}

type wineEnv struct {
	prefix  string // WINEPREFIX
	display string
	env     []string
	exe     string // the GUI executable, inside the prefix
	com     string // the console twin, inside the prefix
}

var (
	wineOnce sync.Once
	wineErr  error
	theWine  *wineEnv
)

// startWine makes one Wine prefix and one X server for every Wine test of
// this run, with the signed executables copied into C:\Program Files.
func startWine(t *testing.T) *wineEnv {
	t.Helper()
	exe, _ := buildSigned(t)
	for tool, pkg := range winePackages {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: apt-get install --no-install-recommends %s (scripts/test installs it)", tool, pkg)
		}
	}
	wineOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mailsetup-wine-")
		if err != nil {
			wineErr = err
			return
		}
		cleanupDirs = append(cleanupDirs, dir)
		w := &wineEnv{prefix: filepath.Join(dir, "prefix"), display: ":" + fmt.Sprint(70+os.Getpid()%20)}
		xvfb := exec.Command("Xvfb", w.display, "-screen", "0", "1024x768x24", "-nolisten", "tcp")
		if wineErr = xvfb.Start(); wineErr != nil {
			return
		}
		stopX = append(stopX, func() { xvfb.Process.Kill(); xvfb.Wait() })
		w.env = append(os.Environ(), "WINEPREFIX="+w.prefix, "WINEDEBUG=-all", "DISPLAY="+w.display,
			// No Mono or Gecko installer dialogs: mailsetup needs neither.
			"WINEDLLOVERRIDES=mscoree,mshtml=", "LANG=C.UTF-8", "LC_ALL=C.UTF-8")
		boot := exec.Command("wineboot", "--init")
		boot.Env = w.env
		if out, err := boot.CombinedOutput(); err != nil {
			wineErr = fmt.Errorf("wineboot: %v\n%s", err, out)
			return
		}
		w.wait()
		if wineErr = installProcessPrng(dir, filepath.Join(w.prefix, "drive_c", "windows", "system32")); wineErr != nil {
			return
		}
		pf := filepath.Join(w.prefix, "drive_c", "Program Files", "Mail Setup")
		if wineErr = os.MkdirAll(pf, 0o755); wineErr != nil {
			return
		}
		for _, name := range []string{"mailsetup.exe", "mailsetup.com"} {
			data, err := os.ReadFile(filepath.Join(filepath.Dir(exe), name))
			if err != nil {
				wineErr = err
				return
			}
			if wineErr = os.WriteFile(filepath.Join(pf, name), data, 0o755); wineErr != nil {
				return
			}
		}
		w.exe = `C:\Program Files\Mail Setup\mailsetup.exe`
		w.com = `C:\Program Files\Mail Setup\mailsetup.com`
		theWine = w
	})
	if wineErr != nil {
		t.Fatal(wineErr)
	}
	return theWine
}

var stopX []func()

// wait waits for the prefix's wineserver to finish (files flushed).
func (w *wineEnv) wait() {
	c := exec.Command("wineserver", "-w")
	c.Env = w.env
	c.Run()
}

// drive maps a C:\ path to the file on the Linux side.
func (w *wineEnv) drive(win string) string {
	rest := strings.TrimPrefix(strings.TrimPrefix(win, `C:\`), `c:\`)
	return filepath.Join(append([]string{w.prefix, "drive_c"}, strings.Split(rest, `\`)...)...)
}

// run runs a Windows program under Wine and returns its stdout, stderr and
// exit status.
func (w *wineEnv) run(t *testing.T, timeout time.Duration, args ...string) (string, string, int) {
	t.Helper()
	return w.runIn(t, "", timeout, args...)
}

// runIn is run with the working directory dir (a Linux path inside the
// prefix, which Wine shows as the matching C:\ folder).
func (w *wineEnv) runIn(t *testing.T, dir string, timeout time.Duration, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	c := exec.CommandContext(ctx, "wine", args...)
	c.Env = w.env
	c.Dir = dir
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	err := c.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("wine %s: %v", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		t.Fatalf("wine %s: no answer within %s", strings.Join(args, " "), timeout)
	}
	return out.String(), errb.String(), code
}

func TestWineDetect(t *testing.T) {
	w := startWine(t)
	out, stderr, code := w.run(t, 2*time.Minute, w.com, "detect", "--json", "--sources", "builtin", "ivan@mail.ru")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var r struct {
		Provider struct{ ID string } `json:"provider"`
		Incoming []struct{ Host string }
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if r.Provider.ID != "mail.ru" || len(r.Incoming) == 0 || r.Incoming[0].Host != "imap.mail.ru" {
		t.Errorf("detect: %+v", r)
	}
	// Typed in cmd.exe in the program's folder, "mailsetup" finds the
	// console twin (PATHEXT), cmd waits for it, and redirection works.
	_, stderr, code = w.runIn(t, w.drive(`C:\Program Files\Mail Setup`), 2*time.Minute,
		"cmd", "/c", `mailsetup detect --json --sources builtin ivan@mail.ru > C:\detect.json`)
	if code != 0 {
		t.Fatalf("cmd /c … > C:\\detect.json: exit %d\n%s", code, stderr)
	}
	if data, err := os.ReadFile(w.drive(`C:\detect.json`)); err != nil || !bytes.Contains(data, []byte(`"imap.mail.ru"`)) {
		t.Errorf("redirected output: %v\n%s", err, data)
	}
	_, _, code = w.run(t, 2*time.Minute, w.com, "detect", "--sources", "builtin", "someone@nothing-here.example")
	if code != 1 {
		t.Errorf("nothing found: exit %d, want 1", code)
	}
	_, _, code = w.run(t, 2*time.Minute, w.com, "detect", "--lang", "xx", "ivan@mail.ru")
	if code != 2 {
		t.Errorf("bad --lang: exit %d, want 2", code)
	}
}

func TestWineExportAndInstructions(t *testing.T) {
	w := startWine(t)
	dir := `C:\users\Иван Петров\Рабочий стол`
	if err := os.MkdirAll(w.drive(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	file := dir + `\ivan.mobileconfig`
	_, stderr, code := w.run(t, 2*time.Minute, w.com, "export", "--format", "mobileconfig", "--sources", "builtin",
		"--name", "Иван Петров", "--out", file, "ivan@inbox.ru")
	if code != 0 {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	w.wait()
	data, err := os.ReadFile(w.drive(file))
	if err != nil || !bytes.Contains(data, []byte("imap.mail.ru")) || !bytes.Contains(data, []byte("Иван Петров")) {
		t.Errorf("the profile at %s: %v\n%.300s", file, err, data)
	}
	guide := `C:\users\Иван Петров\Рабочий стол\инструкция.html`
	_, stderr, code = w.run(t, 4*time.Minute, w.com, "instructions", "--client", "outlook", "--lang", "ru",
		"--sources", "builtin", "--out", guide, "ivan@inbox.ru")
	if code != 0 {
		t.Fatalf("instructions: exit %d\n%s", code, stderr)
	}
	w.wait()
	html, err := os.ReadFile(w.drive(guide))
	if err != nil || !bytes.Contains(html, []byte("data:image/png;base64,")) || !bytes.Contains(html, []byte("imap.mail.ru")) {
		t.Errorf("the guide at %s: %v (%d bytes)", guide, err, len(html))
	}
}

func TestWineThunderbirdInstall(t *testing.T) {
	w := startWine(t)
	// A Windows-layout Thunderbird: %APPDATA%\Thunderbird\profiles.ini with a
	// relative profile path, as Thunderbird writes it on Windows.
	appData := w.drive(`C:\users\` + wineUser(w) + `\AppData\Roaming\Thunderbird`)
	prof := filepath.Join(appData, "Profiles", "x7k2.default-release")
	if err := os.MkdirAll(prof, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(appData, "profiles.ini"), []byte("[Profile0]\r\nName=default-release\r\nIsRelative=1\r\nPath=Profiles/x7k2.default-release\r\nDefault=1\r\n\r\n[General]\r\nStartWithLastProfile=1\r\nVersion=2\r\n"), 0o644)
	before := "// Mozilla User Preferences\r\nuser_pref(\"mail.account.account1.server\", \"server1\");\r\nuser_pref(\"mail.accountmanager.accounts\", \"account1\");\r\nuser_pref(\"mail.server.server1.type\", \"none\");\r\n"
	os.WriteFile(filepath.Join(prof, "prefs.js"), []byte(before), 0o644)
	out, stderr, code := w.run(t, 2*time.Minute, w.com, "thunderbird-install", "--sources", "builtin", "--name", "Иван", "ivan@mail.ru")
	if code != 0 {
		t.Fatalf("thunderbird-install: exit %d\n%s%s", code, out, stderr)
	}
	w.wait()
	prefs, err := os.ReadFile(filepath.Join(prof, "prefs.js"))
	if err != nil || !bytes.Contains(prefs, []byte("imap.mail.ru")) || !bytes.Contains(prefs, []byte(`"mail.account.account1.server", "server1"`)) {
		t.Errorf("prefs.js after the install: %v\n%s", err, prefs)
	}
	backups, _ := filepath.Glob(filepath.Join(prof, "prefs.js.*"))
	if len(backups) == 0 {
		t.Errorf("no backup of prefs.js beside it")
	}
}

// wineUser is the Windows user name Wine gives the prefix (the Unix one).
func wineUser(w *wineEnv) string {
	entries, _ := os.ReadDir(filepath.Join(w.prefix, "drive_c", "users"))
	for _, e := range entries {
		if e.IsDir() && e.Name() != "Public" && !strings.Contains(e.Name(), " ") && e.Name() != "Иван Петров" {
			return e.Name()
		}
	}
	return os.Getenv("USER")
}

// windowUp starts the GUI executable, waits for a window whose title
// contains title, screenshots it and stops the program.
func (w *wineEnv) windowUp(t *testing.T, title, shot string, args ...string) image.Image {
	t.Helper()
	c := exec.Command("wine", append([]string{w.exe}, args...)...)
	c.Env = w.env
	var errb bytes.Buffer
	c.Stderr = &errb
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		c.Process.Kill()
		c.Wait()
		k := exec.Command("wineserver", "-k")
		k.Env = w.env
		k.Run()
	}()
	var id string
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) && id == "" {
		time.Sleep(time.Second)
		s := exec.Command("xdotool", "search", "--onlyvisible", "--name", title)
		s.Env = w.env
		out, _ := s.Output()
		id = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	}
	if id == "" {
		t.Fatalf("no window titled %q appeared within 3 minutes\n%s", title, errb.String())
	}
	time.Sleep(3 * time.Second) // let it paint
	path := filepath.Join(os.TempDir(), shot)
	imp := exec.Command("import", "-window", "root", path)
	imp.Env = w.env
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	return img
}

// colours counts the distinct colours of img: a blank screen has one or two.
func colours(img image.Image) int {
	seen := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[r>>8<<16|g>>8<<8|bl>>8] = true
		}
	}
	return len(seen)
}

func TestWineWindow(t *testing.T) {
	w := startWine(t)
	img := w.windowUp(t, "Настройка почты", "mailsetup-wine-window.png", "--lang", "ru")
	if n := colours(img); n < 20 {
		t.Errorf("the window looks blank: %d colours", n)
	}
}

func TestWineBadPresetShowsWindow(t *testing.T) {
	w := startWine(t)
	bad := `C:\bad.preset.json`
	os.WriteFile(w.drive(bad), []byte(`{"organisation": {"name": "X"}, "lokc": ["incoming"]}`), 0o644)
	// A native message box, in the language asked for, naming the file.
	img := w.windowUp(t, "Не удалось запустить", "mailsetup-wine-badpreset.png", "--lang", "ru", "--preset", bad)
	if n := colours(img); n < 5 {
		t.Errorf("the message box looks blank: %d colours", n)
	}
}

// installProcessPrng builds a stand-in bcryptprimitives.dll into system32.
// Go 1.24 and later load bcryptprimitives.dll!ProcessPrng as the runtime
// starts (runtime/os_windows.go, loadOptionalSyscalls); Windows 10 and 11
// ship it, Wine 8.0 does not ("fatal error: bcryptprimitives.dll not
// found"). The stand-in forwards to BCryptGenRandom, which Wine has. It is
// part of this test's Wine prefix only, never of what is shipped
// (ecosystem.md §11).
func installProcessPrng(work, system32 string) error {
	src := filepath.Join(work, "prng.c")
	def := filepath.Join(work, "prng.def")
	os.WriteFile(src, []byte(`#include <windows.h>
#include <bcrypt.h>
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T n) {
	return BCryptGenRandom(NULL, data, (ULONG)n, BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0;
}
`), 0o644)
	os.WriteFile(def, []byte("LIBRARY bcryptprimitives\nEXPORTS\nProcessPrng\n"), 0o644)
	out, err := exec.Command("x86_64-w64-mingw32-gcc", "-shared", "-O2", "-o",
		filepath.Join(system32, "bcryptprimitives.dll"), src, def, "-lbcrypt").CombinedOutput()
	if err != nil {
		return fmt.Errorf("building the ProcessPrng stand-in: %v\n%s", err, out)
	}
	return nil
}
