package diagnose

import (
	"regexp"
	"strings"
)

// The response codes servers put in brackets before their text, each
// mapped to what it means for the user. A temporary failure says "try
// again in a few minutes", never "check your password".
//
//   - RFC 5530 §3 (IMAP): UNAVAILABLE, AUTHENTICATIONFAILED,
//     AUTHORIZATIONFAILED, EXPIRED, PRIVACYREQUIRED, CONTACTADMIN, NOPERM,
//     INUSE, EXPUNGEISSUED, CORRUPTION, SERVERBUG, CLIENTBUG, CANNOT, LIMIT,
//     OVERQUOTA, ALREADYEXISTS, NONEXISTENT.
//   - RFC 2449 §8 (POP3): LOGIN-DELAY, IN-USE; RFC 3206 §4-5: SYS/TEMP,
//     SYS/PERM, AUTH.
//   - RFC 4954 §6 (SMTP AUTH): 454 4.7.0 "Temporary authentication
//     failure", 432 4.7.12 "A password transition is needed", 534 5.7.9
//     "Authentication mechanism is too weak", 538 5.7.11 "Encryption
//     required for requested authentication mechanism".
//
// AUTHENTICATIONFAILED and AUTH mean "wrong credentials": they are left to
// the auth-failed logic, which also knows the providers that need an app
// password. PRIVACYREQUIRED, LIMIT and OVERQUOTA have their rules
// (plaintext-refused, too-many-connections, mailbox-full).

// temporaryCodes win over every text rule: their words ("try again
// later", "authentication failed") must not turn them into a rate limit or
// a wrong password.
var temporaryCodes = map[string]Code{
	"UNAVAILABLE":   ServerTemporary, // RFC 5530: a subsystem is down; retry later
	"SYS/TEMP":      ServerTemporary, // RFC 3206 §4: temporary server error
	"EXPUNGEISSUED": ServerTemporary, // RFC 5530: another session expunged; retry
	"LOGIN-DELAY":   LoginDelay,      // RFC 2449 §8.1.1: logged in too recently
	"IN-USE":        MailboxInUse,    // RFC 2449 §8.1.2: the maildrop is locked by another session
	"INUSE":         MailboxInUse,    // RFC 5530: the mailbox is in use by another session
}

// permanentCodes are tried after the provider text rules (a provider's own
// words are more precise) and before the generic "wrong password" ones.
var permanentCodes = map[string]Code{
	"AUTHORIZATIONFAILED": AuthorizationFailed, // RFC 5530: credentials fine, but not allowed
	"EXPIRED":             PasswordExpired,     // RFC 5530: the password or account has expired
	"CONTACTADMIN":        ContactAdmin,        // RFC 5530: the user must contact the administrator
	"NOPERM":              NoPermission,        // RFC 5530: no access rights to the mailbox
	"NONEXISTENT":         MailboxNotFound,     // RFC 5530: the mailbox does not exist
	"SYS/PERM":            ServerError,         // RFC 3206 §5: permanent server error
	"SERVERBUG":           ServerError,         // RFC 5530: the server hit a bug
	"CORRUPTION":          ServerError,         // RFC 5530: the server found corrupt data
	"CANNOT":              ServerError,         // RFC 5530: the operation can never succeed on this server
	"CLIENTBUG":           ProtocolError,       // RFC 5530: the server thinks the client is wrong
	"ALREADYEXISTS":       ProtocolError,       // RFC 5530: never expected while signing in
}

// respCodeRE finds a bracketed response code at the start of an IMAP
// status ("NO [UNAVAILABLE] …", "m1 NO [EXPIRED] …", "* BYE [..]") or a
// POP3 reply ("-ERR [SYS/TEMP] …").
var respCodeRE = regexp.MustCompile(`^(?:\S+ )?(?:NO|BAD|BYE|OK|-ERR|\+OK) \[([A-Za-z0-9/-]+)[\] ]`)

// responseCode returns the bracketed response code of reply, upper case.
func responseCode(reply string) string {
	m := respCodeRE.FindStringSubmatch(strings.TrimSpace(reply))
	if m == nil {
		return ""
	}
	return strings.ToUpper(m[1])
}

// smtpAuthCode maps RFC 4954's SMTP AUTH replies, by reply and enhanced
// code, at the sign-in stage.
func smtpAuthCode(reply string) (Code, bool) {
	r := strings.TrimSpace(reply)
	switch {
	case strings.HasPrefix(r, "454"):
		return AuthTemporary, true
	case strings.HasPrefix(r, "432"):
		return PasswordExpired, true
	case strings.HasPrefix(r, "538"):
		return PlaintextRefused, true
	}
	return "", false
}
