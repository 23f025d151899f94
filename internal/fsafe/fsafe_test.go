//go:build unix

package fsafe

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name     string
		existing string // "" none, "file", "symlink", "dir"
		opts     WriteOptions
		wantErr  error
		wantMode os.FileMode
	}{
		{name: "new file", wantMode: 0o644},
		{name: "new secret", opts: WriteOptions{Secret: true}, wantMode: 0o600},
		{name: "existing without replace", existing: "file", wantErr: ErrExists},
		{name: "existing with replace", existing: "file", opts: WriteOptions{Replace: true}, wantMode: 0o644},
		{name: "existing world-readable replaced by a secret", existing: "file", opts: WriteOptions{Replace: true, Secret: true}, wantMode: 0o600},
		{name: "symlink refused", existing: "symlink", opts: WriteOptions{Replace: true}, wantErr: ErrNotRegular},
		{name: "directory refused", existing: "dir", opts: WriteOptions{Replace: true}, wantErr: ErrNotRegular},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, "f"+string(rune('a'+i)))
			target := filepath.Join(dir, "target"+string(rune('a'+i)))
			switch tt.existing {
			case "file":
				if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
					t.Fatal(err)
				}
			case "symlink":
				if err := os.WriteFile(target, []byte("target"), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(target, p); err != nil {
					t.Skip("no symlinks here:", err)
				}
			case "dir":
				if err := os.Mkdir(p, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			err := WriteFile(p, []byte("new"), tt.opts)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if tt.existing == "file" {
					if b, _ := os.ReadFile(p); string(b) != "old" {
						t.Errorf("existing file changed to %q", b)
					}
				}
				if tt.existing == "symlink" {
					if b, _ := os.ReadFile(target); string(b) != "target" {
						t.Errorf("symlink target changed to %q", b)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(p)
			if string(b) != "new" {
				t.Errorf("content %q", b)
			}
			st, _ := os.Stat(p)
			old := syscall.Umask(0)
			syscall.Umask(old)
			if got, want := st.Mode().Perm(), tt.wantMode&^os.FileMode(old); got != want {
				t.Errorf("mode %v, want %v", got, want)
			}
			left, _ := filepath.Glob(filepath.Join(dir, ".mailsetup-*"))
			if len(left) != 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
		})
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	os.WriteFile(small, []byte("hello"), 0o644)
	big := filepath.Join(dir, "big")
	os.WriteFile(big, bytes.Repeat([]byte("x"), 2048), 0o644)
	fifo := filepath.Join(dir, "fifo")
	haveFIFO := syscall.Mkfifo(fifo, 0o644) == nil

	if b, err := ReadFile(small, 10); err != nil || string(b) != "hello" {
		t.Errorf("small: %q, %v", b, err)
	}
	if _, err := ReadFile(big, 1024); !errors.Is(err, ErrTooLarge) {
		t.Errorf("big: err = %v, want ErrTooLarge", err)
	}
	if _, err := ReadFile(dir, 1024); !errors.Is(err, ErrNotRegular) {
		t.Errorf("directory: err = %v, want ErrNotRegular", err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		if _, err := ReadFile("/dev/zero", 1024); !errors.Is(err, ErrNotRegular) {
			t.Errorf("/dev/zero: err = %v, want ErrNotRegular", err)
		}
	}
	if haveFIFO {
		// Opening a FIFO for reading blocks until a writer appears: no
		// writer here, so a ReadFile that opened it first would hang.
		if _, err := ReadFile(fifo, 1024); !errors.Is(err, ErrNotRegular) {
			t.Errorf("fifo: err = %v, want ErrNotRegular", err)
		}
	}
	var re *ReadError
	_, err := ReadFile(filepath.Join(dir, "missing"), 10)
	if !errors.As(err, &re) || re.Path == "" {
		t.Errorf("missing: %v", err)
	}
}
