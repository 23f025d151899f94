package export

import (
	"bytes"
	"encoding/xml"
	"testing"

	"mailsetup/profiles"
)

// TestAutoconfigCertNeverAlone: Thunderbird's readFromXML.sys.mjs
// (mozilla/releases-comm-central@cf9726f56328, :148-158 incoming,
// :291-307 outgoing) has no "TLS-client-cert"; readAuthentication
// (:374-403) takes the first value it knows and drops the server when
// there is none. So TLS-client-cert is written only beside a method
// Thunderbird knows, and a certificate-only account is refused.
func TestAutoconfigCertNeverAlone(t *testing.T) {
	tbKnows := map[string]bool{"password-cleartext": true, "plain": true, "password-encrypted": true, "secure": true, "GSSAPI": true, "NTLM": true, "OAuth2": true, "none": true}
	cfg, addr := testConfig(t)
	c := cfg.Clone()
	for i := range c.Incoming {
		c.Incoming[i].Auth = []profiles.AuthMethod{profiles.AuthClientCert, profiles.AuthPassword}
	}
	var buf bytes.Buffer
	if err := WriteAutoconfig(&buf, c, Account{Address: addr, Incoming: profiles.IMAP}, Options{}); err != nil {
		t.Fatal(err)
	}
	var ac struct {
		Servers []struct {
			Auth []string `xml:"authentication"`
		} `xml:"emailProvider>incomingServer"`
		Out []struct {
			Auth []string `xml:"authentication"`
		} `xml:"emailProvider>outgoingServer"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &ac); err != nil {
		t.Fatal(err)
	}
	for i, s := range append(ac.Servers, ac.Out...) {
		known := false
		for _, a := range s.Auth {
			known = known || tbKnows[a]
		}
		if !known {
			t.Errorf("server %d offers only %v, which Thunderbird drops", i, s.Auth)
		}
	}
}

// TestAutodiscoverDocumentedElementsOnly: every Protocol child is one of
// Microsoft's Protocol (POX) page (learn.microsoft.com/previous-versions/office/developer/exchange-server-2010/bb204278).
// <Encryption> is not there; Thunderbird reads it only as "None" = plain,
// which <SSL>off</SSL> already says (ExchangeAutoDiscover.sys.mjs:501-516,
// releases-comm-central@cf9726f56328), and otherwise picks STARTTLS or TLS
// by the port, so STARTTLS on 143/110/587 still comes out as STARTTLS.
func TestAutodiscoverDocumentedElementsOnly(t *testing.T) {
	documented := map[string]bool{}
	for _, e := range []string{"Type", "Internal", "TTL", "Server", "ServerDN", "ServerVersion", "MdbDN", "Port", "DirectoryPort", "ReferralPort", "ASUrl", "OOFUrl", "OABUrl", "UMUrl", "LoginName", "DomainRequired", "DomainName", "SPA", "AuthPackage", "CertPrincipalName", "SSL", "AuthRequired", "UsePOPAuth", "SMTPLast", "NetworkRequirements"} {
		documented[e] = true
	}
	st, saddr := starttlsConfig(t)
	cfg, addr := testConfig(t)
	for _, c := range []struct {
		cfg  *profiles.Config
		acct Account
	}{{cfg, Account{Address: addr, Incoming: profiles.IMAP}}, {st, Account{Address: saddr, Incoming: profiles.POP3}}} {
		var buf bytes.Buffer
		if err := WriteAutodiscover(&buf, c.cfg, c.acct, Options{}); err != nil {
			t.Fatal(err)
		}
		var ad struct {
			Protocols []struct {
				Children []struct {
					XMLName xml.Name
					Value   string `xml:",chardata"`
				} `xml:",any"`
			} `xml:"Response>Account>Protocol"`
		}
		if err := xml.Unmarshal(buf.Bytes(), &ad); err != nil {
			t.Fatal(err)
		}
		if len(ad.Protocols) != 2 {
			t.Fatalf("%d Protocol elements", len(ad.Protocols))
		}
		for _, p := range ad.Protocols {
			ssl, port := "", ""
			for _, ch := range p.Children {
				if !documented[ch.XMLName.Local] {
					t.Errorf("<%s> is not a documented Protocol (POX) element", ch.XMLName.Local)
				}
				switch ch.XMLName.Local {
				case "SSL":
					ssl = ch.Value
				case "Port":
					port = ch.Value
				}
			}
			// Thunderbird's reading: SSL on + standard port → STARTTLS.
			if c.cfg == st && (ssl != "on" || (port != "110" && port != "587")) {
				t.Errorf("STARTTLS server: SSL=%s port=%s", ssl, port)
			}
		}
	}
}
