package knowledge

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailsetup/profiles"
)

// ispdbDir finds ../shared/data/ispdb by walking up from the test's
// directory. The ISPDB sample is MPL data that is read here, never copied.
func ispdbDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		cand := filepath.Join(dir, "shared", "data", "ispdb")
		if fi, err := os.Stat(cand); err == nil && fi.IsDir() {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("the ISPDB sample (a directory shared/data/ispdb above the repository) is not on this machine; cross-check skipped")
		}
		dir = parent
	}
}

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
