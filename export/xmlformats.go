package export

import (
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strings"

	"mailsetup/profiles"
)

// xmlText escapes s for XML element text and attribute values.
func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func socketTypeName(s profiles.Security) string {
	switch s {
	case profiles.SecurityTLS:
		return "SSL"
	case profiles.SecuritySTARTTLS:
		return "STARTTLS"
	}
	return "plain"
}

func autoconfigAuth(s profiles.Server, outgoing bool) []string {
	var out []string
	seen := map[string]bool{}
	add := func(v string) {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	for _, a := range s.Auth {
		switch a {
		case profiles.AuthPassword:
			add("password-cleartext")
		case profiles.AuthPasswordEncrypted:
			add("password-encrypted")
		case profiles.AuthOAuth2:
			add("OAuth2")
		case profiles.AuthNTLM:
			add("NTLM")
		case profiles.AuthGSSAPI:
			add("GSSAPI")
		case profiles.AuthClientCert:
			add("TLS-client-cert")
		case profiles.AuthNone:
			if outgoing {
				add("none")
			}
		}
	}
	if len(out) == 0 {
		add("password-cleartext")
	}
	return out
}

// tbAutoconfigMethods are the <authentication> values Thunderbird's
// readFromXML.sys.mjs maps (incoming :148-158, outgoing :291-307; "none"
// only outgoing): it takes the first one it knows (readAuthentication
// :374-403) and drops a server that has none.
var tbAutoconfigMethods = []profiles.AuthMethod{profiles.AuthPassword, profiles.AuthPasswordEncrypted, profiles.AuthOAuth2, profiles.AuthNTLM, profiles.AuthGSSAPI, profiles.AuthNone}

// autoconfigUser writes the username as a placeholder when it is the
// address (or its local part) so one file serves every user of the domain.
func autoconfigUser(user string, addr profiles.Address) string {
	switch user {
	case addr.String():
		return profiles.PlaceholderAddress
	case addr.Local:
		return profiles.PlaceholderLocalPart
	}
	return user
}

// WriteAutoconfig writes a Thunderbird autoconfig file (clientConfig v1.1)
// for the account's domain, for IT to host at
// https://autoconfig.<domain>/mail/config-v1.1.xml. The chosen incoming
// server comes first; the other incoming servers of cfg follow as
// alternatives. It never holds a password.
func WriteAutoconfig(w io.Writer, cfg *profiles.Config, acct Account, opts Options) error {
	r, err := resolve(cfg, acct, withoutPassword(opts))
	if err != nil {
		return err
	}
	for _, s := range []profiles.Server{r.In, r.Out} {
		if _, ok := pickAuth(s, withoutOAuthUnless(s, tbKnowsOAuth, tbAutoconfigMethods)...); !ok {
			return cannotSignIn("autoconfig", "Thunderbird's autoconfig reader would drop "+s.String()+": it does not know certificate login (TLS-client-cert), and OAuth2 only for the providers it knows (readFromXML.sys.mjs readAuthentication); offer password login as well, or set the account up by hand")
		}
	}
	addr, _ := profiles.ParseAddress(r.Email)
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<clientConfig version=\"1.1\">\n")
	fmt.Fprintf(&b, "  <emailProvider id=\"%s\">\n", xmlText(r.Domain))
	fmt.Fprintf(&b, "    <domain>%s</domain>\n", xmlText(r.Domain))
	fmt.Fprintf(&b, "    <displayName>%s</displayName>\n", xmlText(r.Provider))
	fmt.Fprintf(&b, "    <displayShortName>%s</displayShortName>\n", xmlText(r.Provider))
	server := func(tag string, s profiles.Server, outgoing bool) {
		fmt.Fprintf(&b, "    <%s type=\"%s\">\n", tag, s.Protocol)
		fmt.Fprintf(&b, "      <hostname>%s</hostname>\n", xmlText(s.Host))
		fmt.Fprintf(&b, "      <port>%d</port>\n", s.Port)
		fmt.Fprintf(&b, "      <socketType>%s</socketType>\n", socketTypeName(s.Security))
		fmt.Fprintf(&b, "      <username>%s</username>\n", xmlText(autoconfigUser(username(s, addr), addr)))
		for _, a := range autoconfigAuth(s, outgoing) {
			fmt.Fprintf(&b, "      <authentication>%s</authentication>\n", a)
		}
		if s.Protocol == profiles.POP3 {
			fmt.Fprintf(&b, "      <pop3>\n        <leaveMessagesOnServer>%t</leaveMessagesOnServer>\n      </pop3>\n", !r.DeleteFromServer)
		}
		fmt.Fprintf(&b, "    </%s>\n", tag)
	}
	server("incomingServer", r.In, false)
	for _, s := range cfg.Incoming {
		if !s.Same(r.In) && s.Protocol.Incoming() && s.Validate() == nil {
			server("incomingServer", s, false)
		}
	}
	server("outgoingServer", r.Out, true)
	if h := cfg.Provider.Help; strings.HasPrefix(h, "https://") || strings.HasPrefix(h, "http://") {
		fmt.Fprintf(&b, "    <documentation url=\"%s\">\n      <descr lang=\"en\">%s</descr>\n    </documentation>\n", xmlText(CleanText(h)), xmlText(r.Provider+" mail settings"))
	}
	b.WriteString("  </emailProvider>\n</clientConfig>\n")
	_, err = io.WriteString(w, b.String())
	return err
}

func k9Security(s profiles.Security) string {
	switch s {
	case profiles.SecurityTLS:
		return "SSL_TLS_REQUIRED"
	case profiles.SecuritySTARTTLS:
		return "STARTTLS_REQUIRED"
	}
	return "NONE"
}

// k9Methods are the authentication types Thunderbird for Android's
// importer accepts (ServerSettingsDescriptions.kt, content version 95+).
var k9Methods = []profiles.AuthMethod{profiles.AuthPassword, profiles.AuthPasswordEncrypted, profiles.AuthOAuth2, profiles.AuthClientCert, profiles.AuthNone}

func k9Auth(s profiles.Server) (string, bool) {
	a, ok := pickAuth(s, withoutOAuthUnless(s, androidKnowsOAuth, k9Methods)...)
	switch a {
	case profiles.AuthNone:
		return "NONE", ok
	case profiles.AuthPasswordEncrypted:
		return "CRAM_MD5", ok
	case profiles.AuthOAuth2:
		return "XOAUTH2", ok
	case profiles.AuthClientCert:
		return "EXTERNAL", ok
	}
	return "PLAIN", ok
}

// k9AddressRE is Thunderbird for Android's EmailAddressValidator pattern
// (legacy/core/.../EmailAddressValidator.kt:14-25): an ASCII dot-atom or
// quoted local part and an ASCII host name. An identity whose address does
// not match makes the whole account fail to import.
var k9AddressRE = func() *regexp.Regexp {
	const (
		alpha    = `[a-zA-Z]`
		alnum    = `[a-zA-Z0-9]`
		atext    = "[0-9a-zA-Z!#$%&'*+\\-/=?^_`{|}~]"
		qcontent = `([!#-\[\]-~ \t]|\\[!-~ \t])`
		top      = `((` + alpha + `(` + alnum + `|\-|_)*` + alnum + `)|` + alpha + `)`
		label    = `((` + alnum + `(` + alnum + `|\-|_)*` + alnum + `)|` + alnum + `)`
		host     = `(((` + label + `\.)+` + top + `)|` + label + `)`
	)
	return regexp.MustCompile(`^(` + atext + `+(\.` + atext + `+)*|"` + qcontent + `+")@` + host + `$`)
}()

// K9AccountUUID is the account UUID written into .k9s files for an
// address, lower-case as K-9 writes them.
func K9AccountUUID(email string) string {
	return strings.ToLower(DeriveUUID("k9-account:" + strings.ToLower(email)))
}

// k9DeletePolicy is what Thunderbird for Android itself uses
// (DefaultDeletePolicyProvider.kt: IMAP ON_DELETE, POP3 NEVER), written as
// its settings file names them (XmlSettingWriter.kt:179-185: DELETE, NEVER).
func k9DeletePolicy(p profiles.Protocol, opts Options) string {
	if p == profiles.IMAP || opts.DeleteFromServer {
		return "DELETE"
	}
	return "NEVER"
}

// WriteK9 writes a K-9 Mail / Thunderbird for Android settings file (.k9s,
// format 1, content version 99) with the elements, in the order, of the
// app's own minimal writer (feature/migration/qrcode/.../XmlSettingWriter.kt).
// The password goes in only when asked. It refuses, with ErrCannotSignIn,
// what the importer would reject or could not sign in with.
func WriteK9(w io.Writer, cfg *profiles.Config, acct Account, opts Options) error {
	r, err := resolve(cfg, acct, opts)
	if err != nil {
		return err
	}
	if !k9AddressRE.MatchString(r.Email) {
		return cannotSignIn("k9", "Thunderbird for Android accepts only addresses with a plain Latin (ASCII) part before the @, not "+r.Email+"; add the account in the app by hand")
	}
	inAuth, ok := k9Auth(r.In)
	outAuth, ok2 := k9Auth(r.Out)
	if !ok || !ok2 {
		return cannotSignIn("k9", "Thunderbird for Android cannot sign in with "+authNames(r.In)+" / "+authNames(r.Out)+" (it has no NTLM or Kerberos, and OAuth2 only for the providers it knows); ask the mail administrator for password login or add the account in the app")
	}
	outUser := r.OutUser
	if outAuth == "NONE" {
		// SettingsImporter.kt:182-186 asks for an outgoing password when
		// the username is not empty, even for NONE.
		outUser = ""
	}
	uuid := opts.AccountUUID
	if uuid == "" {
		uuid = K9AccountUUID(r.Email)
	}
	var b strings.Builder
	b.WriteString("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<k9settings version=\"99\" format=\"1\">\n  <accounts>\n")
	fmt.Fprintf(&b, "    <account uuid=\"%s\">\n", xmlText(uuid))
	fmt.Fprintf(&b, "      <name>%s</name>\n", xmlText(r.Email))
	fmt.Fprintf(&b, "      <settings>\n        <value key=\"deletePolicy\">%s</value>\n      </settings>\n", k9DeletePolicy(r.In.Protocol, opts))
	server := func(tag, typ string, s profiles.Server, auth, user string) {
		fmt.Fprintf(&b, "      <%s type=\"%s\">\n", tag, typ)
		fmt.Fprintf(&b, "        <host>%s</host>\n", xmlText(s.Host))
		fmt.Fprintf(&b, "        <port>%d</port>\n", s.Port)
		fmt.Fprintf(&b, "        <connection-security>%s</connection-security>\n", k9Security(s.Security))
		fmt.Fprintf(&b, "        <authentication-type>%s</authentication-type>\n", auth)
		fmt.Fprintf(&b, "        <username>%s</username>\n", xmlText(user))
		// Only password methods carry the password (the app never uses it
		// for NONE, XOAUTH2 or EXTERNAL).
		if r.Password != "" && (auth == "PLAIN" || auth == "CRAM_MD5") {
			fmt.Fprintf(&b, "        <password>%s</password>\n", xmlText(r.Password))
		}
		fmt.Fprintf(&b, "      </%s>\n", tag)
	}
	server("incoming-server", strings.ToUpper(string(r.In.Protocol)), r.In, inAuth, r.InUser)
	server("outgoing-server", "SMTP", r.Out, outAuth, outUser)
	b.WriteString("      <identities>\n        <identity>\n")
	fmt.Fprintf(&b, "          <name>%s</name>\n", xmlText(r.Name))
	fmt.Fprintf(&b, "          <email>%s</email>\n", xmlText(r.Email))
	b.WriteString("        </identity>\n      </identities>\n    </account>\n  </accounts>\n</k9settings>\n")
	_, err = io.WriteString(w, b.String())
	return err
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// WriteAutodiscover writes the Outlook Autodiscover "POX" response (2006a
// schema) for the account: the chosen incoming server and SMTP. Host it at
// https://autodiscover.<domain>/autodiscover/autodiscover.xml or point
// classic Outlook's local-XML registry value at the file.
func WriteAutodiscover(w io.Writer, cfg *profiles.Config, acct Account, opts Options) error {
	r, err := resolve(cfg, acct, withoutPassword(opts))
	if err != nil {
		return err
	}
	for _, s := range []profiles.Server{r.In, r.Out} {
		if _, ok := pickAuth(s, outlookMethods...); !ok {
			return cannotSignIn("autodiscover", "Outlook can sign in to "+s.String()+" only with "+authNames(s)+", which an Autodiscover (POX) answer cannot describe; "+outlookInstead(cfg))
		}
	}
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
	b.WriteString("<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\">\n")
	b.WriteString("  <Response xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a\">\n")
	fmt.Fprintf(&b, "    <User>\n      <DisplayName>%s</DisplayName>\n    </User>\n", xmlText(r.Name))
	b.WriteString("    <Account>\n      <AccountType>email</AccountType>\n      <Action>settings</Action>\n")
	// Only the Protocol children of Microsoft's Protocol (POX) page
	// (learn.microsoft.com bb204278, "Protocol (POX)": Type, Server, Port,
	// LoginName, DomainRequired, SPA, SSL, AuthRequired, UsePOPAuth,
	// SMTPLast, …). <Encryption> is not among them; Thunderbird reads it
	// only as "None" = plain, exactly like <SSL>off</SSL>
	// (ExchangeAutoDiscover.sys.mjs:501-516), and otherwise decides
	// STARTTLS versus TLS by the port, so it is left out.
	proto := func(typ string, s profiles.Server, user string, smtp bool) {
		a, _ := pickAuth(s, outlookMethods...)
		b.WriteString("      <Protocol>\n")
		fmt.Fprintf(&b, "        <Type>%s</Type>\n", typ)
		fmt.Fprintf(&b, "        <Server>%s</Server>\n", xmlText(s.Host))
		fmt.Fprintf(&b, "        <Port>%d</Port>\n", s.Port)
		fmt.Fprintf(&b, "        <LoginName>%s</LoginName>\n", xmlText(user))
		b.WriteString("        <DomainRequired>off</DomainRequired>\n")
		fmt.Fprintf(&b, "        <SPA>%s</SPA>\n", onOff(a == profiles.AuthNTLM))
		fmt.Fprintf(&b, "        <SSL>%s</SSL>\n", onOff(s.Security != profiles.SecurityNone))
		fmt.Fprintf(&b, "        <AuthRequired>%s</AuthRequired>\n", onOff(a != profiles.AuthNone))
		if smtp {
			fmt.Fprintf(&b, "        <UsePOPAuth>%s</UsePOPAuth>\n", onOff(user == r.InUser))
			b.WriteString("        <SMTPLast>off</SMTPLast>\n")
		}
		b.WriteString("      </Protocol>\n")
	}
	typ := "IMAP"
	if r.In.Protocol == profiles.POP3 {
		typ = "POP3"
	}
	proto(typ, r.In, r.InUser, false)
	proto("SMTP", r.Out, r.OutUser, true)
	b.WriteString("    </Account>\n  </Response>\n</Autodiscover>\n")
	_, err = io.WriteString(w, b.String())
	return err
}
