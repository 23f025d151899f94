package discover

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"

	"mailsetup/profiles"
	"mailsetup/profiles/knowledge"
)

// ParseAutodiscover reads one Outlook Autodiscover (POX) answer for addr the
// way the autodiscover source does: the IMAP, POP3 and SMTP servers it names
// (Microsoft 365 recognised by its hosts), or the redirect URL it points to.
// answeredBy is the host that served the answer; exchange names an Exchange
// protocol the answer listed, if any. It is the hook the domain audit
// (package audit) uses, so both read Autodiscover alike.
func ParseAutodiscover(body []byte, answeredBy string, addr profiles.Address) (cfg *profiles.Config, redirect, exchange string, err error) {
	r := &run{addr: addr, kb: knowledge.Default()}
	return r.parsePOX(&fetched{body: body, final: &url.URL{Scheme: "https", Host: answeredBy}})
}

// AutodiscoverRequest is the POX request body Outlook posts for an address
// (no credentials), ready to send; the address is XML-escaped.
func AutodiscoverRequest(addr profiles.Address) []byte {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(addr.String()))
	return []byte(fmt.Sprintf(autodiscoverRequest, b.String()))
}

// SRVRecord is one of the six SRV record names of RFC 6186 §3 and RFC 8314
// §5.1 ("_imaps._tcp.") with the server kind it announces.
type SRVRecord struct {
	Name     string
	Protocol profiles.Protocol
	Security profiles.Security
}

// SRVRecords lists them as the SRV source asks them, implicit TLS first
// (RFC 8314 §3), so the domain audit asks and publishes the same six.
func SRVRecords() []SRVRecord {
	out := make([]SRVRecord, len(srvServices))
	for i, s := range srvServices {
		out[i] = SRVRecord{Name: s.name, Protocol: s.protocol, Security: s.security}
	}
	return out
}
