package preset

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"mailsetup/internal/fsafe"
)

// hostileFiles makes, in dir, the files a preset must refuse to read whole:
// a FIFO (reading it would wait forever), /dev/zero (it never ends) and a
// sparse 1 GB file (it would fill the memory). Each case gives the name to
// put in the preset.
func hostileFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	huge := filepath.Join(dir, "huge")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	cases := map[string]string{"fifo": "pipe", "1 GB file": "huge"}
	if st, err := os.Stat("/dev/zero"); err == nil && st.Mode()&os.ModeDevice != 0 {
		cases["/dev/zero"] = "/dev/zero"
	}
	return cases
}

// TestLoadRefusesHostileFiles: every file a preset reads whole (the preset,
// its logo, certificate, key and PKCS#12 file) is size-checked before it is
// read. Before, a FIFO hung the program and /dev/zero or a 1 GB file was
// read into memory; now each is an error naming the field and the file.
func TestLoadRefusesHostileFiles(t *testing.T) {
	dir, _ := fixture(t)
	hostile := hostileFiles(t, dir)
	fields := []struct {
		field string
		edit  func(m map[string]any, name string)
	}{
		{"organisation.logo", func(m map[string]any, n string) { set(m, "organisation.logo", n) }},
		{"signing.certificate", func(m map[string]any, n string) { set(m, "signing.certificate", n) }},
		{"signing.key", func(m map[string]any, n string) { set(m, "signing.key", n) }},
		{"signing.p12", func(m map[string]any, n string) {
			set(m, "signing", map[string]any{"p12": n, "password": "sekret"})
		}},
	}
	for kind, name := range hostile {
		for _, f := range fields {
			t.Run(kind+"/"+f.field, func(t *testing.T) {
				_, m := fixture(t)
				f.edit(m, name)
				_, err := LoadFile(writePreset(t, dir, m))
				var ve *ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("err = %v, want a ValidationError", err)
				}
				if len(ve.Problems) != 1 || ve.Problems[0].Field != f.field || !strings.Contains(ve.Problems[0].Problem, name) {
					t.Errorf("problems = %+v, want one at %s naming %s", ve.Problems, f.field, name)
				}
			})
		}
		t.Run(kind+"/preset", func(t *testing.T) {
			p := name
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			_, err := LoadFile(p)
			if err == nil || !strings.Contains(err.Error(), filepath.Base(name)) {
				t.Fatalf("err = %v, want one naming %s", err, name)
			}
			if !errors.Is(err, fsafe.ErrNotRegular) && !errors.Is(err, fsafe.ErrTooLarge) {
				t.Errorf("err = %v, want not-regular or too-large", err)
			}
		})
	}
}

// TestLoadSigningClockInjected: the certificate's validity is checked
// against Options.Now (no package clock to swap).
func TestLoadSigningClockInjected(t *testing.T) {
	dir, m := fixture(t)
	set(m, "signing.certificate", "old-cert.pem")
	set(m, "signing.key", "old-key.pem")
	name := writePreset(t, dir, m)
	if _, err := Load(Options{Path: name}); err == nil || !strings.Contains(err.Error(), "signing.certificate: the certificate \"Old\" expired") {
		t.Fatalf("expired certificate today: %v", err)
	}
	p, err := Load(Options{Path: name, Now: time.Now().Add(-36 * time.Hour)})
	if err != nil {
		t.Fatalf("valid then: %v", err)
	}
	if p.Signing().Cert.Subject.CommonName != "Old" {
		t.Errorf("signer = %v", p.Signing().Cert.Subject)
	}
}
