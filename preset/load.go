package preset

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"time"

	"mailsetup/internal/fsafe"
)

// The largest files a preset reads whole. A preset and its PEM files are a
// few kilobytes; a FIFO, a device or a 1 GB file named by mistake is an
// error naming the file, never a hang or an out-of-memory crash.
const (
	// MaxPresetBytes is the largest preset file.
	MaxPresetBytes = 1 << 20
	// MaxLogoBytes is the largest logo a preset may carry.
	MaxLogoBytes = 1 << 20
	// MaxSigningBytes is the largest certificate, key or PKCS#12 file.
	MaxSigningBytes = 1 << 20
)

// Options say where Load looks for a preset and what it reads with.
type Options struct {
	// Path is an explicit preset file (--preset); it wins over everything.
	Path string
	// Getenv reads MAILSETUP_PRESET and a PKCS#12 password's
	// signing.password_env; nil means os.Getenv.
	Getenv func(string) string
	// Executable returns the program's path; nil means os.Executable.
	Executable func() (string, error)
	// NoEmbedded ignores a preset built into the executable (tests).
	NoEmbedded bool
	// Now is the time the signing certificate must be valid at; zero
	// means the current time.
	Now time.Time
}

func (o Options) getenv() func(string) string {
	if o.Getenv == nil {
		return os.Getenv
	}
	return o.Getenv
}

// Load finds and reads the preset: the explicit path, else the file named by
// MAILSETUP_PRESET, else the one built into the executable, else
// mailsetup.preset.json beside the executable. It returns (nil, nil) when
// there is none. An invalid preset is an error naming the field; the
// program must stop rather than run half-configured.
func Load(o Options) (*Preset, error) {
	if o.Path != "" {
		return o.loadFile(o.Path)
	}
	if v := o.getenv()(EnvVar); v != "" {
		return o.loadFile(v)
	}
	if !o.NoEmbedded && embedded != nil {
		if _, err := fs.Stat(embedded, FileName); err == nil {
			return o.loadFS(embedded, FileName, "embedded")
		}
	}
	exe := o.Executable
	if exe == nil {
		exe = os.Executable
	}
	if p, err := exe(); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		beside := filepath.Join(filepath.Dir(p), FileName)
		if _, err := os.Stat(beside); err == nil {
			return o.loadFile(beside)
		}
	}
	return nil, nil
}

// LoadFile reads a preset file; files it names are relative to its
// directory. It is Load(Options{Path: name}) without the fallbacks.
func LoadFile(name string) (*Preset, error) { return Options{}.loadFile(name) }

func (o Options) loadFile(name string) (*Preset, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return nil, &LoadError{Origin: name, Err: err}
	}
	data, err := fsafe.ReadFile(abs, MaxPresetBytes)
	if err != nil {
		return nil, &LoadError{Origin: name, Err: readProblem(name, err)}
	}
	dir := filepath.Dir(abs)
	return o.parseFrom(data, name, func(file string, max int64) ([]byte, error) {
		p := file
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, file)
		}
		data, err := fsafe.ReadFile(p, max)
		if err != nil {
			return nil, readProblem(file, err)
		}
		return data, nil
	})
}

// LoadFS reads the preset file name from fsys; the files it names (logo,
// certificate, key) are read from fsys relative to name's directory, or
// from the disk when absolute. origin is how errors name the preset.
func LoadFS(fsys fs.FS, name, origin string) (*Preset, error) {
	return Options{}.loadFS(fsys, name, origin)
}

func (o Options) loadFS(fsys fs.FS, name, origin string) (*Preset, error) {
	data, err := readFS(fsys, name, MaxPresetBytes)
	if err != nil {
		return nil, &LoadError{Origin: origin, Err: readProblem(name, err)}
	}
	return o.parseFrom(data, origin, func(file string, max int64) ([]byte, error) {
		var data []byte
		var err error
		if filepath.IsAbs(file) {
			data, err = fsafe.ReadFile(file, max)
		} else {
			data, err = readFS(fsys, path.Join(path.Dir(name), filepath.ToSlash(file)), max)
		}
		if err != nil {
			return nil, readProblem(file, err)
		}
		return data, nil
	})
}

// Parse reads a preset from its JSON; files it names are read with readFile
// (nil: relative names cannot be used, only inline PEM and data: URIs).
func Parse(data []byte, readFile func(name string) ([]byte, error)) (*Preset, error) {
	if readFile == nil {
		readFile = func(name string) ([]byte, error) {
			return nil, fmt.Errorf("no directory to read %q from", name)
		}
	}
	return parse(data, &loader{
		getenv: os.Getenv,
		readFile: func(name string, max int64) ([]byte, error) {
			data, err := readFile(name)
			if err == nil && int64(len(data)) > max {
				return nil, fmt.Errorf("cannot read %s: %w: %d bytes, at most %d", name, fsafe.ErrTooLarge, len(data), max)
			}
			return data, err
		},
	})
}

// parseFrom parses data read from origin and names origin in its errors.
func (o Options) parseFrom(data []byte, origin string, readFile func(string, int64) ([]byte, error)) (*Preset, error) {
	p, err := parse(data, &loader{readFile: readFile, getenv: o.getenv(), now: o.Now})
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			ve.Origin = origin
			return nil, ve
		}
		return nil, &LoadError{Origin: origin, Err: err}
	}
	p.Origin = origin
	return p, nil
}

// loader is what parse reads with: files (at most max bytes each), the
// environment (for signing.password_env) and the clock.
type loader struct {
	readFile func(name string, max int64) ([]byte, error)
	getenv   func(string) string
	now      time.Time
}

// readFS reads name from fsys, refusing anything but a regular file of at
// most max bytes (an fs.FS may be a directory on the disk).
func readFS(fsys fs.FS, name string, max int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fsafe.ErrNotRegular
	}
	if st.Size() > max {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", fsafe.ErrTooLarge, st.Size(), max)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", fsafe.ErrTooLarge, max)
	}
	return data, nil
}

// readProblem says why file could not be read, naming it as the preset
// does (not the absolute path): "cannot read logo.png: not a regular file".
func readProblem(file string, err error) error {
	var re *fsafe.ReadError
	if errors.As(err, &re) {
		err = re.Err
	}
	return &readError{file: file, err: err}
}

type readError struct {
	file string
	err  error
}

func (e *readError) Error() string { return "cannot read " + e.file + ": " + fsafe.Reason(e.err) }
func (e *readError) Unwrap() error { return e.err }
