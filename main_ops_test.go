package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/storetest"
	"focalbot/internal/syncbuf"
	"focalbot/metrics"
)

// TestCommandLineIsQuiet: import, export and version print their answers,
// not the migrations' INFO lines, unless FOCALBOT_LOG_LEVEL asks for them.
func TestCommandLineIsQuiet(t *testing.T) {
	env(t, filepath.Join(t.TempDir(), "f.db"))
	for _, args := range [][]string{{"import", "examples/r2p-2012.csv"}, {"export"}, {"version"}} {
		if _, errs, err := focalbot(t, "", args...); err != nil || errs != "" {
			t.Errorf("%v: err = %v, stderr:\n%s", args, err, errs)
		}
	}
	env(t, filepath.Join(t.TempDir(), "f.db"))
	setenv(t, "FOCALBOT_LOG_LEVEL", "info")
	if _, errs, err := focalbot(t, "", "export"); err != nil || !strings.Contains(errs, "applying database migration") {
		t.Errorf("FOCALBOT_LOG_LEVEL=info: err = %v, stderr:\n%s", err, errs)
	}
}

// get fetches a URL and returns its status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestHealthAndMetricsInTheConsole: with FOCALBOT_HTTP_ADDR set, the
// console serves /healthz, /readyz and /metrics; after the four invitations are sent
// and the scheduler has ticked, the metrics show them.
func TestHealthAndMetricsInTheConsole(t *testing.T) {
	forEachBackend(t, func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		setenv(t, "FOCALBOT_HTTP_ADDR", addr)
		mustRun(t, "", "import", "examples/r2p-2012.csv")

		in, w := io.Pipe()
		out := &syncbuf.Buffer{}
		done := make(chan error, 1)
		go func() {
			done <- runIn(t, context.Background(), []string{"--as", "ruth.adler@globalcentre.example.org"}, in, out, io.Discard)
		}()
		fmt.Fprintln(w, `meeting create title="Second Meeting" start="2030-09-29 10:00" end=17:00 venue="New York"`)
		fmt.Fprintln(w, "invite 1 Ghana, Denmark")
		base := "http://" + addr
		var metricsText string
		sent := regexp.MustCompile(`focalbot_delivery_sends_total\{channel="email"\} (\d+)`)
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if res, err := http.Get(base + "/metrics"); err == nil {
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				metricsText = string(b)
				// Counted when sent, in the outbox once recorded.
				if m := sent.FindStringSubmatch(metricsText); m != nil && m[1] == "4" &&
					strings.Contains(metricsText, `focalbot_outbox_messages{channel="email",status="sent"} 4`) {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("the metrics never showed the four invitations sent:\n%s\nconsole:\n%s", metricsText, out.String())
			}
		}
		for _, want := range []string{
			`focalbot_outbox_messages{channel="email",status="sent"} 4`,
			`focalbot_outbox_oldest_due_seconds{channel="email"} 0`,
			`focalbot_delivery_latency_seconds_count{channel="email"} 4`,
			`focalbot_scheduler_tick_duration_seconds_count `,
			`focalbot_scheduler_last_tick_timestamp_seconds `,
			`focalbot_scheduler_tick_lag_seconds `,
			`focalbot_delivery_failures_total{channel="email",reason="temporary"} 0`,
			`focalbot_outbox_scrape_ok 1`,
		} {
			if !strings.Contains(metricsText, want) {
				t.Errorf("/metrics lacks %q", want)
			}
		}
		if code, body := get(t, base+"/healthz"); code != 200 {
			t.Errorf("/healthz: %d %s", code, body)
		}
		if code, body := get(t, base+"/readyz"); code != 200 {
			t.Errorf("/readyz: %d %s", code, body)
		}
		w.Close()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// TestReadyzFailsWithoutTheDatabase: /readyz answers 503, saying why, once
// the database is gone; /healthz still answers, and /metrics says it could
// not count the outbox.
func TestReadyzFailsWithoutTheDatabase(t *testing.T) {
	for _, b := range storetest.Backends {
		t.Run(b.Name, func(t *testing.T) {
			s := storetest.Open(t, b.DSN(t), clock.Fixed(time.Date(2012, 8, 1, 13, 0, 0, 0, time.UTC)))
			a := &app{store: s, clock: clock.System{}, log: slog.New(slog.DiscardHandler)}
			srv := httptest.NewServer(a.site(delivery.Organiser{}, metrics.New(s, nil), s.Ready))
			defer srv.Close()
			if code, body := get(t, srv.URL+"/readyz"); code != 200 {
				t.Fatalf("/readyz with the database: %d %s", code, body)
			}
			s.Close()
			if code, body := get(t, srv.URL+"/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "database") {
				t.Errorf("/readyz without the database: %d %s", code, body)
			}
			if code, _ := get(t, srv.URL+"/healthz"); code != 200 {
				t.Errorf("/healthz without the database: %d", code)
			}
			if _, body := get(t, srv.URL+"/metrics"); !strings.Contains(body, "focalbot_outbox_scrape_ok 0") {
				t.Errorf("/metrics without the database does not say so")
			}
		})
	}
}
