package discover

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"mailsetup/profiles"
)

// StandardGuessPorts are the ports guess probes, TLS first (RFC 8314).
var StandardGuessPorts = []GuessPort{
	{profiles.IMAP, 993, profiles.SecurityTLS},
	{profiles.IMAP, 143, profiles.SecuritySTARTTLS},
	{profiles.POP3, 995, profiles.SecurityTLS},
	{profiles.POP3, 110, profiles.SecuritySTARTTLS},
	{profiles.SMTP, 465, profiles.SecurityTLS},
	{profiles.SMTP, 587, profiles.SecuritySTARTTLS},
	{profiles.SMTP, 25, profiles.SecuritySTARTTLS},
}

// probeStatus is what one probe found.
type probeStatus string

const (
	probeOK          probeStatus = "ok"
	probeNoName      probeStatus = "no-such-host"
	probeRefused     probeStatus = "refused"
	probeTimeout     probeStatus = "timeout"
	probeBadCert     probeStatus = "bad-certificate"
	probeBadGreeting probeStatus = "wrong-protocol"
	probeNoSTARTTLS  probeStatus = "no-starttls"
	probeError       probeStatus = "error"
)

type probeResult struct {
	host   string
	port   GuessPort
	status probeStatus
	detail string
}

// guessReport is what guess learnt about the network, for warnings.
type guessReport struct {
	blocked []int    // ports that time out on several hosts that answer elsewhere
	down    []string // hosts that resolve but refuse or ignore every port
	// unreachable: every connection timed out and none was refused.
	unreachable bool
}

// guessHosts returns the host names to probe and which protocols each gets.
func guessHosts(domain string) []struct {
	host   string
	protos []profiles.Protocol
} {
	all := []profiles.Protocol{profiles.IMAP, profiles.POP3, profiles.SMTP}
	return []struct {
		host   string
		protos []profiles.Protocol
	}{
		{"imap." + domain, []profiles.Protocol{profiles.IMAP}},
		{"mail." + domain, all},
		{"pop." + domain, []profiles.Protocol{profiles.POP3}},
		{"pop3." + domain, []profiles.Protocol{profiles.POP3}},
		{"smtp." + domain, []profiles.Protocol{profiles.SMTP}},
		{domain, all},
	}
}

// guess probes the usual host names and ports at once, TLS first, with short
// connect timeouts. A server counts only when it greets as the protocol of
// its port, offers STARTTLS where the port needs it, and shows a certificate
// valid for the name; capabilities are read after the TLS upgrade.
func (r *run) guess(ctx context.Context) answer {
	ports := r.opts.GuessPorts
	if len(ports) == 0 {
		ports = StandardGuessPorts
	}
	var jobs []probeResult
	for _, h := range guessHosts(r.addr.Domain) {
		for _, p := range ports {
			for _, proto := range h.protos {
				if p.Protocol == proto {
					jobs = append(jobs, probeResult{host: h.host, port: p})
				}
			}
		}
	}
	var wg sync.WaitGroup
	for i := range jobs {
		wg.Add(1)
		go func(j *probeResult) {
			defer wg.Done()
			j.status, j.detail = r.probe(ctx, j.host, j.port)
		}(&jobs[i])
	}
	wg.Wait()

	cfg := &profiles.Config{
		Address: r.addr.String(), Domain: r.addr.Domain, Source: profiles.SourceGuess,
		Provider: profiles.Provider{ID: r.addr.Domain, Name: r.addr.DomainUnicode},
		Trust:    profiles.TrustConfirm, TrustDomain: registrable(r.addr.Domain),
	}
	if r.addr.DomainUnicode != r.addr.Domain {
		cfg.DomainUnicode = r.addr.DomainUnicode
	}
	var ok []probeResult
	var parts []string
	for _, j := range jobs {
		if j.status == probeOK {
			ok = append(ok, j)
		}
		if j.status != probeNoName {
			parts = append(parts, fmt.Sprintf("%s:%d %s", j.host, j.port.Port, j.detail))
		}
	}
	// Order: implicit TLS before STARTTLS, IMAP before POP3, then port order
	// as listed, then host order as probed.
	secRank := func(s profiles.Security) int {
		if s == profiles.SecurityTLS {
			return 0
		}
		return 1
	}
	protoRank := map[profiles.Protocol]int{profiles.IMAP: 0, profiles.POP3: 1, profiles.SMTP: 2}
	sort.SliceStable(ok, func(a, b int) bool {
		x, y := ok[a], ok[b]
		if protoRank[x.port.Protocol] != protoRank[y.port.Protocol] {
			return protoRank[x.port.Protocol] < protoRank[y.port.Protocol]
		}
		return secRank(x.port.Security) < secRank(y.port.Security)
	})
	for _, j := range ok {
		s := profiles.Server{Protocol: j.port.Protocol, Host: j.host, Port: j.port.Port, Security: j.port.Security,
			Username: r.addr.String(), Auth: []profiles.AuthMethod{profiles.AuthPassword}}
		if s.Protocol == profiles.SMTP {
			cfg.Outgoing = appendServer(cfg.Outgoing, s)
		} else {
			cfg.Incoming = appendServer(cfg.Incoming, s)
		}
	}
	rep := analyse(jobs)
	r.mu.Lock()
	r.report = rep
	r.mu.Unlock()
	cfg.Warnings = append(cfg.Warnings, "guessed by probing the usual server names: the servers answered as mail servers with valid certificates, but nothing says they are the right ones for "+r.addr.Domain+"; confirm them")
	cfg.Warnings = append(cfg.Warnings, rep.warnings()...)
	detail := fmt.Sprintf("%d probes, %d answered as mail servers", len(jobs), len(ok))
	if len(parts) > 0 {
		detail += ": " + strings.Join(parts, "; ")
	}
	if !cfg.Found() {
		if err := ctx.Err(); err != nil && len(ok) == 0 {
			return answer{detail: detail, err: err}
		}
		return answer{detail: detail + joinWarn(rep.warnings())}
	}
	cfg.Normalize()
	return answer{cfg: cfg, detail: detail}
}

func joinWarn(w []string) string {
	if len(w) == 0 {
		return ""
	}
	return "; " + strings.Join(w, "; ")
}

// analyse tells "this port is blocked on your network" (connects to the port
// time out on several hosts that answer on other ports, or on every host)
// from "the server is down" (a host that resolves but answers on no port).
func analyse(jobs []probeResult) *guessReport {
	rep := &guessReport{}
	alive := map[string]bool{}
	resolved := map[string]bool{}
	for _, j := range jobs {
		if j.status != probeNoName {
			resolved[j.host] = true
		}
		if j.status != probeNoName && j.status != probeTimeout && j.status != probeRefused {
			alive[j.host] = true
		}
	}
	timeouts := map[int]map[string]bool{}
	tried := map[int]map[string]bool{}
	for _, j := range jobs {
		if j.status == probeNoName {
			continue
		}
		if tried[j.port.Port] == nil {
			tried[j.port.Port], timeouts[j.port.Port] = map[string]bool{}, map[string]bool{}
		}
		tried[j.port.Port][j.host] = true
		if j.status == probeTimeout {
			timeouts[j.port.Port][j.host] = true
		}
	}
	for port, hosts := range timeouts {
		aliveHosts := 0
		for h := range hosts {
			if alive[h] {
				aliveHosts++
			}
		}
		if len(hosts) >= 2 && len(hosts) == len(tried[port]) && aliveHosts >= 1 {
			rep.blocked = append(rep.blocked, port)
		}
	}
	sort.Ints(rep.blocked)
	blocked := map[int]bool{}
	for _, p := range rep.blocked {
		blocked[p] = true
	}
	refused := false
	anyTimeout := false
	for _, j := range jobs {
		refused = refused || j.status == probeRefused
		anyTimeout = anyTimeout || j.status == probeTimeout
	}
	if len(alive) == 0 && anyTimeout && !refused {
		// Nothing answered anywhere: this network (or a firewall) drops mail
		// ports, or the machine is offline; no single server is to blame.
		rep.unreachable = true
		return rep
	}
	for h := range resolved {
		if alive[h] {
			continue
		}
		// Down only if some port said "refused" or timed out where the port
		// itself is not blocked.
		down := false
		for _, j := range jobs {
			if j.host == h && (j.status == probeRefused || (j.status == probeTimeout && !blocked[j.port.Port])) {
				down = true
			}
		}
		if down {
			rep.down = append(rep.down, h)
		}
	}
	sort.Strings(rep.down)
	return rep
}

func (g *guessReport) warnings() []string {
	var out []string
	if g.unreachable {
		out = append(out, "no mail server answered on any port: every connection timed out; this network or a firewall may block mail ports, or the computer is offline")
	}
	for _, p := range g.blocked {
		out = append(out, fmt.Sprintf("port %d seems blocked on your network: connections to it time out on several servers that answer on other ports; try another port or network", p))
	}
	for _, h := range g.down {
		out = append(out, fmt.Sprintf("%s exists but answers on no mail port: the server may be down", h))
	}
	return out
}

// networkWarnings returns guess's findings that concern the chosen config:
// a blocked port it uses.
func (r *run) networkWarnings(cfg *profiles.Config) []string {
	r.mu.Lock()
	rep := r.report
	r.mu.Unlock()
	if rep == nil {
		return nil
	}
	var out []string
	for _, p := range rep.blocked {
		for _, s := range append(append([]profiles.Server(nil), cfg.Incoming...), cfg.Outgoing...) {
			if s.Port == p {
				out = append(out, fmt.Sprintf("port %d (used by %s) seems blocked on your network", p, s.Host))
				break
			}
		}
	}
	return out
}

const maxLine = 4096

// probe connects to one host and port and checks the mail server there.
func (r *run) probe(ctx context.Context, host string, p GuessPort) (probeStatus, string) {
	pt := r.opts.ProbeTimeout
	if pt <= 0 {
		pt = DefaultProbeTimeout
	}
	dctx, cancel := context.WithTimeout(ctx, pt)
	conn, err := r.dial(dctx, "tcp", net.JoinHostPort(host, strconv.Itoa(p.Port)))
	cancel()
	if err != nil {
		var de *net.DNSError
		switch {
		case errors.As(err, &de) && de.IsNotFound:
			return probeNoName, "no such host"
		case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
			return probeTimeout, "connect timed out"
		case strings.Contains(err.Error(), "refused"):
			return probeRefused, "connection refused"
		}
		return probeError, "connect: " + err.Error()
	}
	defer conn.Close()
	// The whole conversation gets twice the connect timeout: slow-loris
	// servers are cut off.
	deadline := time.Now().Add(2 * pt)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()

	tcfg := &tls.Config{ServerName: host, RootCAs: r.opts.RootCAs, MinVersion: tls.VersionTLS12}
	if p.Security == profiles.SecurityTLS {
		tc := tls.Client(conn, tcfg)
		if err := tc.Handshake(); err != nil {
			return certStatus(err)
		}
		conn = tc
	}
	br := bufio.NewReaderSize(conn, maxLine)
	caps, err := greet(br, conn, p.Protocol)
	if err != nil {
		return classify(err)
	}
	if p.Security == profiles.SecuritySTARTTLS {
		if !caps.starttls {
			return probeNoSTARTTLS, "greets as " + string(p.Protocol) + " but offers no STARTTLS"
		}
		if err := startTLS(br, conn, p.Protocol); err != nil {
			return classify(err)
		}
		tc := tls.Client(conn, tcfg)
		if err := tc.Handshake(); err != nil {
			return certStatus(err)
		}
		br = bufio.NewReaderSize(tc, maxLine)
		if caps, err = capabilities(br, tc, p.Protocol); err != nil {
			return classify(err)
		}
		conn = tc
	}
	quit(conn, p.Protocol)
	return probeOK, fmt.Sprintf("%s %s, valid certificate%s", strings.ToUpper(string(p.Protocol)), p.Security, caps.summary())
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func classify(err error) (probeStatus, string) {
	var pe *protoError
	switch {
	case errors.As(err, &pe):
		return probeBadGreeting, pe.Error()
	case isTimeout(err):
		return probeTimeout, "no greeting in time (slow or silent server)"
	}
	return probeError, err.Error()
}

func certStatus(err error) (probeStatus, string) {
	var he x509.HostnameError
	var ue x509.UnknownAuthorityError
	var ie x509.CertificateInvalidError
	var tv *tls.CertificateVerificationError
	switch {
	case errors.As(err, &he):
		return probeBadCert, "certificate is not for this name (" + truncate(he.Error(), 120) + ")"
	case errors.As(err, &ue):
		return probeBadCert, "certificate is not signed by a trusted authority"
	case errors.As(err, &ie):
		return probeBadCert, "certificate is invalid: " + truncate(ie.Error(), 120)
	case errors.As(err, &tv):
		return probeBadCert, "certificate rejected: " + truncate(tv.Error(), 120)
	case isTimeout(err):
		return probeTimeout, "TLS handshake timed out"
	}
	return probeError, "TLS handshake failed (not a TLS server?)"
}

// protoError means the server did not speak the expected protocol.
type protoError struct{ msg string }

func (e *protoError) Error() string { return e.msg }

type caps struct {
	starttls bool
	auth     []string
}

func (c caps) summary() string {
	if len(c.auth) == 0 {
		return ""
	}
	return ", auth " + strings.Join(c.auth, " ")
}

func readLine(br *bufio.Reader) (string, error) {
	line, err := br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", &protoError{"a line longer than 4096 bytes"}
	}
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}

// greet reads the greeting and the capabilities before any TLS upgrade.
func greet(br *bufio.Reader, w net.Conn, p profiles.Protocol) (caps, error) {
	switch p {
	case profiles.IMAP:
		l, err := readLine(br)
		if err != nil {
			return caps{}, err
		}
		if !strings.HasPrefix(l, "* OK") && !strings.HasPrefix(l, "* PREAUTH") {
			return caps{}, &protoError{fmt.Sprintf("does not greet as IMAP (%q)", truncate(l, 60))}
		}
	case profiles.POP3:
		l, err := readLine(br)
		if err != nil {
			return caps{}, err
		}
		if !strings.HasPrefix(l, "+OK") {
			return caps{}, &protoError{fmt.Sprintf("does not greet as POP3 (%q)", truncate(l, 60))}
		}
	case profiles.SMTP:
		for i := 0; ; i++ {
			l, err := readLine(br)
			if err != nil {
				return caps{}, err
			}
			if !strings.HasPrefix(l, "220") {
				return caps{}, &protoError{fmt.Sprintf("does not greet as SMTP (%q)", truncate(l, 60))}
			}
			if len(l) < 4 || l[3] != '-' {
				break
			}
			if i > 100 {
				return caps{}, &protoError{"endless SMTP greeting"}
			}
		}
	}
	return capabilities(br, w, p)
}

// capabilities asks for and reads the server's capabilities.
func capabilities(br *bufio.Reader, w net.Conn, p profiles.Protocol) (caps, error) {
	var c caps
	switch p {
	case profiles.IMAP:
		if _, err := fmt.Fprint(w, "m1 CAPABILITY\r\n"); err != nil {
			return c, err
		}
		for i := 0; ; i++ {
			l, err := readLine(br)
			if err != nil {
				return c, err
			}
			if strings.HasPrefix(l, "m1 ") {
				if !strings.HasPrefix(l, "m1 OK") {
					return c, &protoError{"IMAP CAPABILITY failed"}
				}
				return c, nil
			}
			if strings.HasPrefix(strings.ToUpper(l), "* CAPABILITY ") {
				for _, f := range strings.Fields(l)[2:] {
					u := strings.ToUpper(f)
					if u == "STARTTLS" {
						c.starttls = true
					}
					if strings.HasPrefix(u, "AUTH=") {
						c.auth = append(c.auth, u[5:])
					}
				}
			} else if !strings.HasPrefix(l, "* ") {
				return c, &protoError{fmt.Sprintf("unexpected IMAP answer %q", truncate(l, 60))}
			}
			if i > 100 {
				return c, &protoError{"endless IMAP answer"}
			}
		}
	case profiles.POP3:
		if _, err := fmt.Fprint(w, "CAPA\r\n"); err != nil {
			return c, err
		}
		l, err := readLine(br)
		if err != nil {
			return c, err
		}
		if !strings.HasPrefix(l, "+OK") {
			return c, nil // CAPA is optional (RFC 2449); no STLS known then
		}
		for i := 0; ; i++ {
			l, err := readLine(br)
			if err != nil {
				return c, err
			}
			if l == "." {
				return c, nil
			}
			u := strings.ToUpper(l)
			if u == "STLS" {
				c.starttls = true
			}
			if strings.HasPrefix(u, "SASL ") {
				c.auth = append(c.auth, strings.Fields(u)[1:]...)
			}
			if i > 200 {
				return c, &protoError{"endless POP3 CAPA answer"}
			}
		}
	case profiles.SMTP:
		if _, err := fmt.Fprint(w, "EHLO mailsetup.invalid\r\n"); err != nil {
			return c, err
		}
		for i := 0; ; i++ {
			l, err := readLine(br)
			if err != nil {
				return c, err
			}
			if !strings.HasPrefix(l, "250") {
				return c, &protoError{fmt.Sprintf("SMTP EHLO refused (%q)", truncate(l, 60))}
			}
			if len(l) > 4 {
				u := strings.ToUpper(l[4:])
				if u == "STARTTLS" {
					c.starttls = true
				}
				if strings.HasPrefix(u, "AUTH ") || strings.HasPrefix(u, "AUTH=") {
					c.auth = append(c.auth, strings.Fields(u[5:])...)
				}
			}
			if len(l) < 4 || l[3] != '-' {
				return c, nil
			}
			if i > 200 {
				return c, &protoError{"endless SMTP EHLO answer"}
			}
		}
	}
	return c, nil
}

func startTLS(br *bufio.Reader, w net.Conn, p profiles.Protocol) error {
	var cmd, okPrefix string
	switch p {
	case profiles.IMAP:
		cmd, okPrefix = "m2 STARTTLS\r\n", "m2 OK"
	case profiles.POP3:
		cmd, okPrefix = "STLS\r\n", "+OK"
	case profiles.SMTP:
		cmd, okPrefix = "STARTTLS\r\n", "220"
	}
	if _, err := fmt.Fprint(w, cmd); err != nil {
		return err
	}
	for i := 0; i < 20; i++ {
		l, err := readLine(br)
		if err != nil {
			return err
		}
		if p == profiles.IMAP && strings.HasPrefix(l, "* ") {
			continue
		}
		if !strings.HasPrefix(l, okPrefix) {
			return &protoError{fmt.Sprintf("STARTTLS refused (%q)", truncate(l, 60))}
		}
		if br.Buffered() > 0 {
			return &protoError{"data after STARTTLS answer (possible injection)"}
		}
		return nil
	}
	return &protoError{"no STARTTLS answer"}
}

func quit(w net.Conn, p profiles.Protocol) {
	switch p {
	case profiles.IMAP:
		fmt.Fprint(w, "m9 LOGOUT\r\n")
	default:
		fmt.Fprint(w, "QUIT\r\n")
	}
}
