package discover

// The MX source: the domain's mail exchanger names its provider.

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/miekg/dns"

	"mailsetup/profiles"
)

// fromMX reads the domain's MX hosts, takes the most preferred one's
// registrable domain and looks it up in the knowledge base, then the ISPDB.
func (r *run) fromMX(ctx context.Context) answer {
	rrs, ad, err := r.dns.query(ctx, r.addr.Domain, dns.TypeMX)
	if errors.Is(err, errNoName) {
		return answer{detail: "no MX records for " + r.addr.Domain}
	}
	if err != nil {
		return answer{err: fmt.Errorf("MX lookup: %w", err)}
	}
	var mxs []*dns.MX
	for _, rr := range rrs {
		if mx, ok := rr.(*dns.MX); ok && mx.Mx != "." && mx.Mx != "" {
			mxs = append(mxs, mx)
		}
	}
	if len(mxs) == 0 {
		return answer{detail: r.addr.Domain + " accepts no mail (null MX)"}
	}
	sort.SliceStable(mxs, func(i, j int) bool { return mxs[i].Preference < mxs[j].Preference })
	host := strings.ToLower(strings.TrimSuffix(mxs[0].Mx, "."))
	reg := registrable(host)
	dnssec := "not validated by DNSSEC"
	if ad {
		dnssec = "validated by DNSSEC"
	}
	detail := fmt.Sprintf("MX %s (registrable domain %s, %s)", host, reg, dnssec)
	if reg == registrable(r.addr.Domain) {
		return answer{detail: detail + ": the domain handles its own mail"}
	}
	finish := func(cfg *profiles.Config, how string) answer {
		cfg.Source = profiles.SourceMX
		cfg.TrustDomain = reg
		if !ad || cfg.Trust == profiles.TrustConfirm {
			cfg.Trust = profiles.TrustConfirm
		}
		cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("inferred from MX: mail for %s is handled by %s (%s), so these are %s's settings; the DNS answer was %s",
			r.addr.Domain, host, reg, cfg.Provider.Name, dnssec))
		return answer{cfg: cfg, detail: detail + " → " + how, url: host}
	}
	if p, ok := r.kb.LookupMX(host); ok { // the host, so "mail.gm0.yahoodns.net" (AOL) wins over "yahoodns.net" (Yahoo)
		return finish(p.ConfigFor(r.addr, profiles.SourceMX), "built-in provider "+p.ID)
	}
	// Thunderbird's order: the MX host's parent domain, then the registrable one.
	var tries []string
	if i := strings.IndexByte(host, '.'); i > 0 && host[i+1:] != reg {
		tries = append(tries, host[i+1:])
	}
	tries = append(tries, reg)
	var lastErr error
	for _, dom := range tries {
		cfg, d, _, err := r.ispdbLookup(ctx, dom)
		detail += "; ISPDB " + d
		if cfg != nil {
			return finish(cfg, "ISPDB "+dom)
		}
		if err != nil {
			lastErr = err
		}
	}
	return answer{detail: detail, err: lastErr}
}
