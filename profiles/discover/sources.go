package discover

// Helpers shared by the HTTP sources (autoconfig, ISPDB, Autodiscover).

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"sync"

	"mailsetup/profiles"
	"mailsetup/profiles/autoconfig"
)

// attempt is one URL a source fetched.
type attempt struct {
	url string
	cfg *profiles.Config
	f   *fetched
	err error
}

// parallelFetch fetches every URL at once and parses each answer with parse.
func (r *run) parallelFetch(ctx context.Context, urls []string, fetch func(context.Context, string) (*fetched, error), parse func(*fetched) (*profiles.Config, error)) []attempt {
	out := make([]attempt, len(urls))
	var wg sync.WaitGroup
	for i, u := range urls {
		wg.Add(1)
		go func(i int, u string) {
			defer wg.Done()
			a := attempt{url: u}
			a.f, a.err = fetch(ctx, u)
			if a.err == nil {
				a.cfg, a.err = parse(a.f)
			}
			out[i] = a
		}(i, u)
	}
	wg.Wait()
	return out
}

func (r *run) get(ctx context.Context, u string) (*fetched, error) {
	return r.fetch(ctx, "GET", u, nil, "")
}

func (r *run) parseAutoconfig(f *fetched) (*profiles.Config, error) {
	return autoconfig.Parse(bytes.NewReader(f.body), r.addr)
}

// summary lists each attempt's URL (without the query, which holds the
// address) and result for the trace.
func summary(list []attempt) string {
	var parts []string
	for _, a := range list {
		u := a.url
		if i := strings.IndexByte(u, '?'); i >= 0 {
			u = u[:i]
		}
		switch {
		case a.cfg != nil:
			parts = append(parts, u+": found")
		case a.err != nil:
			parts = append(parts, u+": "+a.err.Error())
		}
	}
	return strings.Join(parts, "; ")
}

func firstErr(list []attempt) error {
	for _, a := range list {
		if a.err != nil && (errors.Is(a.err, context.DeadlineExceeded) || errors.Is(a.err, context.Canceled)) {
			return a.err
		}
	}
	for _, a := range list {
		if a.err != nil {
			var he *httpError
			if errors.As(a.err, &he) && (he.status == 404 || he.status == 410) {
				continue
			}
			var de *net.DNSError
			if errors.As(a.err, &de) && de.IsNotFound {
				continue
			}
			return a.err
		}
	}
	return nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
