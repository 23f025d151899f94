package preset

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"image"
	_ "image/jpeg" // logos may be JPEG
	_ "image/png"  // logos may be PNG
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"

	"software.sslmate.com/src/go-pkcs12"

	"mailsetup/assets/i18n"
	"mailsetup/export"
	"mailsetup/profiles"
)

// MaxLogoBytes is the largest logo a preset may carry.
const MaxLogoBytes = 1 << 20

// now is the clock certificate expiry is checked against (tests change it).
var now = time.Now

// fileJSON is the preset file as written.
type fileJSON struct {
	Version      int          `json:"version"`
	Organisation *orgJSON     `json:"organisation"`
	Domains      []domainJSON `json:"domains"`
	Lock         []string     `json:"lock"`
	Exports      []string     `json:"exports"`
	Guides       []string     `json:"guides"`
	Signing      *signingJSON `json:"signing"`
	Support      *Support     `json:"support"`
	Language     string       `json:"language"`
}

type orgJSON struct {
	Name string `json:"name"`
	Logo string `json:"logo"`
}

type domainJSON struct {
	Names    []string     `json:"names"`
	Incoming []serverJSON `json:"incoming"`
	Outgoing []serverJSON `json:"outgoing"`
	Webmail  string       `json:"webmail"`
	Help     string       `json:"help"`
}

type serverJSON struct {
	Protocol string   `json:"protocol"`
	Host     string   `json:"host"`
	Port     int      `json:"port"`
	Security string   `json:"security"`
	Username string   `json:"username"`
	Auth     []string `json:"auth"`
}

type signingJSON struct {
	Certificate string `json:"certificate"`
	Key         string `json:"key"`
	P12         string `json:"p12"`
	Password    string `json:"password"`
	PasswordEnv string `json:"password_env"`
}

// checker collects FieldErrors.
type checker struct{ problems []FieldError }

func (c *checker) add(field, format string, a ...any) {
	c.problems = append(c.problems, FieldError{Field: field, Problem: fmt.Sprintf(format, a...)})
}

var tokenRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// placeholderRE finds %WORD% placeholders in usernames.
var placeholderRE = regexp.MustCompile(`%[A-Za-z]+%`)

// getenvForPassword reads signing.password_env (tests change it).
var getenvForPassword = func(k string) string { return lookupEnv(k) }

func parse(data []byte, readFile func(string) ([]byte, error)) (*Preset, error) {
	var f fileJSON
	if err := decodeStrict(data, &f); err != nil {
		return nil, err
	}
	c := &checker{}
	p := &Preset{byDomain: map[string]int{}, locks: map[Field]bool{}}

	if f.Version != 0 && f.Version != 1 {
		c.add("version", "must be 1 (this program reads version 1 presets), not %d", f.Version)
	}

	// organisation
	if f.Organisation == nil {
		c.add("organisation", "is missing: give at least {\"name\": \"…\"}")
	} else {
		name := strings.TrimSpace(f.Organisation.Name)
		switch {
		case name == "":
			c.add("organisation.name", "is empty")
		case len([]rune(name)) > 100:
			c.add("organisation.name", "is longer than 100 characters")
		case strings.ContainsFunc(name, unicode.IsControl):
			c.add("organisation.name", "contains a control character")
		}
		p.org.Name = name
		if f.Organisation.Logo != "" {
			logo, logoName, err := readLogo(f.Organisation.Logo, readFile)
			if err != nil {
				c.add("organisation.logo", "%v", err)
			}
			p.org.Logo, p.org.LogoName = logo, logoName
		}
	}

	// domains
	for i, d := range f.Domains {
		field := fmt.Sprintf("domains[%d]", i)
		dom := Domain{Webmail: d.Webmail, Help: d.Help}
		if len(d.Names) == 0 {
			c.add(field+".names", "is empty: list the domain(s), e.g. [\"example.com\"]")
		}
		for j, n := range d.Names {
			nf := fmt.Sprintf("%s.names[%d]", field, j)
			ascii, _, err := profiles.NormalizeDomain(n)
			if err != nil {
				c.add(nf, "%q is not a domain: %s", n, strings.TrimPrefix(err.Error(), "address: "))
				continue
			}
			if prev, dup := p.byDomain[ascii]; dup {
				c.add(nf, "%q is listed twice (also in domains[%d])", n, prev)
				continue
			}
			p.byDomain[ascii] = i
			dom.Names = append(dom.Names, ascii)
		}
		dom.Incoming = checkServers(c, field+".incoming", d.Incoming, true)
		dom.Outgoing = checkServers(c, field+".outgoing", d.Outgoing, false)
		checkURL(c, field+".webmail", d.Webmail)
		checkURL(c, field+".help", d.Help)
		p.domains = append(p.domains, dom)
	}

	// lock
	for i, l := range f.Lock {
		fl := Field(l)
		if !fl.Valid() {
			c.add(fmt.Sprintf("lock[%d]", i), "unknown field %q: use %s", l, fieldList())
			continue
		}
		if p.locks[fl] {
			c.add(fmt.Sprintf("lock[%d]", i), "%q is listed twice", l)
		}
		p.locks[fl] = true
		switch fl {
		case FieldIncoming, FieldOutgoing, FieldUsername, FieldDomain:
			if len(f.Domains) == 0 {
				c.add(fmt.Sprintf("lock[%d]", i), "locking %q needs at least one entry in \"domains\"", l)
			}
		case FieldLanguage:
			if f.Language == "" {
				c.add(fmt.Sprintf("lock[%d]", i), "locking \"language\" needs \"language\" to be set")
			}
		case FieldFormats:
			if f.Exports == nil && f.Guides == nil {
				c.add(fmt.Sprintf("lock[%d]", i), "locking \"formats\" needs \"exports\" or \"guides\"")
			}
		}
	}

	p.formats = checkIDs(c, "exports", f.Exports, func(id string) bool {
		_, ok := export.Lookup(id)
		return ok
	}, export.Names())
	p.guides = checkIDs(c, "guides", f.Guides, func(id string) bool { return offers(GuideIDs, id) }, GuideIDs)

	// signing
	if f.Signing != nil {
		s, field, err := loadSigning(f.Signing, readFile)
		if err != nil {
			c.add(field, "%v", err)
		}
		p.signing = s
	}

	// support
	if f.Support != nil {
		s := *f.Support
		s.Name, s.Email, s.Phone, s.URL = strings.TrimSpace(s.Name), strings.TrimSpace(s.Email), strings.TrimSpace(s.Phone), strings.TrimSpace(s.URL)
		if s.Email == "" && s.Phone == "" && s.URL == "" {
			c.add("support", "give at least an email, phone or url people can reach")
		}
		if s.Email != "" {
			if a, err := mail.ParseAddress(s.Email); err != nil || a.Name != "" {
				c.add("support.email", "%q is not an e-mail address", s.Email)
			}
		}
		if s.Phone != "" && strings.IndexFunc(s.Phone, unicode.IsDigit) < 0 {
			c.add("support.phone", "%q has no digits", s.Phone)
		}
		checkURL(c, "support.url", s.URL)
		for k, v := range map[string]string{"name": s.Name, "email": s.Email, "phone": s.Phone, "url": s.URL} {
			if strings.ContainsFunc(v, unicode.IsControl) {
				c.add("support."+k, "contains a control character")
			}
		}
		p.support = s
	}

	// language
	if f.Language != "" {
		if !i18n.Supported(f.Language) {
			c.add("language", "unknown language %q: use one of %s", f.Language, strings.Join(i18n.Languages, ", "))
		}
		p.language = f.Language
	}

	if len(c.problems) > 0 {
		return nil, &ValidationError{Problems: c.problems}
	}
	return p, nil
}

func fieldList() string {
	s := make([]string, len(Fields))
	for i, f := range Fields {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

// checkIDs validates a list of format or guide IDs; known may be nil.
func checkIDs(c *checker, field string, ids []string, known func(string) bool, names []string) []string {
	if ids == nil {
		return nil
	}
	if len(ids) == 0 {
		c.add(field, "is an empty list: name at least one, or leave the field out to offer all")
		return nil
	}
	out := []string{}
	seen := map[string]bool{}
	for i, id := range ids {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case !tokenRE.MatchString(id):
			c.add(f, "%q is not a name (lower-case letters, digits and -)", id)
		case known != nil && !known(id):
			c.add(f, "unknown %q: use %s", id, strings.Join(names, ", "))
		case seen[id]:
			c.add(f, "%q is listed twice", id)
		default:
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func checkURL(c *checker, field, s string) {
	if s == "" {
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		c.add(field, "%q is not a web address (https://…)", s)
	}
}

func checkServers(c *checker, field string, list []serverJSON, incoming bool) []profiles.Server {
	if len(list) == 0 {
		c.add(field, "is empty: give at least one server")
		return nil
	}
	var out []profiles.Server
	for i, sj := range list {
		f := fmt.Sprintf("%s[%d]", field, i)
		ok := true
		proto := profiles.Protocol(strings.ToLower(sj.Protocol))
		switch {
		case incoming && !proto.Incoming():
			c.add(f+".protocol", "must be \"imap\" or \"pop3\", not %q", sj.Protocol)
			ok = false
		case !incoming && proto != profiles.SMTP:
			c.add(f+".protocol", "must be \"smtp\", not %q", sj.Protocol)
			ok = false
		}
		sec := profiles.SecurityTLS
		if sj.Security != "" {
			s, err := profiles.ParseSecurity(sj.Security)
			if err != nil {
				c.add(f+".security", "must be \"tls\", \"starttls\" or \"none\", not %q", sj.Security)
				ok = false
			}
			sec = s
		}
		host := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(sj.Host), "."))
		if host == "" {
			c.add(f+".host", "is empty")
			ok = false
		} else if err := profiles.ValidateHost(host); err != nil {
			c.add(f+".host", "%s", strings.TrimPrefix(err.Error(), "profiles: "))
			ok = false
		}
		port := sj.Port
		if port == 0 && ok {
			port = profiles.DefaultPort(proto, sec)
		}
		if port < 0 || port > 65535 {
			c.add(f+".port", "%d is not a port (1-65535)", sj.Port)
			ok = false
		}
		user := sj.Username
		if user == "" {
			user = profiles.PlaceholderAddress
		}
		for _, ph := range placeholderRE.FindAllString(user, -1) {
			if ph != profiles.PlaceholderAddress && ph != profiles.PlaceholderLocalPart && ph != profiles.PlaceholderDomain {
				c.add(f+".username", "unknown placeholder %s: use %%EMAILADDRESS%%, %%EMAILLOCALPART%% or %%EMAILDOMAIN%%", ph)
				ok = false
			}
		}
		if strings.ContainsFunc(user, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) {
			c.add(f+".username", "contains a space or control character")
			ok = false
		}
		var auth []profiles.AuthMethod
		for j, a := range sj.Auth {
			m := profiles.AuthMethod(a)
			if !m.Valid() {
				c.add(fmt.Sprintf("%s.auth[%d]", f, j), "unknown method %q: use password, password-encrypted, oauth2, client-cert, gssapi, ntlm or none", a)
				ok = false
			}
			auth = append(auth, m)
		}
		if len(auth) == 0 {
			auth = []profiles.AuthMethod{profiles.AuthPassword}
		}
		if ok {
			out = append(out, profiles.Server{Protocol: proto, Host: host, Port: port, Security: sec, Username: user, Auth: auth})
		}
	}
	return out
}

// readLogo reads a logo from a file name or a data: URI and checks it is a
// PNG or JPEG image of sensible size.
func readLogo(ref string, readFile func(string) ([]byte, error)) ([]byte, string, error) {
	var data []byte
	name := ref
	if strings.HasPrefix(ref, "data:") {
		i := strings.Index(ref, ";base64,")
		if i < 0 {
			return nil, "", fmt.Errorf("a data: logo must be base64 (data:image/png;base64,…)")
		}
		var err error
		data, err = base64.StdEncoding.DecodeString(ref[i+len(";base64,"):])
		if err != nil {
			return nil, "", fmt.Errorf("the base64 data is damaged: %v", err)
		}
		name = "logo.png"
		if strings.Contains(ref[:i], "jpeg") {
			name = "logo.jpg"
		}
	} else {
		var err error
		data, err = readFile(ref)
		if err != nil {
			return nil, "", unwrapPathError(err)
		}
		name = baseName(ref)
	}
	if len(data) > MaxLogoBytes {
		return nil, "", fmt.Errorf("the logo is %d bytes; at most %d", len(data), MaxLogoBytes)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("%q is not a PNG or JPEG image", ref)
	}
	if cfg.Width < 16 || cfg.Height < 16 || cfg.Width > 4096 || cfg.Height > 4096 {
		return nil, "", fmt.Errorf("the %s logo is %d×%d pixels; use 16 to 4096 pixels a side", format, cfg.Width, cfg.Height)
	}
	return data, name, nil
}

func baseName(p string) string {
	p = strings.ReplaceAll(p, "\\", "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// readPEMOrFile returns inline PEM as is, or the named file's bytes.
func readPEMOrFile(ref string, readFile func(string) ([]byte, error)) ([]byte, error) {
	if strings.Contains(ref, "-----BEGIN ") {
		return []byte(ref), nil
	}
	data, err := readFile(ref)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	return data, nil
}

// loadSigning reads the signing certificate and key; on error it returns the
// field the problem is in.
func loadSigning(s *signingJSON, readFile func(string) ([]byte, error)) (*Signing, string, error) {
	out := &Signing{}
	switch {
	case s.P12 != "" && (s.Certificate != "" || s.Key != ""):
		return nil, "signing", fmt.Errorf("give either \"p12\" or \"certificate\" and \"key\", not both")
	case s.P12 != "":
		data, err := readFile(s.P12)
		if err != nil {
			return nil, "signing.p12", unwrapPathError(err)
		}
		pass := s.Password
		if s.PasswordEnv != "" {
			pass = getenvForPassword(s.PasswordEnv)
			if pass == "" {
				return nil, "signing.password_env", fmt.Errorf("the environment variable %s is not set", s.PasswordEnv)
			}
		}
		key, cert, chain, err := pkcs12.DecodeChain(data, pass)
		if err != nil {
			if strings.Contains(err.Error(), "password") {
				return nil, "signing.password", fmt.Errorf("the password does not open %q", s.P12)
			}
			return nil, "signing.p12", fmt.Errorf("%q is not a PKCS#12 file with a key and certificate: %v", s.P12, err)
		}
		signer, ok := key.(crypto.Signer)
		if !ok {
			return nil, "signing.p12", fmt.Errorf("the key in %q cannot sign", s.P12)
		}
		out.Certificate, out.Chain, out.Key = cert, chain, signer
	case s.Certificate == "" && s.Key == "":
		return nil, "signing", fmt.Errorf("give \"certificate\" and \"key\" (PEM) or \"p12\"")
	case s.Certificate == "":
		return nil, "signing.certificate", fmt.Errorf("is missing (the key alone cannot sign)")
	case s.Key == "":
		return nil, "signing.key", fmt.Errorf("is missing (the certificate alone cannot sign)")
	default:
		if s.Password != "" || s.PasswordEnv != "" {
			return nil, "signing.password", fmt.Errorf("only a p12 file takes a password; PEM keys must be unencrypted")
		}
		certPEM, err := readPEMOrFile(s.Certificate, readFile)
		if err != nil {
			return nil, "signing.certificate", err
		}
		certs, err := parseCerts(certPEM)
		if err != nil {
			return nil, "signing.certificate", err
		}
		keyPEM, err := readPEMOrFile(s.Key, readFile)
		if err != nil {
			return nil, "signing.key", err
		}
		key, err := parseKey(keyPEM)
		if err != nil {
			return nil, "signing.key", err
		}
		out.Certificate, out.Chain, out.Key = certs[0], certs[1:], key
	}
	if !samePublicKey(out.Certificate.PublicKey, out.Key.Public()) {
		f := "signing.key"
		if s.P12 != "" {
			f = "signing.p12"
		}
		return nil, f, fmt.Errorf("the key does not belong to the certificate %q", out.Certificate.Subject.CommonName)
	}
	if t := now(); t.After(out.Certificate.NotAfter) {
		return nil, certField(s), fmt.Errorf("the certificate %q expired on %s", out.Certificate.Subject.CommonName, out.Certificate.NotAfter.Format("2006-01-02"))
	} else if t.Before(out.Certificate.NotBefore) {
		return nil, certField(s), fmt.Errorf("the certificate %q is valid only from %s", out.Certificate.Subject.CommonName, out.Certificate.NotBefore.Format("2006-01-02"))
	}
	return out, "", nil
}

func certField(s *signingJSON) string {
	if s.P12 != "" {
		return "signing.p12"
	}
	return "signing.certificate"
}

func parseCerts(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("a certificate is damaged: %v", err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("no PEM certificate (-----BEGIN CERTIFICATE-----) found")
	}
	return certs, nil
}

func parseKey(data []byte) (crypto.Signer, error) {
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		switch b.Type {
		case "ENCRYPTED PRIVATE KEY":
			return nil, fmt.Errorf("the key is encrypted: give an unencrypted PEM key, or a p12 file with a password")
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("the key is damaged: %v", err)
			}
			s, ok := k.(crypto.Signer)
			if !ok {
				return nil, fmt.Errorf("the key cannot sign")
			}
			return s, nil
		case "RSA PRIVATE KEY":
			if strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED") {
				return nil, fmt.Errorf("the key is encrypted: give an unencrypted PEM key, or a p12 file with a password")
			}
			k, err := x509.ParsePKCS1PrivateKey(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("the key is damaged: %v", err)
			}
			return k, nil
		case "EC PRIVATE KEY":
			k, err := x509.ParseECPrivateKey(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("the key is damaged: %v", err)
			}
			return k, nil
		}
	}
	return nil, fmt.Errorf("no PEM private key (-----BEGIN PRIVATE KEY-----) found")
}

func samePublicKey(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	switch k := a.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
		return k.(equaler).Equal(b)
	}
	return false
}

// GuideIDs are the mail programs the guides cover (export/guide's clients;
// a test in ui/cli keeps the two lists equal, since this package must not
// import the Fyne-drawing guide package).
var GuideIDs = []string{"outlook", "applemail", "ios", "android", "k9", "thunderbird", "thebat"}
