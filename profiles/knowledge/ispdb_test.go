package knowledge

import (
	"strings"
	"testing"

	"mailsetup/profiles"
	"mailsetup/profiles/mailtest"
)

// ispdbDir is the shared ISPDB sample (skips without it).
func ispdbDir(t *testing.T) string { return mailtest.SharedData(t, "ispdb") }

type ispdbServer struct {
	Type       string `xml:"type,attr"`
	Hostname   string `xml:"hostname"`
	Port       int    `xml:"port"`
	SocketType string `xml:"socketType"`
	Username   string `xml:"username"`
}

type ispdbConfig struct {
	Providers []struct {
		Domains  []string      `xml:"domain"`
		Incoming []ispdbServer `xml:"incomingServer"`
		Outgoing []ispdbServer `xml:"outgoingServer"`
	} `xml:"emailProvider"`
}

func ispdbSecurity(s string) profiles.Security {
	switch strings.ToUpper(s) {
	case "SSL":
		return profiles.SecurityTLS
	case "STARTTLS":
		return profiles.SecuritySTARTTLS
	}
	return profiles.SecurityNone
}
