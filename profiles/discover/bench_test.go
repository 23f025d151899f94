package discover

import (
	"context"
	"net/http"
	"testing"
	"time"

	"mailsetup/profiles"
)

// BenchmarkDiscoverLatency runs every source at once against real local
// servers with simulated latency: built-in 0, MX (and SRV) 200 ms, ISPDB
// 300 ms, autoconfig 800 ms, Autodiscover 1 s, guess 5 s. The time to an
// answer must follow the source that decides it, not the sum.
//
//	go test -run '^$' -bench DiscoverLatency -benchtime 3x ./profiles/discover/
func BenchmarkDiscoverLatency(b *testing.B) {
	const (
		mxDelay     = 200 * time.Millisecond
		ispdbDelay  = 300 * time.Millisecond
		acDelay     = 800 * time.Millisecond
		adDelay     = time.Second
		guessDelay  = 5 * time.Second
		allHangTime = 2 * time.Second
	)
	cases := []struct {
		name       string
		addr       string
		autoconfig bool // the domain's autoconfig answers (after acDelay)
		noAC       bool // the autoconfig host does not exist (fails at once)
		ispdb      bool // the ISPDB knows the domain (after ispdbDelay)
		mx         bool // MX points to a known provider (after mxDelay)
		hangAll    bool
		want       profiles.Source
	}{
		{name: "builtin-decides", addr: "ivan@yandex.ru", autoconfig: true, ispdb: true, mx: true, want: profiles.SourceBuiltin},
		{name: "autoconfig-decides-800ms", addr: "ivan@example.test", autoconfig: true, ispdb: true, mx: true, want: profiles.SourceAutoconfig},
		{name: "ispdb-decides-300ms", addr: "ivan@example.test", noAC: true, ispdb: true, mx: true, want: profiles.SourceISPDB},
		{name: "mx-decides-after-ispdb-miss-300ms", addr: "ivan@example.test", noAC: true, mx: true, want: profiles.SourceMX},
		{name: "everything-hangs-2s-deadline", addr: "ivan@example.test", hangAll: true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			w := newWorld(b)
			w.dns.setDelay(mxDelay)
			if c.mx {
				w.dns.add("example.test. 300 IN MX 10 mx.yandex.net.")
			}
			ac := delayed(acDelay, "")
			if c.autoconfig {
				ac = delayed(acDelay, autoconfigXML("imap.example.test", 993, "SSL", "smtp.example.test"))
			}
			isp := delayed(ispdbDelay, "")
			if c.ispdb {
				isp = delayed(ispdbDelay, autoconfigXML("imap.isp.test", 993, "SSL", "smtp.isp.test"))
			}
			var adH http.Handler = delayed(adDelay, "")
			if c.hangAll {
				ac, isp, adH = hang, hang, hang
				w.dns.setDelay(3 * time.Second)
			}
			if !c.noAC {
				httpsServer(b, w.ca, w.nw, ac, "autoconfig.example.test", "example.test")
				httpServer(b, w.nw, ac, "autoconfig.example.test")
			}
			httpsServer(b, w.ca, w.nw, isp, "ispdb.test")
			httpsServer(b, w.ca, w.nw, adH, "autodiscover.example.test")
			hangGuess(w, "example.test")
			o := w.opts()
			o.ProbeTimeout = guessDelay
			if c.hangAll {
				o.Timeout = allHangTime
			}
			addr := mustAddr(b, c.addr)
			b.ResetTimer()
			var total time.Duration
			for i := 0; i < b.N; i++ {
				start := time.Now()
				res, err := Discover(context.Background(), addr, o)
				total += time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				var got profiles.Source
				if res.Config != nil {
					got = res.Config.Source
				}
				if got != c.want {
					b.Fatalf("answer from %q, want %q: %+v", got, c.want, res.Trace)
				}
			}
			b.ReportMetric(total.Seconds()*1000/float64(b.N), "ms/answer")
		})
	}
}
