package export

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"howett.net/plist"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
)

// mailPayload is a com.apple.mail.managed payload (Apple's
// com.apple.mail.managed.yaml); field order is the key order in the file.
type mailPayload struct {
	EmailAccountDescription                string `plist:"EmailAccountDescription"`
	EmailAccountName                       string `plist:"EmailAccountName"`
	EmailAccountType                       string `plist:"EmailAccountType"`
	EmailAddress                           string `plist:"EmailAddress"`
	IncomingMailServerAuthentication       string `plist:"IncomingMailServerAuthentication"`
	IncomingMailServerHostName             string `plist:"IncomingMailServerHostName"`
	IncomingMailServerPortNumber           int    `plist:"IncomingMailServerPortNumber"`
	IncomingMailServerUseSSL               bool   `plist:"IncomingMailServerUseSSL"`
	IncomingMailServerUsername             string `plist:"IncomingMailServerUsername"`
	IncomingPassword                       string `plist:"IncomingPassword,omitempty"`
	OutgoingMailServerAuthentication       string `plist:"OutgoingMailServerAuthentication"`
	OutgoingMailServerHostName             string `plist:"OutgoingMailServerHostName"`
	OutgoingMailServerPortNumber           int    `plist:"OutgoingMailServerPortNumber"`
	OutgoingMailServerUseSSL               bool   `plist:"OutgoingMailServerUseSSL"`
	OutgoingMailServerUsername             string `plist:"OutgoingMailServerUsername"`
	OutgoingPassword                       string `plist:"OutgoingPassword,omitempty"`
	OutgoingPasswordSameAsIncomingPassword bool   `plist:"OutgoingPasswordSameAsIncomingPassword"`
	PayloadDescription                     string `plist:"PayloadDescription"`
	PayloadDisplayName                     string `plist:"PayloadDisplayName"`
	PayloadIdentifier                      string `plist:"PayloadIdentifier"`
	PayloadType                            string `plist:"PayloadType"`
	PayloadUUID                            string `plist:"PayloadUUID"`
	PayloadVersion                         int    `plist:"PayloadVersion"`
}

// easPayload is a com.apple.eas.account payload (Apple's
// com.apple.eas.account.yaml) that signs in with OAuth: Microsoft's
// Outlook.com and Microsoft 365 allow no password login over IMAP/SMTP, and
// com.apple.mail.managed has no OAuth value. iOS 12+/visionOS only; macOS
// does not have this payload ("introduced: n/a").
type easPayload struct {
	EmailAddress       string `plist:"EmailAddress"`
	Host               string `plist:"Host"`
	OAuth              bool   `plist:"OAuth"`
	SSL                bool   `plist:"SSL"`
	UserName           string `plist:"UserName"`
	PayloadDescription string `plist:"PayloadDescription"`
	PayloadDisplayName string `plist:"PayloadDisplayName"`
	PayloadIdentifier  string `plist:"PayloadIdentifier"`
	PayloadType        string `plist:"PayloadType"`
	PayloadUUID        string `plist:"PayloadUUID"`
	PayloadVersion     int    `plist:"PayloadVersion"`
}

// profilePlist is the top-level Configuration dictionary (TopLevel.yaml).
type profilePlist struct {
	PayloadContent           []any  `plist:"PayloadContent"`
	PayloadDescription       string `plist:"PayloadDescription"`
	PayloadDisplayName       string `plist:"PayloadDisplayName"`
	PayloadIdentifier        string `plist:"PayloadIdentifier"`
	PayloadOrganization      string `plist:"PayloadOrganization,omitempty"`
	PayloadRemovalDisallowed bool   `plist:"PayloadRemovalDisallowed"`
	PayloadType              string `plist:"PayloadType"`
	PayloadUUID              string `plist:"PayloadUUID"`
	PayloadVersion           int    `plist:"PayloadVersion"`
	// TargetDeviceType 1 (iPhone/iPad) keeps an Exchange OAuth profile off
	// the Mac, which has no com.apple.eas.account payload.
	TargetDeviceType int `plist:"TargetDeviceType,omitempty"`
}

// appleMethods are com.apple.mail.managed's authentication values
// (IncomingMailServerAuthentication rangelist: EmailAuthNone,
// EmailAuthPassword, EmailAuthCRAMMD5, EmailAuthNTLM, EmailAuthHTTPMD5).
var appleMethods = []profiles.AuthMethod{profiles.AuthPassword, profiles.AuthPasswordEncrypted, profiles.AuthNTLM, profiles.AuthNone}

func appleAuth(s profiles.Server) (string, bool) {
	a, ok := pickAuth(s, appleMethods...)
	switch a {
	case profiles.AuthNone:
		return "EmailAuthNone", ok
	case profiles.AuthNTLM:
		return "EmailAuthNTLM", ok
	case profiles.AuthPasswordEncrypted:
		return "EmailAuthCRAMMD5", ok
	}
	return "EmailAuthPassword", ok
}

// microsoftOAuth reports whether s is Microsoft's Exchange Online
// (Outlook.com, Hotmail, Live, Microsoft 365), which Apple's Exchange
// payload reaches with OAuth.
func microsoftOAuth(s profiles.Server) bool {
	h := strings.ToLower(s.Host)
	return hasAuth(s, profiles.AuthOAuth2) && (h == "outlook.office365.com" || strings.HasSuffix(h, ".office365.com") || strings.HasSuffix(h, ".outlook.com"))
}

// MobileconfigMacNote says, in lang, what a Mac user does with an
// Exchange OAuth profile, which only iPhone and iPad install.
func MobileconfigMacNote(lang string) string {
	return mcText(lang, "mac_note", "", "")
}

// MobileconfigIsExchange reports whether the account's .mobileconfig is the
// Exchange OAuth profile (iPhone and iPad only; show MobileconfigMacNote).
func MobileconfigIsExchange(cfg *profiles.Config, acct Account) bool {
	p, err := buildMobileconfig(cfg, acct, Options{})
	return err == nil && p.TargetDeviceType == 1
}

// mcText is a translated text the device shows during installation.
func mcText(lang, key, email, kind string) string {
	if lang == "" {
		lang = i18n.Fallback
	}
	return i18n.T(lang, "export.mobileconfig."+key, map[string]string{"Email": email, "Kind": kind})
}

// MobileconfigIdentifier returns the top-level PayloadIdentifier used for an
// address: installing a new profile with it replaces the old one.
func MobileconfigIdentifier(prefix, email string) string {
	if prefix == "" {
		prefix = DefaultIdentifierPrefix
	}
	return prefix + "." + identSlug(email)
}

func buildMobileconfig(cfg *profiles.Config, acct Account, opts Options) (*profilePlist, error) {
	r, err := resolve(cfg, acct, opts)
	if err != nil {
		return nil, err
	}
	kind, label := "EmailTypeIMAP", "IMAP"
	if r.In.Protocol == profiles.POP3 {
		kind, label = "EmailTypePOP", "POP"
	}
	id := MobileconfigIdentifier(opts.IdentifierPrefix, r.Email)
	inAuth, ok := appleAuth(r.In)
	outAuth, ok2 := appleAuth(r.Out)
	if !ok || !ok2 {
		if microsoftOAuth(r.In) {
			return easProfile(r, id, opts), nil
		}
		return nil, cannotSignIn("mobileconfig", "Apple Mail cannot sign in to "+r.In.Host+" with "+authNames(r.In)+" / "+authNames(r.Out)+" from a profile; on the iPhone, iPad or Mac add the account in Settings → Mail → Accounts → Add Account and sign in there")
	}
	profUUID := opts.ProfileUUID
	if profUUID == "" {
		profUUID = DeriveUUID("mobileconfig-profile:" + id)
	}
	payUUID := opts.PayloadUUID
	if payUUID == "" {
		payUUID = DeriveUUID("mobileconfig-mail:" + id)
	}
	p := mailPayload{
		EmailAccountDescription:          r.Email,
		EmailAccountName:                 r.Name,
		EmailAccountType:                 kind,
		EmailAddress:                     r.Email,
		IncomingMailServerAuthentication: inAuth,
		IncomingMailServerHostName:       r.In.Host,
		IncomingMailServerPortNumber:     r.In.Port,
		IncomingMailServerUseSSL:         r.In.Security != profiles.SecurityNone,
		IncomingMailServerUsername:       r.InUser,
		OutgoingMailServerAuthentication: outAuth,
		OutgoingMailServerHostName:       r.Out.Host,
		OutgoingMailServerPortNumber:     r.Out.Port,
		OutgoingMailServerUseSSL:         r.Out.Security != profiles.SecurityNone,
		OutgoingMailServerUsername:       r.OutUser,
		PayloadDescription:               mcText(opts.Lang, "payload_description", r.Email, label),
		PayloadDisplayName:               mcText(opts.Lang, "payload_name", r.Email, label),
		PayloadIdentifier:                id + ".mail",
		PayloadType:                      "com.apple.mail.managed",
		PayloadUUID:                      payUUID,
		PayloadVersion:                   1,
	}
	if r.Password != "" {
		p.IncomingPassword = r.Password
		p.OutgoingPassword = r.Password
	} else {
		p.OutgoingPasswordSameAsIncomingPassword = r.InUser == r.OutUser
	}
	return &profilePlist{
		PayloadContent:      []any{p},
		PayloadDescription:  mcText(opts.Lang, "profile_description", r.Email, ""),
		PayloadDisplayName:  mcText(opts.Lang, "profile_name", r.Email, ""),
		PayloadIdentifier:   id,
		PayloadOrganization: CleanText(opts.Organization),
		PayloadType:         "Configuration",
		PayloadUUID:         profUUID,
		PayloadVersion:      1,
	}, nil
}

// easProfile is the iPhone/iPad profile of a Microsoft OAuth-only account:
// one com.apple.eas.account payload with OAuth and no password (Apple:
// "If enabled, don't specify a password"), so the device opens Microsoft's
// sign-in page during installation.
func easProfile(r *resolved, id string, opts Options) *profilePlist {
	payUUID := opts.PayloadUUID
	if payUUID == "" {
		payUUID = DeriveUUID("mobileconfig-eas:" + id)
	}
	profUUID := opts.ProfileUUID
	if profUUID == "" {
		profUUID = DeriveUUID("mobileconfig-profile:" + id)
	}
	return &profilePlist{
		PayloadContent: []any{easPayload{
			EmailAddress:       r.Email,
			Host:               "outlook.office365.com",
			OAuth:              true,
			SSL:                true,
			UserName:           r.InUser,
			PayloadDescription: mcText(opts.Lang, "eas_description", r.Email, "Exchange"),
			PayloadDisplayName: mcText(opts.Lang, "payload_name", r.Email, "Exchange"),
			PayloadIdentifier:  id + ".eas",
			PayloadType:        "com.apple.eas.account",
			PayloadUUID:        payUUID,
			PayloadVersion:     1,
		}},
		PayloadDescription:  mcText(opts.Lang, "profile_description", r.Email, "") + ". " + MobileconfigMacNote(opts.Lang),
		PayloadDisplayName:  mcText(opts.Lang, "profile_name", r.Email, ""),
		PayloadIdentifier:   id,
		PayloadOrganization: CleanText(opts.Organization),
		PayloadType:         "Configuration",
		PayloadUUID:         profUUID,
		PayloadVersion:      1,
		TargetDeviceType:    1,
	}
}

// WriteMobileconfig writes an Apple configuration profile with one
// com.apple.mail.managed payload (IMAP or POP), or, for Microsoft's
// OAuth-only accounts, one com.apple.eas.account payload with OAuth for
// iPhone and iPad (see MobileconfigMacNote). Other accounts Apple Mail could
// not sign in to are refused with ErrCannotSignIn. The password goes in only
// with opts.IncludePassword; with opts.Signer the profile is CMS-signed (DER).
func WriteMobileconfig(w io.Writer, cfg *profiles.Config, acct Account, opts Options) error {
	prof, err := buildMobileconfig(cfg, acct, opts)
	if err != nil {
		return err
	}
	data, err := plist.MarshalIndent(prof, plist.XMLFormat, "\t")
	if err != nil {
		return fmt.Errorf("export: mobileconfig: %w", err)
	}
	if !bytes.HasSuffix(data, []byte("\n")) {
		data = append(data, '\n')
	}
	if opts.Signer != nil {
		data, err = opts.Signer.Sign(data)
		if err != nil {
			return err
		}
	}
	_, err = w.Write(data)
	return err
}
