package audit

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"mailsetup/profiles"
	"mailsetup/profiles/autoconfig"
)

// k9Read reads an autoconfig document the way Thunderbird for Android's
// parser does (thunderbird/thunderbird-android,
// feature/autodiscovery/autoconfig/src/main/kotlin/app/k9mail/autodiscovery/autoconfig/RealAutoconfigParser.kt,
// ClientConfigParser): emailProvider needs a valid id and a valid <domain>;
// only type="imap" incoming and type="smtp" outgoing servers are read, the
// first of each wins; but every imap/smtp server must have a valid
// hostname and port, a usable <authentication> (password-cleartext,
// password-encrypted or OAuth2) and a socketType of SSL or STARTTLS,
// otherwise the whole file is refused ("Unknown 'socketType' value:
// 'plain'"). The presence of <username> is not checked here.
func k9Read(body []byte, domain string) (in, out *Endpoint, err error) {
	doc, err := autoconfig.Decode(bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	vars := strings.NewReplacer("%EMAILDOMAIN%", domain, "%EMAILLOCALPART%", "user", "%EMAILADDRESS%", "user@"+domain)
	p := doc.Provider
	if p.ID == "" || profiles.ValidateHost(strings.TrimSpace(p.ID)) != nil {
		return nil, nil, fmt.Errorf("missing or invalid 'emailProvider.id' attribute")
	}
	found := false
	for _, d := range p.Domains {
		found = found || profiles.ValidateHost(vars.Replace(strings.TrimSpace(d))) == nil
	}
	if !found {
		return nil, nil, fmt.Errorf("valid 'domain' element required")
	}
	read := func(list []autoconfig.XMLServer, typ string, proto profiles.Protocol) (*Endpoint, error) {
		var first *Endpoint
		for _, x := range list {
			if x.Type != typ {
				continue
			}
			host := vars.Replace(strings.TrimSpace(x.Hostname))
			if profiles.ValidateHost(host) != nil {
				return nil, fmt.Errorf("invalid 'hostname' value: %q", x.Hostname)
			}
			port, perr := strconv.Atoi(strings.TrimSpace(x.Port))
			if perr != nil || port < 0 || port > 65535 {
				return nil, fmt.Errorf("invalid 'port' value: %q", x.Port)
			}
			usable := false
			for _, a := range x.Authentication {
				switch strings.TrimSpace(a) {
				case "OAuth2", "password-cleartext", "password-encrypted":
					usable = true
				}
			}
			if !usable {
				return nil, fmt.Errorf("no usable 'authentication' element found")
			}
			var sec profiles.Security
			switch strings.TrimSpace(x.SocketType) {
			case "SSL":
				sec = profiles.SecurityTLS
			case "STARTTLS":
				sec = profiles.SecuritySTARTTLS
			default:
				return nil, fmt.Errorf("unknown 'socketType' value: %q", x.SocketType)
			}
			if first == nil {
				first = &Endpoint{Protocol: proto, Host: strings.ToLower(host), Port: port, Security: sec}
			}
		}
		if first == nil {
			return nil, fmt.Errorf("missing '%s' %s server", typ, map[bool]string{true: "incoming", false: "outgoing"}[proto != profiles.SMTP])
		}
		return first, nil
	}
	if in, err = read(p.Incoming, "imap", profiles.IMAP); err != nil {
		return nil, nil, err
	}
	if out, err = read(p.Outgoing, "smtp", profiles.SMTP); err != nil {
		return nil, nil, err
	}
	return in, out, nil
}
