// Package profiles is the domain model of mailsetup: a parsed e-mail Address,
// the mail Servers a program connects to (IMAP, POP3, SMTP with implicit TLS,
// STARTTLS or none, RFC 8314), and the Config a provider publishes for an
// address, with notes for the user and the provider's limits.
//
// The package is plain Go and imports nothing from Fyne, so the command line,
// the window and the exporters share one model. Subpackages hold the provider
// knowledge base (knowledge), network discovery (discover), login
// verification (verify) and failure diagnosis (diagnose).
package profiles
