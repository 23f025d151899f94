package scripts

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"debug/pe"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"software.sslmate.com/src/go-pkcs12"
)

// The Windows build is slow the first time (Fyne, GLFW and the runtime are
// compiled for Windows: ~6.5 minutes on 2 cores), so it runs only when
// MAILSETUP_REQUIRE_SERVERS (CI) or MAILSETUP_WINDOWS_BUILD is set, and the
// executable is built once for every test here. Run it alone with
//
//	MAILSETUP_WINDOWS_BUILD=1 go test -timeout 20m ./scripts/
func needWindowsBuild(t *testing.T) {
	t.Helper()
	required := os.Getenv("MAILSETUP_REQUIRE_SERVERS") != ""
	if !required && os.Getenv("MAILSETUP_WINDOWS_BUILD") == "" {
		t.Skip("the Windows build takes minutes: set MAILSETUP_WINDOWS_BUILD=1 (CI sets MAILSETUP_REQUIRE_SERVERS) to run it")
	}
	for _, tool := range []string{"x86_64-w64-mingw32-gcc", "x86_64-w64-mingw32-windres", "osslsigncode", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			if required {
				t.Fatalf("%s is not installed (apt-get install gcc-mingw-w64-x86-64 osslsigncode)", tool)
			}
			t.Skipf("%s is not installed", tool)
		}
	}
}

type signer struct {
	dir             string
	certPEM, keyPEM string // files
	p12, p12Pass    string
	otherCA         string // a certificate that did not sign
	orgName         string
}

var (
	buildOnce sync.Once
	built     string // the signed executable
	buildErr  error
	buildLog  string
	keys      *signer
)

// makeSigner writes a self-signed code-signing certificate, its key, a p12
// of both and an unrelated certificate into dir.
func makeSigner(dir string) (*signer, error) {
	s := &signer{dir: dir, p12Pass: "test-pass-Ş"}
	mk := func(cn string) (*x509.Certificate, *rsa.PrivateKey, []byte, error) {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, nil, nil, err
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(time.Now().UnixNano()),
			Subject:      pkix.Name{CommonName: cn, Organization: []string{"Example Ltd"}},
			NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
			KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
			ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
			BasicConstraintsValid: true, IsCA: true,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			return nil, nil, nil, err
		}
		cert, err := x509.ParseCertificate(der)
		return cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), err
	}
	cert, key, certPEM, err := mk("Mail Setup Test Signing")
	if err != nil {
		return nil, err
	}
	_, _, otherPEM, err := mk("Someone Else")
	if err != nil {
		return nil, err
	}
	p12, err := pkcs12.Modern.Encode(key, cert, nil, s.p12Pass)
	if err != nil {
		return nil, err
	}
	s.certPEM, s.keyPEM = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	s.p12, s.otherCA = filepath.Join(dir, "sign.p12"), filepath.Join(dir, "other.pem")
	files := map[string][]byte{
		s.certPEM: certPEM, s.otherCA: otherPEM, s.p12: p12,
		s.keyPEM: pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
	}
	for n, d := range files {
		if err := os.WriteFile(n, d, 0o600); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// buildSigned runs scripts/build-windows.sh once, with a preset built in and
// signed with a certificate made here.
func buildSigned(t *testing.T) (string, *signer) {
	t.Helper()
	needWindowsBuild(t)
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mailsetup-winbuild-")
		if err != nil {
			buildErr = err
			return
		}
		// Kept for the other tests of this run; removed by TestMain.
		keys, buildErr = makeSigner(dir)
		if buildErr != nil {
			return
		}
		keys.orgName = "Contoso Windows Build Test Ltd"
		presetDir := filepath.Join(dir, "preset")
		os.Mkdir(presetDir, 0o755)
		os.WriteFile(filepath.Join(presetDir, "mailsetup.preset.json"), []byte(`{
		  "organisation": {"name": "`+keys.orgName+`"},
		  "domains": [{"names": ["contoso.example"],
		    "incoming": [{"protocol": "imap", "host": "mail.contoso.example"}],
		    "outgoing": [{"protocol": "smtp", "host": "mail.contoso.example"}]}],
		  "support": {"email": "help@contoso.example"}
		}`), 0o600)
		built = filepath.Join(dir, "mailsetup.exe")
		cmd := exec.Command("bash", "build-windows.sh", "--out", built, "--preset-dir", presetDir,
			"--sign-cert", keys.certPEM, "--sign-key", keys.keyPEM)
		var log bytes.Buffer
		cmd.Stdout, cmd.Stderr = &log, &log
		start := time.Now()
		buildErr = cmd.Run()
		buildLog = fmt.Sprintf("%s(took %s)", log.String(), time.Since(start).Round(time.Second))
		cleanupDirs = append(cleanupDirs, dir)
	})
	if buildErr != nil {
		t.Fatalf("build-windows.sh: %v\n%s", buildErr, buildLog)
	}
	t.Log(buildLog)
	return built, keys
}

var cleanupDirs []string

func TestMain(m *testing.M) {
	code := m.Run()
	for _, stop := range stopX {
		stop()
	}
	for _, d := range cleanupDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

func TestWindowsPE(t *testing.T) {
	exe, k := buildSigned(t)
	f, err := pe.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		t.Errorf("machine = %#x, want AMD64", f.Machine)
	}
	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok {
		t.Fatalf("optional header is %T, not PE32+", f.OptionalHeader)
	}
	if oh.Magic != 0x20b {
		t.Errorf("magic = %#x, want 0x20b (PE32+)", oh.Magic)
	}
	if oh.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		t.Errorf("subsystem = %d, want %d (GUI)", oh.Subsystem, pe.IMAGE_SUBSYSTEM_WINDOWS_GUI)
	}
	res := readResources(t, f)
	for _, typ := range []uint32{3, 14, 16, 24} { // RT_ICON, RT_GROUP_ICON, RT_VERSION, RT_MANIFEST
		if len(res[typ]) == 0 {
			t.Errorf("no resource of type %d", typ)
		}
	}
	if v := res[16]; len(v) > 0 {
		ver := v[0]
		if !bytes.Contains(ver, utf16le("VS_VERSION_INFO")) || !bytes.Contains(ver, utf16le("Mail Setup")) || !bytes.Contains(ver, utf16le("0.1.0")) {
			t.Errorf("the version resource lacks the name or version from FyneApp.toml")
		}
		i := bytes.Index(ver, []byte{0xbd, 0x04, 0xef, 0xfe}) // VS_FIXEDFILEINFO signature
		if i < 0 || i+16 > len(ver) {
			t.Fatal("no VS_FIXEDFILEINFO")
		}
		ms, ls := binary.LittleEndian.Uint32(ver[i+8:]), binary.LittleEndian.Uint32(ver[i+12:])
		if got := fmt.Sprintf("%d.%d.%d.%d", ms>>16, ms&0xffff, ls>>16, ls&0xffff); got != "0.1.0.1" {
			t.Errorf("file version %s, want 0.1.0.1 (Version 0.1.0, Build 1)", got)
		}
	}
	// Nothing beside it: only Windows' own DLLs are imported.
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatal(err)
	}
	system := map[string]bool{"kernel32.dll": true, "user32.dll": true, "gdi32.dll": true, "opengl32.dll": true,
		"shell32.dll": true, "msvcrt.dll": true, "advapi32.dll": true, "ws2_32.dll": true, "winmm.dll": true,
		"ole32.dll": true, "imm32.dll": true, "dwmapi.dll": true, "comdlg32.dll": true, "ntdll.dll": true,
		"shcore.dll": true, "uxtheme.dll": true, "version.dll": true, "oleaut32.dll": true, "crypt32.dll": true, "bcrypt.dll": true}
	for _, l := range libs {
		if !system[strings.ToLower(l)] && !strings.HasPrefix(strings.ToLower(l), "api-ms-win-") {
			t.Errorf("imports %s, which is not part of Windows: the exe would need it beside it", l)
		}
	}
	// On real Windows a GUI-subsystem program typed in cmd.exe or PowerShell
	// gets no console: it attaches to its parent's (console_windows.go). A
	// real import, not a name looked up at run time, so it is visible here.
	syms, err := f.ImportedSymbols()
	if err != nil {
		t.Fatal(err)
	}
	attaches := false
	for _, s := range syms {
		if strings.EqualFold(s, "AttachConsole:kernel32.dll") {
			attaches = true
		}
	}
	if !attaches {
		t.Error("mailsetup.exe does not import kernel32.dll!AttachConsole: commands typed in a console would print nothing")
	}
	// The console twin that cmd.exe and PowerShell pick first (PATHEXT).
	com := strings.TrimSuffix(exe, ".exe") + ".com"
	cf, err := pe.Open(com)
	if err != nil {
		t.Fatalf("the console twin: %v", err)
	}
	defer cf.Close()
	if coh, ok := cf.OptionalHeader.(*pe.OptionalHeader64); !ok || coh.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_CUI {
		t.Errorf("mailsetup.com is not a console-subsystem PE32+ program")
	}
	if out, err := exec.Command("osslsigncode", "verify", "-CAfile", k.certPEM, "-in", com).CombinedOutput(); err != nil || !strings.Contains(string(out), "Signature verification: ok") {
		t.Errorf("mailsetup.com is not signed like mailsetup.exe: %v\n%s", err, out)
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(k.orgName)) {
		t.Error("the preset was not built into the executable")
	}
	for _, catalog := range []string{"\"cli.address\"", "imap.yandex.ru"} {
		if !bytes.Contains(data, []byte(catalog)) {
			t.Errorf("%s is not embedded", catalog)
		}
	}
}

func TestWindowsSigned(t *testing.T) {
	exe, k := buildSigned(t)
	out, err := exec.Command("osslsigncode", "verify", "-CAfile", k.certPEM, "-in", exe).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Signature verification: ok") {
		t.Fatalf("verify with the signing certificate: %v\n%s", err, out)
	}
	out, err = exec.Command("osslsigncode", "verify", "-CAfile", k.otherCA, "-in", exe).CombinedOutput()
	if err == nil && strings.Contains(string(out), "Signature verification: ok") {
		t.Fatalf("verify against an unrelated certificate passed:\n%s", out)
	}
}

// TestWindowsSignedP12 builds again (from the cache: seconds) signing with a
// PKCS#12 file whose password comes from the environment.
func TestWindowsSignedP12(t *testing.T) {
	_, k := buildSigned(t)
	exe := filepath.Join(k.dir, "p12.exe")
	cmd := exec.Command("bash", "build-windows.sh", "--out", exe, "--sign-p12", k.p12, "--sign-pass-env", "TEST_P12_PASS")
	cmd.Env = append(os.Environ(), "TEST_P12_PASS="+k.p12Pass)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build-windows.sh --sign-p12: %v\n%s", err, out)
	}
	out, err := exec.Command("osslsigncode", "verify", "-CAfile", k.certPEM, "-in", exe).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Signature verification: ok") {
		t.Fatalf("verify: %v\n%s", err, out)
	}
	data, _ := os.ReadFile(exe)
	if bytes.Contains(data, []byte(k.orgName)) {
		t.Error("a build without --preset-dir still holds the preset")
	}
	if bytes.Contains(data, []byte(k.p12Pass)) {
		t.Error("the p12 password is inside the executable")
	}
}

func utf16le(s string) []byte {
	var b []byte
	for _, r := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, r)
	}
	return b
}

// readResources returns the data of every resource by type ID.
func readResources(t *testing.T, f *pe.File) map[uint32][][]byte {
	t.Helper()
	sec := f.Section(".rsrc")
	if sec == nil {
		t.Fatal("no .rsrc section: no resources at all")
	}
	data, err := sec.Data()
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint32][][]byte{}
	u16 := func(o uint32) uint32 { return uint32(binary.LittleEndian.Uint16(data[o:])) }
	u32 := func(o uint32) uint32 { return binary.LittleEndian.Uint32(data[o:]) }
	var walk func(off uint32, depth int, typ uint32)
	walk = func(off uint32, depth int, typ uint32) {
		if depth > 3 || int(off)+16 > len(data) {
			return
		}
		n := u16(off+12) + u16(off+14)
		for i := uint32(0); i < n; i++ {
			e := off + 16 + 8*i
			if int(e)+8 > len(data) {
				return
			}
			id, target := u32(e), u32(e+4)
			if depth == 0 {
				typ = id
			}
			if target&0x80000000 != 0 {
				walk(target&0x7fffffff, depth+1, typ)
				continue
			}
			if int(target)+16 > len(data) {
				continue
			}
			rva, size := u32(target), u32(target+4)
			start := rva - sec.VirtualAddress
			if int(start)+int(size) <= len(data) {
				out[typ] = append(out[typ], data[start:start+size])
			}
		}
	}
	walk(0, 0, 0)
	return out
}
