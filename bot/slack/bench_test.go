package slack

import (
	"flag"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/internal/storetest"
)

var (
	benchRate        = flag.Int("rate", 1000, "events a second BenchmarkHTTPLoad sends (0: as fast as acks come)")
	benchConcurrency = flag.Int("concurrency", 32, "requests BenchmarkHTTPLoad has in flight at most")
	benchWorkers     = flag.Int("workers", 16, "the transport's workers in BenchmarkHTTPLoad")
	benchIdle        = flag.Int("idle", 0, "if set, the database pool's idle connections in BenchmarkHTTPLoad (database/sql keeps 2)")
)

// BenchmarkHTTPLoad sends correctly signed message.im events to the HTTP
// Events API at -rate events a second from -concurrency senders, and reports
// acks a second, the ack latency (p50, p99), refusals for a full queue, and
// full round trips (event in → reply posted to the fake Web API) a second.
// Slack's rate limits are lifted for it, to measure the bot rather than the
// limits (with them, replies are paced to chat.postMessage's budget).
//
//	go test ./bot/slack -run '^$' -bench HTTPLoad -benchtime 5000x
func BenchmarkHTTPLoad(b *testing.B) {
	for _, backend := range storetest.Backends {
		b.Run(backend.Name, func(b *testing.B) { benchLoad(b, backend.DSN(b)) })
	}
}

func benchLoad(b *testing.B, dsn string) {
	fs := newFakeSlack(b)
	const users = 64
	for i := range users {
		fs.addUser(fmt.Sprintf("U%04d", i), fmt.Sprintf("user%d@example.org", i), fmt.Sprintf("User %d", i), "Europe/Copenhagen")
	}
	bt := startBot(b, fs, botOptions{dsn: dsn, workers: *benchWorkers})
	bt.tr.throttle.budgets, bt.tr.throttle.perChannel = map[string]budget{}, budget{burst: 1} // as Options.Unpaced
	if *benchIdle > 0 {
		db, err := bt.store.DB().DB()
		if err != nil {
			b.Fatal(err)
		}
		db.SetMaxIdleConns(*benchIdle)
	}

	var posted atomic.Int64
	allPosted, stop := make(chan struct{}), make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-fs.posts:
				if posted.Add(1) == int64(b.N) {
					close(allPosted)
				}
			case <-stop:
				return
			}
		}
	}()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *benchConcurrency}}
	now := clock.System{}.Now
	latencies := make([]time.Duration, b.N)
	var busy atomic.Int64
	work := make(chan int, *benchConcurrency)
	var wg sync.WaitGroup
	for range *benchConcurrency {
		wg.Go(func() {
			for i := range work {
				user := fmt.Sprintf("U%04d", i%users)
				body := dm(fmt.Sprintf("EvBench%d", i), user, "network")
				req, _ := http.NewRequest(http.MethodPost, bt.url+PathEvents, strings.NewReader(body))
				ts, sig := signature(secret, now(), body)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Slack-Request-Timestamp", ts)
				req.Header.Set("X-Slack-Signature", sig)
				start := now()
				resp, err := client.Do(req)
				latencies[i] = now().Sub(start)
				if err != nil {
					b.Error(err)
					continue
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusServiceUnavailable {
					busy.Add(1)
				} else if resp.StatusCode != http.StatusOK {
					b.Errorf("ack %s", resp.Status)
				}
			}
		})
	}

	b.ResetTimer()
	start := now()
	for i := range b.N {
		if *benchRate > 0 { // event i is due at start + i/rate; catch up if late
			due := start.Add(time.Duration(i) * time.Second / time.Duration(*benchRate))
			if d := due.Sub(now()); d > 0 {
				time.Sleep(d)
			}
		}
		work <- i
	}
	close(work)
	wg.Wait()
	client.CloseIdleConnections()
	acked := now().Sub(start)
	if busy.Load() == 0 {
		select {
		case <-allPosted:
		case <-time.After(2 * time.Minute):
			b.Fatalf("only %d of %d replies posted", posted.Load(), b.N)
		}
	}
	roundTrips := now().Sub(start)
	b.StopTimer()
	bt.stop() // while replies are still being taken

	slices.Sort(latencies)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(float64(b.N)/acked.Seconds(), "acks/s")
	b.ReportMetric(ms(latencies[b.N/2]), "p50-ack-ms")
	b.ReportMetric(ms(latencies[b.N*99/100]), "p99-ack-ms")
	b.ReportMetric(float64(busy.Load()), "busy-503s")
	if busy.Load() == 0 {
		b.ReportMetric(float64(b.N)/roundTrips.Seconds(), "roundtrips/s")
	}
	b.ReportMetric(0, "ns/op")
}
