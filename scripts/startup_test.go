package scripts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestStartupErrorWindow runs the real Linux binary as a desktop launcher
// does (no terminal) with an invalid preset: a window must appear, titled in
// the person's language, and Enter on its button ends the program with
// status 2. Before, the program wrote to standard error and vanished.
func TestStartupErrorWindow(t *testing.T) {
	for tool, pkg := range map[string]string{"Xvfb": "xvfb", "xdotool": "xdotool", "import": "imagemagick"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: apt-get install --no-install-recommends %s (scripts/test installs it)", tool, pkg)
		}
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "mailsetup")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	bad := filepath.Join(dir, "mailsetup.preset.json")
	os.WriteFile(bad, []byte(`{"organisation": {"name": "X"}, "domains": [{"names": ["example.com"], "incoming": [{"protocol": "imap", "host": "mail.example.com", "port": 70000}], "outgoing": [{"protocol": "smtp", "host": "mail.example.com"}]}]}`), 0o644)

	display := fmt.Sprintf(":%d", 40+os.Getpid()%20)
	xvfb := exec.Command("Xvfb", display, "-screen", "0", "800x600x24", "-nolisten", "tcp")
	if err := xvfb.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { xvfb.Process.Kill(); xvfb.Wait() }()
	time.Sleep(time.Second)
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "DISPLAY=" + display, "LANG=ja_JP.UTF-8"}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	app := exec.CommandContext(ctx, bin, "--preset", bad)
	app.Env = env
	var stderr bytes.Buffer
	app.Stderr = &stderr
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Wait() }()

	const title = "メール設定を起動できません"
	var id string
	for i := 0; i < 60 && id == ""; i++ {
		time.Sleep(500 * time.Millisecond)
		s := exec.Command("xdotool", "search", "--onlyvisible", "--name", title)
		s.Env = env
		out, _ := s.Output()
		id = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	}
	if id == "" {
		t.Fatalf("no window titled %q appeared\n%s", title, stderr.String())
	}
	time.Sleep(time.Second)
	shot := filepath.Join(os.TempDir(), "mailsetup-startup-error.png")
	imp := exec.Command("import", "-window", "root", shot)
	imp.Env = env
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if f, err := os.Open(shot); err == nil {
		img, _, err := image.Decode(f)
		f.Close()
		if err != nil || colours(img) < 10 {
			t.Errorf("the error window looks blank (%v)", err)
		}
	}
	t.Logf("screenshot: %s", shot)
	key := exec.Command("xdotool", "key", "--window", id, "Return")
	key.Env = env
	key.Run()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("exit: %v, want status 2", err)
		}
		// Read only now: the program writes it while it runs.
		if !strings.Contains(stderr.String(), "incoming[0].port") {
			t.Errorf("standard error does not name the wrong field:\n%s", stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Error("Enter on the window's button did not end the program")
	}
}
