package discover

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

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

// probeAll runs every probe at once and waits for all of them.
func (r *run) probeAll(ctx context.Context, jobs []probeResult) {
	var wg sync.WaitGroup
	for i := range jobs {
		wg.Add(1)
		go func(j *probeResult) {
			defer wg.Done()
			j.status, j.detail = r.probe(ctx, j.host, j.port)
		}(&jobs[i])
	}
	wg.Wait()
}

// sortProbes orders working servers: IMAP before POP3 before SMTP, then
// implicit TLS before STARTTLS, then port order as listed, then host order
// as probed.
func sortProbes(ok []probeResult) {
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
	r.probeAll(ctx, jobs)
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
	sortProbes(ok)
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
