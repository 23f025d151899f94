// Package profiles is the domain model of mailsetup: a parsed e-mail Address,
// the mail Servers a program connects to (IMAP, POP3, SMTP with implicit TLS,
// STARTTLS or none, RFC 8314), and the Config a provider publishes for an
// address, with notes for the user and the provider's limits.
//
// The package is plain Go and imports nothing of mailsetup, so the command
// line, the window and the exporters share one model. Its subpackages hold
// the provider knowledge base (knowledge), network discovery (discover), the
// clientConfig parser (autoconfig), login verification (verify), failure
// diagnosis (diagnose) and the test harness (mailtest); they may use the
// translation catalog (assets/i18n) but nothing under export/, preset/ or ui/,
// and none of them links Fyne (internal/layers tests both).
//
// A Config keeps the Address it was made for (SetAddress, Addr), so nothing
// downstream parses Config.Address again; errors that people read
// (AddressError, HostError) give their Sentence without the package prefix
// (Sentence(err) finds it in any chain), and AddressError its translation
// keys (MessageKeys) for i18n.Err.
package profiles
