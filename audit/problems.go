package audit

import (
	"sort"
	"strconv"
	"strings"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
)

// The problem codes. They are stable: scripts and the translations key on
// them ("audit.<code>.detail", "audit.<code>.fix" in audit.<lang>.json).
const (
	CodeNoSettings             = "no-settings"
	CodeAutoconfigMissing      = "autoconfig-missing"
	CodeAutoconfigHTTPOnly     = "autoconfig-http-only"
	CodeAutoconfigMalformed    = "autoconfig-malformed"
	CodeAutoconfigNeedsAddress = "autoconfig-needs-address"
	CodeAutoconfigK9Rejects    = "autoconfig-k9-rejects"
	CodeAutodiscoverMalformed  = "autodiscover-malformed"
	CodeSourcesDisagree        = "sources-disagree"
	CodeAutodiscoverMissing    = "autodiscover-missing"
	CodeSRVMissing             = "srv-missing"
	CodeCertExpired            = "cert-expired"
	CodeCertNotYetValid        = "cert-not-yet-valid"
	CodeCertExpiring           = "cert-expiring"
	CodeCertWrongName          = "cert-wrong-name"
	CodeCertUntrusted          = "cert-untrusted"
	CodeTLSOld                 = "tls-old-version"
	CodeWebCertInvalid         = "web-cert-invalid"
	CodeServerUnreachable      = "server-unreachable"
	CodeServerBroken           = "server-broken"
	CodeSTARTTLSMissing        = "starttls-missing"
	CodePlaintextAuthBeforeTLS = "plaintext-auth-before-tls"
	CodePlaintextOnly          = "plaintext-only"
	CodeMXProviderMismatch     = "mx-provider-mismatch"
	CodeDNSSECUnsigned         = "dnssec-unsigned"
)

// Codes lists every problem code with its severity, in report order.
var Codes = []struct {
	Code     string
	Severity Severity
}{
	{CodeNoSettings, SeverityError},
	{CodeServerUnreachable, SeverityError},
	{CodeServerBroken, SeverityError},
	{CodeCertExpired, SeverityError},
	{CodeCertNotYetValid, SeverityError},
	{CodeCertWrongName, SeverityError},
	{CodeCertUntrusted, SeverityError},
	{CodeTLSOld, SeverityError},
	{CodeSTARTTLSMissing, SeverityError},
	{CodePlaintextAuthBeforeTLS, SeverityError},
	{CodePlaintextOnly, SeverityError},
	{CodeAutoconfigMalformed, SeverityError},
	{CodeWebCertInvalid, SeverityError},
	{CodeAutodiscoverMalformed, SeverityError},
	{CodeCertExpiring, SeverityWarning},
	{CodeAutoconfigMissing, SeverityWarning},
	{CodeAutoconfigHTTPOnly, SeverityWarning},
	{CodeAutoconfigNeedsAddress, SeverityWarning},
	{CodeAutoconfigK9Rejects, SeverityWarning},
	{CodeSourcesDisagree, SeverityWarning},
	{CodeAutodiscoverMissing, SeverityWarning},
	{CodeMXProviderMismatch, SeverityWarning},
	{CodeSRVMissing, SeverityInfo},
	{CodeDNSSECUnsigned, SeverityInfo},
}

// ExpiringDays is how close to expiry a certificate is reported.
const ExpiringDays = 30

func severityOf(code string) Severity {
	for _, c := range Codes {
		if c.Code == code {
			return c.Severity
		}
	}
	return SeverityWarning
}

func codeRank(code string) int {
	for i, c := range Codes {
		if c.Code == code {
			return i
		}
	}
	return len(Codes)
}

// problems finds everything wrong, in the report's language.
func problems(rep *Report) []Problem {
	var out []Problem
	add := func(code, subject string, args map[string]string) {
		a := map[string]string{"Domain": rep.Domain, "Subject": subject}
		for k, v := range args {
			a[k] = v
		}
		if d, ok := a["Direction"]; ok {
			a["Direction"] = i18n.T(rep.Lang, "audit.direction."+d, nil)
		}
		out = append(out, Problem{Code: code, Severity: severityOf(code), Subject: subject,
			Detail: i18n.T(rep.Lang, "audit."+code+".detail", a), Fix: i18n.T(rep.Lang, "audit."+code+".fix", a)})
	}
	sourceProblems(rep, add)
	serverProblems(rep, add)
	if len(rep.Servers) == 0 {
		add(CodeNoSettings, rep.Domain, nil)
	}
	sort.SliceStable(out, func(i, j int) bool { return codeRank(out[i].Code) < codeRank(out[j].Code) })
	if out == nil {
		out = []Problem{}
	}
	return out
}

func isAutoconfig(k Kind) bool {
	return k == KindAutoconfigHTTPS || k == KindAutoconfigHTTPSWellKnown || k == KindAutoconfigHTTP || k == KindAutoconfigHTTPWellKnown
}

func isAutodiscover(k Kind) bool {
	return k == KindAutodiscoverSubdomain || k == KindAutodiscoverRoot || k == KindAutodiscoverSRV || k == KindAutodiscoverRedirect
}

// first returns the first found answer of the kinds, in kindOrder.
func (r *Report) first(match func(Kind) bool) (SourceResult, bool) {
	for _, s := range r.Sources {
		if match(s.Kind) && s.Outcome == profiles.OutcomeFound {
			return s, true
		}
	}
	return SourceResult{}, false
}

// sourceProblems judges what the questions answered: one check after another
// in the order the report lists them, which is why it is one long function
// (81 lines) rather than many small ones that would each need the whole report.
func sourceProblems(rep *Report, add func(string, string, map[string]string)) {
	httpsAC, httpsOK := rep.first(func(k Kind) bool { return k == KindAutoconfigHTTPS || k == KindAutoconfigHTTPSWellKnown })
	httpAC, httpOK := rep.first(func(k Kind) bool { return k == KindAutoconfigHTTP || k == KindAutoconfigHTTPWellKnown })
	malformedAC := false
	for _, s := range rep.Sources {
		if s.CertificateError {
			add(CodeWebCertInvalid, s.URL, map[string]string{"URL": s.URL, "Reason": s.Detail})
		}
		if !s.Malformed {
			continue
		}
		reason := map[string]string{"URL": s.URL, "Reason": s.Detail}
		if isAutodiscover(s.Kind) {
			add(CodeAutodiscoverMalformed, s.URL, reason)
		} else {
			malformedAC = malformedAC || isAutoconfig(s.Kind)
			add(CodeAutoconfigMalformed, s.URL, reason)
		}
	}
	for _, s := range rep.Sources {
		if s.NeedsAddress && s.Outcome == profiles.OutcomeFound {
			add(CodeAutoconfigNeedsAddress, s.URL, map[string]string{"URL": s.URL})
			break
		}
	}
	for _, s := range rep.Sources {
		if s.body == nil || s.Outcome != profiles.OutcomeFound || !isAutoconfig(s.Kind) {
			continue
		}
		if _, _, err := k9Read(s.body, rep.Domain); err != nil {
			add(CodeAutoconfigK9Rejects, s.URL, map[string]string{"URL": s.URL, "Reason": err.Error()})
			break
		}
	}
	switch {
	case !httpsOK && httpOK:
		add(CodeAutoconfigHTTPOnly, httpAC.URL, map[string]string{"URL": httpAC.URL})
	case !httpsOK && !httpOK && !malformedAC:
		add(CodeAutoconfigMissing, "https://autoconfig."+rep.Domain+"/mail/config-v1.1.xml", nil)
	}
	ac := httpsAC
	if !httpsOK {
		ac = httpAC
	}
	ad, adOK := rep.first(isAutodiscover)
	adPresent := adOK
	for _, s := range rep.Sources {
		adPresent = adPresent || (isAutodiscover(s.Kind) && s.present)
	}
	if !adPresent {
		add(CodeAutodiscoverMissing, "https://autodiscover."+rep.Domain+"/autodiscover/autodiscover.xml", nil)
	}
	srv := srvCombined(rep)
	if srv.Outcome != profiles.OutcomeFound {
		add(CodeSRVMissing, "_imaps._tcp."+rep.Domain, nil)
	}
	if httpsOK || httpOK {
		for _, other := range []struct {
			ok bool
			r  SourceResult
		}{{adOK, ad}, {srv.Outcome == profiles.OutcomeFound, srv}} {
			if !other.ok {
				continue
			}
			if what, a, b, differ := disagree(ac, other.r); differ {
				add(CodeSourcesDisagree, ac.URL, map[string]string{"URL": ac.URL, "Other": other.r.URL,
					"Direction": what, "A": a, "B": b})
			}
		}
	}
	mxProblems(rep, add)
	var unsigned []string
	for _, s := range rep.Sources {
		if s.DNSSEC != nil && !*s.DNSSEC && s.Kind != KindMXISPDB && s.Kind != KindMXAutoconfig && (s.Outcome == profiles.OutcomeFound || s.Kind == KindMX) {
			unsigned = append(unsigned, s.URL)
		}
	}
	if len(unsigned) > 0 {
		add(CodeDNSSECUnsigned, strings.Join(unsigned, ", "), map[string]string{"Names": strings.Join(unsigned, ", ")})
	}
}

// disagree compares the first server of each direction the other source
// names with every server of the autoconfig answer.
func disagree(ac, other SourceResult) (what, a, b string, differ bool) {
	in := func(list []Endpoint, e Endpoint) bool {
		for _, o := range list {
			if o == e {
				return true
			}
		}
		return false
	}
	if len(other.Incoming) > 0 && len(ac.Incoming) > 0 && !in(ac.Incoming, other.Incoming[0]) {
		return "incoming", ac.Incoming[0].String(), other.Incoming[0].String(), true
	}
	if len(other.Outgoing) > 0 && len(ac.Outgoing) > 0 && !in(ac.Outgoing, other.Outgoing[0]) {
		return "outgoing", ac.Outgoing[0].String(), other.Outgoing[0].String(), true
	}
	return "", "", "", false
}

// mxProblems reports an MX at a known provider while the domain's own
// sources point at servers that are not the provider's.
func mxProblems(rep *Report, add func(string, string, map[string]string)) {
	p, ok := mxProvider(rep)
	if !ok {
		return
	}
	own := map[string]bool{}
	cfg := p.ConfigFor(profiles.Address{Local: "user", Domain: rep.Domain}, profiles.SourceMX)
	for _, s := range append(append([]profiles.Server(nil), cfg.Incoming...), cfg.Outgoing...) {
		own[registrable(s.Host)] = true
	}
	for _, s := range rep.Sources {
		if s.Outcome != profiles.OutcomeFound || !(isAutoconfig(s.Kind) || isAutodiscover(s.Kind) || s.Kind == KindSRV) {
			continue
		}
		for _, e := range append(append([]Endpoint(nil), s.Incoming...), s.Outgoing...) {
			if !own[registrable(e.Host)] {
				add(CodeMXProviderMismatch, s.URL, map[string]string{"Provider": p.Name, "URL": s.URL, "Server": e.String()})
				return
			}
		}
	}
}

// serverProblems judges every probed server.
func serverProblems(rep *Report, add func(string, string, map[string]string)) {
	dirs := map[bool][]ServerReport{}
	for _, s := range rep.Servers {
		dirs[s.Protocol.Incoming()] = append(dirs[s.Protocol.Incoming()], s)
		subj := s.Endpoint.String()
		args := map[string]string{"Server": subj, "Reason": s.Error}
		switch {
		case !s.Reachable:
			add(CodeServerUnreachable, subj, args)
			continue
		case s.Security == profiles.SecuritySTARTTLS && !s.STARTTLSOffered && s.Greeting != "" && s.TLS == nil:
			add(CodeSTARTTLSMissing, subj, args)
		case s.Error != "":
			add(CodeServerBroken, subj, args)
		}
		if s.Security == profiles.SecuritySTARTTLS && s.PlaintextAuthBeforeTLS {
			add(CodePlaintextAuthBeforeTLS, subj, args)
		}
		if t := s.TLS; t != nil {
			args["Issuer"], args["Names"] = t.Issuer, strings.Join(t.Names, ", ")
			args["Date"], args["Days"] = t.NotAfter.Format("2006-01-02"), strconv.Itoa(t.DaysLeft)
			switch t.Problem {
			case "expired":
				add(CodeCertExpired, subj, args)
			case "not-yet-valid":
				add(CodeCertNotYetValid, subj, args)
			case "wrong-name":
				add(CodeCertWrongName, subj, args)
			}
			if !t.Trusted {
				add(CodeCertUntrusted, subj, args)
			}
			// RFC 8996 §2–3: TLS 1.0 and 1.1 MUST NOT be used; RFC 8314 §4.1
			// asks mail software for TLS 1.2 or later.
			if t.Version == "TLS 1.0" || t.Version == "TLS 1.1" || strings.HasPrefix(t.Version, "SSL") {
				args["Version"] = t.Version
				add(CodeTLSOld, subj, args)
			}
			if t.Problem == "" && t.DaysLeft < ExpiringDays {
				add(CodeCertExpiring, subj, args)
			}
		}
	}
	for incoming, list := range dirs {
		plain := len(list) > 0
		for _, s := range list {
			plain = plain && s.Security == profiles.SecurityNone
		}
		if plain {
			dir := "outgoing"
			if incoming {
				dir = "incoming"
			}
			add(CodePlaintextOnly, list[0].Endpoint.String(), map[string]string{"Server": list[0].Endpoint.String(), "Direction": dir})
		}
	}
}
