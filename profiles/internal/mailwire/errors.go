package mailwire

import "errors"

// The reasons the dialogue fails besides the network's own errors.
// Package diagnose re-exports them under the same names and classifies
// them; this package imports nothing of the project, so discover and
// verify can share it without dragging anything else in.
var (
	// ErrBadGreeting: the server's words were not a mail greeting or reply.
	// (The text is the one diagnose has always used.)
	ErrBadGreeting = errors.New("diagnose: the server did not greet like a mail server")
	// ErrStartTLSMissing: the server did not offer or refused STARTTLS/STLS.
	ErrStartTLSMissing = errors.New("diagnose: the server does not offer STARTTLS")
	// ErrReplyTooLarge: an endless line, an endless multi-line reply or
	// more data than a check needs (a flood).
	ErrReplyTooLarge = errors.New("mailwire: the server sent an over-long reply")
	// ErrCertChainTooLarge: an oversized certificate chain.
	ErrCertChainTooLarge = errors.New("mailwire: the server sent an oversized certificate chain")
	// ErrDataBeforeTLS: data between the STARTTLS "go ahead" and the TLS
	// handshake (a command-injection attempt or a broken middlebox).
	ErrDataBeforeTLS = errors.New("mailwire: the server sent data before the TLS handshake")
	// ErrPOP3: a POP3 "-ERR" reply.
	ErrPOP3 = errors.New("mailwire: the POP3 server answered -ERR")
)
