package discover

// The autoconfig source (the domain's own config-v1.1.xml) and the ISPDB.

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"mailsetup/profiles"
)

// autoconfig asks the domain itself over HTTPS (both URLs, with the address)
// and, unless HTTPSOnly, over plain HTTP without the address as a last resort.
func (r *run) autoconfig(ctx context.Context) answer {
	d := r.addr.Domain
	q := "?emailaddress=" + url.QueryEscape(r.addr.String())
	urls := []string{
		"https://autoconfig." + d + "/mail/config-v1.1.xml" + q,
		"https://" + d + "/.well-known/autoconfig/mail/config-v1.1.xml" + q,
	}
	if !r.opts.HTTPSOnly {
		// Never the address over plain HTTP.
		urls = append(urls, "http://autoconfig."+d+"/mail/config-v1.1.xml")
	}
	list := r.parallelFetch(ctx, urls, r.get, r.parseAutoconfig)
	detail := summary(list)
	for _, a := range list {
		if a.cfg == nil {
			continue
		}
		cfg := a.cfg
		cfg.Source = profiles.SourceAutoconfig
		cfg.TrustDomain = registrable(d)
		if a.f.final.Scheme != "https" {
			cfg.Trust = profiles.TrustConfirm
			cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("these settings were fetched over unencrypted HTTP from %s and could have been changed on the way; check them before use", a.f.final.Host))
		}
		if a.f.crossDomain {
			cfg.Trust = profiles.TrustConfirm
			cfg.TrustDomain = registrable(a.f.final.Hostname())
			cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("the autoconfig of %s redirected to another domain, %s; check that you trust it", d, cfg.TrustDomain))
		}
		return answer{cfg: cfg, detail: detail, url: strings.SplitN(a.url, "?", 2)[0]}
	}
	return answer{detail: detail, err: firstErr(list)}
}

// fromISPDB asks the ISP database for the address's domain.
func (r *run) fromISPDB(ctx context.Context) answer {
	cfg, detail, u, err := r.ispdbLookup(ctx, r.addr.Domain)
	if cfg != nil {
		cfg.Source = profiles.SourceISPDB
	}
	return answer{cfg: cfg, detail: detail, url: u, err: err}
}

// ispdbLookup fetches base+domain and parses it for the address. A nil
// Config and nil error mean the database does not know the domain.
func (r *run) ispdbLookup(ctx context.Context, domain string) (*profiles.Config, string, string, error) {
	u := r.ispdb + domain
	f, err := r.get(ctx, u)
	if err != nil {
		var he *httpError
		if errors.As(err, &he) && (he.status == 404 || he.status == 410) {
			return nil, u + ": not in the database", u, nil
		}
		return nil, u + ": " + err.Error(), u, err
	}
	cfg, err := r.parseAutoconfig(f)
	if err != nil {
		return nil, u + ": " + err.Error(), u, err
	}
	cfg.TrustDomain = registrable(f.final.Hostname())
	if f.final.Scheme != "https" {
		cfg.Trust = profiles.TrustConfirm
		cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("these settings were fetched over unencrypted HTTP from %s and could have been changed on the way", f.final.Host))
	}
	if f.crossDomain {
		cfg.Trust = profiles.TrustConfirm
		cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("the ISP database redirected to another domain, %s", registrable(f.final.Hostname())))
	}
	return cfg, u + ": found " + cfg.Provider.Name, u, nil
}
