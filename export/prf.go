package export

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"mailsetup/profiles"
)

// prfMappings is Sections 6 and 7 of an Outlook PRF, fixed by Microsoft
// ("DO NOT MODIFY"): without a Section 7 mapping a Section 5 key is ignored.
const prfMappings = `;***************************************************************
; Section 6 - Mapping for profile properties.  DO NOT MODIFY.
;***************************************************************

[Microsoft Outlook Client]
SectionGUID=0a0d020000000000c000000000000046
FormDirectoryPage=PT_STRING8,0x0270
WebServicesLocation=PT_STRING8,0x0271
ComposeWithWebServices=PT_BOOLEAN,0x0272
PromptWhenUsingWebServices=PT_BOOLEAN,0x0273
OpenWithWebServices=PT_BOOLEAN,0x0274
CachedExchangeMode=PT_LONG,0x041f
CachedExchangeSlowDetect=PT_BOOLEAN,0x0420

[Unicode Personal Folders]
ServiceName=MSUPST MS
Name=PT_UNICODE,0x3001
PathToPersonalFolders=PT_STRING8,0x6700
RememberPassword=PT_BOOLEAN,0x6701
EncryptionType=PT_LONG,0x6702
Password=PT_STRING8,0x6703

; ************************************************************************
; Section 7 - Mapping for internet account properties.  DO NOT MODIFY.
; ************************************************************************

[I_Mail]
AccountType=POP3
;--- POP3 Account Settings ---
AccountName=PT_UNICODE,0x0002
DisplayName=PT_UNICODE,0x000B
EmailAddress=PT_UNICODE,0x000C
;--- POP3 Account Settings ---
POP3Server=PT_UNICODE,0x0100
POP3UserName=PT_UNICODE,0x0101
POP3UseSPA=PT_LONG,0x0108
Organization=PT_UNICODE,0x0107
ReplyEmailAddress=PT_UNICODE,0x0103
POP3Port=PT_LONG,0x0104
POP3UseSSL=PT_LONG,0x0105
; --- SMTP Account Settings ---
SMTPServer=PT_UNICODE,0x0200
SMTPUseAuth=PT_LONG,0x0203
SMTPAuthMethod=PT_LONG,0x0208
SMTPUserName=PT_UNICODE,0x0204
SMTPUseSPA=PT_LONG,0x0207
ConnectionType=PT_LONG,0x000F
ConnectionOID=PT_UNICODE,0x0010
SMTPPort=PT_LONG,0x0201
SMTPSecureConnection=PT_LONG,0x020A
ServerTimeOut=PT_LONG,0x0209
LeaveOnServer=PT_LONG,0x1000

[IMAP_I_Mail]
AccountType=IMAP
;--- IMAP Account Settings ---
AccountName=PT_UNICODE,0x0002
DisplayName=PT_UNICODE,0x000B
EmailAddress=PT_UNICODE,0x000C
;--- IMAP Account Settings ---
IMAPServer=PT_UNICODE,0x0100
IMAPUserName=PT_UNICODE,0x0101
IMAPUseSPA=PT_LONG,0x0108
Organization=PT_UNICODE,0x0107
ReplyEmailAddress=PT_UNICODE,0x0103
IMAPPort=PT_LONG,0x0104
IMAPUseSSL=PT_LONG,0x0105
; --- SMTP Account Settings ---
SMTPServer=PT_UNICODE,0x0200
SMTPUseAuth=PT_LONG,0x0203
SMTPAuthMethod=PT_LONG,0x0208
SMTPUserName=PT_UNICODE,0x0204
SMTPUseSPA=PT_LONG,0x0207
ConnectionType=PT_LONG,0x000F
ConnectionOID=PT_UNICODE,0x0010
SMTPPort=PT_LONG,0x0201
SMTPSecureConnection=PT_LONG,0x020A
ServerTimeOut=PT_LONG,0x0209
CheckNewImap=PT_LONG,0x1100
RootFolder=PT_UNICODE,0x1101
`

func sectionBanner(b *strings.Builder, text string) {
	b.WriteString("; **************************************************************\n; " + text + "\n; **************************************************************\n\n")
}

// prfValue makes v safe as an INI value: one line (CleanText), and a value
// that starts and ends with the same quote gets one more pair, because the
// Windows profile API strips one pair.
func prfValue(v string) string {
	v = CleanText(v)
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return string(v[0]) + v + string(v[0])
	}
	return v
}

func prfSecurity(s profiles.Security) int {
	switch s {
	case profiles.SecurityTLS:
		return 1
	case profiles.SecuritySTARTTLS:
		return 2
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// outlookMethods are the sign-ins classic Outlook's IMAP/POP3/SMTP
// accounts offer: the password (SPA off), Secure Password Authentication
// (NTLM) and, for SMTP, none. A PRF or an Autodiscover POX answer cannot
// ask for OAuth2, Kerberos or a client certificate.
var outlookMethods = []profiles.AuthMethod{profiles.AuthPassword, profiles.AuthPasswordEncrypted, profiles.AuthNTLM, profiles.AuthNone}

// outlookInstead says what to do when no Outlook file can sign in.
func outlookInstead(cfg *profiles.Config) string {
	for _, s := range append(append([]profiles.Server{}, cfg.Incoming...), cfg.Outgoing...) {
		if hasAuth(s, profiles.AuthOAuth2) {
			return "add the account in Outlook itself (File → Add Account), type the address and sign in in the window " + CleanText(cfg.Provider.Name) + " shows"
		}
	}
	return "add the account in Outlook by hand (File → Add Account → Advanced options → Let me set up my account manually)"
}

// preferImplicitTLS returns the provider's implicit-TLS server of the same
// protocol and host when s uses STARTTLS: Microsoft documents IMAPUseSSL
// and POP3UseSSL only as "zero: no SSL, otherwise SSL" (prop_inet_ssl.md,
// PROP_INET_SSL 0x0105), so 2 for STARTTLS is a guess, 1 is documented.
func preferImplicitTLS(s profiles.Server, all []profiles.Server) profiles.Server {
	if s.Security != profiles.SecuritySTARTTLS {
		return s
	}
	for _, o := range all {
		if o.Protocol == s.Protocol && o.Security == profiles.SecurityTLS && o.Validate() == nil {
			return o
		}
	}
	return s
}

// prfFreeText makes a free-text value (display name, organisation) safe:
// Outlook expands %NAME% environment variables in PRF values (the OCT's own
// samples use ProfileName=%UserName% and PathToPersonalFolders=%USERPROFILE%…),
// so each % becomes the fullwidth ％ (U+FF05), which looks the same and
// never expands.
func prfFreeText(v string) string {
	return prfValue(strings.ReplaceAll(v, "%", "\uFF05"))
}

// prfExact checks a value that must stay exact (address, login, host):
// with two % signs it could expand as %VAR%, so it is refused.
func prfExact(what, v string) error {
	if strings.Count(v, "%") >= 2 {
		return cannotSignIn("prf", "the "+what+" "+v+" contains two % signs, which Outlook would read as an environment variable (%NAME%); add the account in Outlook by hand")
	}
	return nil
}

// WritePRF writes an Outlook profile file for classic Outlook for Windows in
// the seven-section layout of the Office Customization Tool. It adds the
// account to the existing default profile (ModifyDefaultProfileIfPresent=
// TRUE, OverwriteProfile=Append) and creates a profile "Outlook" only when
// there is none. A PRF cannot hold a password (Outlook asks for it). It
// prefers the provider's implicit-TLS servers. The file is ASCII with CRLF
// line ends; when a value is not ASCII the whole file is UTF-16LE with a BOM,
// the one encoding Windows' profile (INI) functions read as Unicode whatever
// the machine's code page (see encodePRF). It lists the file's sections in
// order, which is why it is one long function.
func WritePRF(w io.Writer, cfg *profiles.Config, acct Account, opts Options) error {
	r, err := resolve(cfg, acct, withoutPassword(opts))
	if err != nil {
		return err
	}
	if r.In.Protocol != profiles.IMAP && r.In.Protocol != profiles.POP3 {
		return fmt.Errorf("export: prf: unsupported incoming protocol %q", r.In.Protocol)
	}
	r.In = preferImplicitTLS(r.In, cfg.Incoming)
	r.Out = preferImplicitTLS(r.Out, cfg.Outgoing)
	inAuth, ok := pickAuth(r.In, outlookMethods...)
	outAuth, ok2 := pickAuth(r.Out, outlookMethods...)
	if !ok || !ok2 || inAuth == profiles.AuthNone {
		return cannotSignIn("prf", "classic Outlook cannot sign in to "+r.In.Host+" with "+authNames(r.In)+" / "+authNames(r.Out)+" from a profile file; "+outlookInstead(cfg))
	}
	for _, c := range [][2]string{{"address", r.Email}, {"login", r.InUser}, {"login", r.OutUser}, {"server", r.In.Host}, {"server", r.Out.Host}} {
		if err := prfExact(c[0], c[1]); err != nil {
			return err
		}
	}
	p := "IMAP"
	mapping := "IMAP_I_Mail"
	if r.In.Protocol == profiles.POP3 {
		p, mapping = "POP3", "I_Mail"
	}
	var b strings.Builder
	b.WriteString(";Outlook profile (PRF) for " + prfValue(r.Email) + " - made by mailsetup\n")
	b.WriteString(";Import: outlook.exe /importprf \"C:\\path\\file.prf\" (classic Outlook only; the new Outlook ignores PRF files).\n")
	b.WriteString(";It adds the account to your default Outlook profile; your other accounts stay.\n\n")
	sectionBanner(&b, "Section 1 - Profile Defaults")
	// OCT "Modify Profile" / "Define changes to make to the existing
	// default profile" (Microsoft, cc179062) is written as
	// ModifyDefaultProfileIfPresent=TRUE ("modifies the default profile if
	// one exists, even if the profile name is different") with
	// OverwriteProfile=Append ("Use Append to update a profile"), as the
	// OCT's generated PRFs do. BackupProfile=False is Microsoft's spelling.
	b.WriteString("[General]\nCustom=1\nProfileName=Outlook\nDefaultProfile=Yes\nOverwriteProfile=Append\nModifyDefaultProfileIfPresent=TRUE\nBackupProfile=False\n\n")
	sectionBanner(&b, "Section 2 - Services in Profile")
	b.WriteString("[Service List]\nServiceX=Microsoft Outlook Client\n\n")
	sectionBanner(&b, "Section 3 - List of internet accounts")
	b.WriteString("[Internet Account List]\nAccount1=" + mapping + "\n\n")
	sectionBanner(&b, "Section 4 - Default values for each service.")
	b.WriteString("[ServiceX]\n\n")
	sectionBanner(&b, "Section 5 - Values for each internet account.")
	kv := func(k string, v any) { fmt.Fprintf(&b, "%s=%v\n", k, v) }
	b.WriteString("[Account1]\n")
	kv("UniqueService", "No")
	kv("AccountName", prfValue(r.Email))
	kv("DisplayName", prfFreeText(r.Name))
	kv("EmailAddress", prfValue(r.Email))
	kv("ReplyEMailAddress", "")
	if org := prfFreeText(opts.Organization); org != "" {
		kv("Organization", org)
	}
	kv(p+"Server", r.In.Host)
	kv(p+"UserName", prfValue(r.InUser))
	kv(p+"Port", r.In.Port)
	kv(p+"UseSSL", prfSecurity(r.In.Security))
	kv(p+"UseSPA", boolInt(inAuth == profiles.AuthNTLM))
	if r.In.Protocol == profiles.IMAP {
		kv("CheckNewImap", 0)
		kv("RootFolder", "")
	} else {
		// LEAVE_ON_SERVER 0x1 (constants-account-management-api.md); 0 deletes.
		if r.DeleteFromServer {
			kv("LeaveOnServer", "0x0")
		} else {
			kv("LeaveOnServer", "0x1")
		}
	}
	kv("SMTPServer", r.Out.Host)
	kv("SMTPPort", r.Out.Port)
	kv("SMTPSecureConnection", prfSecurity(r.Out.Security))
	useAuth := outAuth != profiles.AuthNone
	kv("SMTPUseAuth", boolInt(useAuth))
	if useAuth && r.OutUser != r.InUser {
		kv("SMTPAuthMethod", 1)
		kv("SMTPUserName", prfValue(r.OutUser))
	} else {
		kv("SMTPAuthMethod", 0)
	}
	kv("SMTPUseSPA", boolInt(outAuth == profiles.AuthNTLM))
	kv("ConnectionType", 0)
	kv("ServerTimeOut", 60)
	b.WriteString("\n")
	b.WriteString(prfMappings)
	text := strings.ReplaceAll(b.String(), "\n", "\r\n")
	_, err = w.Write(encodePRF(text))
	return err
}

// encodePRF encodes the file. Evidence (see the note): Microsoft documents
// the PRF only as an INI file, and Windows' INI functions read a file that
// starts with the UTF-16LE BOM as Unicode and any other file in the
// machine's ANSI code page ("If the file was created using Unicode
// characters, the function writes Unicode characters", WritePrivateProfileString).
// The only non-ASCII PRF known to import was ANSI (CP1251, Outlook 2013),
// which works only where the system code page is Cyrillic and cannot hold
// Turkish, Romanian and Japanese names together; UTF-8 would be read as
// ANSI. So: ASCII when every value is ASCII (the measured case), else
// UTF-16LE with a BOM, the one form every code page reads the same.
func encodePRF(text string) []byte {
	ascii := true
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return []byte(text)
	}
	units := utf16.Encode([]rune(text))
	out := make([]byte, 2, 2+2*len(units))
	out[0], out[1] = 0xFF, 0xFE
	for _, u := range units {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// PRFSection is one [section] of a parsed PRF, keys in file order.
type PRFSection struct {
	Name string
	Keys []string
	// Values maps each key to its value as Outlook reads it.
	Values map[string]string
}

// ParsePRF reads a PRF (ASCII or UTF-16LE with BOM) the way Windows' INI
// functions do: comments start a line with ';', the first '=' splits,
// blanks around are trimmed and one pair of surrounding quotes is removed.
func ParsePRF(data []byte) ([]PRFSection, error) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) {
		if len(data)%2 != 0 {
			return nil, errors.New("export: prf: odd-length UTF-16 file")
		}
		u := make([]uint16, 0, len(data)/2-1)
		for i := 2; i+1 < len(data); i += 2 {
			u = append(u, uint16(data[i])|uint16(data[i+1])<<8)
		}
		data = []byte(string(utf16.Decode(u)))
	} else if !utf8.Valid(data) {
		return nil, errors.New("export: prf: not ASCII/UTF-8 nor UTF-16LE with BOM")
	}
	var out []PRFSection
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(strings.TrimSuffix(sc.Text(), "\r"))
		if t == "" || strings.HasPrefix(t, ";") {
			continue
		}
		if strings.HasPrefix(t, "[") {
			if !strings.HasSuffix(t, "]") {
				return nil, fmt.Errorf("export: prf: line %d: unterminated section header", line)
			}
			out = append(out, PRFSection{Name: t[1 : len(t)-1], Values: map[string]string{}})
			continue
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("export: prf: line %d: key outside a section", line)
		}
		k, v, ok := strings.Cut(t, "=")
		if !ok {
			return nil, fmt.Errorf("export: prf: line %d: no '='", line)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		s := &out[len(out)-1]
		if _, dup := s.Values[k]; dup {
			return nil, fmt.Errorf("export: prf: line %d: key %s twice in [%s]", line, k, s.Name)
		}
		s.Keys = append(s.Keys, k)
		s.Values[k] = v
	}
	return out, sc.Err()
}

// OutlookVersions are the Office registry versions that read ImportPRF.
var OutlookVersions = []string{"16.0", "15.0", "14.0"}

// WriteOutlookImportReg writes a .reg file that makes classic Outlook import
// the PRF at prfPath (a Windows path) at its next start: it sets
// Setup\ImportPRF and deletes FirstRun and First-Run for Outlook 2010-2024/M365.
func WriteOutlookImportReg(w io.Writer, prfPath string) error {
	if prfPath == "" || strings.ContainsAny(prfPath, "\r\n\x00\"") {
		return errors.New("export: the PRF path for the .reg file is empty or contains a quote or line break")
	}
	var b strings.Builder
	b.WriteString("Windows Registry Editor Version 5.00\r\n\r\n")
	b.WriteString("; Make classic Outlook import a PRF at its next start. ImportPRF is ignored while FirstRun\r\n")
	b.WriteString("; or First-Run exist, so both are deleted. The new Outlook ignores this.\r\n")
	esc := strings.ReplaceAll(prfPath, `\`, `\\`)
	for _, v := range OutlookVersions {
		b.WriteString(`[HKEY_CURRENT_USER\Software\Microsoft\Office\` + v + `\Outlook\Setup]` + "\r\n")
		b.WriteString(`"ImportPRF"="` + esc + "\"\r\n\"FirstRun\"=-\r\n\"First-Run\"=-\r\n\r\n")
	}
	_, err := w.Write(encodePRF(b.String()))
	return err
}

// OutlookImportCommand is the command line that imports prfPath into
// classic Outlook right away.
func OutlookImportCommand(prfPath string) string {
	return `outlook.exe /importprf "` + prfPath + `"`
}

// NewOutlookNote is the plain-words note shown with every PRF export.
const NewOutlookNote = "The new Outlook for Windows (and Outlook for Mac) ignores .prf files. " +
	"There, add the account by hand: Settings → Accounts → Add account, type the address, " +
	"choose IMAP or POP and enter the servers shown. Or import the .prf into classic Outlook first " +
	"and then switch to the new Outlook, which offers the accounts of the classic profile."
