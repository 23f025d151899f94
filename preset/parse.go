package preset

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	_ "image/jpeg" // logos may be JPEG
	_ "image/png"  // logos may be PNG
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"mailsetup/assets/i18n"
	"mailsetup/export"
	"mailsetup/export/guide"
	"mailsetup/profiles"
)

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

var tokenRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// placeholderRE finds %WORD% placeholders in usernames.
var placeholderRE = regexp.MustCompile(`%[A-Za-z]+%`)

// parse checks a preset's JSON and builds the Preset; every problem is a
// FieldError of the one ValidationError returned.
func parse(data []byte, l *loader) (*Preset, error) {
	var f fileJSON
	if err := decodeStrict(data, &f); err != nil {
		return nil, err
	}
	c := &checker{}
	p := &Preset{byDomain: map[string]int{}, locks: map[Field]bool{}}
	if f.Version != 0 && f.Version != 1 {
		c.add("version", "must be 1 (this program reads version 1 presets), not %d", f.Version)
	}
	p.org = c.organisation(f.Organisation, l)
	for i, d := range f.Domains {
		p.domains = append(p.domains, c.domain(p, i, d))
	}
	c.locks(p, &f)
	p.formats = checkIDs(c, "exports", f.Exports, func(id string) bool {
		_, ok := export.Lookup(id)
		return ok
	}, export.Names())
	p.guides = checkIDs(c, "guides", f.Guides, func(id string) bool {
		_, err := guide.ParseClient(id)
		return err == nil
	}, guideNames())
	if f.Signing != nil {
		s, field, err := l.signing(f.Signing)
		if err != nil {
			c.add(field, "%s", err)
		}
		p.signing = s
	}
	if f.Support != nil {
		p.support = c.support(*f.Support)
	}
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

// guideNames lists the guides a preset may offer: export/guide's clients.
func guideNames() []string {
	names := make([]string, len(guide.Clients))
	for i, c := range guide.Clients {
		names[i] = string(c)
	}
	return names
}

func (c *checker) organisation(o *orgJSON, l *loader) Organisation {
	if o == nil {
		c.add("organisation", "is missing: give at least {\"name\": \"…\"}")
		return Organisation{}
	}
	name := strings.TrimSpace(o.Name)
	switch {
	case name == "":
		c.add("organisation.name", "is empty")
	case len([]rune(name)) > 100:
		c.add("organisation.name", "is longer than 100 characters")
	case strings.ContainsFunc(name, unicode.IsControl):
		c.add("organisation.name", "contains a control character")
	}
	org := Organisation{Name: name}
	if o.Logo != "" {
		logo, logoName, err := readLogo(o.Logo, l.readFile)
		if err != nil {
			c.add("organisation.logo", "%v", err)
		}
		org.Logo, org.LogoName = logo, logoName
	}
	return org
}

// domain checks domains[i] and records its names in p.byDomain.
func (c *checker) domain(p *Preset, i int, d domainJSON) Domain {
	field := fmt.Sprintf("domains[%d]", i)
	dom := Domain{Webmail: d.Webmail, Help: d.Help}
	if len(d.Names) == 0 {
		c.add(field+".names", "is empty: list the domain(s), e.g. [\"example.com\"]")
	}
	for j, n := range d.Names {
		nf := fmt.Sprintf("%s.names[%d]", field, j)
		ascii, _, err := profiles.NormalizeDomain(n)
		if err != nil {
			c.add(nf, "%q is not a domain: %s", n, profiles.Sentence(err))
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
	return dom
}

func (c *checker) locks(p *Preset, f *fileJSON) {
	for i, l := range f.Lock {
		fl := Field(l)
		field := fmt.Sprintf("lock[%d]", i)
		if !fl.Valid() {
			c.add(field, "unknown field %q: use %s", l, fieldList())
			continue
		}
		if p.locks[fl] {
			c.add(field, "%q is listed twice", l)
		}
		p.locks[fl] = true
		switch fl {
		case FieldIncoming, FieldOutgoing, FieldUsername, FieldDomain:
			if len(f.Domains) == 0 {
				c.add(field, "locking %q needs at least one entry in \"domains\"", l)
			}
		case FieldLanguage:
			if f.Language == "" {
				c.add(field, "locking \"language\" needs \"language\" to be set")
			}
		case FieldFormats:
			if f.Exports == nil && f.Guides == nil {
				c.add(field, "locking \"formats\" needs \"exports\" or \"guides\"")
			}
		}
	}
}

func (c *checker) support(s Support) Support {
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
	return s
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
			c.add(f+".host", "%s", profiles.Sentence(err))
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
func readLogo(ref string, readFile func(string, int64) ([]byte, error)) ([]byte, string, error) {
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
		data, err = readFile(ref, MaxLogoBytes)
		if err != nil {
			return nil, "", err
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
