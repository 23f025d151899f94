package scripts

import (
	"os/exec"
	"testing"
)

// TestLibIsPOSIXShell: scripts/run and scripts/test are /bin/sh scripts
// (dash on Debian) that source lib.sh, so a bash-only line in it stops both
// README commands at once ("Syntax error: word unexpected", seen on a fresh
// Debian 12 machine). dash is part of every Debian system.
func TestLibIsPOSIXShell(t *testing.T) {
	dash, err := exec.LookPath("dash")
	if err != nil {
		t.Fatal("dash is missing (Debian's dash package, essential on every Debian system)")
	}
	for _, script := range []string{"lib.sh", "run", "test"} {
		if out, err := exec.Command(dash, "-n", script).CombinedOutput(); err != nil {
			t.Errorf("dash -n %s: %v\n%s", script, err, out)
		}
	}
	if out, err := exec.Command(dash, "-c", ". ./lib.sh && command -v ensure_packages && command -v ensure_go").CombinedOutput(); err != nil {
		t.Errorf("sourcing lib.sh in dash: %v\n%s", err, out)
	}
	for _, script := range []string{"preset.bash", "build-windows.sh", "package-linux.sh"} {
		if out, err := exec.Command("bash", "-n", script).CombinedOutput(); err != nil {
			t.Errorf("bash -n %s: %v\n%s", script, err, out)
		}
	}
}
