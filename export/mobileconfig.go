package export

import (
	"bytes"
	"fmt"
	"io"

	"howett.net/plist"

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

// profilePlist is the top-level Configuration dictionary (TopLevel.yaml).
type profilePlist struct {
	PayloadContent           []mailPayload `plist:"PayloadContent"`
	PayloadDescription       string        `plist:"PayloadDescription"`
	PayloadDisplayName       string        `plist:"PayloadDisplayName"`
	PayloadIdentifier        string        `plist:"PayloadIdentifier"`
	PayloadOrganization      string        `plist:"PayloadOrganization,omitempty"`
	PayloadRemovalDisallowed bool          `plist:"PayloadRemovalDisallowed"`
	PayloadType              string        `plist:"PayloadType"`
	PayloadUUID              string        `plist:"PayloadUUID"`
	PayloadVersion           int           `plist:"PayloadVersion"`
}

func appleAuth(s profiles.Server) string {
	switch primaryAuth(s) {
	case profiles.AuthNone:
		return "EmailAuthNone"
	case profiles.AuthNTLM:
		return "EmailAuthNTLM"
	case profiles.AuthPasswordEncrypted:
		if !hasAuth(s, profiles.AuthPassword) {
			return "EmailAuthCRAMMD5"
		}
	}
	return "EmailAuthPassword"
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
		IncomingMailServerAuthentication: appleAuth(r.In),
		IncomingMailServerHostName:       r.In.Host,
		IncomingMailServerPortNumber:     r.In.Port,
		IncomingMailServerUseSSL:         r.In.Security != profiles.SecurityNone,
		IncomingMailServerUsername:       r.InUser,
		OutgoingMailServerAuthentication: appleAuth(r.Out),
		OutgoingMailServerHostName:       r.Out.Host,
		OutgoingMailServerPortNumber:     r.Out.Port,
		OutgoingMailServerUseSSL:         r.Out.Security != profiles.SecurityNone,
		OutgoingMailServerUsername:       r.OutUser,
		PayloadDescription:               "Configures the " + label + " account " + r.Email,
		PayloadDisplayName:               r.Email + " (" + label + ")",
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
		PayloadContent:      []mailPayload{p},
		PayloadDescription:  "Installs the mail account " + r.Email,
		PayloadDisplayName:  "Mail: " + r.Email,
		PayloadIdentifier:   id,
		PayloadOrganization: CleanText(opts.Organization),
		PayloadType:         "Configuration",
		PayloadUUID:         profUUID,
		PayloadVersion:      1,
	}, nil
}

// WriteMobileconfig writes an Apple configuration profile with one
// com.apple.mail.managed payload (IMAP or POP). The password goes in only
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
