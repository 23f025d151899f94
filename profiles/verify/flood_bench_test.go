package verify

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"mailsetup/profiles"
	"mailsetup/profiles/mailtest"
)

// BenchmarkFloodPeakHeap measures the peak heap of one VerifyServer
// against a flooding server as the flood grows (4 MiB to 256 MiB, all above the 1 MiB budget): the
// figure must stay flat, since the client stops reading at its byte budget
// (mailwire.DefaultMaxBytes) whatever the server has left to send. The
// metric peak-heap-B is the highest HeapAlloc seen above the level before
// the run, sampled every millisecond.
func BenchmarkFloodPeakHeap(b *testing.B) {
	for _, kind := range []mailtest.FloodKind{mailtest.SMTPEndlessEHLO, mailtest.IMAPEndlessLine, mailtest.IMAPHugeLiteral, mailtest.SMTPEndlessAuth} {
		for _, size := range []int64{4 << 20, 16 << 20, 64 << 20, 256 << 20} {
			b.Run(fmt.Sprintf("%s/%dMiB", kind, size>>20), func(b *testing.B) {
				fl := mailtest.ServeFlood(b, nil, kind, size)
				s := srv(profiles.Protocol(kind.Protocol()), "127.0.0.1", fl.Port, profiles.SecurityNone)
				cfg := oneServer("ivan@example.org", s)
				o := quickOpts(nil, "secret")
				o.StepTimeout = 10 * time.Second
				var worst uint64
				for i := 0; i < b.N; i++ {
					runtime.GC()
					var ms runtime.MemStats
					runtime.ReadMemStats(&ms)
					base := ms.HeapAlloc
					var peak atomic.Uint64
					stop := make(chan struct{})
					done := make(chan struct{})
					go func() {
						defer close(done)
						t := time.NewTicker(time.Millisecond)
						defer t.Stop()
						for {
							var m runtime.MemStats
							runtime.ReadMemStats(&m)
							if m.HeapAlloc > base && m.HeapAlloc-base > peak.Load() {
								peak.Store(m.HeapAlloc - base)
							}
							select {
							case <-stop:
								return
							case <-t.C:
							}
						}
					}()
					chk, err := VerifyServer(context.Background(), cfg, s, o)
					close(stop)
					<-done
					if err != nil || chk.OK || chk.Diagnosis == nil || chk.Diagnosis.Code != "reply-too-large" {
						b.Fatalf("got %v %+v", err, chk.Diagnosis)
					}
					worst = max(worst, peak.Load())
				}
				b.ReportMetric(float64(worst), "peak-heap-B")
			})
		}
	}
}
