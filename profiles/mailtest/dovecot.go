package mailtest

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"text/template"
	"time"
)

// RequireEnv is the environment variable CI sets: when it is non-empty, a
// missing Dovecot fails the test instead of skipping it.
const RequireEnv = "MAILSETUP_REQUIRE_SERVERS"

// Default test account of StartDovecot.
const (
	DefaultUser     = "alice@example.org"
	DefaultPassword = "Corr3ct-Horse!"
)

// Dovecot is a running Dovecot serving IMAP, POP3 and submission on
// loopback, stopped when the test ends.
type Dovecot struct {
	// Host is the address to connect to (127.0.0.1).
	Host string
	// ServerName is the name on the certificate (localhost).
	ServerName string
	// IMAPPort speaks plain IMAP with STARTTLS; IMAPSPort implicit TLS.
	IMAPPort, IMAPSPort int
	// POP3Port speaks plain POP3 with STLS; POP3SPort implicit TLS.
	POP3Port, POP3SPort int
	// SubmissionPort speaks SMTP submission with STARTTLS and AUTH.
	SubmissionPort int
	// SubmissionsPort speaks submission with implicit TLS (like 465).
	SubmissionsPort int
	// User and Password sign in.
	User, Password string
	// CA issued the server certificate (unless Options.Leaf came from elsewhere).
	CA *CA
	// CAFile is the path of CA's PEM.
	CAFile string
	// Dir is the instance's directory (config, users, mail, log).
	Dir string
	// LogPath is Dovecot's log file.
	LogPath string
	// Relay receives what the submission service relays.
	Relay *Sink

	cmd  *exec.Cmd
	done chan struct{}
}

// Options change what StartDovecot runs. The zero value is a good server.
type Options struct {
	// Leaf is the server certificate; nil means a good leaf from a new CA.
	Leaf *Leaf
	// CA is used to issue the default leaf; nil means a new "Mailsetup Test CA".
	CA *CA
	// Users maps extra logins to passwords.
	Users map[string]string
	// DisablePlaintextAuth refuses LOGIN/USER on unencrypted connections
	// (Dovecot treats 127.0.0.1 as secure, so this only has effect for
	// remote addresses; kept for completeness).
	DisablePlaintextAuth bool
}

// Binary returns the path of the dovecot executable, or "" when it is not
// installed.
func Binary() string {
	if p, err := exec.LookPath("dovecot"); err == nil {
		return p
	}
	for _, p := range []string{"/usr/sbin/dovecot", "/usr/local/sbin/dovecot"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// NeedServers skips (or, with MAILSETUP_REQUIRE_SERVERS set, fails) the
// test with reason.
func NeedServers(t testing.TB, reason string) {
	t.Helper()
	if os.Getenv(RequireEnv) != "" {
		t.Fatalf("mailtest: %s, and %s is set so this test may not be skipped", reason, RequireEnv)
	}
	t.Skipf("mailtest: %s (install dovecot-imapd dovecot-pop3d dovecot-submissiond and run as root; set %s=1 to make this a failure)", reason, RequireEnv)
}

// FreePort returns a loopback TCP port nobody listens on right now.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// FreePorts returns n distinct loopback TCP ports nobody listens on right
// now. All n listeners are held open until every port is chosen, so the
// kernel cannot hand the same port out twice.
func FreePorts(t testing.TB, n int) []int {
	t.Helper()
	ports := make([]int, 0, n)
	var held []net.Listener
	defer func() {
		for _, ln := range held {
			ln.Close()
		}
	}()
	for len(ports) < n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("mailtest: %v", err)
		}
		held = append(held, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

var confTmpl = template.Must(template.New("dovecot.conf").Parse(`# written by mailsetup/profiles/mailtest
base_dir = {{.Dir}}/run
state_dir = {{.Dir}}/state
instance_name = {{.Instance}}
protocols = imap pop3 submission
listen = 127.0.0.1
log_path = {{.Dir}}/dovecot.log
info_log_path = {{.Dir}}/dovecot.log
auth_verbose = yes
auth_failure_delay = 0
# no anvil auth penalty (2-15 s before each login after a failure from the
# same IP): the documented switch is to make its socket unreachable
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
auth_mechanisms = plain login
disable_plaintext_auth = {{if .DisablePlaintext}}yes{{else}}no{{end}}
ssl = yes
ssl_cert = <{{.Dir}}/leaf.pem
ssl_key = <{{.Dir}}/leaf.key
ssl_dh = </usr/share/dovecot/dh.pem
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {{.Dir}}/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home={{.Dir}}/mail/%u
}
mail_location = maildir:~/Maildir
service imap-login {
  process_min_avail = 1
  inet_listener imap {
    port = {{.IMAP}}
  }
  inet_listener imaps {
    port = {{.IMAPS}}
    ssl = yes
  }
}
service pop3-login {
  process_min_avail = 1
  inet_listener pop3 {
    port = {{.POP3}}
  }
  inet_listener pop3s {
    port = {{.POP3S}}
    ssl = yes
  }
}
service submission-login {
  process_min_avail = 1
  inet_listener submission {
    port = {{.Submission}}
  }
  inet_listener submissions {
    port = {{.Submissions}}
    ssl = yes
  }
}
hostname = localhost
submission_relay_host = 127.0.0.1
submission_relay_port = {{.Relay}}
submission_relay_trusted = yes
`))

var instanceSeq struct {
	sync.Mutex
	n int
}

// StartDovecot starts Dovecot as root in the foreground (dovecot -F -c) in a
// fresh directory on free loopback ports, with auth_failure_delay = 0, a
// passwd-file holding DefaultUser/DefaultPassword (plus opts.Users), and a
// relay sink behind submission. It skips the test when dovecot is missing
// (fails when MAILSETUP_REQUIRE_SERVERS is set) and stops the server when
// the test ends. It runs longer than 80 lines because it is one recipe
// (write the configuration, start, wait for every port) read top to bottom.
func StartDovecot(t testing.TB, opts ...Options) *Dovecot {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	bin := Binary()
	if bin == "" {
		NeedServers(t, "dovecot is not installed")
	}
	if os.Geteuid() != 0 {
		NeedServers(t, "dovecot must run as root for the test harness")
	}
	if _, err := os.Stat("/usr/share/dovecot/dh.pem"); err != nil {
		NeedServers(t, "/usr/share/dovecot/dh.pem is missing")
	}
	dir, err := os.MkdirTemp("", "mailtest-dovecot-")
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	// Dovecot's unprivileged processes (dovenull, nobody) must reach it.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	for _, d := range []string{"run", "state", "mail"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatalf("mailtest: %v", err)
		}
	}
	_ = exec.Command("chown", "nobody:nogroup", filepath.Join(dir, "mail")).Run()

	ca := o.CA
	if ca == nil {
		ca = NewCA(t, "Mailsetup Test CA")
	}
	leaf := o.Leaf
	if leaf == nil {
		leaf = ca.Leaf(t, LeafOptions{})
	}
	d := &Dovecot{
		Host: "127.0.0.1", ServerName: "localhost",
		User: DefaultUser, Password: DefaultPassword,
		CA: ca, Dir: dir, LogPath: filepath.Join(dir, "dovecot.log"),
		done: make(chan struct{}),
	}
	d.CAFile = ca.WriteFile(t, dir)
	write := func(name string, data []byte, mode os.FileMode) {
		if err := os.WriteFile(filepath.Join(dir, name), data, mode); err != nil {
			t.Fatalf("mailtest: %v", err)
		}
	}
	write("leaf.pem", leaf.CertPEM, 0o644)
	write("leaf.key", leaf.KeyPEM, 0o600)
	var users bytes.Buffer
	fmt.Fprintf(&users, "%s:{PLAIN}%s::::::\n", d.User, d.Password)
	for u, p := range o.Users {
		fmt.Fprintf(&users, "%s:{PLAIN}%s::::::\n", u, p)
	}
	write("users", users.Bytes(), 0o644)

	d.Relay = StartSink(t)
	instanceSeq.Lock()
	instanceSeq.n++
	instance := fmt.Sprintf("mailtest-%d-%d", os.Getpid(), instanceSeq.n)
	instanceSeq.Unlock()

	ports := FreePorts(t, 6)
	d.IMAPPort, d.IMAPSPort, d.POP3Port, d.POP3SPort, d.SubmissionPort, d.SubmissionsPort =
		ports[0], ports[1], ports[2], ports[3], ports[4], ports[5]
	var conf bytes.Buffer
	if err := confTmpl.Execute(&conf, map[string]any{
		"Dir": dir, "Instance": instance, "DisablePlaintext": o.DisablePlaintextAuth,
		"IMAP": d.IMAPPort, "IMAPS": d.IMAPSPort, "POP3": d.POP3Port, "POP3S": d.POP3SPort,
		"Submission": d.SubmissionPort, "Submissions": d.SubmissionsPort, "Relay": d.Relay.Port,
	}); err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	write("dovecot.conf", conf.Bytes(), 0o644)

	// A file, not a buffer: exec.Cmd.Wait would otherwise wait for every
	// child process holding the pipe.
	outPath := filepath.Join(dir, "stdout.log")
	outFile, err := os.Create(outPath)
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	defer outFile.Close()
	out := fileString(outPath)
	d.cmd = exec.Command(bin, "-F", "-c", filepath.Join(dir, "dovecot.conf"))
	d.cmd.Stdout, d.cmd.Stderr = outFile, outFile
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := d.cmd.Start(); err != nil {
		NeedServers(t, "dovecot could not be started: "+err.Error())
	}
	go func() { _ = d.cmd.Wait(); close(d.done) }()
	t.Cleanup(func() {
		d.stop()
		if !t.Failed() || os.Getenv("MAILTEST_KEEP") == "" {
			_ = os.RemoveAll(dir)
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for _, p := range ports {
		for {
			select {
			case <-d.done:
				t.Fatalf("mailtest: dovecot exited at start: %s\nlog:\n%s", strings.TrimSpace(out.String()), d.Log())
			default:
			}
			c, err := net.DialTimeout("tcp", net.JoinHostPort(d.Host, strconv.Itoa(p)), 200*time.Millisecond)
			if err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("mailtest: dovecot did not listen on %d within 15 s: %s\nlog:\n%s", p, out.String(), d.Log())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	d.warmUp(deadline)
	return d
}

// warmUp reads each service's greeting once (over TLS on the TLS ports),
// so the login processes are running and loaded before the test's first
// timed step. No credentials are sent; the certificate is not checked here
// because a test may have asked for a bad one on purpose.
func (d *Dovecot) warmUp(deadline time.Time) {
	plain := []int{d.IMAPPort, d.POP3Port, d.SubmissionPort}
	tlsPorts := []int{d.IMAPSPort, d.POP3SPort, d.SubmissionsPort}
	var wg sync.WaitGroup
	for i, p := range append(plain, tlsPorts...) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", d.Addr(p), time.Until(deadline))
			if err != nil {
				return
			}
			defer c.Close()
			_ = c.SetDeadline(deadline)
			if i >= len(plain) {
				tc := tls.Client(c, &tls.Config{InsecureSkipVerify: true}) // warm-up only, nothing is sent
				if tc.Handshake() != nil {
					return
				}
				c = tc
			}
			_, _ = bufio.NewReader(c).ReadString('\n')
		}()
	}
	wg.Wait()
}

func (d *Dovecot) stop() {
	if d.cmd == nil || d.cmd.Process == nil {
		return
	}
	// The whole process group (master, login, auth, log processes) at once:
	// the master alone waits for its children to finish.
	_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(300 * time.Millisecond):
		// Nothing of a test instance needs a graceful end.
		_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
		<-d.done
	}
	// Children left behind by the master go too.
	_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
}

// Log returns Dovecot's log so far.
func (d *Dovecot) Log() string {
	b, _ := os.ReadFile(d.LogPath)
	return string(b)
}

// WaitLog waits up to timeout for substr to appear in the log and reports
// whether it did.
func (d *Dovecot) WaitLog(substr string, timeout time.Duration) bool {
	end := time.Now().Add(timeout)
	for {
		if strings.Contains(d.Log(), substr) {
			return true
		}
		if time.Now().After(end) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Addr returns "127.0.0.1:port".
func (d *Dovecot) Addr(port int) string { return net.JoinHostPort(d.Host, strconv.Itoa(port)) }

// fileString reads a file lazily for error messages.
type fileString string

func (f fileString) String() string {
	b, _ := os.ReadFile(string(f))
	return string(b)
}
