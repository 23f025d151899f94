package discover

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"mailsetup/profiles"
	"mailsetup/profiles/diagnose"
	"mailsetup/profiles/internal/mailwire"
)

// probeLimits bound what one probed server may send: short lines, short
// capability lists, little data in all (a probe never signs in).
var probeLimits = mailwire.Limits{MaxLine: 4096, MaxReplyLines: 200, MaxBytes: 256 << 10}

// probe connects to one host and port and checks the mail server there:
// the greeting and capabilities (and, for STARTTLS, the upgrade and the
// capabilities again), spoken by package mailwire, the same dialogue
// verify uses.
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
	// The whole conversation gets twice the connect timeout: slow-loris
	// servers are cut off.
	cctx, cancel := context.WithTimeout(ctx, 2*pt)
	defer cancel()
	w := mailwire.New(cctx, conn, wireProto(p.Protocol), probeLimits)
	defer w.Close()
	w.Deadline(2 * pt)

	tcfg := &tls.Config{ServerName: host, RootCAs: r.opts.RootCAs, MinVersion: tls.VersionTLS12}
	if p.Security == profiles.SecurityTLS {
		if _, err := w.Handshake(tcfg); err != nil {
			return probeFailure(err)
		}
	}
	if _, err := w.Greeting(); err != nil {
		var re *mailwire.ReplyError
		if errors.As(err, &re) && !errors.Is(err, diagnose.ErrReplyTooLarge) {
			return probeBadGreeting, fmt.Sprintf("does not greet as %s (%q)", strings.ToUpper(string(p.Protocol)), truncate(re.Reply, 60))
		}
		return probeFailure(err)
	}
	caps, _, err := w.Capabilities("mailsetup.invalid")
	if err != nil {
		return probeFailure(err)
	}
	if p.Security == profiles.SecuritySTARTTLS {
		if !caps.STARTTLS() {
			return probeNoSTARTTLS, "greets as " + string(p.Protocol) + " but offers no STARTTLS"
		}
		if _, err := w.StartTLS(tcfg); err != nil {
			return probeFailure(err)
		}
		if caps, _, err = w.Capabilities("mailsetup.invalid"); err != nil {
			return probeFailure(err)
		}
	}
	w.Quit()
	return probeOK, fmt.Sprintf("%s %s, valid certificate%s", strings.ToUpper(string(p.Protocol)), p.Security, capSummary(caps))
}

func wireProto(p profiles.Protocol) mailwire.Protocol {
	switch p {
	case profiles.POP3:
		return mailwire.POP3
	case profiles.SMTP:
		return mailwire.SMTP
	}
	return mailwire.IMAP
}

// capSummary names the SASL mechanisms offered, e.g. ", auth PLAIN LOGIN".
func capSummary(k mailwire.Caps) string {
	auth := k.SASL()
	if len(auth) == 0 {
		return ""
	}
	return ", auth " + strings.Join(auth, " ")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// probeFailure names what a failed dialogue means for a guess.
func probeFailure(err error) (probeStatus, string) {
	var re *mailwire.ReplyError
	var le *mailwire.LimitError
	var he *mailwire.HandshakeError
	switch {
	case errors.As(err, &le):
		return probeBadGreeting, strings.TrimPrefix(le.Error(), "mailwire: ")
	case errors.Is(err, diagnose.ErrDataBeforeTLS):
		return probeBadGreeting, "data after STARTTLS answer (possible injection)"
	case errors.As(err, &he):
		return certStatus(he.Err)
	case errors.Is(err, diagnose.ErrStartTLSMissing) && errors.As(err, &re):
		return probeBadGreeting, fmt.Sprintf("STARTTLS refused (%q)", truncate(re.Reply, 60))
	case errors.As(err, &re):
		return probeBadGreeting, fmt.Sprintf("%s (%q)", strings.TrimPrefix(re.Err.Error(), "mailwire: "), truncate(re.Reply, 60))
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
