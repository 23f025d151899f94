// Package diagnose turns a failed mail login or test message into a
// diagnosis: a stable kebab-case code, a title, advice and links in the
// user's language (assets/translations/diagnosis.<lang>.json, keys
// "diag.<code>.title" and "diag.<code>.advice"), and the server's raw reply
// for a person who wants it. It matches on the failing stage, Go's network
// and x509 errors, and the servers' reply codes and texts (the strings real
// providers send, collected in docs/discovery.md §5 and the seeds' error
// table).
package diagnose

// Code names what went wrong. Codes are stable: scripts and translations
// key on them.
type Code string

// The diagnosis codes.
const (
	HostNotFound       Code = "host-not-found"
	NetworkUnreachable Code = "network-unreachable"
	ConnectionRefused  Code = "connection-refused"
	// PortBlocked: the connection attempt got no answer at all (a firewall
	// or the ISP drops the port).
	PortBlocked Code = "port-blocked"
	// Timeout: connected, but the server did not answer in time.
	Timeout          Code = "timeout"
	ConnectionClosed Code = "connection-closed"
	TLSUntrusted     Code = "tls-untrusted"
	// TLSIntercepted: the certificate was issued by an antivirus or a proxy
	// that inspects encrypted traffic.
	TLSIntercepted  Code = "tls-intercepted"
	TLSExpired      Code = "tls-expired"
	TLSNotYetValid  Code = "tls-not-yet-valid"
	TLSNameMismatch Code = "tls-name-mismatch"
	// TLSWrongMode: TLS was spoken to a port that expects plain text (or
	// the other way round) — the security setting does not fit the port.
	TLSWrongMode    Code = "tls-wrong-mode"
	TLSFailed       Code = "tls-failed"
	StartTLSMissing Code = "starttls-missing"
	// PlaintextRefused: the server refuses to take a password without encryption.
	PlaintextRefused   Code = "plaintext-refused"
	AuthFailed         Code = "auth-failed"
	AppPasswordNeeded  Code = "app-password-required"
	AuthOrAppPassword  Code = "auth-failed-or-app-password"
	WebLoginRequired   Code = "web-login-required"
	IMAPDisabled       Code = "imap-disabled"
	POP3Disabled       Code = "pop3-disabled"
	ClientsDisabled    Code = "mail-clients-disabled"
	BasicAuthDisabled  Code = "basic-auth-disabled"
	SMTPAuthDisabled   Code = "smtp-auth-disabled"
	NoPasswordMethod   Code = "no-password-method"
	UserUnknown        Code = "user-unknown"
	TooManyConnections Code = "too-many-connections"
	AccountBlocked     Code = "account-blocked"
	SendingDisabled    Code = "sending-disabled"
	FromMismatch       Code = "from-mismatch"
	AuthRequired       Code = "auth-required"
	SpamRejected       Code = "spam-rejected"
	RateLimited        Code = "rate-limited"
	MailboxFull        Code = "mailbox-full"
	RecipientUnknown   Code = "recipient-unknown"
	DynamicIP          Code = "dynamic-ip"
	ServiceUnavailable Code = "service-unavailable"
	ProtocolError      Code = "protocol-error"
	// ReplyTooLarge: the server sent an endless line, an endless
	// multi-line reply or a flood of data; the check stopped reading.
	ReplyTooLarge Code = "reply-too-large"
	// TLSChainTooLarge: the server presented an oversized certificate chain.
	TLSChainTooLarge Code = "tls-chain-too-large"
	// StartTLSInjection: the server sent data between its STARTTLS "go
	// ahead" and the TLS handshake.
	StartTLSInjection Code = "starttls-injection"
	// AuthTemporary: the server could not check the password right now
	// (RFC 4954 "454 4.7.0 Temporary authentication failure").
	AuthTemporary Code = "auth-temporary-failure"
	// LoginDelay: the account signed in too recently (POP3 [LOGIN-DELAY]).
	LoginDelay Code = "login-delay"
	// MailboxInUse: another session holds the mailbox (POP3 [IN-USE], IMAP [INUSE]).
	MailboxInUse Code = "mailbox-in-use"
	// ServerTemporary: a temporary failure on the server's side (IMAP
	// [UNAVAILABLE], POP3 [SYS/TEMP]).
	ServerTemporary Code = "server-temporary-failure"
	// ServerError: a permanent failure on the server's side (POP3
	// [SYS/PERM], IMAP [SERVERBUG], [CORRUPTION], [CANNOT]).
	ServerError Code = "server-error"
	// AuthorizationFailed: the credentials are right but this login may not
	// use the mailbox (IMAP [AUTHORIZATIONFAILED]).
	AuthorizationFailed Code = "authorization-failed"
	// PasswordExpired: the password must be changed first (IMAP [EXPIRED],
	// SMTP 432 4.7.12).
	PasswordExpired Code = "password-expired"
	// ContactAdmin: the account needs the administrator (IMAP [CONTACTADMIN]).
	ContactAdmin Code = "contact-admin"
	// NoPermission: no access rights to the mailbox (IMAP [NOPERM]).
	NoPermission Code = "no-permission"
	// MailboxNotFound: the mailbox does not exist (IMAP [NONEXISTENT]).
	MailboxNotFound Code = "mailbox-not-found"
	Cancelled       Code = "cancelled"
	Unknown         Code = "unknown"
)

// Codes lists every code, for translation checks and documentation.
var Codes = []Code{
	HostNotFound, NetworkUnreachable, ConnectionRefused, PortBlocked, Timeout, ConnectionClosed,
	TLSUntrusted, TLSIntercepted, TLSExpired, TLSNotYetValid, TLSNameMismatch, TLSWrongMode, TLSFailed,
	StartTLSMissing, PlaintextRefused, AuthFailed, AppPasswordNeeded, AuthOrAppPassword, WebLoginRequired,
	IMAPDisabled, POP3Disabled, ClientsDisabled, BasicAuthDisabled, SMTPAuthDisabled, NoPasswordMethod,
	UserUnknown, TooManyConnections, AccountBlocked, SendingDisabled, FromMismatch, AuthRequired,
	SpamRejected, RateLimited, MailboxFull, RecipientUnknown, DynamicIP, ServiceUnavailable,
	ProtocolError, Cancelled, Unknown,
	ReplyTooLarge, TLSChainTooLarge, StartTLSInjection,
	AuthTemporary, LoginDelay, MailboxInUse, ServerTemporary, ServerError, AuthorizationFailed,
	PasswordExpired, ContactAdmin, NoPermission, MailboxNotFound,
}

// Transport reports whether the code is a failure to reach the server at
// all (where another port or server of the provider may work). TLS
// certificate problems are not: another port of the same host shows the
// same certificate, and going around them would defeat them.
func (c Code) Transport() bool {
	switch c {
	case HostNotFound, NetworkUnreachable, ConnectionRefused, PortBlocked, Timeout, ConnectionClosed, TLSWrongMode:
		return true
	}
	return false
}

// Definitive reports whether the server has given a final "no" to the
// credentials: trying another username form or mechanism would only count
// towards a lockout.
func (c Code) Definitive() bool {
	switch c {
	case AuthFailed, AppPasswordNeeded, AuthOrAppPassword, WebLoginRequired, IMAPDisabled, POP3Disabled,
		ClientsDisabled, BasicAuthDisabled, SMTPAuthDisabled, AccountBlocked,
		AuthorizationFailed, PasswordExpired, ContactAdmin, ServerError:
		return true
	}
	return false
}

// Temporary reports whether the failure passes by itself: the user should
// try again in a few minutes, and another attempt now would not help.
func (c Code) Temporary() bool {
	switch c {
	case AuthTemporary, LoginDelay, MailboxInUse, ServerTemporary, ServiceUnavailable, TooManyConnections:
		return true
	}
	return false
}

// TitleKey and AdviceKey are the translation keys of the code's texts.
func (c Code) TitleKey() string { return "diag." + string(c) + ".title" }

// AdviceKey is the translation key of the code's advice.
func (c Code) AdviceKey() string { return "diag." + string(c) + ".advice" }
