package metrics_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"focalbot/metrics"
	"focalbot/model"
)

// scrape serves m's metrics over HTTP and returns what a scrape reads.
func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// outbox is a fixed outbox to count.
type outbox struct{ due time.Time }

func (o outbox) OutboxDepth(context.Context) ([]model.OutboxDepth, error) {
	return []model.OutboxDepth{{Channel: model.ChannelEmail, Status: model.OutboxPending, N: 3}, {Channel: model.ChannelSlack, Status: model.OutboxFailed, N: 1}}, nil
}

func (o outbox) OldestDue(context.Context, time.Time) (map[model.Channel]time.Time, error) {
	return map[model.Channel]time.Time{model.ChannelEmail: o.due}, nil
}

// TestSeries: each hook shows up in a scrape as the README describes it.
func TestSeries(t *testing.T) {
	now := time.Date(2012, 8, 1, 13, 0, 0, 0, time.UTC)
	m := metrics.New(outbox{due: now.Add(-90 * time.Second)}, func() time.Time { return now })

	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/conversations.open") {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		io.WriteString(w, `{"ok":true}`)
	}))
	defer slack.Close()
	client := &http.Client{Transport: m.SlackTransport(nil)}
	for _, method := range []string{"chat.postMessage", "chat.postMessage", "conversations.open"} {
		res, err := client.Post(slack.URL+"/api/"+method, "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	m.Sent(model.ChannelSlack, 2*time.Second)
	m.Failed(model.ChannelEmail, "temporary")
	m.Tick(now, 30*time.Millisecond)
	m.Tick(now.Add(70*time.Second), 10*time.Millisecond)
	m.Acked("socket", 2*time.Millisecond)
	m.MailIn("accepted")

	got := scrape(t, m)
	for _, want := range []string{
		`focalbot_outbox_messages{channel="email",status="pending"} 3`,
		`focalbot_outbox_messages{channel="slack",status="failed"} 1`,
		`focalbot_outbox_oldest_due_seconds{channel="email"} 90`,
		`focalbot_outbox_oldest_due_seconds{channel="slack"} 0`,
		`focalbot_slack_api_calls_total{method="chat.postMessage",status="200"} 2`,
		`focalbot_slack_api_calls_total{method="conversations.open",status="429"} 1`,
		`focalbot_delivery_sends_total{channel="slack"} 1`,
		`focalbot_delivery_sends_total{channel="email"} 0`,
		`focalbot_delivery_latency_seconds_sum{channel="slack"} 2`,
		`focalbot_delivery_failures_total{channel="email",reason="temporary"} 1`,
		`focalbot_delivery_failures_total{channel="slack",reason="expired"} 0`,
		`focalbot_scheduler_tick_duration_seconds_count 2`,
		`focalbot_scheduler_tick_lag_seconds 10`,
		`focalbot_scheduler_last_tick_timestamp_seconds 1.34382607001e+09`,
		`focalbot_slack_events_acked_total{mode="socket"} 1`,
		`focalbot_slack_ack_seconds_count{mode="socket"} 1`,
		`focalbot_mail_incoming_total{outcome="accepted"} 1`,
		`go_goroutines `,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the scrape lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("scrape:\n%s", got)
	}
}
