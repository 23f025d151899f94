package audit

import (
	"context"
	"testing"
	"time"
)

// BenchmarkCheckSlowDomain checks a domain where every DNS, web and mail
// answer takes 250 ms (each line a server sends waits that long) and the
// Autodiscover answer names one firewalled host whose connect never
// completes, with the default deadlines (15 s overall, 5 s per connect).
// It reports the wall time per check and, as "sequential-s", what the same
// questions and probes add up to one after another.
//
//	go test -run '^$' -bench BenchmarkCheckSlowDomain -benchtime 3x ./audit/
func BenchmarkCheckSlowDomain(b *testing.B) {
	e := newEnv(b)
	e.delay = 250 * time.Millisecond
	e.dns.SetDelay(250 * time.Millisecond)
	e.good()
	e.serve("example.test:443", "/autodiscover/autodiscover.xml", poxXML("old.example.test", 993, "mail.example.test", 465))
	e.nw.blackhole("old.example.test:993")
	o := e.opts()
	o.Timeout, o.ProbeTimeout = DefaultTimeout, DefaultProbeTimeout
	var sequential time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := Check(context.Background(), testDomain, o)
		if err != nil {
			b.Fatal(err)
		}
		if _, ok := codes(rep)[CodeServerUnreachable]; !ok {
			b.Fatal("the firewalled host was not reported")
		}
		for _, s := range rep.Sources {
			sequential += time.Duration(s.ElapsedMS) * time.Millisecond
		}
		for _, s := range rep.Servers {
			sequential += time.Duration(s.ElapsedMS) * time.Millisecond
		}
	}
	b.ReportMetric(sequential.Seconds()/float64(b.N), "sequential-s")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "wall-s")
}
