package audit

import (
	"mailsetup/assets/i18n"
	"mailsetup/profiles"
	"mailsetup/profiles/knowledge"
)

// client is one mail program's discovery rules, as docs/discovery.md
// describes them from its code or vendor documents.
type client struct {
	id, name string
	// order is the questions the program asks, in the order its results win.
	order []Kind
	// accept filters the servers it can use.
	accept func(Endpoint) bool
	// builtin lists the providers (knowledge ids) it knows by itself, used
	// when no question answered and the MX shows one of them.
	builtin []string
	// confirm reports whether an answer needs the user's approval.
	confirm func(SourceResult) bool
	// noAddress is set for programs that never send the address.
	noAddress bool
	// read, when set, replaces pick for documents the program parses itself.
	read func(body []byte, domain string) (in, out *Endpoint, err error)
	ref  string
}

// kindMXQueue stands for the questions asked after the MX answer, in
// their order: autoconfig and ISPDB of the MX host's parent domain, then
// of its registrable domain.
const kindMXQueue Kind = "mx-queue"

var tbOrder = []Kind{KindAutoconfigHTTPS, KindAutoconfigHTTPSWellKnown, KindAutoconfigHTTP, KindAutoconfigHTTPWellKnown,
	KindISPDB, kindMXQueue, KindAutodiscoverSubdomain, KindAutodiscoverRoot, KindAutodiscoverRedirect, KindAutodiscoverSRV}

var appleProviders = []string{"gmail", "google-workspace", "yahoo", "aol", "outlook", "microsoft365", "icloud"}

var clientRules = []client{
	// Thunderbird: disk, provider autoconfig HTTPS then HTTP, ISPDB, MX →
	// ISPDB; Autodiscover beside the ranking (discovery.md §1.1 step 2, §1.2).
	{id: "thunderbird", name: "Thunderbird", order: tbOrder, accept: func(Endpoint) bool { return true },
		ref: "discovery.md §1.1, §1.2"},
	// Thunderbird for Android / K-9: the same URLs without the address, the
	// ISPDB, MX → ISPDB; only IMAP and SMTP with SSL or STARTTLS; HTTP or
	// MX without DNSSEC needs "I trust this configuration" (§2.1, §2.3, §2.4).
	{id: "k9", name: "Thunderbird for Android / K-9 Mail",
		order: []Kind{KindAutoconfigHTTPS, KindAutoconfigHTTPSWellKnown, KindAutoconfigHTTP, KindAutoconfigHTTPWellKnown, KindISPDB, kindMXQueue},
		accept: func(e Endpoint) bool {
			return (e.Protocol == profiles.IMAP || e.Protocol == profiles.SMTP) && e.Security != profiles.SecurityNone
		},
		confirm: func(r SourceResult) bool {
			return r.Kind == KindAutoconfigHTTP || r.Kind == KindAutoconfigHTTPWellKnown || (r.DNSSEC != nil && !*r.DNSSEC)
		},
		noAddress: true, read: k9Read, ref: "discovery.md §2.1–2.4, §2.8"},
	// Apple Mail reads none of autoconfig, SRV or Autodiscover for IMAP; it
	// knows a few providers and takes configuration profiles (§7, §8).
	{id: "applemail", name: "Apple Mail (macOS, iOS)", accept: func(Endpoint) bool { return true },
		builtin: appleProviders, ref: "discovery.md §7, §8"},
	// Classic Outlook: Autodiscover v1 — root domain, autodiscover.<d>, the
	// HTTP redirect, SRV — then its own guesses (§7, §8).
	{id: "outlook-classic", name: "Outlook for Windows (classic)",
		order:  []Kind{KindAutodiscoverRoot, KindAutodiscoverSubdomain, KindAutodiscoverRedirect, KindAutodiscoverSRV},
		accept: func(Endpoint) bool { return true }, builtin: []string{"gmail", "yahoo", "icloud", "outlook", "microsoft365"},
		ref: "discovery.md §7, §8"},
	// The new Outlook asks Microsoft's cloud, never the domain (§6 item 19, §7, §8).
	{id: "outlook-new", name: "Outlook (new)", accept: func(Endpoint) bool { return true },
		builtin: []string{"gmail", "google-workspace", "yahoo", "icloud", "outlook", "microsoft365"},
		ref:     "discovery.md §6 item 19, §7, §8"},
	// mailsetup itself: built-in list, autoconfig, ISPDB, MX, SRV,
	// Autodiscover (profiles/discover).
	{id: "mailsetup", name: "mailsetup",
		order: []Kind{KindBuiltin, KindAutoconfigHTTPS, KindAutoconfigHTTPSWellKnown, KindAutoconfigHTTP, KindISPDB, KindMX, KindMXISPDB,
			KindSRV, KindAutodiscoverSubdomain, KindAutodiscoverRoot, KindAutodiscoverRedirect, KindAutodiscoverSRV},
		accept: func(Endpoint) bool { return true }, ref: "README.md (detect)"},
}

// clients judges every program.
func clients(rep *Report) []ClientReport {
	out := make([]ClientReport, 0, len(clientRules))
	for _, cl := range clientRules {
		out = append(out, judgeClient(rep, cl))
	}
	return out
}

// pick returns the first accepted incoming and outgoing servers.
func pick(in, outg []Endpoint, accept func(Endpoint) bool) (*Endpoint, *Endpoint) {
	var a, b *Endpoint
	for i := range in {
		if accept(in[i]) {
			a = &in[i]
			break
		}
	}
	for i := range outg {
		if accept(outg[i]) {
			b = &outg[i]
			break
		}
	}
	return a, b
}

// srvCombined joins the six SRV answers into one answer, as a client using
// RFC 6186 would: the first found record of each direction.
func srvCombined(rep *Report) SourceResult {
	comb := SourceResult{Source: profiles.SourceSRV, Kind: KindSRV, URL: "_imaps._tcp." + rep.Domain}
	ad := true
	for _, r := range rep.Sources {
		if r.Kind != KindSRV || r.Outcome != profiles.OutcomeFound {
			continue
		}
		if comb.Outcome == "" {
			comb.URL = r.URL
		}
		comb.Outcome = profiles.OutcomeFound
		comb.Incoming = append(comb.Incoming, r.Incoming...)
		comb.Outgoing = append(comb.Outgoing, r.Outgoing...)
		if r.DNSSEC != nil && !*r.DNSSEC {
			ad = false
		}
	}
	comb.DNSSEC = &ad
	return comb
}

func judgeClient(rep *Report, cl client) ClientReport {
	cr := ClientReport{Client: cl.id, Name: cl.name, Reference: cl.ref}
	args := map[string]string{"Client": cl.name, "Domain": rep.Domain}
	rejected := "" // why the program refused a file, if it did
	for _, k := range cl.order {
		cands := []SourceResult{}
		switch k {
		case KindSRV:
			cands = append(cands, srvCombined(rep))
		case kindMXQueue: // rep.Sources is already in question order
			for _, r := range rep.Sources {
				if r.Kind == KindMXAutoconfig || r.Kind == KindMXISPDB {
					cands = append(cands, r)
				}
			}
		default:
			for _, r := range rep.Sources {
				if r.Kind == k {
					cands = append(cands, r)
				}
			}
		}
		for _, r := range cands {
			if r.Outcome != profiles.OutcomeFound || (cl.noAddress && r.NeedsAddress) {
				continue
			}
			in, out := pick(r.Incoming, r.Outgoing, cl.accept)
			if cl.read != nil && r.body != nil {
				var err error
				if in, out, err = cl.read(r.body, rep.Domain); err != nil {
					if rejected == "" {
						a := copyArgs(args)
						a["URL"], a["Reason"] = r.URL, err.Error()
						rejected = i18n.T(rep.Lang, "audit.why.rejects", a)
					}
					continue
				}
			}
			if in == nil || out == nil {
				continue
			}
			cr.Finds, cr.Via, cr.URL, cr.Incoming, cr.Outgoing = true, string(r.Source), r.URL, in, out
			args["Via"], args["URL"] = cr.Via, r.URL
			cr.Works, cr.Why = rep.worksFor(*in, *out, args)
			if cl.confirm != nil && cl.confirm(r) {
				cr.Why += " " + i18n.T(rep.Lang, "audit.why.confirm", args)
			}
			return cr
		}
	}
	if mx, ok := mxProvider(rep); ok && contains(cl.builtin, mx.ID) {
		cfg := mx.ConfigFor(profiles.Address{Local: "user", Domain: rep.Domain, DomainUnicode: rep.Domain}, profiles.SourceMX)
		var ins, outs []Endpoint
		for _, s := range cfg.Incoming {
			ins = append(ins, endpointOf(s))
		}
		for _, s := range cfg.Outgoing {
			outs = append(outs, endpointOf(s))
		}
		in, out := pick(ins, outs, cl.accept)
		if in != nil && out != nil {
			cr.Finds, cr.Via, cr.Incoming, cr.Outgoing = true, "builtin", in, out
			args["Provider"] = mx.Name
			cr.Works, cr.Why = rep.worksFor(*in, *out, args)
			cr.Why = i18n.T(rep.Lang, "audit.why.provider", args) + " " + cr.Why
			return cr
		}
	}
	cr.Why = i18n.T(rep.Lang, "audit.why.none."+cl.id, args)
	if rejected != "" {
		cr.Why = rejected + " " + cr.Why
	}
	return cr
}

// worksFor says whether both servers work and why not.
func (r *Report) worksFor(in, out Endpoint, args map[string]string) (bool, string) {
	for _, e := range []Endpoint{in, out} {
		if !r.works(e) {
			a := copyArgs(args)
			a["Server"] = e.String()
			return false, i18n.T(r.Lang, "audit.why.broken", a)
		}
	}
	return true, i18n.T(r.Lang, "audit.why.works", args)
}

func copyArgs(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// mxProvider returns the built-in provider the MX hosts belong to.
func mxProvider(rep *Report) (*knowledge.Provider, bool) {
	for _, r := range rep.Sources {
		if r.Kind == KindMX && r.Outcome == profiles.OutcomeFound && r.cfg != nil {
			return knowledge.Default().Provider(r.cfg.Provider.ID)
		}
	}
	return nil, false
}
