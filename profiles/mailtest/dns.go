package mailtest

import (
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// DNS is a real DNS server on loopback (UDP) answering from a table of
// records, for the discovery and domain-check tests. It sets the AD bit
// when SetAD(true) and the question asked for it, as a validating resolver
// would; a name it has no record for gets NXDOMAIN.
type DNS struct {
	// Addr is its HOST:PORT.
	Addr string

	mu    sync.Mutex
	rrs   map[string][]dns.RR // key: lower-case fqdn + "/" + type
	ad    bool
	delay time.Duration
}

// NewDNS starts a DNS server that stops with the test.
func NewDNS(t testing.TB) *DNS {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ds := &DNS{Addr: pc.LocalAddr().String(), rrs: map[string][]dns.RR{}}
	srv := &dns.Server{PacketConn: pc, Handler: ds}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	go func() { _ = srv.ActivateAndServe() }()
	<-started
	t.Cleanup(func() { _ = srv.Shutdown() })
	return ds
}

// Add adds records in zone-file syntax ("example.test. 300 IN MX 10 mx.example.test.").
func (ds *DNS) Add(records ...string) {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	for _, s := range records {
		rr, err := dns.NewRR(s)
		if err != nil {
			panic(err)
		}
		k := strings.ToLower(rr.Header().Name) + "/" + dns.TypeToString[rr.Header().Rrtype]
		ds.rrs[k] = append(ds.rrs[k], rr)
	}
}

// SetAD sets whether answers claim DNSSEC validation (the AD bit).
func (ds *DNS) SetAD(ad bool) {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	ds.ad = ad
}

// SetDelay makes every answer wait d (a slow resolver).
func (ds *DNS) SetDelay(d time.Duration) {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	ds.delay = d
}

// ServeDNS answers from the table.
func (ds *DNS) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	ds.mu.Lock()
	q := req.Question[0]
	k := strings.ToLower(q.Name) + "/" + dns.TypeToString[q.Qtype]
	rrs, ad, delay := ds.rrs[k], ds.ad, ds.delay
	ds.mu.Unlock()
	time.Sleep(delay)
	m := new(dns.Msg)
	m.SetReply(req)
	m.AuthenticatedData = ad && req.AuthenticatedData
	m.Answer = rrs
	if len(rrs) == 0 {
		m.Rcode = dns.RcodeNameError
	}
	_ = w.WriteMsg(m)
}
