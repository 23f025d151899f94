package export

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"mailsetup/profiles"
)

// FormatName names an export format.
type FormatName string

// The export formats.
const (
	FormatMobileconfig   FormatName = "mobileconfig"
	FormatPRF            FormatName = "prf"
	FormatThunderbird    FormatName = "thunderbird"
	FormatThunderbirdZip FormatName = "thunderbird-zip"
	FormatAutoconfig     FormatName = "autoconfig"
	FormatK9             FormatName = "k9"
	FormatAutodiscover   FormatName = "autodiscover"
	FormatQR             FormatName = "qr"
)

// WriterFunc writes one format.
type WriterFunc func(w io.Writer, cfg *profiles.Config, acct Account, opts Options) error

// Format describes one export format.
type Format struct {
	Name FormatName
	// Ext is the file extension with the dot (".mobileconfig").
	Ext string
	// MIME is the media type to serve the file with.
	MIME string
	// Description says in plain English what the file is for.
	Description string
	// Binary is set when the output is not text (zip, PNG, signed profile).
	Binary bool
	// Password is set when the format can carry the password (on request).
	Password bool
	// Write writes the format.
	Write WriterFunc
}

// Formats lists every export format in menu order.
var Formats = []Format{
	{FormatMobileconfig, ".mobileconfig", "application/x-apple-aspen-config", "Apple configuration profile for iPhone, iPad and Mac (Apple Mail)", false, true, WriteMobileconfig},
	{FormatPRF, ".prf", "application/octet-stream", "Outlook profile file for classic Outlook for Windows (not the new Outlook)", false, false, WritePRF},
	{FormatThunderbird, ".js", "text/javascript; charset=utf-8", "Thunderbird prefs.js for a new, empty Thunderbird profile (save as prefs.js, never as user.js)", false, false, WriteThunderbirdPrefs},
	{FormatThunderbirdZip, ".zip", "application/zip", "Thunderbird profile zip for Tools → Import → from another Thunderbird installation", true, false, WriteThunderbirdZip},
	{FormatAutoconfig, ".xml", "application/xml; charset=utf-8", "Autoconfig file (clientConfig 1.1) to host at autoconfig.<domain>", false, false, WriteAutoconfig},
	{FormatK9, ".k9s", "application/xml; charset=utf-8", "K-9 Mail / Thunderbird for Android settings file", false, true, WriteK9},
	{FormatAutodiscover, ".xml", "text/xml; charset=utf-8", "Outlook Autodiscover (POX) response to host at autodiscover.<domain>", false, false, WriteAutodiscover},
	{FormatQR, ".png", "image/png", "QR code that Thunderbird for Android scans to import the account", true, true, WriteQR},
}

// Lookup returns the format called name.
func Lookup(name string) (Format, bool) {
	for _, f := range Formats {
		if string(f.Name) == strings.ToLower(strings.TrimSpace(name)) {
			return f, true
		}
	}
	return Format{}, false
}

// Names returns the format names, sorted.
func Names() []string {
	out := make([]string, len(Formats))
	for i, f := range Formats {
		out[i] = string(f.Name)
	}
	sort.Strings(out)
	return out
}

// Write writes the account in the named format.
func Write(format string, w io.Writer, cfg *profiles.Config, acct Account, opts Options) error {
	f, ok := Lookup(format)
	if !ok {
		return fmt.Errorf("export: unknown format %q (use one of %s)", format, strings.Join(Names(), ", "))
	}
	if opts.Signer != nil && f.Name != FormatMobileconfig {
		return fmt.Errorf("export: only the mobileconfig format can be signed, not %s", f.Name)
	}
	return f.Write(w, cfg, acct, opts)
}

// FileName suggests a file name for the account's export in format f.
func FileName(f Format, acct Account, cfg *profiles.Config) string {
	email := acct.Address.String()
	if email == "" && cfg != nil {
		email = cfg.Address
	}
	base := identSlug(email)
	switch f.Name {
	case FormatAutoconfig:
		return "config-v1.1.xml"
	case FormatAutodiscover:
		return "autodiscover.xml"
	case FormatThunderbird:
		return "prefs.js"
	}
	if acct.Incoming != "" {
		base += "-" + string(acct.Incoming)
	}
	return base + f.Ext
}
