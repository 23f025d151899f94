// Package fsafe reads and writes the files mailsetup touches on the user's
// disk with one policy: reads are size-checked before anything is held in
// memory (a FIFO, /dev/zero or a 1 GB file is an error, not an
// out-of-memory crash), and writes never replace an existing file silently,
// never follow a symbolic link at the destination, are atomic when they
// replace, and are private (0600) when the file holds a secret.
//
// It imports only the standard library, so every layer may use it.
package fsafe

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrExists is returned (wrapped in a *WriteError) when the destination
// exists and WriteOptions.Replace is false.
var ErrExists = errors.New("the file already exists")

// ErrTooLarge is returned (wrapped in a *ReadError) when a file is larger
// than the limit given to ReadFile.
var ErrTooLarge = errors.New("the file is too large")

// ErrNotRegular is returned (wrapped) for a destination or source that is
// not a regular file: a directory, a device, a FIFO or a socket, or, for
// writes, a symbolic link.
var ErrNotRegular = errors.New("not a regular file")

// ReadError says which file could not be read and why.
type ReadError struct {
	Path string
	Err  error
}

func (e *ReadError) Error() string { return fmt.Sprintf("cannot read %s: %s", e.Path, Reason(e.Err)) }
func (e *ReadError) Unwrap() error { return e.Err }

// WriteError says which file could not be written and why.
type WriteError struct {
	Path string
	Err  error
}

func (e *WriteError) Error() string {
	return fmt.Sprintf("cannot write %s: %s", e.Path, Reason(e.Err))
}
func (e *WriteError) Unwrap() error { return e.Err }

// Reason is the plain-words part of a file-system error, without the path
// and operation the os package puts in front of it ("permission denied",
// not "open /x/y: permission denied").
func Reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err.Error()
	}
	return err.Error()
}

// ReadFile reads a regular file of at most max bytes. It checks the file
// before reading (a FIFO would block, a device never ends) and stops after
// max+1 bytes in case the file grows while it is read.
func ReadFile(path string, max int64) ([]byte, error) {
	// Look before opening: opening a FIFO for reading waits for a writer.
	if st, err := os.Stat(path); err != nil {
		return nil, &ReadError{path, err}
	} else if !st.Mode().IsRegular() {
		return nil, &ReadError{path, ErrNotRegular}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &ReadError{path, err}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, &ReadError{path, err}
	}
	if !st.Mode().IsRegular() {
		return nil, &ReadError{path, ErrNotRegular}
	}
	if st.Size() > max {
		return nil, &ReadError{path, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, st.Size(), max)}
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, &ReadError{path, err}
	}
	if int64(len(data)) > max {
		return nil, &ReadError{path, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)}
	}
	return data, nil
}

// WriteOptions says how WriteFile treats an existing file and what the new
// file may be read by.
type WriteOptions struct {
	// Replace allows replacing an existing regular file. The new content is
	// written to a temporary file beside it and renamed over it, so a
	// failed write leaves the old file as it was. Without Replace an
	// existing file is an ErrExists error and is never touched.
	Replace bool
	// Secret makes the file readable by its owner only (0600), from the
	// moment it is created: set it for any file that holds a password or a
	// private key. Otherwise the file is 0644 (less the umask).
	Secret bool
}

// WriteFile writes data to path under opts. A symbolic link at path is
// refused (it could point anywhere the user can write); an existing file's
// mode is never kept, so a world-readable file does not stay world-readable
// when a secret replaces it.
func WriteFile(path string, data []byte, opts WriteOptions) error {
	mode := os.FileMode(0o644)
	if opts.Secret {
		mode = 0o600
	}
	if st, err := os.Lstat(path); err == nil {
		if !st.Mode().IsRegular() {
			return &WriteError{path, ErrNotRegular}
		}
		if !opts.Replace {
			return &WriteError{path, ErrExists}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return &WriteError{path, err}
	}
	if !opts.Replace {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if err != nil {
			if errors.Is(err, fs.ErrExist) {
				return &WriteError{path, ErrExists}
			}
			return &WriteError{path, err}
		}
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(path)
			return &WriteError{path, werr}
		}
		return nil
	}
	// CreateTemp makes the file 0600 and exclusively, so a secret is never
	// readable by others, not even for a moment.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".mailsetup-*.tmp")
	if err != nil {
		return &WriteError{path, err}
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return &WriteError{path, werr}
	}
	if mode != 0o600 {
		if err := os.Chmod(tmp.Name(), mode); err != nil {
			return &WriteError{path, err}
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return &WriteError{path, err}
	}
	return nil
}
