package discover

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"mailsetup/profiles"
)

// hang is a handler that answers only when the client gives up. It reads
// the body first: only then does net/http notice a closed connection.
var hang = http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	<-r.Context().Done()
})

func delayed(d time.Duration, body string) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
		if body == "" {
			http.NotFound(rw, r)
			return
		}
		io.WriteString(rw, body)
	}
}

// hangGuess makes every guess probe hang until its connect timeout.
func hangGuess(w *world, domain string) {
	for _, h := range guessHosts(domain) {
		w.nw.host(h.host)
	}
	for _, p := range StandardGuessPorts {
		w.nw.block(":" + itoa(p.Port))
	}
}

func TestBetterSourceIsAwaitedAndDifferencesKept(t *testing.T) {
	w := newWorld(t)
	httpsServer(t, w.ca, w.nw, delayed(300*time.Millisecond, autoconfigXML("imap.example.test", 143, "STARTTLS", "smtp.example.test")), "autoconfig.example.test")
	httpsServer(t, w.ca, w.nw, ispdbHandler(map[string]string{"example.test": autoconfigXML("imap.example.test", 993, "SSL", "smtp.example.test")}), "ispdb.test")
	hangGuess(w, "example.test")
	o := w.opts()
	o.HTTPSOnly = true
	o.ProbeTimeout = 5 * time.Second
	start := time.Now()
	res := detect(t, w, "ivan@example.test", o)
	el := time.Since(start)
	cfg := res.Config
	if cfg == nil || cfg.Source != profiles.SourceAutoconfig {
		t.Fatalf("config %+v trace %+v", cfg, res.Trace)
	}
	if el > 2*time.Second {
		t.Fatalf("waited %s for a lower source", el)
	}
	if len(res.Candidates) != 1 || res.Candidates[0].Source != profiles.SourceISPDB {
		t.Fatalf("candidates %+v", res.Candidates)
	}
	want := "incoming: autoconfig says IMAP imap.example.test:143 STARTTLS as ivan@example.test; ispdb says IMAP imap.example.test:993 TLS"
	if len(cfg.Differences) == 0 || !strings.HasPrefix(cfg.Differences[0], want) {
		t.Fatalf("differences %q", cfg.Differences)
	}
	if e := traceOf(res, profiles.SourceGuess); e.Outcome != profiles.OutcomeCancelled {
		t.Fatalf("guess %+v", e)
	}
	if len(cfg.Trace) != len(profiles.AllSources) {
		t.Fatalf("config trace %+v", cfg.Trace)
	}
}

func TestLowerSourceAnswersWhenBetterFail(t *testing.T) {
	w := newWorld(t)
	httpsServer(t, w.ca, w.nw, http.NotFoundHandler(), "autoconfig.example.test", "example.test")
	httpsServer(t, w.ca, w.nw, ispdbHandler(map[string]string{"example.test": autoconfigXML("imap.example.test", 993, "SSL", "smtp.example.test")}), "ispdb.test")
	hangGuess(w, "example.test")
	o := w.opts()
	o.HTTPSOnly = true
	o.ProbeTimeout = 5 * time.Second
	start := time.Now()
	res := detect(t, w, "ivan@example.test", o)
	if res.Config == nil || res.Config.Source != profiles.SourceISPDB {
		t.Fatalf("config %+v trace %+v", res.Config, res.Trace)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("a slow guess held back the answer: %s", el)
	}
}

func TestEverythingHangs(t *testing.T) {
	w := newWorld(t)
	w.dns.setDelay(1500 * time.Millisecond)
	httpsServer(t, w.ca, w.nw, hang, "autoconfig.example.test", "example.test", "ispdb.test", "autodiscover.example.test")
	httpServer(t, w.nw, hang, "autoconfig.example.test")
	hangGuess(w, "example.test")
	o := w.opts()
	o.Timeout = time.Second
	o.ProbeTimeout = 5 * time.Second
	start := time.Now()
	res, err := Discover(context.Background(), mustAddr(t, "ivan@example.test"), o)
	el := time.Since(start)
	if err != nil || res.Config != nil {
		t.Fatalf("res %+v err %v", res, err)
	}
	if el < 900*time.Millisecond || el > 2500*time.Millisecond {
		t.Fatalf("returned after %s, want about the 1s deadline", el)
	}
	if len(res.Trace) != len(profiles.AllSources) {
		t.Fatalf("trace %+v", res.Trace)
	}
	for _, e := range res.Trace[1:] {
		if e.Outcome != profiles.OutcomeTimeout {
			t.Errorf("%s: %s (%s), want timeout", e.Source, e.Outcome, e.Detail)
		}
	}
}

func TestCancelledContext(t *testing.T) {
	w := newWorld(t)
	hangGuess(w, "example.test")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	o := w.opts(profiles.SourceGuess)
	o.ProbeTimeout = 5 * time.Second
	res, err := Discover(ctx, mustAddr(t, "ivan@example.test"), o)
	if err == nil || res == nil || res.Trace[0].Outcome == profiles.OutcomeFound {
		t.Fatalf("res %+v err %v", res, err)
	}
}

func TestProgress(t *testing.T) {
	w := newWorld(t)
	for _, tt := range []struct{ addr, want string }{
		// A built-in answer means no network source is even started.
		{"ivan@yandex.ru", "builtin:started builtin:found srv:skipped"},
		{"ivan@unknown.test", "builtin:started builtin:nothing srv:started srv:nothing"},
	} {
		var got []string
		o := w.opts(profiles.SourceBuiltin, profiles.SourceSRV)
		o.Progress = func(e profiles.TraceEntry) { got = append(got, string(e.Source)+":"+string(e.Outcome)) }
		detect(t, w, tt.addr, o)
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%s: progress %v, want %s", tt.addr, got, tt.want)
		}
	}
}

// A stale domain autoconfig still wins by rank, but the MX answer is kept
// and the difference is said, not silently shadowed.
func TestStaleAutoconfigDoesNotHideMX(t *testing.T) {
	w := newWorld(t)
	w.dns.add("corp.test. 300 IN MX 10 mx.yandex.net.")
	httpsServer(t, w.ca, w.nw, delayed(200*time.Millisecond, autoconfigXML("imap.old-hoster.test", 143, "STARTTLS", "smtp.old-hoster.test")), "autoconfig.corp.test")
	o := w.opts(profiles.SourceAutoconfig, profiles.SourceMX)
	o.HTTPSOnly = true
	res := detect(t, w, "boss@corp.test", o)
	if res.Config == nil || res.Config.Source != profiles.SourceAutoconfig {
		t.Fatalf("config %+v trace %+v", res.Config, res.Trace)
	}
	if len(res.Candidates) != 1 || res.Candidates[0].Provider.ID != "yandex" {
		t.Fatalf("candidates %+v", res.Candidates)
	}
	d := strings.Join(res.Config.Differences, "\n")
	if !strings.Contains(d, "autoconfig says IMAP imap.old-hoster.test:143 STARTTLS") || !strings.Contains(d, "mx says IMAP imap.yandex.") {
		t.Fatalf("differences %q", d)
	}
}
